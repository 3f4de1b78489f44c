"""Free-text reference parser: one reference string -> CSL-JSON fields, or the reasons why not.

    >>> parse_reference("Timmons CF, Dawson DB (1995) Title. Cancer 76: 1481-9").fields["page"]
    '1481-1489'

Handled: Vancouver/NLM (``Timmons CF, Dawson DB. Title. Cancer. 1995 Oct 15;76(8):1481-9.``),
AMA, APA (``Timmons, C. F., & Dawson, D. B. (1995). Title. Cancer, 76(8), 1481-1489.``), the
WHO Classification site (``Authors (Year) Title. Journal Vol: pages``), Harvard (quoted titles,
``pp.``), Nature (``Journal 9, 676-682 (2012).``), chemistry journals (``J. Liu, N. Gong, Chem.
Eng. J. 2022, 428, 130981.``), Chicago (``143, no. 1 (January 1990): 1-9``), BMC (``Authors:
Title``), fields joined by full stops (``Journal. 2006. 4. 577. 587``), citation-only strings
(``J Biol Chem. 2010 Aug 6;285(32):24447-56``), books (``City: Publisher; Year``, ``Publisher:
City Year``, ``Springer, Berlin``, ``(Publisher, Year)``, editions), chapters (``In: Editors,
eds. Book. City: Publisher; Year. p. 10-20``, APA ``In J. Doe (Ed.), Book (pp. 10-20).``),
arXiv preprints. Names: see :mod:`refkeeper.extract.names`; dates: :mod:`~.dates`; pages:
:mod:`~.pages`. Identifiers (DOI, PMID, PMCID, ISBN) are taken from anywhere in the string.

Nothing is guessed: a field is set only when its place in the string says what it is. What is
not understood is reported in ``problems``; the caller keeps the raw text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from refkeeper.extract import refsegments as seg
from refkeeper.extract.dates import DATE, MONTH_DAY, parse_date
from refkeeper.extract.names import PARTICLES, NameList, parse_names, strip_editor_marker
from refkeeper.extract.pages import parse_pages
from refkeeper.extract.refbooks import (
    JOURNAL_START_RE,
    has_publisher,
    is_date_piece,
    parse_book,
    parse_chapter,
)
from refkeeper.extract.refstate import (
    ParseState,
    is_abbreviated,
    set_journal,
    set_title,
    split_title_journal,
    year_of,
)
from refkeeper.identifiers import find_identifiers
from refkeeper.models import CSLItem

__all__ = ["ParsedReference", "parse_reference", "MAX_LENGTH"]

MAX_LENGTH = 4000
"""Longer strings are not one reference; they are reported, not parsed."""

_MAX_AUTHOR_CANDIDATES = 48
_BOUNDARY_RE = re.compile(
    r"\.(?=\s|$)|:(?=\s)|,?\s+(?=\(?(?:1[5-9]|20)\d\d[a-z]?\)?(?:[.,:;]|\s|$))|,?\s*(?=\")"
)
"""Where an author list may end: a full stop, a colon, before a year or before a quote."""
_LOCATOR_START_RE = re.compile(rf"[.,]?\s*(?:{DATE})\s*;\s*\(?\d", re.IGNORECASE)
_TRAILING_YEAR_RE = re.compile(r"[;,]\s*(?P<y>(?:1[5-9]|20)\d\d)\.?$")
_ANONYMOUS_RE = re.compile(r"^\[?(?:Anonymous|Anon\.?)\]?[.,:]?\s+", re.IGNORECASE)
_DISCUSSION_RE = re.compile(
    r";\s*(?:discussion|author\s+reply|quiz|reply)\s+[A-Za-z]{0,2}\d[\w\s,\-]{0,30}$", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class ParsedReference:
    """The CSL-JSON fields read from a reference string and why anything could not be read."""

    fields: CSLItem
    problems: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_json(self) -> dict[str, Any]:
        return {"fields": self.fields, "problems": list(self.problems)}


def parse_reference(raw: str) -> ParsedReference:
    """Parse one reference string into CSL-JSON fields. Never raises."""
    if not isinstance(raw, str):
        return ParsedReference({}, (f"not a string: {type(raw).__name__}",))
    try:
        return _parse(raw)
    except (  # pragma: no cover
        AttributeError, IndexError, KeyError, RecursionError, TypeError, ValueError,
    ) as exc:  # fmt: skip
        # A parser bug must not lose the reference: it stays raw, with the reason.
        return ParsedReference({}, (f"reference parser failed: {type(exc).__name__}: {exc}",))


def _parse(raw: str) -> ParsedReference:
    text = seg.clean_text(raw)
    if not text:
        return ParsedReference({}, ("empty reference",))
    if len(text) > MAX_LENGTH:
        return ParsedReference(
            {}, (f"{len(text)} characters is too long for one reference (limit {MAX_LENGTH})",)
        )
    st = ParseState()
    if seg.may_hold_identifiers(text):
        st.fields.update(find_identifiers(text))
        doi = seg.sici_doi(text)
        if doi:
            st.fields["DOI"] = doi
    text = seg.strip_label(text)
    text, url = seg.strip_identifiers(text)
    if url:
        st.fields["URL"] = url
    if "arxiv" in text.lower():
        m_arxiv = seg.ARXIV_RE.search(text)
        if m_arxiv:
            # a preprint: arXiv is where it appeared, its number the identifier
            st.fields.update(type="article", publisher="arXiv", number=m_arxiv.group("id"))
            text = (text[: m_arxiv.start()] + text[m_arxiv.end() :]).strip(" ,;:")
    if not text:
        st.problems.append("nothing but identifiers")
        return _finish(st)
    rest = _take_authors(text, st)
    rest = rest.lstrip(" .,;:")
    if "issued" not in st.fields:
        m = seg.YEAR_START_RE.match(rest)
        if m and st.set_date(m.group("date")):
            rest = rest[m.end() :]
    _parse_body(rest.strip(), st)
    return _finish(st)


# ----------------------------------------------------------------------------- authors


def _names_to_csl(names: NameList, st: ParseState, role: str) -> None:
    st.fields[role] = names.names
    if names.et_al:
        st.fields["_et_al"] = True


def _accept(names: NameList | None, *, year_follows: bool) -> bool:
    """Full-name lists of one name are accepted only with a year after them, or initials."""
    if names is None or not names.names:
        return False
    if names.style == "full" and len(names.names) == 1 and not year_follows and not names.et_al:
        given = str(names.names[0].get("given", ""))
        return "." in given
    return True


def _take_authors(text: str, st: ParseState) -> str:
    """Find the author (or editor) list at the start; record it; return the text after it."""
    m_anon = _ANONYMOUS_RE.match(text)
    if m_anon:
        return text[m_anon.end() :]  # an unsigned work: no author to record, nothing amiss
    head = text[:1500]
    # "Authors (1995)" / "Authors (Eds.)": the WHO site, APA, Harvard, PLoS
    m_year = seg.PAREN_DATE_RE.search(head)
    m_eds = seg.PAREN_EDS_RE.search(head)
    for m in sorted((x for x in (m_year, m_eds) if x), key=lambda x: x.start()):
        prefix = text[: m.start()].rstrip(" ,")
        prefix, eds_marker = strip_editor_marker(prefix)
        names = parse_names(prefix)
        if not _accept(names, year_follows=True) or names is None:
            continue
        if _LOCATOR_START_RE.match(text, m.end()):
            continue  # "J Am Pharm Assoc (2003). 2016 Jul-Aug;56(4)": a journal's name
        role = "editor" if (m is m_eds or eds_marker) else "author"
        _names_to_csl(names, st, role)
        end = m.end()
        if m is m_eds and m_year and m_year.start() < m.end() + 3:
            end = m_year.end()
            st.set_date(m_year.group("date"))
        elif m is m_year:
            date = m.group("date")
            if not st.set_date(date) and date.lower().startswith("in"):
                st.fields["status"] = "in press"
        return text[end:]
    # Vancouver, AMA, full names, collective: the longest prefix that parses as names
    best: tuple[int, NameList, bool] | None = None
    count = 0
    last_end = -1
    for m in _BOUNDARY_RE.finditer(head):
        end = m.end() if m.group(0) == "." else m.start()
        if end == last_end or end == 0:
            continue
        last_end = end
        count += 1
        if count > _MAX_AUTHOR_CANDIDATES:
            break
        prefix, eds_marker = strip_editor_marker(text[:end])
        names = None if _sentence_in_last_part(prefix) else parse_names(prefix)
        if names is not None and _LOCATOR_START_RE.match(text, end):
            names = None  # "J Biol Chem. 2010 Aug 6;285(32):24447-56": a journal, not a name
        if names is not None and m.group(0) == ":" and names.style not in ("vancouver", "apa"):
            names = None  # "Tuberculosis in the United States: prevalence": a title
        year_follows = False
        if names is not None and names.style == "full":
            after = text[end:].lstrip(" .,")
            # MLA "Smith, John. “Title.”": a quoted title follows the one name
            year_follows = after[:1] in "\"'" or bool(seg.YEAR_START_RE.match(after))
            if best is not None and best[1].style == "vancouver" and len(names.names) < 2:
                # "Smith J. Liver Tumours": a title, not "Smith J. Liver" + "Tumours"
                names = names if year_follows else None
        if _accept(names, year_follows=year_follows) and names is not None:
            best = (end, names, eds_marker)
        elif best is not None and not _after_initial(text, m.start()):
            break
    if best is None:
        best = _comma_ended_names(text, head)
        st.title_expected = best is None
    if best is None:
        st.problems.append("no author list recognised at the start")
        return text
    end, names, eds_marker = best
    inverted = text.split(",", 1)[0].strip() == str(names.names[0].get("family", ""))
    if (
        not inverted  # Chicago "Liu, Shuang, and D. Lawrence Venable. 2019." is no journal
        and _journal_ends_list(names)
        and seg.YEAR_START_RE.match(text[end:].lstrip(" .,"))
    ):
        # "W. Qu, J. Power Sources 2015, 283, 358": the journal, not "Sources, J. Power"
        cut = text.rfind(",", 0, end)
        if cut > 0:
            names, end = NameList(names.names[:-1], names.et_al, names.style), cut
            st.title_expected = False
    # "Longo D. Hasty J. Title": one name per full stop
    if len(names.names) == 1 and names.style == "vancouver" and not names.et_al:
        extra, end = _dotted_names(text, end)
        names = NameList(names.names + extra, names.et_al, names.style)
    _names_to_csl(names, st, "editor" if eds_marker else "author")
    return text[end:]


def _journal_ends_list(names: NameList) -> bool:
    """Is the last of several initial-first full names an initial and words (``J. Power
    Sources``) that may as well be a journal's abbreviated name?"""
    if names.style != "full" or len(names.names) < 2:
        return False
    given = str(names.names[-1].get("given", "")).split()
    return len(given) >= 2 and given[0].endswith(".") and not given[-1].endswith(".")


