"""Citation errors: a reference as written compared field by field with its verified record.

``compare_reference(written, work)`` returns the differences a reader would trip over,
graded as in the bibliometric literature (Aronsky 2005): **major** when the difference
would stop a reader finding the work (first author, year, volume, first page, DOI), **minor**
otherwise (other authors, initials, title words, journal name, issue, last page, "et al."
where the style forbids it). Forms that are equivalent are not errors: "1481-9" equals
"1481-1489", an ISO/NLM journal abbreviation equals the full title, "tumour" equals "tumor",
accents and case do not matter, and a field the reference does not give is not compared.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from rapidfuzz import fuzz

from refkeeper.align import (
    Alignment,
    abbreviates,
    align,
    initials_of,
    is_free_text,
    journal_names,
    record_years,
    title_written,
)
from refkeeper.audit.text import americanise, fold
from refkeeper.bibfields import edition_number, year_of
from refkeeper.models import CSLItem, Severity, Work

EtAlStyle = Literal["lenient", "vancouver", "ama", "apa"]


@dataclass(frozen=True, slots=True)
class FieldError:
    """One difference between the reference as written and the record."""

    field: str  # author | title | journal | year | volume | issue | page | DOI | edition
    problem: str  # machine-readable: misspelt, missing, different, swapped, order, et-al, ...
    severity: Severity
    message: str
    written: str | None = None
    record: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "problem": self.problem,
            "severity": str(self.severity),
            "message": self.message,
            "written": self.written,
            "record": self.record,
        }


# --------------------------------------------------------------------------- authors


@dataclass(frozen=True, slots=True)
class _Name:
    family: str  # folded, letters only
    initials: str  # folded initials of the given names
    given: str  # folded given names, letters only
    literal: str  # folded collective name, or ""
    shown: str  # as a person would write it: "Timmons CF"


def _letters(text: str) -> str:
    return re.sub(r"[^a-z]", "", fold(text))


def _names(people: object) -> list[_Name]:
    out: list[_Name] = []
    if not isinstance(people, list):
        return out
    for person in people:
        if not isinstance(person, Mapping):
            continue
        literal = str(person.get("literal") or "")
        family = str(person.get("family") or "")
        given = str(person.get("given") or "")
        particle = str(person.get("non-dropping-particle") or "")
        if literal and not family:
            out.append(_Name("", "", "", _letters(literal), literal))
            continue
        full_family = f"{particle} {family}".strip()
        inits = initials_of(given)
        shown = f"{full_family} {inits.upper()}".strip()
        out.append(_Name(_letters(full_family), inits, _letters(given), "", shown))
    return out


_PARTICLES = frozenset(
    "de da di du del della der den des van von vande vanden vander vonder le la lo ten ter "
    "dos das do al el st saint".split()
)


def _particle_prefix(prefix: str) -> bool:
    """ "vander", "dela", "de": a run of name particles written together."""
    if not prefix:
        return True
    return any(prefix.startswith(p) and _particle_prefix(prefix[len(p) :]) for p in _PARTICLES)


def _same_family(a: _Name, b: _Name) -> bool:
    if a.literal or b.literal:
        return bool(a.literal and b.literal) and fuzz.token_set_ratio(a.literal, b.literal) >= 90
    if a.family == b.family:
        return True
    # a particle written or dropped: "vanderberg" / "berg", "deboer" / "boer"
    longer, shorter = (
        (a.family, b.family) if len(a.family) > len(b.family) else (b.family, a.family)
    )
    return (
        len(shorter) >= 3
        and longer.endswith(shorter)
        and _particle_prefix(longer[: len(longer) - len(shorter)])
    )


def _similar_family(a: _Name, b: _Name) -> bool:
    if a.literal or b.literal:
        return bool(a.literal and b.literal) and fuzz.ratio(a.literal, b.literal) >= 70
    return bool(a.family and b.family) and fuzz.ratio(a.family, b.family) >= 70


def _swapped(a: _Name, b: _Name) -> bool:
    """Given and family names exchanged: written "Charles T" for "Timmons C"."""
    if a.literal or b.literal or not a.family or not b.family:
        return False
    if a.family == b.family or b.family[:1] not in a.initials + a.given[:1]:
        return False
    return b.initials.startswith(a.family) or b.given.startswith(a.family)


def _et_al_allowed(style: EtAlStyle, listed: int, total: int) -> bool:
    if total <= listed:
        return False
    if style == "vancouver":
        return total > 6 and listed >= 6
    if style == "ama":
        return total > 6 and listed >= 3
    if style == "apa":
        return total > 20 and listed >= 19
    return total >= 3


def compare_authors(
    written: Sequence[_Name],
    record: Sequence[_Name],
    *,
    et_al: bool,
    style: EtAlStyle = "lenient",
    field: str = "author",
) -> list[FieldError]:
    errors: list[FieldError] = []
    if not written or not record:
        return errors
    first_w, first_r = written[0], record[0]
    if not _same_family(first_w, first_r):
        if _swapped(first_w, first_r):
            errors.append(
                FieldError(
                    field,
                    "swapped",
                    Severity.MINOR,
                    f"first author's given and family names are swapped: "
                    f"{first_w.shown!r} for {first_r.shown!r}",
                    first_w.shown,
                    first_r.shown,
                )
            )
        else:
            problem = "misspelt" if _similar_family(first_w, first_r) else "different"
            errors.append(
                FieldError(
                    field,
                    f"first-{problem}",
                    Severity.MAJOR,
                    f"first author {first_w.shown!r} is {problem}; the record has "
                    f"{first_r.shown!r}",
                    first_w.shown,
                    first_r.shown,
                )
            )
    used: set[int] = set()
    positions: list[int] = []
    for i, name in enumerate(written):
        exact = [j for j, rec in enumerate(record) if j not in used and _same_family(name, rec)]
        if exact:
            j = min(exact, key=lambda k: abs(k - i))
            used.add(j)
            positions.append(j)
            rec = record[j]
            if (
                name.initials
                and rec.initials
                and not name.literal
                and not (
                    rec.initials.startswith(name.initials) or name.initials.startswith(rec.initials)
                )
            ):
                errors.append(
                    FieldError(
                        field,
                        "initials",
                        Severity.MINOR,
                        f"initials of {name.shown!r} differ from the record's {rec.shown!r}",
                        name.shown,
                        rec.shown,
                    )
                )
            continue
        if i == 0:
            # already reported above; still consume the record's first author
            used.add(0)
            positions.append(0)
            continue
        near = [
            j
            for j, rec in enumerate(record)
            if j not in used and (_similar_family(name, rec) or _swapped(name, rec))
        ]
        if near:
            j = min(near, key=lambda k: abs(k - i))
            used.add(j)
            positions.append(j)
            problem = "swapped" if _swapped(name, record[j]) else "misspelt"
            errors.append(
                FieldError(
                    field,
                    problem,
                    Severity.MINOR,
                    f"author {name.shown!r} is {problem}; the record has {record[j].shown!r}",
                    name.shown,
                    record[j].shown,
                )
            )
        else:
            errors.append(
                FieldError(
                    field,
                    "not-in-record",
                    Severity.MINOR,
                    f"author {name.shown!r} is not an author of the record",
                    name.shown,
                    None,
                )
            )
    if positions != sorted(positions):
        errors.append(
            FieldError(
                field,
                "order",
                Severity.MINOR,
                "authors are listed in a different order than in the record",
                ", ".join(n.shown for n in written),
                ", ".join(n.shown for n in record),
            )
        )
    missing = [j for j in range(len(record)) if j not in used]
    if et_al:
        if not _et_al_allowed(style, len(written), len(record)):
            errors.append(
                FieldError(
                    field,
                    "et-al",
                    Severity.MINOR,
                    f"'et al.' after {len(written)} author(s) where the record "
                    f"has {len(record)} (style: {style})",
                    str(len(written)),
                    str(len(record)),
                )
            )
        # the truncated tail is not missing; a hole before the last listed author is
        last = max(positions, default=-1)
        missing = [j for j in missing if j < last]
    if missing:
        shown = ", ".join(record[j].shown for j in missing)
        errors.append(
            FieldError(
                field,
                "missing",
                Severity.MINOR,
                f"{len(missing)} author(s) of the record missing: {shown}",
                None,
                shown,
            )
        )
    return errors


# --------------------------------------------------------------------------- title


_BRACKETED = re.compile(r"^\[(.*)\]\.?$")


def title_words(title: str) -> list[str]:
    title = title.strip()
    match = _BRACKETED.match(title)
    if match:  # PubMed's translated titles: "[Title in English]."
        title = match.group(1)
    title = fold(title).replace("&", " and ")
    return [americanise(w) for w in re.findall(r"[a-z0-9]+", title)]


def compare_title(written: str, record: str, field: str = "title") -> list[FieldError]:
    a, b = title_words(written), title_words(record)
    if not a or not b or a == b:
        return []
    # a title written without its subtitle is a common, harmless short form only if the
    # record title starts with it and the cut falls at the subtitle separator
    if _is_main_title(written, record, a, b):
        return []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    changes: list[str] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        if op == "replace":
            # a single-letter typo inside a word is still a changed word
            changes.append(f"{' '.join(a[i1:i2])!r} for {' '.join(b[j1:j2])!r}")
        elif op == "delete":
            changes.append(f"added {' '.join(a[i1:i2])!r}")
        else:
            changes.append(f"missing {' '.join(b[j1:j2])!r}")
    ratio = matcher.ratio()
    severity = Severity.MAJOR if ratio < 0.4 else Severity.MINOR
    problem = "different" if ratio < 0.4 else "words"
    return [
        FieldError(
            field,
            problem,
            severity,
            "title differs from the record: " + "; ".join(changes[:6]),
            written,
            record,
        )
    ]


def _is_main_title(written: str, record: str, a: list[str], b: list[str]) -> bool:
    """The written title is the record's main title, without its subtitle."""
    if len(a) >= len(b) or b[: len(a)] != a or len(a) < 3:
        return False
    for sep in (":", ". ", "? ", " - "):
        if sep in record and title_words(record.split(sep, 1)[0]) == a:
            return True
    return False


