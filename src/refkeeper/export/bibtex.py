"""Works -> BibTeX (classic ``bibtex``) or BibLaTeX (``biber``), written with bibtexparser v2.

Pure: ``to_bibtex(works, ...) -> str``. Every field value is written enclosed in braces and
escaped for LaTeX (see :mod:`refkeeper.export.latex`), except ``month`` which is written as
the BibTeX macro (``oct``), and the verbatim fields ``doi``, ``url`` and ``eprint``.

Choices worth knowing:
- Authors ``Family, Given`` joined by `` and ``; collective authors braced
  (``{WHO Working Group}``); authors with only a family name bare; given names written only
  as PubMed initials (``CF``) become ``C. F.`` so BibTeX abbreviates them correctly.
- Titles are case-protected (``{EBV}``, ``{Epstein-Barr}``), see ``latex.latex_field``.
- BibLaTeX: ``journaltitle`` (and ``shortjournal``, the ISO abbreviation), ``date`` (ISO 8601,
  ranges for MedlineDate ``1998 Dec-1999 Jan``), ``location``, ``eprint`` + ``eprinttype =
  {pubmed}`` for the PMID; the PMCID has no field in the biblatex data model, so it goes to
  ``usera`` (classic BibTeX: ``pmid``, ``pmcid``).
- BibLaTeX wants an integer ``volume``: ``145 ( Pt 2)`` becomes volume 145 and ``issue = {Pt 2}``
  (``number`` when there is no issue number).
- Editor-only books are ``@collection`` in BibLaTeX (its data model requires an author for
  ``@book``); every entry passes ``biber --tool --validate-datamodel``.
- Classic BibTeX: an issue without a volume is written as ``volume = {(12)}`` (as NLM writes
  it), since ``plain``/``unsrt`` warn about a number without a volume.
- Classic BibTeX has no way to typeset an article without an author: ``bibtex`` warns
  "empty author" for every one. Such a journal article is written as ``@misc`` with
  ``howpublished`` holding the journal reference (journal, volume, number and pages stay as
  fields too in classic BibTeX), which ``plain``/``unsrt`` typeset without warnings; the same
  for BibLaTeX, whose data model requires an author for ``@article``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from bibtexparser.entrypoint import write_string
from bibtexparser.library import Library
from bibtexparser.model import Entry, Field

from refkeeper.errors import InputError
from refkeeper.export import _csl
from refkeeper.export.latex import CLOSE, OPEN, clean, finish, latex_field
from refkeeper.models import CSLItem, Work

MONTH_MACROS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")

NO_TITLE = "[No title available]"

_TYPES_CLASSIC = {
    "article-journal": "article",
    "article": "article",
    "article-magazine": "article",
    "article-newspaper": "article",
    "review": "article",
    "book": "book",
    "chapter": "incollection",
    "paper-conference": "inproceedings",
    "report": "techreport",
}
_TYPES_BIBLATEX = {
    **_TYPES_CLASSIC,
    "article-newspaper": "article",
    "report": "report",
    "software": "software",
    "webpage": "online",
    "post": "online",
    "post-weblog": "online",
    "dataset": "dataset",
}
"""CSL types to entry types; anything else (software, a web page in classic BibTeX) is
``@misc``."""

_KEY_BAD = re.compile(r'[\s,{}()"#%\'=\\~]')
_INITIALS = re.compile(r"[A-Z]{1,4}")
_AND = re.compile(r"\band\b", re.IGNORECASE)
_RANGE = re.compile(r"(?<=\w)\s*[-\u2010-\u2015]+\s*(?=\w)")


def bibtex_key(key: str) -> str:
    """A citation key BibTeX can read: characters that end a key are replaced by ``-``."""
    return _KEY_BAD.sub("-", key) or "key"


def _given(given: str) -> str:
    if _INITIALS.fullmatch(given):
        return " ".join(f"{c}." for c in given)
    return given


def _raw_name(name: dict[str, Any]) -> str:
    """One CSL name as a raw BibTeX name, braces as latex.OPEN/CLOSE markers."""
    literal = name.get("literal")
    if literal and (literal := clean(str(literal).strip())):
        return OPEN + literal + CLOSE
    family = name.get("family")
    if not family or not (family := clean(str(family).strip())):
        return ""
    particle = name.get("non-dropping-particle")
    if particle:
        family = f"{clean(str(particle).strip())} {family}"
    out = OPEN + family + CLOSE if "," in family or _AND.search(family) else family
    suffix = name.get("suffix")
    if suffix:
        out += ", " + clean(str(suffix).strip())
    given = name.get("given")
    given = clean(str(given).strip()) if given else ""
    dropping = name.get("dropping-particle")
    if dropping:
        given = f"{given} {clean(str(dropping).strip())}".strip()
    if given:
        out += ", " + _given(given)
    elif suffix:
        out += ", "
    return out


def format_name(name: dict[str, Any], *, ascii: bool) -> str:
    """One CSL name as a BibTeX name."""
    raw = _raw_name(name)
    if "<" in raw:
        return _markup_name(raw, ascii)
    return finish(raw, ascii)


def _markup_name(raw: str, ascii: bool) -> str:
    """A name holding CSL markup: each part through latex_field."""
    pieces = [p.replace(OPEN, "").replace(CLOSE, "") for p in raw.split(", ")]
    out = ", ".join(latex_field(p, ascii=ascii) for p in pieces)
    return "{" + out + "}" if raw.startswith(OPEN) else out


def format_names(item: CSLItem, variable: str, *, ascii: bool) -> str:
    """The names of ``variable`` joined by `` and ``; a list a reference cut short with
    "et al." (``_et_al`` from the free-text parser) ends with BibTeX's `` and others``."""
    value = item.get(variable)
    if not value or not isinstance(value, list):
        return ""
    raws = [r for r in (_raw_name(n) for n in value if isinstance(n, dict)) if r]
    if any("<" in r for r in raws):
        raws = [format_name(n, ascii=ascii) for n in _csl.names(item, variable)]
        out = " and ".join(raws)
    else:
        out = finish(" and ".join(raws), ascii)
    if out and variable == "author" and item.get("_et_al") is True:
        out += " and others"
    return out