def _comma_ended_names(text: str, head: str) -> tuple[int, NameList, bool] | None:
    """Chemistry style ``J. Liu, N. Gong, Chem. Eng. J. 2022, 428, 130981``: the list ends at
    the last comma before which everything is a name."""
    best: tuple[int, NameList, bool] | None = None
    pos = head.find(", ")
    count = 0
    while pos != -1 and count < 2 * _MAX_AUTHOR_CANDIDATES:
        count += 1
        names = parse_names(text[:pos])
        if names is not None and names.style in ("full", "mixed") and len(names.names) >= 2:
            best = (pos, names, False)
        elif names is not None and _initialled_name(names) and (best is None or names.et_al):
            # PNAS "T. Hara, et al., Title." and "S.-W. Chu, Title." (one author, a comma)
            best = (pos, names, False)
        elif best is not None:
            break
        pos = head.find(", ", pos + 2)
    return best


def _initialled_name(names: NameList) -> bool:
    """One name written ``S.-W. Chu`` (initials first), or followed by ``et al.``."""
    if names.style != "full" or len(names.names) != 1:
        return False
    given = str(names.names[0].get("given", ""))
    return names.et_al or (given[:1].isupper() and given.endswith("."))


def _sentence_in_last_part(prefix: str) -> bool:
    """Does the last part of ``prefix`` hold a sentence (``Dawson DB. Epstein-Barr virus``)?

    A cheap test that spares parsing the whole prefix again at each candidate end."""
    cut = max(prefix.rfind(","), prefix.rfind(";"), prefix.rfind("&"))
    cut_and = prefix.rfind(" and ")
    if cut_and != -1 and cut_and + 4 > cut:
        cut = cut_and + 4
    last = prefix[cut + 1 :]
    dot = last.find(". ")
    if dot == -1:
        return False
    for tok in last[dot + 2 :].split():
        if tok[0].islower() and tok not in PARTICLES and tok not in ("et", "al", "al."):
            return True
    return False


