"""PubMed XML (efetch ``PubmedArticleSet``) -> :class:`refkeeper.models.Work` (pure).

Also the small E-utilities answers the client needs: ESearch, EPost, ESummary and ECitMatch.
Nothing here touches the network; every function takes the raw bytes (or text) of an answer.

The article's own identifiers come from ``PubmedData/ArticleIdList`` and ``ELocationID`` only,
never from ``ReferenceList`` (the ids there belong to the works the article cites).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any, NamedTuple

from refkeeper.bibfields import MONTHS, expand_pages
from refkeeper.errors import ResponseError
from refkeeper.identifiers import normalize_doi, normalize_isbn, normalize_pmcid
from refkeeper.models import AbstractSection, Comment, CSLItem, Work, abstract_csl
from refkeeper.resolve.xmlsafe import (
    clean_text,
    flat_text,
    parse_xml,
    text_of,
    unsafe_characters,
)

__all__ = [
    "parse_pubmed_xml",
    "work_from_element",
    "parse_esearch_xml",
    "parse_epost_xml",
    "parse_esummary_xml",
    "parse_ecitmatch",
    "expand_pages",
    "parse_medline_date",
    "ESearchResult",
    "CitMatch",
]


# MARC/ISO 639-2 codes PubMed uses -> the BCP 47 tags CSL expects.
LANGUAGES = {
    "eng": "en", "fre": "fr", "ger": "de", "spa": "es", "ita": "it", "por": "pt", "dut": "nl",
    "rus": "ru", "chi": "zh", "jpn": "ja", "kor": "ko", "pol": "pl", "cze": "cs", "swe": "sv",
    "dan": "da", "nor": "no", "fin": "fi", "hun": "hu", "tur": "tr", "gre": "el", "heb": "he",
    "ara": "ar", "per": "fa", "ukr": "uk", "hrv": "hr", "srp": "sr", "slv": "sl", "rum": "ro",
    "bul": "bg", "lit": "lt", "lav": "lv", "est": "et", "ice": "is", "afr": "af", "tha": "th",
}  # fmt: skip

# CommentsCorrections types kept on the Work. "Cites" entries are the article's reference list,
# not comments or corrections, and are left out.
_SKIPPED_REF_TYPES = frozenset({"Cites"})


# --------------------------------------------------------------------------- helpers


def _month(value: str | None) -> int | None:
    if not value:
        return None
    value = value.strip().lower()
    if value.isdigit():
        n = int(value)
        return n if 1 <= n <= 12 else None
    return MONTHS.get(value.rstrip("."))


def parse_medline_date(text: str) -> list[int]:
    """``'2007 Mar-Apr'`` -> ``[2007, 3]``; ``'1998 Dec-1999 Jan'`` -> ``[1998, 12]``;
    ``'2019 Winter'`` -> ``[2019]``; ``[]`` when no year can be read."""
    m = re.search(r"(?<!\d)(1[5-9]\d\d|2[0-2]\d\d)(?!\d)", text)
    if not m:
        return []
    parts = [int(m.group(1))]
    rest = text[m.end() :]
    mm = re.match(r"\s*([A-Za-z]+)\.?(?:\s+(\d{1,2})\b)?", rest)
    if mm:
        month = _month(mm.group(1))
        if month:
            parts.append(month)
            if mm.group(2) and not re.match(r"\s*[-/]", rest[mm.end(2) :]):
                day = int(mm.group(2))
                if 1 <= day <= 31:
                    parts.append(day)
    return parts


def _ids_abstract_language(
    csl: CSLItem, pmid: str, ids: dict[str, str], doi_raw: str | None, node: Any
) -> tuple[str | None, str | None, tuple[AbstractSection, ...]]:
    """Set the record's own identifiers, abstract and language on ``csl``; return
    (normalised DOI, PMCID, abstract sections)."""
    doi = normalize_doi(doi_raw) if doi_raw else None
    pmcid = normalize_pmcid(ids["pmc"]) if "pmc" in ids else None
    _set(csl, "DOI", doi_raw.strip() if doi and doi_raw else None)
    csl["PMID"] = pmid
    _set(csl, "PMCID", pmcid)
    sections = _abstract(node.find("Abstract"))
    _set(csl, "abstract", abstract_csl(sections))
    language = text_of(node, "Language")
    if language:
        _set(csl, "language", LANGUAGES.get(language.lower()))
    return doi, pmcid, sections


def _name(author: Any) -> dict[str, str] | None:
    collective = author.find("CollectiveName")
    if collective is not None:
        literal = flat_text(collective)
        return {"literal": literal} if literal else None
    family = text_of(author, "LastName")
    if not family:
        return None
    name: dict[str, str] = {"family": family}
    given = text_of(author, "ForeName") or text_of(author, "Initials")
    if given:
        name["given"] = given
    suffix = text_of(author, "Suffix")
    if suffix:
        name["suffix"] = suffix
    return name


def _names(author_list: Any) -> list[dict[str, str]]:
    if author_list is None:
        return []
    names = []
    for author in author_list.iterfind("Author"):
        if author.get("ValidYN", "Y") != "Y":
            continue
        name = _name(author)
        if name:
            names.append(name)
    return names


def _date_parts(pub_date: Any) -> tuple[list[int], str | None]:
    """PubDate -> (date-parts, raw MedlineDate or None)."""
    if pub_date is None:
        return [], None
    medline = text_of(pub_date, "MedlineDate")
    if medline:
        return parse_medline_date(medline), medline
    year = text_of(pub_date, "Year")
    if not year or not year.isdigit():
        return [], None
    parts = [int(year)]
    month = _month(text_of(pub_date, "Month"))
    if month:
        parts.append(month)
        day = text_of(pub_date, "Day")
        if day and day.isdigit() and 1 <= int(day) <= 31:
            parts.append(int(day))
    return parts, None


def _title(text: str | None) -> str | None:
    """Flattened title without PubMed's closing period (citation styles add their own) and
    without the square brackets PubMed puts around a translated title."""
    if not text:
        return None
    if text.endswith(".") and not text.endswith(".."):
        text = text[:-1].rstrip()
    if text.startswith("[") and text.endswith("]") and "[" not in text[1:]:
        text = text[1:-1].strip()
        if text.endswith(".") and not text.endswith(".."):
            text = text[:-1].rstrip()
    return text or None


def _abstract(abstract: Any) -> tuple[AbstractSection, ...]:
    if abstract is None:
        return ()
    sections = []
    for node in abstract.iterfind("AbstractText"):
        text = flat_text(node)
        if text:
            sections.append(AbstractSection(node.get("Label") or None, text))
    return tuple(sections)


def _own_ids(article_id_list: Any) -> dict[str, str]:
    ids: dict[str, str] = {}
    if article_id_list is None:
        return ids
    for node in article_id_list.iterfind("ArticleId"):
        kind = node.get("IdType", "pubmed")
        value = clean_text(node.text or "").strip()
        if value and kind not in ids:
            ids[kind] = value
    return ids


def _comments(citation: Any) -> tuple[Comment, ...]:
    comments = []
    for node in citation.iterfind("CommentsCorrectionsList/CommentsCorrections"):
        ref_type = node.get("RefType", "")
        if not ref_type or ref_type in _SKIPPED_REF_TYPES:
            continue
        pmid = text_of(node, "PMID")
        comments.append(Comment(ref_type, pmid, text_of(node, "RefSource") or ""))
    return tuple(comments)


def _set(csl: CSLItem, key: str, value: Any) -> None:
    if value not in (None, "", [], {}):
        csl[key] = value


def _doi_from(node_list: Iterable[Any]) -> str | None:
    for node in node_list:
        if node.get("EIdType") == "doi" and node.get("ValidYN", "Y") == "Y":
            text = (node.text or "").strip()
            if text and normalize_doi(text):
                return text
    return None


# --------------------------------------------------------------------------- articles


def _article(record: Any) -> Work:
    citation = record.find("MedlineCitation")
    if citation is None:
        raise ResponseError("PubMed XML: PubmedArticle without MedlineCitation")
    pmid = text_of(citation, "PMID")
    if not pmid:
        raise ResponseError("PubMed XML: PubmedArticle without PMID")
    article = citation.find("Article")
    if article is None:
        raise ResponseError(f"PubMed XML: record {pmid} has no Article element")
    journal = article.find("Journal")
    ids = _own_ids(record.find("PubmedData/ArticleIdList"))
    work_id = f"pmid:{pmid}"

    csl: CSLItem = {"id": work_id, "type": "article-journal"}
    vernacular = _title(text_of(article, "VernacularTitle"))
    _set(csl, "title", _title(text_of(article, "ArticleTitle")) or vernacular)
    if vernacular and vernacular != csl.get("title"):
        csl["original-title"] = vernacular
    _set(csl, "author", _names(article.find("AuthorList")))

    medline_date: str | None = None
    journal_full = journal_iso = None
    if journal is not None:
        parts, medline_date = _date_parts(journal.find("JournalIssue/PubDate"))
        if not parts:
            parts, _ = _date_parts(article.find("ArticleDate"))
        if parts:
            csl["issued"] = {"date-parts": [parts]}
        journal_full = text_of(journal, "Title")
        journal_iso = text_of(journal, "ISOAbbreviation")
        _set(csl, "volume", text_of(journal, "JournalIssue/Volume"))
        _set(csl, "issue", text_of(journal, "JournalIssue/Issue"))
        _set(csl, "ISSN", text_of(journal, "ISSN"))
    medline_ta = text_of(citation, "MedlineJournalInfo/MedlineTA")
    journal_iso = journal_iso or medline_ta
    _set(csl, "container-title", journal_full or journal_iso)
    _set(csl, "container-title-short", journal_iso)
    _set(csl, "journalAbbreviation", journal_iso)

    pages = text_of(article, "Pagination/MedlinePgn")
    if not pages:
        start = text_of(article, "Pagination/StartPage")
        end = text_of(article, "Pagination/EndPage")
        pages = f"{start}-{end}" if start and end else start
    if pages:
        csl["page"] = expand_pages(pages)
        csl["page-first"] = re.split(r"[-,\s]", csl["page"], maxsplit=1)[0]

    doi_raw = ids.get("doi") or _doi_from(article.iterfind("ELocationID"))
    doi, pmcid, sections = _ids_abstract_language(csl, pmid, ids, doi_raw, article)

    return Work(
        id=work_id,
        source="pubmed",
        csl=csl,
        pmid=pmid,
        pmcid=pmcid,
        doi=doi,
        journal_iso=journal_iso,
        journal_full=journal_full,
        medline_date=medline_date,
        abstract=sections,
        authors_complete=article.find("AuthorList[@CompleteYN='N']") is None,
        mesh=tuple(
            t
            for n in citation.iterfind("MeshHeadingList/MeshHeading/DescriptorName")
            if (t := flat_text(n))
        ),
        publication_types=tuple(
            t
            for n in article.iterfind("PublicationTypeList/PublicationType")
            if (t := flat_text(n))
        ),
        comments=_comments(citation),
    )


# --------------------------------------------------------------------------- books


def _book_article(record: Any) -> Work:
    doc = record.find("BookDocument")
    if doc is None:
        raise ResponseError("PubMed XML: PubmedBookArticle without BookDocument")
    pmid = text_of(doc, "PMID")
    if not pmid:
        raise ResponseError("PubMed XML: PubmedBookArticle without PMID")
    book = doc.find("Book")
    work_id = f"pmid:{pmid}"
    chapter_title = _title(text_of(doc, "ArticleTitle"))
    book_title = _title(text_of(book, "BookTitle")) if book is not None else None
    csl: CSLItem = {"id": work_id, "type": "chapter" if chapter_title else "book"}
    _set(csl, "title", chapter_title or book_title)
    if chapter_title:
        _set(csl, "container-title", book_title)

    authors: list[dict[str, str]] = []
    editors: list[dict[str, str]] = []
    for author_list in doc.iterfind("AuthorList"):
        (editors if author_list.get("Type") == "editors" else authors).extend(_names(author_list))
    isbn = None
    medline_date = None
    if book is not None:
        for author_list in book.iterfind("AuthorList"):
            if author_list.get("Type") == "editors":
                editors.extend(_names(author_list))
            elif not chapter_title:
                authors.extend(_names(author_list))
            else:
                csl.setdefault("container-author", []).extend(_names(author_list))
        _set(csl, "publisher", text_of(book, "Publisher/PublisherName"))
        _set(csl, "publisher-place", text_of(book, "Publisher/PublisherLocation"))
        parts, medline_date = _date_parts(book.find("PubDate"))
        if parts:
            csl["issued"] = {"date-parts": [parts]}
        _set(csl, "edition", text_of(book, "Edition"))
        _set(csl, "volume", text_of(book, "Volume"))
        _set(csl, "collection-title", text_of(book, "CollectionTitle"))
        for node in book.iterfind("Isbn"):
            isbn = normalize_isbn(node.text or "")
            if isbn:
                break
        _set(csl, "ISBN", isbn)
    _set(csl, "author", authors)
    _set(csl, "editor", editors)
    pages = text_of(doc, "Pagination/MedlinePgn")
    if pages:
        csl["page"] = expand_pages(pages)

    ids = _own_ids(doc.find("ArticleIdList"))
    if record.find("PubmedBookData/ArticleIdList") is not None:
        for kind, value in _own_ids(record.find("PubmedBookData/ArticleIdList")).items():
            ids.setdefault(kind, value)
    doi_raw = ids.get("doi") or (
        _doi_from(book.iterfind("ELocationID")) if book is not None else None
    )
    doi, pmcid, sections = _ids_abstract_language(csl, pmid, ids, doi_raw, doc)
    return Work(
        id=work_id,
        source="pubmed",
        csl=csl,
        pmid=pmid,
        pmcid=pmcid,
        doi=doi,
        isbn=isbn,
        medline_date=medline_date,
        abstract=sections,
        publication_types=tuple(t for n in doc.iterfind("PublicationType") if (t := flat_text(n))),
    )


def work_from_element(record: Any) -> Work | None:
    """One parsed ``PubmedArticle`` / ``PubmedBookArticle`` element -> Work (None for other
    elements). For callers that hold the lxml tree already (the fake E-utilities server)."""
    if record.tag == "PubmedArticle":
        work = _article(record)
    elif record.tag == "PubmedBookArticle":
        work = _book_article(record)
    else:
        return None
    removed = unsafe_characters(record)
    return replace(work, removed_characters=removed) if removed else work


def parse_pubmed_xml(data: bytes) -> list[Work]:
    """An efetch ``PubmedArticleSet`` (retmode=xml) -> Works, in document order.

    An empty set is a valid answer (ids that do not exist are simply left out by NCBI).
    Raises ResponseError for an HTML page, an ``<ERROR>`` answer or malformed/truncated XML.
    """
    root = parse_xml(data, what="PubMed efetch answer", root=("PubmedArticleSet", "eFetchResult"))
    if root.tag == "eFetchResult":
        raise ResponseError("PubMed efetch answer: eFetchResult without records")
    return [w for record in root if (w := work_from_element(record)) is not None]


# --------------------------------------------------------------------------- small answers


@dataclass(frozen=True, slots=True)
class ESearchResult:
    """An ESearch answer: total ``count``, the ``ids`` on this page, and the ``problems``
    NCBI reported inside a normal answer (``PhraseNotFound: abcXYZ``, ``OutputMessage: ...``).
    A PhraseNotFound means NCBI dropped that term and searched without it.
    Unpacks as ``count, ids, problems``."""

    count: int
    ids: tuple[str, ...]
    problems: tuple[str, ...]

    def __iter__(self) -> Iterator[Any]:
        return iter((self.count, self.ids, self.problems))


def parse_esearch_xml(data: bytes) -> ESearchResult:
    """ESearch XML -> (count, ids, problems). ``<ERROR>`` answers raise ResponseError."""
    root = parse_xml(data, what="ESearch answer", root="eSearchResult")
    count_text = text_of(root, "Count")
    if count_text is None or not count_text.isdigit():
        raise ResponseError("ESearch answer: no Count")
    ids = tuple(
        (n.text or "").strip() for n in root.iterfind("IdList/Id") if (n.text or "").strip()
    )
    problems = tuple(
        f"{node.tag}: {flat_text(node)}"
        for section in ("ErrorList", "WarningList")
        for node in root.iterfind(f"{section}/*")
    )
    return ESearchResult(int(count_text), ids, problems)


def parse_epost_xml(data: bytes) -> tuple[str, str]:
    """EPost XML (or an ESearch with usehistory=y) -> (WebEnv, QueryKey)."""
    root = parse_xml(data, what="EPost answer", root=("ePostResult", "eSearchResult"))
    webenv = text_of(root, "WebEnv")
    query_key = text_of(root, "QueryKey")
    if not webenv or not query_key:
        raise ResponseError(f"{root.tag}: no WebEnv/QueryKey in the answer")
    return webenv, query_key


def _docsum_item(item: Any) -> Any:
    if item.get("Type") == "List":
        return [_docsum_item(child) for child in item.iterfind("Item")]
    return (item.text or "").strip()


def parse_esummary_xml(data: bytes) -> list[dict[str, Any]]:
    """ESummary (v1 XML) -> one dict per DocSum: ``Id`` plus each Item by name; list items
    become lists (``AuthorList`` -> ``['LoPresti PJ', ...]``, ``ArticleIds`` -> list)."""
    root = parse_xml(data, what="ESummary answer", root="eSummaryResult")
    summaries = []
    for docsum in root.iterfind("DocSum"):
        entry: dict[str, Any] = {"Id": text_of(docsum, "Id") or ""}
        for item in docsum.iterfind("Item"):
            entry[item.get("Name", "")] = _docsum_item(item)
        summaries.append(entry)
    return summaries


class CitMatch(NamedTuple):
    """One ECitMatch answer line: the caller's ``key``, the PMID (None unless found), and
    ``status`` "found", "NOT_FOUND" (maybe with a reason: "NOT_FOUND;INVALID_JOURNAL") or
    "AMBIGUOUS" (maybe with a count: "AMBIGUOUS (3 citations)"). A tuple (key, pmid, status)."""

    key: str
    pmid: str | None
    status: str


def parse_ecitmatch(text: str | bytes) -> list[CitMatch]:
    """ECitMatch's plain-text answer -> one :class:`CitMatch` per citation line.

    Each line echoes ``journal|year|volume|first_page|author|key|`` followed by the result.
    """
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    if re.match(r"\s*(?:<\?xml|<!DOCTYPE|<html|<ERROR|<\w+)", text, re.I):
        raise ResponseError("ECitMatch answer: got markup (HTML or XML) instead of citation lines")
    results = []
    for line in text.splitlines():
        if not line.strip():
            continue
        fields = line.split("|")
        if len(fields) < 7:
            raise ResponseError(f"ECitMatch answer: unreadable line {line!r}")
        key = fields[5].strip()
        result = "|".join(fields[6:]).strip().strip("|").strip()
        if result.isdigit():
            results.append(CitMatch(key, result, "found"))
        elif result.upper().startswith("AMBIGUOUS"):
            results.append(CitMatch(key, None, result or "AMBIGUOUS"))
        elif result.upper().startswith("NOT_FOUND") or not result:
            results.append(CitMatch(key, None, result or "NOT_FOUND"))
        else:
            raise ResponseError(f"ECitMatch answer: unexpected result {result!r} in line {line!r}")
    return results