def format_pages(page: str) -> str:
    """``1481-1489`` -> ``1481--1489`` (every range in a list of ranges)."""
    return _RANGE.sub("--", page.strip())


def _verbatim(value: str) -> str:
    """A DOI or URL: written as is, except braces (which would unbalance the entry)."""
    return value.strip().replace("{", "%7B").replace("}", "%7D").replace("\\", "%5C")


def _ordinal(value: str) -> str:
    if not value.isdigit():
        return value
    n = int(value)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _iso(date: _csl.Date) -> str:
    if date.year is None:
        return ""
    out = f"{date.year:04d}"
    if date.month is not None:
        out += f"-{date.month:02d}" if date.month <= 12 else f"-{date.month + 8:02d}"
        if date.day is not None and date.month <= 12:
            out += f"-{date.day:02d}"
    return out


def entry_fields(
    work: Work, *, biblatex: bool = False, ascii: bool = False, journal: str = "full"
) -> tuple[str, dict[str, str]]:
    """(entry type, {field: value as written, braces included}) for one work."""
    csl = work.csl
    ctype = str(csl.get("type") or "")
    entry_type = (_TYPES_BIBLATEX if biblatex else _TYPES_CLASSIC).get(ctype, "misc")
    fields: dict[str, str] = {}

    def put(name: str, value: str, *, braced: bool = True) -> None:
        if value:
            fields[name] = "{" + value + "}" if braced else value

    def tex(value: str, *, protect: bool = False) -> str:
        return latex_field(value, ascii=ascii, protect_case=protect) if value else ""

    put("author", format_names(csl, "author", ascii=ascii))
    put("editor", format_names(csl, "editor", ascii=ascii))
    # PubMed shows a record without a title (an empty ArticleTitle) as "[No title available]";
    # biblatex's data model requires a title.
    put("title", tex(_csl.text(csl, "title") or NO_TITLE, protect=True))
    container = _csl.journal(work, journal) if entry_type == "article" else ""
    if entry_type in ("incollection", "inproceedings"):
        put("booktitle", tex(_csl.text(csl, "container-title"), protect=True))
    elif entry_type == "article":
        put("journaltitle" if biblatex else "journal", tex(container))
        if biblatex and journal == "full":
            iso = _csl.journal(work, "iso")
            if iso != container:
                put("shortjournal", tex(iso))
    elif entry_type == "online" and _csl.text(csl, "container-title"):
        put("organization", tex(_csl.text(csl, "container-title")))
    elif entry_type == "misc" and _csl.text(csl, "container-title"):
        put("journaltitle" if biblatex else "journal", tex(_csl.journal(work, journal)))

    date = _csl.issued(csl)
    if work.medline_date and date.end is None:  # a PubMed MedlineDate range: "2019 May - Jun"
        medline = _csl.parse_literal_date(work.medline_date)
        if medline.year == date.year:
            date = medline
    if biblatex:
        iso = _iso(date)
        if iso and date.end is not None and date.end.year is not None:
            iso += "/" + _iso(date.end)
        put("date", iso)
    elif date.year is not None:
        put("year", str(date.year))
        if date.month is not None and date.month <= 12:
            put("month", MONTH_MACROS[date.month - 1], braced=False)

    volume, issue = _csl.text(csl, "volume"), _csl.text(csl, "issue")
    if not biblatex and issue and not volume and entry_type == "article":
        # plain/unsrt warn "a number but no volume"; NLM writes such an issue "2019;(12):5-12"
        volume, issue = f"({issue})", ""
    if biblatex and volume and not volume.isdigit():
        # biblatex's data model wants an integer volume: "145 ( Pt 2)" -> 145 + issue "Pt 2"
        match = re.match(r"(\d+)\s*(.*)$", volume)
        rest = (match.group(2) if match else volume).strip(" ()")
        volume = match.group(1) if match else ""
        if rest and not issue:
            issue = rest
        elif rest:
            put("issue", tex(rest))
    put("volume", tex(volume))
    put("number", tex(issue))
    put("pages", tex(format_pages(_csl.pages(csl))))
    edition = _csl.text(csl, "edition")
    put("edition", tex(edition if biblatex else _ordinal(edition)))
    put("publisher", tex(_csl.text(csl, "publisher")))
    put("location" if biblatex else "address", tex(_csl.text(csl, "publisher-place")))
    put("isbn", tex(_csl.text(csl, "ISBN") or (work.isbn or "")))
    put("doi", _verbatim(_csl.text(csl, "DOI") or (work.doi or "")))
    pmid = _csl.text(csl, "PMID") or (work.pmid or "")
    pmcid = _csl.text(csl, "PMCID") or (work.pmcid or "")
    if biblatex:
        if pmid:
            put("eprint", pmid)
            put("eprinttype", "pubmed")
        put("usera", pmcid)
    else:
        put("pmid", pmid)
        put("pmcid", pmcid)
    put("url", _verbatim(_csl.text(csl, "URL")))
    accessed = _iso(_csl.issued({"issued": csl["accessed"]})) if csl.get("accessed") else ""
    if accessed and biblatex:
        put("urldate", accessed)
    elif accessed:
        put("note", f"Accessed {accessed}")
    if entry_type in ("techreport", "report") and "publisher" in fields:
        fields["institution"] = fields.pop("publisher")
        if biblatex:
            put("type", "techreport")

    if entry_type == "article" and "author" not in fields:
        # bibtex's plain/unsrt warn "empty author" and biblatex's data model requires an
        # author for @article: typeset it as @misc with the journal reference instead.
        entry_type = "misc"
        jkey = "journaltitle" if biblatex else "journal"
        where = fields.get(jkey, "")[1:-1]
        volume = fields.get("volume", "")[1:-1]
        number = fields.get("number", "")[1:-1]
        pages = fields.get("pages", "")[1:-1]
        if volume:
            where += f" {volume}" + (f"({number})" if number else "")
        elif number:
            where += f" ({number})"
        if pages:
            where += f":{pages}" if volume or number else f", {pages}"
        put("howpublished", where.strip())
        if biblatex:  # not fields of @misc in the biblatex data model
            for name in (jkey, "volume", "number", "pages"):
                fields.pop(name, None)
    elif biblatex and entry_type == "book" and "author" not in fields and "editor" in fields:
        entry_type = "collection"
    elif biblatex and entry_type == "incollection" and "editor" not in fields:
        entry_type = "inbook" if "author" in fields else "misc"
        if entry_type == "misc" and "booktitle" in fields:
            fields["howpublished"] = fields.pop("booktitle")
    return entry_type, fields