def _after_initial(text: str, pos: int) -> bool:
    """Is the full stop at ``pos`` the one of an initial (``Carl F. Timmons``)?"""
    return pos >= 1 and text[pos - 1].isupper() and (pos == 1 or not text[pos - 2].isalpha())


def _dotted_names(text: str, end: int) -> tuple[list[dict[str, Any]], int]:
    extra: list[dict[str, Any]] = []
    while len(extra) < 100:
        nxt = text.find(". ", end + 1)
        stop = nxt + 1 if nxt != -1 else len(text)
        piece = text[end:stop].strip(" .")
        if not piece or "," in piece or len(piece) > 60:
            break
        if any(t[:1].islower() and t not in PARTICLES for t in piece.split()):
            break  # a title's words, not a name
        names = parse_names(piece, allow_full=False)
        if names is None or names.style != "vancouver" or len(names.names) != 1:
            break
        if nxt == -1 or text.count(". ", stop) < 2:
            # a title and a journal must still follow: "Smith J. Vitamin D. Lancet. 2001"
            break
        extra.extend(names.names)
        end = stop
    return extra, end


# ----------------------------------------------------------------------------- body


def _parse_body(rest: str, st: ParseState) -> None:
    if not rest:
        st.problems.append("no title found")
        return
    if ":" in rest:
        m_note = seg.NOTES_RE.search(rest)
        if m_note:
            st.fields["note"] = m_note.group("note").strip()  # "Erratum in: Lancet. 2001;358:100."
            rest = rest[: m_note.start() + 1]
    if "riginal" in rest or "orig." in rest:
        m_orig = _ORIGINAL_RE.search(rest)
        if m_orig and m_orig.start() > 0:
            rest = rest[: m_orig.start()]  # "(Original work published as <the title>)"
    m_types = seg.PUB_TYPES_RE.search(rest, max(0, len(rest) - 80))
    if m_types and m_types.start() > 0:
        rest = rest[: m_types.start() + 1]  # PubMed's "1-9. Review. English."
    if " // " in rest:
        rest = rest.replace(" // ", ". ")  # GOST: "Title // Journal. 2001. Vol. 357"
    m_date = seg.TRAILING_PAREN_DATE_RE.search(rest, max(0, len(rest) - 40))
    nature = False
    if m_date and m_date.start() > 0 and st.set_date(m_date.group("date")):
        rest = rest[: m_date.start()].rstrip(" ,.")  # Nature: "Journal 46, 3357-3385 (2017)."
        nature = True
    m_pub = seg.TRAILING_PAREN_IMPRINT_RE.search(rest, max(0, len(rest) - 120))
    if m_pub and m_pub.start() > 0:
        # Nature/AIP books: "Title (Publisher, 2023)", "In Proceedings 125-143 (Springer, 2024)"
        st.fields["publisher"] = m_pub.group("pub").strip()
        if m_pub.group("date"):
            st.set_date(m_pub.group("date"))
        st.fields.setdefault("type", "book")
        rest = rest[: m_pub.start()].rstrip(" ,.")
    low_tail = rest[-40:].lower()
    m_press = (
        seg.IN_PRESS_RE.search(rest, max(0, len(rest) - 40))
        if "press" in low_tail or "forthcoming" in low_tail or "accepted" in low_tail
        else None
    )
    if m_press and m_press.start() > 0:
        st.fields["status"] = "in press"
        rest = rest[: m_press.start()].rstrip(" .,;")
    m_in = seg.IN_RE.search(rest) if "In:" in rest or "In " in rest else None
    if m_in and m_in.start() > 0:
        parse_chapter(rest[: m_in.start()], rest[m_in.end() :], st)
        return
    if rest[:1] in "\"'" and "title" not in st.fields:
        # Chicago, MLA, Harvard, IEEE: the title in quotes, the journal after it
        m_qt = (_DQ_TITLE_RE if rest[0] == '"' else _SQ_TITLE_RE).match(rest)
        if m_qt and m_qt.group("rest"):
            set_title(m_qt.group("title"), st)
            rest = m_qt.group("rest").strip()
            m_date = seg.TRAILING_PAREN_DATE_RE.search(rest, max(0, len(rest) - 40))
            if m_date and m_date.start() > 0 and st.set_date(m_date.group("date")):
                rest = rest[: m_date.start()].rstrip(" ,.")
                nature = True
            m_md = _MONTH_DAY_ELOCATOR_RE.search(rest, max(0, len(rest) - 50))
            if m_md and m_md.start() > 0 and "issued" in st.fields:
                # Chicago ahead of print: "Journal, December 12, 104459." (year given above)
                st.set_pages(m_md.group("pages"))
                rest = rest[: m_md.start()]
    if "title" in st.fields and (m_mla := _MLA_LOCATOR_RE.search(rest)) and m_mla.start() > 0:
        _mla_journal(rest, m_mla, st)
        return
    m_ieee = _IEEE_TAIL_RE.search(rest) if "title" in st.fields else None
    if (
        m_ieee
        and m_ieee.start() > 0
        and (m_ieee.group("vol") or rest[m_ieee.start() - 1].isalpha())
    ):
        _ieee_journal(rest, m_ieee, st)
        return
    if not _ends_with_month_date(rest) and _parse_journal(rest, st, volume_only=nature):
        return
    dated = False
    if "title" not in st.fields and _ends_with_full_date(rest):
        # "Title. J Eval Clin Pract 9 Dec. 2019.": a date, not numbers after the journal
        rest = _strip_tail_dates(rest, st)
        dated = True
    if _parse_segments(rest, st):
        return
    if st.fields.get("status") == "in press" and len(seg.split_sentences(rest)) > 1:
        # "Title. Journal. In press": the journal is all that follows the title
        st.fields["type"] = "article-journal"
        split_title_journal(rest, st)
        return
    if "title" not in st.fields:
        undated = _strip_tail_dates(rest, st)
        dated = dated or undated != rest.rstrip(" .")
        rest = undated
    segs = seg.split_sentences(rest)
    while len(segs) > 1 and is_date_piece(segs[-1]) and st.set_date(segs[-1].rstrip(". ")):
        segs.pop()
        dated = True
    if "publisher" in st.fields:
        set_title(" ".join(segs), st)  # "Title (Publisher, 2023)": nothing else to read
        return
    m_year = _TRAILING_YEAR_RE.search(segs[-1])
    if m_year and st.set_date(m_year.group("y")):
        segs[-1] = segs[-1][: m_year.start()]  # "WHO. Noncommunicable disease; 2016."
    if "title" in st.fields:
        # the title was quoted; a journal without volume or pages (ahead of print)
        journal = _strip_tail_dates(" ".join(segs), st)
        if journal:
            st.fields["type"] = "article-journal"
            set_journal(_tail_number(journal, st), st)
            return
    if (dated or nature or "issued" in st.fields) and len(segs) > 1 and "author" in st.fields:
        # ahead of print: "Title. J Strength Cond Res. 2019 Dec 4." (no volume, no pages)
        st.fields["type"] = "article-journal"
        split_title_journal(" ".join(segs[:-1] + [_tail_number(segs[-1], st)]), st)
        return
    last = segs[-1].rstrip(". ")
    if (
        len(segs) > 1
        and "author" in st.fields
        and (JOURNAL_START_RE.match(last) or (is_abbreviated(last) and len(last.split()) > 1))
    ):
        # ahead of print without a date: "Title. J Surg Oncol." (Annals of Surgery)
        st.fields["type"] = "article-journal"
        split_title_journal(" ".join(segs), st)
        return
    set_title(segs[0], st)
    if len(segs) > 1:
        unread = seg.snippet(" ".join(segs[1:]))
        st.problems.append(f"text after the title not understood: {unread}")
    st.problems.append("no journal, volume, pages or publisher recognised")