# --------------------------------------------------------------------------- journal


_JOURNAL_STOP = frozenset(
    "of the and for in on de des du la le les der die das und fur et y e a an".split()
)
_PARENS = re.compile(r"\([^)]*\)|\[[^\]]*\]")


def _journal_tokens(name: str) -> list[str]:
    name = _PARENS.sub(" ", fold(name)).replace("&", " and ")
    name = name.split("(", 1)[0]  # an unclosed qualifier: "Journal of immunology (Baltimore, Md"
    return [americanise(t) for t in re.findall(r"[a-z0-9]+", name) if t not in _JOURNAL_STOP]


def journal_equivalent(written: str, names: Iterable[str]) -> bool:
    """Whether a written journal name is one of the record's names or an abbreviation of one."""
    w = _journal_tokens(written)
    if not w:
        return True
    for name in names:
        r = _journal_tokens(name)
        if not r:
            continue
        if w == r:
            return True
        if len(w) == len(r) and all(abbreviates(x, y) for x, y in zip(w, r, strict=True)):
            return True
        # single-word full titles abbreviated as one (e.g. "Cancer"), or the full title
        # with a trailing word the ISO form drops (section letters); otherwise not equal
    return False


def compare_journal(written: str, work: Work) -> list[FieldError]:
    names = journal_names(work)
    if not names or journal_equivalent(written, names):
        return []
    record = work.journal_iso or names[0]
    return [
        FieldError(
            "journal",
            "different",
            Severity.MINOR,
            f"journal {written!r} is neither the record's title nor an abbreviation "
            f"of it ({' / '.join(dict.fromkeys(names))})",
            written,
            record,
        )
    ]


