"""Works -> RIS (the tagged format of reference managers: EndNote, Zotero, Mendeley)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from refkeeper.bibfields import expand_pages
from refkeeper.errors import InputError
from refkeeper.export import _csl
from refkeeper.models import Work

_TYPES = {
    "article-journal": "JOUR",
    "article": "JOUR",
    "review": "JOUR",
    "article-magazine": "MGZN",
    "article-newspaper": "NEWS",
    "book": "BOOK",
    "chapter": "CHAP",
    "paper-conference": "CPAPER",
    "report": "RPRT",
    "thesis": "THES",
    "webpage": "ELEC",
    "dataset": "DATA",
    "software": "COMP",
    "post": "ELEC",
    "post-weblog": "BLOG",
}


def _line(tag: str, value: str) -> str:
    value = " ".join(value.split())  # RIS values are single lines
    return f"{tag}  - {value}"


def _name(name: dict[str, Any]) -> str:
    parts = _csl.name_parts(name)
    if parts is None:
        return ""
    family, given, suffix, literal = parts
    if literal:
        return literal
    return ", ".join(p for p in (family, given, suffix) if p)


def ris_record(work: Work, key: str, *, journal: str = "full") -> list[str]:
    """The lines of one RIS record (from ``TY`` to ``ER``)."""
    csl = work.csl
    ctype = str(csl.get("type") or "")
    lines = [_line("TY", _TYPES.get(ctype, "GEN")), _line("ID", key)]
    for name in _csl.names(csl, "author"):
        lines.append(_line("AU", _name(name)))
    for name in _csl.names(csl, "editor"):
        lines.append(_line("A2" if ctype == "chapter" else "ED", _name(name)))
    title = _csl.text(csl, "title")
    if title:
        lines.append(_line("TI", title))
    container = _csl.text(csl, "container-title")
    if ctype in ("article-journal", "article", "review", "article-magazine", "article-newspaper"):
        full = _csl.journal(work, "full")
        iso = _csl.journal(work, "iso")
        if full:
            lines.append(_line("T2", full if journal == "full" else iso))
        if iso:
            lines.append(_line("J2", iso))
    elif container:
        lines.append(_line("T2", container))
    date = _csl.issued(csl)
    if date.year is not None:
        lines.append(_line("PY", str(date.year)))
        month = f"{date.month:02d}" if date.month and date.month <= 12 else ""
        day = f"{date.day:02d}" if month and date.day else ""
        # RIS's fourth date part is free text: a MEDLINE date range ("2007 Mar-Apr") fits there
        other = work.medline_date or ""
        lines.append(_line("DA", f"{date.year}/{month}/{day}/{other}"))
    if date.literal:
        lines.append(_line("Y2", date.literal))
    for tag, var in (("VL", "volume"), ("IS", "issue"), ("ET", "edition")):
        value = _csl.text(csl, var)
        if value:
            lines.append(_line(tag, value))
    page = expand_pages(_csl.pages(csl))  # RIS's EP is the last page in full
    if page:
        first, sep, last = page.partition("-")
        lines.append(_line("SP", first if sep and "," not in page else page))
        if sep and "," not in page:
            lines.append(_line("EP", last))
    for tag, var in (("PB", "publisher"), ("CY", "publisher-place")):
        value = _csl.text(csl, var)
        if value:
            lines.append(_line(tag, value))
    isbn = _csl.text(csl, "ISBN") or (work.isbn or "")
    issn = _csl.text(csl, "ISSN")
    if isbn or issn:
        lines.append(_line("SN", isbn or issn))
    doi = _csl.text(csl, "DOI") or (work.doi or "")
    if doi:
        lines.append(_line("DO", doi))
    pmid = _csl.text(csl, "PMID") or (work.pmid or "")
    if pmid:
        lines.append(_line("AN", pmid))
        lines.append(_line("UR", f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"))
    pmcid = _csl.text(csl, "PMCID") or (work.pmcid or "")
    if pmcid:
        lines.append(_line("C2", pmcid))
    url = _csl.text(csl, "URL")
    if url:
        lines.append(_line("UR", url))
    lines.append("ER  - ")
    return lines


def to_ris(works: Sequence[Work], *, journal: str = "full") -> str:
    """RIS records for the works in citation order, separated by blank lines."""
    if journal not in ("full", "iso"):
        raise InputError(f"unknown journal style {journal!r}: choose from full, iso")
    keys = _csl.unique_keys(works)
    records = [
        "\n".join(ris_record(w, k, journal=journal)) for w, k in zip(works, keys, strict=True)
    ]
    return "\n\n".join(records) + ("\n" if records else "")