def _parse_journal(rest: str, st: ParseState, *, volume_only: bool = False) -> bool:
    """A journal article with a locator at the end (``Vol(Issue):pages``); ``volume_only``
    also takes ``Journal 28`` (Nature style, whose year stood in brackets at the end)."""
    body = rest.rstrip(" .;,")
    m_disc = _DISCUSSION_RE.search(body, max(0, len(body) - 50))
    if m_disc:
        body = body[: m_disc.start()]  # "; discussion 1134-5": pages of a reply, not the article
    low_tail = body[-60:].lower()
    if "vol" in low_tail or "v." in low_tail or "\u0442." in low_tail:
        m_lab = seg.LABELLED_LOCATOR_RE.search(body, max(0, len(body) - 80))
        if m_lab and m_lab.start() > 0:
            return _labelled_journal(body, m_lab, st)
    m_ty = _LOCATOR_YEAR_RE.search(body, max(0, len(body) - 40))
    if m_ty and st.set_date(m_ty.group("y")):
        body = body[: m_ty.start()]  # JCO "J Law Med 31:447-465, 2024"
    m = seg.LOCATOR_RE.search(body, max(0, len(body) - 100))
    while (
        m
        and ":" not in body[m.end("vol") : m.start("pages")]
        and ("-" in m.group("vol") or (not m.group("iss") and _looks_like_year(m.group("vol"))))
    ):
        # "CRC Press, 2017, pp. 1-233", "Chem. 2012, 134, 14706": a year, not a volume (but
        # "2020;2020:4281243" is one); "837-838, 844": pages. Look for a locator after it.
        later = seg.LOCATOR_RE.search(body, m.end("vol"))
        if later is None and "-" not in m.group("vol"):
            if "p" in body[m.end("vol") : m.start("pages")]:
                m = None
            break  # APA "Mediators of Inflammation, 2019, 3172647": the volume is the year
        m = later
    m_eloc = _DATE_ELOCATOR_RE.search(body, max(0, len(body) - 60))
    if m_eloc and (m_eloc.start() == 0 or not any(c.isalpha() for c in m_eloc.group("date"))):
        m_eloc = None
    if (
        m
        and m_eloc is None
        and "issued" not in st.fields
        and not m.group("iss")
        and _looks_like_year(m.group("vol"))
        and not body[: m.start()].rstrip().endswith(";")  # "2020;2020:4281243"
        and st.set_date(m.group("vol"))
    ):
        # "Elife 2021, 10.", "Ecology 2019:e02951", "Child Abuse Negl 2020, 104819": the year
        # and then the volume or an electronic locator (ahead of print)
        number = m.group("pages")
        if _ELOCATOR_RE.fullmatch(number) or "-" in number:
            st.set_pages(number)
        else:
            st.fields["volume"] = number
        st.fields["type"] = "article-journal"
        pre = body[: m.start()].rstrip(" ,;:")
        if pre:
            split_title_journal(pre, st)
        return True
    vol: str | None = None
    iss: str | None = None
    if m_eloc:
        # ahead of print: "Ecology. 2019 Dec 16;e02952.", AMA "December 16, 2019:e02952"
        st.set_pages(m_eloc.group("pages"))
        pre = body[: m_eloc.start()] + m_eloc.group("date")
    elif m:
        vol, iss = m.group("vol"), m.group("iss")
        if iss and seg.DATE_SEG_RE.fullmatch(iss):
            st.set_date(iss)  # "Nature 556 (2018): 43-50": a date, not an issue
            iss = None
        if m.group("no"):
            iss = m.group("no")  # Chicago: "143, no. 1 (January 1990): 1-9"
        supp = m.group("supp")
        if supp:
            iss = f"{supp} {iss}".strip() if iss and supp not in iss else (iss or supp)
        pre = body[: m.start()]
        st.set_pages(m.group("pages"))
        if m.group("more") and "page" in st.fields:
            _add_more_pages(m.group("more"), st)
    elif m_io := seg.LOCATOR_ISSUE_ONLY_RE.search(body, max(0, len(body) - 60)):
        # "Clin Orthop Relat Res. 1980 Nov-Dec;(153):121-5": an issue without a volume
        iss = m_io.group("iss") or None
        pre = body[: m_io.start()]
        st.set_pages(m_io.group("pages"))
    else:
        m2 = (
            seg.LOCATOR_NOPAGES_RE.search(body, max(0, len(body) - 100))
            if ";" in body[-100:]
            else None
        )
        m3 = seg.VOLUME_ONLY_RE.search(body, max(0, len(body) - 12)) if volume_only else None
        m4 = _VOLUME_ISSUE_END_RE.search(body, max(0, len(body) - 30))
        m5 = _DATE_ELOCATOR_RE.search(body, max(0, len(body) - 60))
        if m5 and m5.start() > 0:
            # ahead of print: "Ecology. 2019 Dec 16;e02952.", "J Hazard Mater. 2019;121805."
            st.set_pages(m5.group("pages"))
            pre = body[: m5.start()] + m5.group("date")
        elif m4 and m4.start() > 0 and not m2:
            vol, iss = m4.group("vol"), m4.group("iss")  # APA "Journal, 11(1)." (no pages)
            pre = body[: m4.start()]
        elif m2:
            vol, iss = m2.group("vol"), m2.group("iss")
            pre = body[: m2.start()] + m2.group("date")
        elif m3 and m3.start() > 0:
            vol, iss = m3.group("vol"), None
            pre = body[: m3.start()]
        else:
            return False
    pre = pre.rstrip(" ,;:")
    md = _tail_date(pre)
    if md and (md.start() == 0 or pre[md.start() - 1] in " .,;("):
        before = pre[: md.start()].rstrip(" (")
        known = year_of(st)
        written = parse_date(md.group("date"))
        if (
            known is not None
            and written
            and written["date-parts"][0][0] != known
            and (before[-1:].isalpha() or before.rfind("(") > before.rfind(")"))
        ):
            # "Periodontology 2000 68:21-40", "Journal of Immunology (Baltimore, Md. : 1950)":
            # a year that is part of the journal's name
            pass
        elif (
            before.endswith((".", ",", ";"))
            or known is not None
            or not before
            or md.group("date")[:4].isdigit()  # "Cancer 1995;76:1481" (no full stop)
            or md.group("date")[:1].isdigit()
            and " " in md.group("date")  # "J 15 Dec. 2019"
        ):
            st.set_date(md.group("date"))
            pre = before
    if vol:
        st.fields["volume"] = vol
    if iss:
        st.fields["issue"] = iss.strip()
    st.fields["type"] = "article-journal"
    pre = pre.strip().rstrip(",;:").strip()
    if not pre:
        st.problems.append("no title or journal found")
        return True
    split_title_journal(pre, st)
    return True