# --------------------------------------------------------------------------- numbers


_PAGE = re.compile(
    r"^\s*([A-Za-z]*)(\d+)([A-Za-z]?)\s*(?:[-\u2010-\u2015]\s*([A-Za-z]*)(\d+)"
    r"([A-Za-z]?))?"
)


def page_range(page: str) -> tuple[str, str | None] | None:
    """First and last page, with abbreviated ranges expanded: "1481-9" -> ("1481", "1489"),
    "S67-72" -> ("s67", "s72"), "e123" -> ("e123", None). None when there is no page number."""
    match = _PAGE.match(page)
    if not match:
        return None
    prefix, first, suffix, prefix2, last, suffix2 = match.groups()
    first_page = f"{prefix}{first.lstrip('0') or '0'}{suffix}".lower()
    if last is None:
        return first_page, None
    if len(last) < len(first) and not prefix2:
        last = first[: len(first) - len(last)] + last
    last_page = f"{prefix2 or prefix}{last.lstrip('0') or '0'}{suffix2}".lower()
    return first_page, last_page


def _norm_edition(value: object) -> str:
    return edition_number(fold(str(value))) or fold(str(value)).strip()


def _norm_number(value: object) -> str:
    text = fold(str(value)).strip()
    text = re.sub(r"^(?:vol|volume|no|issue|n)\.?\s*", "", text)
    text = re.sub(r"\s+", "", text)
    return re.sub(r"(?<![0-9])0+(?=[0-9])", "", text)


