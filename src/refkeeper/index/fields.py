"""The searchable fields of one PubMed record element (pure: an lxml element in, text out).

What the local index searches: title, authors (family name and initials, collective names),
journal (full title, ISO abbreviation, MedlineTA), year, volume, issue, pages, and the
record's own identifiers (PMID, DOI, PMC id). The record itself is stored as its XML and read
back by :func:`refkeeper.resolve.pubmed.work_from_element`, so a Work from the index is the
Work E-utilities would give.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from refkeeper.bibfields import expand_pages
from refkeeper.identifiers import normalize_doi, normalize_pmcid

_YEAR = re.compile(r"\b(1[6-9]\d\d|20\d\d)\b")


@dataclass(frozen=True, slots=True)
class IndexFields:
    """One record's searchable text, one string per index column."""

    pmid: int
    version: int
    title: str
    authors: str
    journal: str
    year: str
    volume: str
    issue: str
    pages: str
    ids: str
    doi: str | None
    pmcid: str | None

    def columns(self) -> tuple[str, ...]:
        return (
            self.title,
            self.authors,
            self.journal,
            self.year,
            self.volume,
            self.issue,
            self.pages,
            self.ids,
        )


COLUMNS = ("title", "authors", "journal", "year", "volume", "issue", "pages", "ids")


def _text(el: Any) -> str:
    return " ".join("".join(el.itertext()).split()) if el is not None else ""


def _find(el: Any, path: str) -> str:
    """The text of the element at ``path`` (inline markup such as <i> included)."""
    found = el.find(path)
    return _text(found) if found is not None else ""


def _plain(el: Any, path: str) -> str:
    """The text of a plain element at ``path`` (no inline markup: names, numbers)."""
    return (el.findtext(path) or "").strip()


def pmid_of(record: Any) -> tuple[int, int] | None:
    """(PMID, version) of a PubmedArticle / PubmedBookArticle element, or None."""
    node = record.find("MedlineCitation/PMID")
    if node is None:
        node = record.find("BookDocument/PMID")
    if node is None or not (node.text or "").strip().isdigit():
        return None
    version = node.get("Version") or "1"
    return int(node.text.strip()), int(version) if version.isdigit() else 1


def record_fields(record: Any) -> IndexFields | None:
    """The searchable fields of a ``PubmedArticle`` (or ``PubmedBookArticle``) element."""
    ident = pmid_of(record)
    if ident is None:
        return None
    pmid, version = ident
    if record.tag == "PubmedBookArticle":
        doc = record.find("BookDocument")
        book = doc.find("Book") if doc is not None else None
        title = _find(doc, "ArticleTitle") or _find(book, "BookTitle") if doc is not None else ""
        author_lists = list(doc.iterfind("AuthorList")) + (
            list(book.iterfind("AuthorList")) if book is not None else []
        )
        journal = _find(book, "Publisher/PublisherName") if book is not None else ""
        date = book.find("PubDate") if book is not None else None
        volume = issue = ""
        pages = ""
        ids_parent = record.find("PubmedBookData/ArticleIdList")
        locations = list(doc.iterfind("ELocationID"))
    else:
        cit = record.find("MedlineCitation")
        article = cit.find("Article") if cit is not None else None
        if article is None:
            return None
        title = _find(article, "ArticleTitle") or _find(article, "VernacularTitle")
        author_lists = list(article.iterfind("AuthorList"))
        journal_el = article.find("Journal")
        parts = [
            _plain(journal_el, "Title"),
            _plain(journal_el, "ISOAbbreviation"),
            _plain(cit, "MedlineJournalInfo/MedlineTA"),
        ]
        journal = " ".join(dict.fromkeys(p for p in parts if p))
        issue_el = journal_el.find("JournalIssue") if journal_el is not None else None
        date = issue_el.find("PubDate") if issue_el is not None else None
        volume = _plain(issue_el, "Volume") if issue_el is not None else ""
        issue = _plain(issue_el, "Issue") if issue_el is not None else ""
        pagination = article.find("Pagination")
        pages = ""
        if pagination is not None:
            medline = _plain(pagination, "MedlinePgn")
            page_parts = (
                _plain(pagination, "StartPage"),
                _plain(pagination, "EndPage"),
                medline,
                expand_pages(medline) if medline else "",  # "1481-9" is also "1481-1489"
            )
            pages = " ".join(dict.fromkeys(p for p in page_parts if p))
        ids_parent = record.find("PubmedData/ArticleIdList")
        locations = list(article.iterfind("ELocationID"))
    names = []
    for author_list in author_lists:
        for author in author_list.iterfind("Author"):
            collective = author.find("CollectiveName")
            if collective is not None:
                names.append(_text(collective))
                continue
            last = _plain(author, "LastName")
            if last:
                names.append(f"{last} {_plain(author, 'Initials')}".strip())
    year = ""
    if date is not None:
        year = _plain(date, "Year")
        if not year:
            m = _YEAR.search(_plain(date, "MedlineDate"))
            year = m.group(1) if m else ""
    doi = pmcid = None
    for loc in locations:
        if loc.get("EIdType") == "doi" and loc.text:
            doi = normalize_doi(loc.text)
            break
    if ids_parent is not None:
        for el in ids_parent.iterfind("ArticleId"):
            kind = el.get("IdType")
            if kind == "doi" and not doi and el.text:
                doi = normalize_doi(el.text)
            elif kind == "pmc" and el.text:
                pmcid = normalize_pmcid(el.text)
    ids = " ".join(x for x in (str(pmid), doi or "", pmcid or "") if x)
    return IndexFields(
        pmid=pmid,
        version=version,
        title=title,
        authors="; ".join(names),
        journal=journal,
        year=year,
        volume=volume,
        issue=issue,
        pages=pages,
        ids=ids,
        doi=doi.lower() if doi else None,
        pmcid=pmcid.upper() if pmcid else None,
    )