def _parse_segments(rest: str, st: ParseState) -> bool:
    """Fields joined by full stops: ``Journal. 2006. 4. 577. 587``, or a book's imprint."""
    segs = seg.split_sentences(rest)
    nums: list[str] = []
    supp: str | None = None
    i = len(segs)
    more_pages: list[str] = []
    if i > 2 and seg.PAGE_LIST_RE.fullmatch(segs[-1].rstrip(". ")):
        # "... 830. 833. 837-838, 844": the article goes on over further pages
        for piece in segs[-1].rstrip(". ").split(","):
            page, _ = parse_pages(piece)
            if page is None:
                break
            more_pages.append(page)
        else:
            i -= 1
    while i > 1 and len(nums) < 6:
        piece = segs[i - 1].rstrip(". ")
        m = seg.NUM_SEG_RE.fullmatch(piece)
        if not m:
            break
        if m.group("supp"):
            supp = m.group("supp")
        else:
            nums.insert(0, m.group("num"))
        i -= 1
    only_a_year = len(nums) == 1 and len(nums[0]) == 4 and seg.DATE_SEG_RE.fullmatch(nums[0])
    if only_a_year and i >= 2 and is_abbreviated(segs[i - 1].rstrip(". ")):
        only_a_year = False  # "Title. Open Forum Infect Dis. 2014.": an abbreviated journal
    if nums and not only_a_year and i >= 1 and not has_publisher(segs[:i]):
        head = segs[:i]
        if nums and seg.DATE_SEG_RE.fullmatch(nums[0]) and len(nums[0]) == 4:
            if "issued" not in st.fields or year_of(st) == int(nums[0]):
                st.set_date(nums[0])
                nums = nums[1:]
        if head and seg.DATE_SEG_RE.fullmatch(head[-1].rstrip(". ")) and len(head) > 1:
            st.set_date(head[-1].rstrip(". "))
            head = head[:-1]
        _assign_numbers(nums, supp, st)
        if more_pages and "page" in st.fields:
            st.fields["page"] = ", ".join([st.fields["page"], *more_pages])
        st.fields["type"] = "article-journal"
        split_title_journal(" ".join(head), st, head)
        return True
    if JOURNAL_START_RE.match(segs[-1]) and len(segs) > 1 and not nums:
        return False  # "Title. Journal of Strength and Conditioning Research." (ahead of print)
    if has_publisher(segs) or (seg.has_edition(rest) and seg.EDITION_RE.search(rest)):
        if nums:
            pages = nums[-2:] if len(nums) >= 2 else nums
            st.set_pages("-".join(pages))
            st.fields["type"] = "chapter"
            rest = " ".join(segs[:i])
        parse_book(rest, st, container=bool(nums))
        return True
    return False