def _compare_number(
    field: str, written: object, record: object, severity: Severity
) -> list[FieldError]:
    if written in (None, "") or record in (None, ""):
        return []
    a, b = _norm_number(written), _norm_number(record)
    if field == "edition":
        a, b = _norm_edition(written), _norm_edition(record)
    if a == b:
        return []
    # "Suppl 2" vs "2 Suppl", "8 Pt 1" vs "8": the leading number decides
    na, nb = re.findall(r"\d+", a), re.findall(r"\d+", b)
    if na and nb and sorted(na) == sorted(nb) and re.sub(r"\d", "", a) == re.sub(r"\d", "", b):
        return []
    if na and nb and na[0] == nb[0] and a.startswith(na[0]) and b.startswith(nb[0]):
        return []  # "145" vs "145 (Pt 2)", "8" vs "8 Suppl": the same volume or issue
    return [
        FieldError(
            field,
            "different",
            severity,
            f"{field} {written} differs from the record's {record}",
            str(written),
            str(record),
        )
    ]


def compare_pages(written: str, record: str) -> list[FieldError]:
    w, r = page_range(written), page_range(record)
    if w is None or r is None:
        return []
    if w[0] != r[0]:
        return [
            FieldError(
                "page",
                "first-page",
                Severity.MAJOR,
                f"first page {w[0]} differs from the record's {r[0]} ({record})",
                written,
                record,
            )
        ]
    if w[1] is not None and r[1] is not None and w[1] != r[1]:
        return [
            FieldError(
                "page",
                "last-page",
                Severity.MINOR,
                f"last page {w[1]} differs from the record's {r[1]} ({record})",
                written,
                record,
            )
        ]
    return []


# --------------------------------------------------------------------------- whole reference


def _same_words_split_differently(
    w_title: str, w_journal: str, r_title: str, names: Iterable[str]
) -> bool:
    """The written title + journal are the record's title + journal word for word, only cut
    at a different full stop (a journal title that itself contains one)."""
    written = title_words(w_title) + title_words(_PARENS.sub(" ", w_journal).split("(", 1)[0])
    for name in names:
        full = title_words(r_title) + title_words(_PARENS.sub(" ", name).split("(", 1)[0])
        if written == full:
            return True
    return False


