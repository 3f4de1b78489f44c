"""NLM Catalog XML (efetch ``db=nlmcatalog``, ``NLMCatalogRecordSet``) -> Work (pure).

Books such as the WHO Classification of Tumours ("Blue Books") are catalogued here, not in
PubMed. A record becomes a CSL "book" item: title, authors/editors (by their ``Role``),
edition, publisher, place, year and the ISBN normalised to 13 digits.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from refkeeper.errors import ResponseError
from refkeeper.identifiers import normalize_isbn
from refkeeper.models import CSLItem, Work
from refkeeper.resolve.xmlsafe import flat_text, parse_xml, text_of, unsafe_characters

__all__ = ["parse_nlmcatalog_xml"]

_EDITOR_ROLE_RE = re.compile(r"\bed(?:itor)?s?\b\.?", re.I)
_YEAR_RE = re.compile(r"(?<!\d)(1[5-9]\d\d|2[0-2]\d\d)(?!\d)")
_TRAILING_PUNCT_RE = re.compile(r"[\s/:;,.]+$")


def _clean(text: str | None) -> str | None:
    """Catalogue (ISBD) punctuation off the end: 'Lyon :' -> 'Lyon'."""
    if not text:
        return None
    text = text.strip().strip("[]")
    cleaned = _TRAILING_PUNCT_RE.sub("", text)
    return cleaned or None


def _person(author: Any) -> dict[str, str] | None:
    collective = text_of(author, "CollectiveName")
    if collective:
        return {"literal": _clean(collective) or collective}
    family = text_of(author, "LastName")
    if not family:
        return None
    name = {"family": family}
    given = text_of(author, "ForeName") or text_of(author, "Initials")
    if given:
        name["given"] = given
    suffix = text_of(author, "Suffix")
    if suffix:
        name["suffix"] = suffix
    return name


def _edition(text: str | None) -> str | None:
    """'4th ed.' -> '4th'; other statements kept (without trailing punctuation)."""
    if not text:
        return None
    text = re.sub(r"\s*\bed(?:ition)?\.?\s*$", "", text.strip(), flags=re.I)
    return _clean(text)


def _record(record: Any) -> Work:
    nlm_id = text_of(record, "NlmUniqueID")
    if not nlm_id:
        raise ResponseError("NLM Catalog XML: record without NlmUniqueID")
    work_id = f"nlm:{nlm_id}"
    csl: CSLItem = {"id": work_id, "type": "book"}
    title = text_of(record, "TitleMain/Title")
    if title:
        csl["title"] = _clean(title)

    authors: list[dict[str, str]] = []
    editors: list[dict[str, str]] = []
    for author in record.iterfind("AuthorList/Author"):
        name = _person(author)
        if not name:
            continue
        roles = " ".join(flat_text(r) for r in author.iterfind("Role"))
        (editors if _EDITOR_ROLE_RE.search(roles) else authors).append(name)
    if authors:
        csl["author"] = authors
    if editors:
        csl["editor"] = editors

    info = record.find("PublicationInfo")
    if info is not None:
        imprints = info.findall("Imprint")
        imprints.sort(
            key=lambda i: (
                i.get("FunctionType") != "Publication",
                i.get("ImprintType") != "Current",
            )
        )
        for imprint in imprints:
            place = _clean(text_of(imprint, "Place"))
            entity = _clean(text_of(imprint, "Entity"))
            date = text_of(imprint, "DateIssued") or ""
            if place and "publisher-place" not in csl:
                csl["publisher-place"] = place
            if entity and "publisher" not in csl:
                csl["publisher"] = entity
            m = _YEAR_RE.search(date) or _YEAR_RE.search(text_of(imprint, "ImprintFull") or "")
            if m and "issued" not in csl:
                csl["issued"] = {"date-parts": [[int(m.group(1))]]}
        if "issued" not in csl:
            first = text_of(info, "PublicationFirstYear") or ""
            if first.isdigit():
                csl["issued"] = {"date-parts": [[int(first)]]}
        edition = _edition(text_of(info, "Edition"))
        if edition:
            csl["edition"] = edition

    isbn = None
    isbns = []
    for node in record.iterfind("ISBN"):
        if node.get("ValidYN", "Y") != "Y":
            continue
        value = normalize_isbn(re.split(r"\s|\(", (node.text or "").strip(), maxsplit=1)[0])
        if value and value not in isbns:
            isbns.append(value)
    if isbns:
        isbn = isbns[0]
        csl["ISBN"] = isbn
    language = record.find("Language[@LangType='Primary']")
    if language is not None and flat_text(language) == "eng":
        csl["language"] = "en"

    return Work(
        id=work_id,
        source="nlmcatalog",
        csl=csl,
        isbn=isbn,
        nlm_id=nlm_id,
        mesh=tuple(
            t
            for n in record.iterfind("MeshHeadingList/MeshHeading/DescriptorName")
            if (t := flat_text(n))
        ),
        publication_types=tuple(
            t for n in record.iterfind("PublicationTypeList/PublicationType") if (t := flat_text(n))
        ),
    )


def parse_nlmcatalog_xml(data: bytes) -> list[Work]:
    """An efetch ``NLMCatalogRecordSet`` -> Works (``source='nlmcatalog'``, id ``nlm:<id>``).

    Raises ResponseError for an HTML page, an ``<ERROR>`` answer or malformed/truncated XML.
    """
    root = parse_xml(data, what="NLM Catalog efetch answer", root="NLMCatalogRecordSet")
    works = []
    for record in root.iterfind("NLMCatalogRecord"):
        work = _record(record)
        removed = unsafe_characters(record)
        works.append(replace(work, removed_characters=removed) if removed else work)
    return works