_YEAR_ANYWHERE_RE = re.compile(r"(?:1[5-9]|20)\d\d")
_DATE_ELOCATOR_RE = re.compile(
    rf"(?P<date>{DATE})\s*[;:,]\s*(?P<pages>[A-Za-z]{{1,3}}\d{{3,12}}|\d{{5,20}}|\d{{1,6}}-\d{{1,6}})$",
    re.IGNORECASE,
)
"""A date and an electronic locator or pages, without a volume; a lone number of up to four
digits is a volume (``Cancer. 1995;76.``)."""
_LOCATOR_YEAR_RE = re.compile(r"(?<=\d)[,;]\s*(?P<y>(?:1[5-9]|20)\d\d)$")
_VOLUME_ISSUE_END_RE = re.compile(r",\s*(?P<vol>\d{1,5})\s*\((?P<iss>[^()]{1,20})\)$")
_MONTH_DATE_END_RE = re.compile(rf"(?<=[.,]\s)(?P<date>{DATE})\.?$", re.IGNORECASE)


_DQ_TITLE_RE = re.compile(r'^"(?P<title>[^"]{2,800}?)[,.]?"\s*[,.:;]?\s*(?P<rest>.*)$')
_SQ_TITLE_RE = re.compile(r"^'(?P<title>.{2,800}?)[,.]?'(?=[,.;:]|\s*$)[,.:;]?\s*(?P<rest>.*)$")
_MLA_LOCATOR_RE = re.compile(
    rf"(?:[,.]\s*vol\.\s*(?P<vol>[A-Za-z]?\d{{1,5}}[A-Za-z]?)|(?=,\s*(?:{DATE}),\s*pp?\.))"
    rf"(?:,\s*no\.\s*(?P<iss>[\w\-/]{{1,12}}))?"
    rf"(?:,\s*(?P<date>{DATE}))?(?:,\s*pp?\.\s*(?P<pages>[\w\-]{{1,30}}))?\s*\.?$",
    re.IGNORECASE,
)
"""MLA: ``Journal, vol. 8, no. 2, 2019, p. 118.`` (the date before the pages)."""
_TAIL_DATES_RE = re.compile(
    rf"(?:[,.;]?\s*\(?(?P<date>{DATE})\)?|,\s*(?P<md>{MONTH_DAY}))\s*\.?$", re.IGNORECASE
)