def _compare_chapter_with_book(
    written: CSLItem, work: Work, et_al_style: EtAlStyle
) -> list[FieldError]:
    """A chapter cited in a book whose catalogue record is the book: the chapter's own title,
    authors and pages are not in the record; the book's title, editors, edition and year are."""
    record = work.csl
    book = {k: v for k, v in written.items() if k not in ("author", "title", "page", "type")}
    if written.get("container-title"):
        book["title"] = written["container-title"]
        book.pop("container-title")
    book["type"] = "book"
    errors = compare_fields(book, work, et_al_style=et_al_style) if book.get("title") else []
    if not written.get("editor"):
        return [e for e in errors if e.field != "editor"]
    if not record.get("editor") and not record.get("author"):
        return [e for e in errors if e.field != "editor"]
    return errors


def compare_reference(
    written: CSLItem,
    work: Work,
    *,
    raw: str | None = None,
    et_al_style: EtAlStyle = "lenient",
) -> list[FieldError]:
    """All citation errors of a reference against its verified record ``work``.

    ``raw`` is the reference as written (default ``written["_raw"]``): when it is free text,
    the errors come from aligning that text with the record (:func:`refkeeper.align.align`),
    ``written`` (the parser's reading) only helping to say what the reference gives instead;
    a library entry (no free text) is compared field by field."""
    text = raw if raw is not None else str(written.get("_raw") or "")
    record = work.csl
    if (
        is_free_text(text)
        and work.source == "pubmed"
        and str(record.get("type", "article-journal")) not in ("book", "chapter")
        and str(written.get("type", "")) != "chapter"
    ):
        return compare_aligned(text, written, work, et_al_style=et_al_style)
    return compare_fields(written, work, et_al_style=et_al_style)


def compare_fields(
    written: CSLItem, work: Work, *, et_al_style: EtAlStyle = "lenient"
) -> list[FieldError]:
    """Citation errors of ``written`` (CSL fields read from a library) against ``work``."""
    record = work.csl
    if str(written.get("type", "")) == "chapter" and str(record.get("type", "")) == "book":
        return _compare_chapter_with_book(written, work, et_al_style)
    errors: list[FieldError] = []
    for field in ("author", "editor"):
        w_names, r_names = _names(written.get(field)), _names(record.get(field))
        if field == "editor" and written.get("author"):
            continue
        if not r_names and field == "editor":
            # books: the page may write editors where the catalogue has authors
            r_names = _names(record.get("author"))
        et_al = bool(written.get("_et_al"))
        if field == "author" and not work.authors_complete and r_names:
            # PubMed lists only the first authors of this record (CompleteYN="N"): compare
            # what both list, and do not judge "et al." or the length of the list.
            w_names, et_al = w_names[: len(r_names)], False
        errors += compare_authors(w_names, r_names, et_al=et_al, style=et_al_style, field=field)
    w_title, r_title = written.get("title"), record.get("title")
    is_book = str(record.get("type", "")) in ("book", "report") and str(
        written.get("type", "book")
    ) in ("book", "report")
    journal = written.get("container-title") or written.get("container-title-short")
    if (
        journal
        and w_title
        and r_title
        and not is_book
        and _same_words_split_differently(
            str(w_title), str(journal), str(r_title), journal_names(work)
        )
    ):
        pass  # "Title. Colloids and surfaces. B, Biointerfaces": only the split is ambiguous
    else:
        if w_title and r_title:
            errors += compare_title(str(w_title), str(r_title))
        if journal and not is_book:
            errors += compare_journal(str(journal), work)
    w_year, r_years = year_of(written), record_years(work)
    if w_year is not None and r_years and w_year not in r_years:
        shown = "/".join(str(y) for y in sorted(r_years))
        errors.append(
            FieldError(
                "year",
                "different",
                Severity.MAJOR,
                f"year {w_year} differs from the record's {shown}",
                str(w_year),
                shown,
            )
        )
    errors += _compare_number("volume", written.get("volume"), record.get("volume"), Severity.MAJOR)
    errors += _compare_number("issue", written.get("issue"), record.get("issue"), Severity.MINOR)
    if is_book:
        errors += _compare_number(
            "edition", written.get("edition"), record.get("edition"), Severity.MINOR
        )
    w_page, r_page = written.get("page"), record.get("page")
    if w_page and r_page:
        errors += compare_pages(str(w_page), str(r_page))
    w_doi, r_doi = written.get("DOI"), work.doi or record.get("DOI")
    if w_doi and r_doi and str(w_doi).strip().lower() != str(r_doi).strip().lower():
        errors.append(
            FieldError(
                "DOI",
                "different",
                Severity.MAJOR,
                f"DOI {w_doi} is not the record's {r_doi}",
                str(w_doi),
                str(r_doi),
            )
        )
    w_pmid, r_pmid = written.get("PMID"), work.pmid
    if w_pmid and r_pmid and str(w_pmid).strip() != str(r_pmid):
        errors.append(
            FieldError(
                "PMID",
                "different",
                Severity.MAJOR,
                f"PMID {w_pmid} is not the record's {r_pmid}",
                str(w_pmid),
                r_pmid,
            )
        )
    return errors