def to_library(
    works: Sequence[Work], *, biblatex: bool = False, ascii: bool = False, journal: str = "full"
) -> Library:
    """The works as a bibtexparser library, entries in citation order."""
    if journal not in ("full", "iso"):
        raise InputError(f"unknown journal style {journal!r}: choose from full, iso")
    keys = _csl.unique_keys(works)
    library = Library()
    written: set[str] = set()
    for key, work in zip(keys, works, strict=True):
        entry_type, fields = entry_fields(work, biblatex=biblatex, ascii=ascii, journal=journal)
        bkey = bibtex_key(key)
        if bkey in written:
            raise InputError(f"citation keys {key!r} and another collide as BibTeX key {bkey!r}")
        written.add(bkey)
        library.add(Entry(entry_type, bkey, [Field(k, v) for k, v in fields.items()]))
    return library


def to_bibtex(
    works: Sequence[Work], *, biblatex: bool = False, ascii: bool = False, journal: str = "full"
) -> str:
    """BibTeX (``biblatex=False``) or BibLaTeX source for the works, in citation order.

    ``ascii=True`` converts non-ASCII characters to LaTeX accent commands (for classic BibTeX
    with pdfLaTeX); otherwise UTF-8 is kept. ``journal`` is ``full`` or ``iso``.
    """
    library = to_library(works, biblatex=biblatex, ascii=ascii, journal=journal)
    text: str = write_string(library, unparse_stack=[])
    return text