def _strip_tail_dates(text: str, st: ParseState) -> str:
    """``Journal (2019).``, ``Journal. 2019 Dec 4.``, ``Journal, December 15.`` (the year
    given after the authors): the text without its trailing date, which is recorded."""
    body = text.rstrip(" .")
    for _ in range(2):
        m = _TAIL_DATES_RE.search(body, max(0, len(body) - 40))
        if not m or m.start() == 0:
            break
        if m.group("date"):
            if not st.set_date(m.group("date")):
                break
        elif "issued" not in st.fields:
            break
        body = body[: m.start()].rstrip(" .,;")
    return body


_ORIGINAL_RE = re.compile(
    r"[.,]?\s*(?:\(\s*Original\s+work\s+published[^)]*\)|\bOriginally\s+published\s+as\b.*"
    r"|\borig\.\s*pub\.\s*as\b.*)\.?$"
)
_IEEE_TAIL_RE = re.compile(
    r",\s*(?:vol\.\s*(?P<vol>[A-Za-z]?\d{1,5}[A-Za-z]?)(?:\s*\((?P<supp>[^()]{1,20})\))?,\s*)?"
    r"(?:no\.\s*(?P<iss>[\w\-/]{1,12}),\s*)?pp?\.\s*(?P<pages>[A-Za-z]{0,3}\d[\w\-]{0,30})"
    rf"(?:,\s*(?P<date>{DATE}))?\.?$",
    re.IGNORECASE,
)
"""IEEE without a volume, or with a supplement: ``Journal, p. e02955, Dec. 2019``."""
_MONTH_DAY_ELOCATOR_RE = re.compile(
    rf",\s*{MONTH_DAY},\s*(?P<pages>[A-Za-z]{{1,3}}\d{{3,12}}|\d{{3,20}})\.?$", re.IGNORECASE
)
_ELOCATOR_RE = re.compile(r"[A-Za-z]{1,3}\d{3,12}|\d{5,20}")
_TAIL_NUMBER_RE = re.compile(
    r"(?<=[A-Za-z)])\s*[,:]?\s*(?:pp?\.\s*)?(?<![A-Za-z])(?:(?P<eloc>[A-Za-z]{1,3}\d{3,12}|\d{5,20})"
    r"|(?P<vol>\d{1,4})(?:\s*\((?P<iss>[^()]{1,12})\))?)\.?$"
)


def _tail_number(journal: str, st: ParseState) -> str:
    """``Adv Mater e18146``, ``Vet Pathol 3009858211062635`` (an electronic locator) and
    ``Cells 15`` (a volume) after a journal without pages: recorded, and cut off."""
    m = _TAIL_NUMBER_RE.search(journal, max(0, len(journal) - 30))
    if not m or m.start() == 0:
        return journal
    if m.group("eloc"):
        st.set_pages(m.group("eloc"))
    else:
        st.fields["volume"] = m.group("vol")
        if m.group("iss"):
            st.fields["issue"] = m.group("iss")
    return journal[: m.start()]


def _ieee_journal(body: str, m: re.Match[str], st: ParseState) -> None:
    if m.group("vol"):
        st.fields["volume"] = m.group("vol")
    issue = m.group("iss") or m.group("supp")
    if issue:
        st.fields["issue"] = issue
    if m.group("date"):
        st.set_date(m.group("date"))
    st.set_pages(m.group("pages"))
    st.fields["type"] = "article-journal"
    set_journal(body[: m.start()], st)