# --------------------------------------------------------------------------- aligned with the text


def compare_aligned(
    raw: str, written: CSLItem, work: Work, *, et_al_style: EtAlStyle = "lenient"
) -> list[FieldError]:
    """Citation errors found by aligning the reference text with its record: what the
    reference says where the record says otherwise. A field the text does not give is not
    compared; a correct reference, in any style, has none."""
    al = align(raw, work, written)
    errors = _aligned_authors(al, work, et_al_style)
    if title_written(al, raw):
        errors += _aligned_title(al, written, work)
    journal = al.journal
    if journal.agree is not None and journal.agree < 1.0 and journal.written:
        names = journal_names(work)
        if not journal_equivalent(journal.written, names):
            errors.append(
                FieldError(
                    "journal",
                    {0.0: "different", 0.7: "shortened"}.get(journal.agree, "misspelt"),
                    Severity.MINOR,
                    f"journal {journal.written!r} is neither the record's title nor an "
                    f"abbreviation of it ({' / '.join(dict.fromkeys(names))})",
                    journal.written,
                    journal.record,
                )
            )
    year = al.year
    if year.agree is not None and year.agree < 1.0:
        errors.append(
            FieldError(
                "year",
                "different",
                Severity.MAJOR,
                f"year {year.written} differs from the record's {year.record}",
                year.written,
                year.record,
            )
        )
    if al.volume.agree == 0.0:
        errors += _compare_number(
            "volume", al.volume.written, record_value(work, "volume"), Severity.MAJOR
        )
    if al.issue.agree == 0.0:
        errors += _compare_number(
            "issue", al.issue.written, record_value(work, "issue"), Severity.MINOR
        )
    if al.page_written and (al.page.agree == 0.0 or al.last_page.agree == 0.0):
        errors += compare_pages(al.page_written, str(work.csl.get("page") or ""))
    for name, match in al.identifiers.items():
        if match.agree == 0.0 and name in ("DOI", "PMID"):
            errors.append(
                FieldError(
                    name,
                    "different",
                    Severity.MAJOR,
                    f"{name} {match.written} is not the record's {match.record}",
                    match.written,
                    match.record,
                )
            )
    return errors


def record_value(work: Work, name: str) -> str:
    return str(work.csl.get(name) or "")