def _mla_journal(body: str, m: re.Match[str], st: ParseState) -> None:
    if m.group("vol"):
        st.fields["volume"] = m.group("vol")
    if m.group("iss"):
        st.fields["issue"] = m.group("iss")
    if m.group("date"):
        st.set_date(m.group("date"))
    if m.group("pages"):
        st.set_pages(m.group("pages"))
    st.fields["type"] = "article-journal"
    set_journal(body[: m.start()], st)


_FULL_DATE_END_RE = re.compile(rf"\s\(?(?P<date>{DATE})\)?\.?$", re.IGNORECASE)


def _ends_with_full_date(text: str) -> bool:
    """Does ``text`` end with a date that has a month (``9 Dec. 2019.``)?"""
    m = _FULL_DATE_END_RE.search(text, max(0, len(text) - 30))
    return bool(m and any(c.isalpha() for c in m.group("date")))


def _ends_with_month_date(text: str) -> bool:
    """Does ``text`` end with a date naming its month (``2019 Dec 4.``, ``December 4,
    2019.``), so that the numbers there are no volume or pages?"""
    tail = text.rstrip()[-60:]
    m = _MONTH_DATE_END_RE.search(tail)
    if not (m and any(c.isalpha() for c in m.group("date"))):
        return False
    before = tail[: m.start()]
    # "Journal, December 16, 2019." yes; IEEE "pp. 45-67, Mar. 2001" no
    return before.endswith(". ") or not any(c.isdigit() for c in before[-30:])


def _tail_date(text: str) -> re.Match[str] | None:
    """The date at the end of ``text`` (``Cancer. 1995 Oct 15``), if any; a cheap search for
    a year first, since most strings have none near their end."""
    start = max(0, len(text) - 60)
    years = [m.start() for m in _YEAR_ANYWHERE_RE.finditer(text, start)]
    if not years:
        return None
    return seg.TAIL_DATE_RE.search(text, max(start, years[-1] - 25))


def _labelled_journal(body: str, m: re.Match[str], st: ParseState) -> bool:
    """``Journal, vol. 12, no. 3, pp. 45-67, Mar. 2001`` (IEEE), ``Journal. 2001. Vol. 357,
    No. 2. P. 1-9`` (GOST)."""
    st.fields["volume"] = m.group("vol")
    if m.group("iss"):
        st.fields["issue"] = m.group("iss")
    if m.group("pages"):
        st.set_pages(m.group("pages"))
    if m.group("date"):
        st.set_date(m.group("date"))
    st.fields["type"] = "article-journal"
    pre = body[: m.start()].rstrip(" ,;:")
    md = _tail_date(pre.rstrip("."))
    if md and md.start() > 0 and pre[md.start() - 1] in " .,;(":
        st.set_date(md.group("date"))
        pre = pre[: md.start()].rstrip(" ,;:(")
    if pre:
        split_title_journal(pre, st)
    else:
        st.problems.append("no title or journal found")
    return True


def _add_more_pages(more: str, st: ParseState) -> None:
    """``264-9, W64``: an article printed over discontinuous pages."""
    pages = [str(st.fields["page"])]
    for piece in more.split(","):
        if piece.strip():
            page, problem = parse_pages(piece)
            if page is None:
                st.problems.append(problem or f"pages {piece.strip()!r} not understood")
                return
            pages.append(page)
    st.fields["page"] = ", ".join(pages)


def _looks_like_year(text: str) -> bool:
    return len(text) == 4 and text.isdigit() and 1800 <= int(text) <= 2099


def _assign_numbers(nums: list[str], supp: str | None, st: ParseState) -> None:
    if not nums:
        if supp:
            st.fields["issue"] = supp
        return
    vol, *others = nums
    if not others and not supp and _ELOCATOR_RE.fullmatch(vol):
        st.set_pages(vol)  # "Ecology. e02956 (2019).": an electronic locator, no volume
        return
    st.fields["volume"] = vol
    issue: str | None = supp
    if len(others) == 1:
        st.set_pages(others[0])
    elif len(others) == 2:
        st.set_pages(f"{others[0]}-{others[1]}")
    elif len(others) == 3:
        issue = others[0] if not issue else f"{issue} {others[0]}"
        st.set_pages(f"{others[1]}-{others[2]}")
    elif others:
        st.problems.append(f"numbers {' '.join(nums)!r} after the journal not understood")
    if issue:
        st.fields["issue"] = issue


# ----------------------------------------------------------------------------- finish


def _finish(st: ParseState) -> ParsedReference:
    fields = st.fields
    if "issued" not in fields and fields.get("status") != "in press":
        st.problems.append("no year found")
    if "type" not in fields and fields.get("URL"):
        fields["type"] = "webpage"
        st.problems[:] = [p for p in st.problems if not p.startswith("no journal")]
    if (
        "title" not in fields
        and "container-title" not in fields
        and not any(p.startswith(("no title", "no book title")) for p in st.problems)
    ):
        st.problems.append("no title found")
    problems: list[str] = []
    for p in st.problems:
        if p not in problems:
            problems.append(p)
    return ParsedReference(fields, tuple(problems))