def _aligned_title(al: Alignment, written: CSLItem, work: Work) -> list[FieldError]:
    title = al.title
    record = str(work.csl.get("title") or "")
    if title is None or not record or title.main_title_only:
        return []
    if title.similarity < 0.5:
        # the record's title is not in the text: a title the parser read, if any, differs
        parsed = str(written.get("title") or "")
        if title.similarity == 0.0 and not parsed:
            return []
        if parsed and compare_title(parsed, record):
            return [
                FieldError(
                    "title",
                    "different",
                    Severity.MAJOR,
                    "title differs from the record",
                    parsed,
                    record,
                )
            ]
        return []
    changes = []
    for op, mine, theirs in title.changes:
        if op in ("changed", "misspelt"):
            changes.append(f"{mine!r} for {theirs!r}")
        elif op == "added":
            changes.append(f"added {mine!r}")
        else:
            changes.append(f"missing {theirs!r}")
    if not changes:
        return []
    severity = Severity.MAJOR if title.similarity < 0.4 else Severity.MINOR
    return [
        FieldError(
            "title",
            "words",
            severity,
            "title differs from the record: " + "; ".join(changes[:6]),
            title.written,
            record,
        )
    ]


def _aligned_authors(al: Alignment, work: Work, style: EtAlStyle) -> list[FieldError]:
    if not al.author_region or not al.authors or al.first_author is None:
        return []
    errors: list[FieldError] = []
    found = [a for a in al.authors if a.position is not None]
    complete = work.authors_complete
    lead = al.authors[0]
    by_position = sorted(found, key=lambda a: a.position or 0)
    if lead.position is None or (found and by_position[0].index != 0):
        shown = by_position[0].written if by_position else (al.unmatched_names or ("",))[0]
        errors.append(
            FieldError(
                "author",
                "first-different",
                Severity.MAJOR,
                f"first author {shown!r} is different; the record has {lead.shown!r}",
                shown or None,
                lead.shown,
            )
        )
    elif not lead.exact:
        errors.append(
            FieldError(
                "author",
                "first-misspelt",
                Severity.MAJOR,
                f"first author {lead.written!r} is misspelt; the record has {lead.shown!r}",
                lead.written,
                lead.shown,
            )
        )
    for a in found:
        if a.index and not a.exact:
            errors.append(
                FieldError(
                    "author",
                    "misspelt",
                    Severity.MINOR,
                    f"author {a.written!r} is misspelt; the record has {a.shown!r}",
                    a.written,
                    a.shown,
                )
            )
        if not a.initials_ok:
            errors.append(
                FieldError(
                    "author",
                    "initials",
                    Severity.MINOR,
                    f"initials of {a.written} {a.written_initials.upper()!r} differ from the "
                    f"record's {a.shown!r}",
                    f"{a.written} {a.written_initials.upper()}".strip(),
                    a.shown,
                )
            )
    order = [a.index for a in by_position]
    if order != sorted(order):
        errors.append(
            FieldError(
                "author",
                "order",
                Severity.MINOR,
                "authors are listed in a different order than in the record",
                ", ".join(a.written for a in by_position),
                ", ".join(a.shown for a in al.authors[: len(by_position)]),
            )
        )
    last = max((a.index for a in found), default=-1)
    missing = [a for a in al.authors if a.position is None and a.index < last]
    if not al.et_al and complete:
        # without "et al." the whole list is written: the ones after the last are missing too
        missing = [a for a in al.authors if a.position is None]
    if al.ellipsis:
        missing = []  # "A, B, ... Z": the style cuts the list in the middle
    if missing and found:
        shown = ", ".join(a.shown for a in missing)
        errors.append(
            FieldError(
                "author",
                "missing",
                Severity.MINOR,
                f"{len(missing)} author(s) of the record missing: {shown}",
                None,
                shown,
            )
        )
    if (
        al.et_al
        and not al.ellipsis
        and complete
        and not _et_al_allowed(style, last + 1, len(al.authors))
    ):
        errors.append(
            FieldError(
                "author",
                "et-al",
                Severity.MINOR,
                f"'et al.' after {last + 1} author(s) where the record has "
                f"{len(al.authors)} (style: {style})",
                str(last + 1),
                str(len(al.authors)),
            )
        )
    return errors
