"""Books and chapters for the reference parser: imprints (``City: Publisher; Year``,
``Publisher: City Year``, ``Springer, Berlin``), editions, and ``In: Editors, eds. Book``.
"""

from __future__ import annotations

import re

from refkeeper.extract import refsegments as seg
from refkeeper.extract.names import is_collective, parse_names
from refkeeper.extract.refstate import ParseState, clean_title, set_title

_CONFERENCE_RE = re.compile(r"\b(?:proceedings|conference|symposium|workshop|congress)\b", re.I)


_BARE_PAGES_RE = re.compile(r"(?<=[^\d\s])\s+(?P<pages>\d{1,6}\s*-\s*\d{1,6})$")
"""Nature: "In Proceedings of X 125-143 (Springer, 2024)": pages right after the book title."""
_APA_BOOK_PAREN_RE = re.compile(r"\s*\((?P<inner>[^()]{0,60}\b(?:ed|edn|pp?)\.[^()]{0,40})\)")


def parse_chapter(before: str, after: str, st: ParseState) -> None:
    """``Title. In: Editors, eds. Book. City: Publisher; Year. p. 10-20``."""
    st.fields["type"] = "chapter"
    set_title(before, st)
    after = after.strip().rstrip(".")
    m_pages = seg.CHAPTER_PAGES_RE.search(after, max(0, len(after) - 60))
    if not m_pages:
        m_pages = _BARE_PAGES_RE.search(after, max(0, len(after) - 30))
    if m_pages:
        st.set_pages(m_pages.group("pages"))
        after = after[: m_pages.start()].rstrip(" .,;")
    m_eds = seg.EDITORS_END_RE.search(after, 0, 600)
    if m_eds and m_eds.start() > 0:
        names = parse_names(after[: m_eds.start()])
        if names is not None and names.names:
            st.fields["editor"] = names.names
            after = after[m_eds.end() :]
    m_paren = _APA_BOOK_PAREN_RE.search(after)
    if m_paren:
        # APA: "Book title (2nd ed., pp. 10-20). City: Publisher."
        inner = m_paren.group("inner")
        m_ed = seg.EDITION_RE.search(inner)
        if m_ed:
            st.fields["edition"] = edition_of(m_ed)
        m_pp = seg.CHAPTER_PAGES_RE.search(inner)
        if m_pp and "page" not in st.fields:
            st.set_pages(m_pp.group("pages"))
        after = after[: m_paren.start()] + after[m_paren.end() :]
    parse_book(after, st, container=True)


def has_publisher(segs: list[str]) -> bool:
    """Does a segment after the first read as an imprint?"""
    last = len(segs) - 1
    return any(
        _publisher_split(s) is not None or _publisher_only(s, last=i == last)
        for i, s in enumerate(segs)
        if i > 0
    )


_CITY_RE = re.compile(r"[A-Z][^\W\d_]+(?: [A-Z][^\W\d_]+){0,2}(?:, [A-Z]{2})?")


_PUBLISHER_ONLY_RE = re.compile(
    r"(?P<pub>[^,;:()]{2,80}?)(?:,\s*(?P<place>[A-Z][^,;:()]{1,40}?(?:,\s*[A-Z][^,;:()]{1,30}?)?))?"
    r"(?:[,;]?\s*(?P<date>(?:1[5-9]|20)\d\d))?\.?"
)


JOURNAL_START_RE = re.compile(
    r"(?:The\s+)?(?:Journal|Annals|Archives|Bulletin|Proceedings|Transactions|Reviews?)\s+(?:of|in|on)\b",
    re.IGNORECASE,
)


def _publisher_only(
    segment: str, *, last: bool = False
) -> tuple[str | None, str, str | None] | None:
    """``Springer, Berlin`` / ``CRC Press`` / ``Elsevier, 2010``: (place, publisher, date).

    The last segment may also be ``R Foundation for Statistical Computing, Vienna, Austria``:
    an organisation followed by a place."""
    if JOURNAL_START_RE.match(segment):
        return None  # "Journal of Strength and Conditioning Research": a journal (ahead of print)
    m = _PUBLISHER_ONLY_RE.fullmatch(segment.strip())
    if not m:
        return None
    pub = m.group("pub").strip()
    if len(pub.split()) > 8 or not pub[:1].isupper():
        return None
    place = m.group("place").strip() if m.group("place") else None
    if not seg.looks_like_publisher(pub, strong=True) and not (
        last and place and looks_like_publisher(pub)
    ):
        return None
    return place, pub, m.group("date")


_IMPRINT_RE = re.compile(
    r"^(?P<a>[^:;]{2,80}?)\s*:\s*(?P<b>[^:;]{2,160}?)"
    r"(?:\s*[;,.]?\s*(?P<date>(?:\(?\s*)(?:1[5-9]|20)\d\d[a-z]?(?:\s+[A-Za-z]{3,9}\.?)?\)?))?\s*\.*$"
)


def _publisher_split(segment: str) -> tuple[str | None, str, str | None] | None:
    """``City: Publisher; 2010`` or ``Publisher: City 2010`` -> (place, publisher, date)."""
    if " : " in segment:
        return None  # "Neuromodulation : Journal of the ... Society": a journal's full title
    m = _IMPRINT_RE.match(segment.strip())
    if not m:
        return None
    a, b = m.group("a").strip(), m.group("b").strip(" ,.")
    if len(a.split()) > 10 or len(b.split()) > 14 or not a[:1].isupper() or not b[:1].isupper():
        return None
    date = m.group("date").strip("() ") if m.group("date") else None
    if looks_like_publisher(a) and not looks_like_publisher(b):
        return b, a, date
    return a, b, date


def looks_like_publisher(text: str) -> bool:
    return seg.looks_like_publisher(text) or is_collective(text)


def parse_book(text: str, st: ParseState, *, container: bool) -> None:
    """``Title. 2nd ed. City: Publisher; Year`` (container=True: the book of a chapter)."""
    st.fields.setdefault("type", "book")
    segs = seg.split_sentences(text.strip())
    title_parts: list[str] = []
    found_imprint = False
    known_publisher = "publisher" in st.fields  # from "(Springer, 2024)" at the end
    for piece in segs:
        p = piece.strip()
        m_ed = seg.EDITION_RE.search(p) if seg.has_edition(p) else None
        if m_ed and title_parts:
            st.fields["edition"] = edition_of(m_ed)
            head = p[: m_ed.start()].strip()
            if head:
                title_parts.append(head)
            p = p[m_ed.end() :].strip(" .,;")
            if not p:
                continue
        imprint = _publisher_split(p) if title_parts else None
        if imprint is None and title_parts and not found_imprint:
            imprint = _publisher_only(p, last=piece is segs[-1])
            if imprint is not None and imprint[0] is None and len(title_parts) >= 2:
                city = title_parts[-1].rstrip(". ")
                if _CITY_RE.fullmatch(city):
                    # "Title. Oxford. Clarendon Press."
                    imprint = (city, imprint[1], imprint[2])
                    title_parts.pop()
        if imprint is not None:
            place, publisher, date = imprint
            if place:
                st.fields["publisher-place"] = place
            st.fields["publisher"] = publisher
            if date:
                st.set_date(date)
            found_imprint = True
            continue
        if (
            title_parts
            and not found_imprint
            and not is_date_piece(p)
            and seg.NUM_SEG_RE.fullmatch(p.rstrip(". "))
        ):
            st.problems.append(f"number {p.rstrip('. ')!r} in a book reference not understood")
            continue
        if found_imprint or (title_parts and is_date_piece(p)):
            if is_date_piece(p):
                st.set_date(p.rstrip(". "))
                continue
            m_tp = seg.TOTAL_PAGES_RE.fullmatch(p.rstrip(". "))
            if m_tp:
                st.fields["number-of-pages"] = m_tp.group("n")
                continue
            st.problems.append(f"text after the imprint not understood: {seg.snippet(p)}")
            continue
        title_parts.append(p)
    if container and "title" not in st.fields and len(title_parts) >= 2:
        # "Chapter title. Book title. Year. City: Publisher. 21. 51" (no "In:")
        set_title(" ".join(title_parts[:-1]), st)
        title_parts = title_parts[-1:]
    title = clean_title(" ".join(title_parts))
    if not title:
        st.problems.append("no book title found")
    elif container:
        st.fields["container-title"] = title
    else:
        st.fields["title"] = title
    if container and not found_imprint and _CONFERENCE_RE.search(title):
        st.fields["type"] = "paper-conference"  # proceedings often name no publisher
    elif not found_imprint and not known_publisher:
        st.problems.append("no publisher found")


def is_date_piece(p: str) -> bool:
    return bool(seg.DATE_SEG_RE.fullmatch(p.strip().rstrip(".").strip("()")))


def edition_of(m: re.Match[str]) -> str:
    if m.group("num"):
        return m.group("num")
    if m.group("word"):
        return str(seg.ORDINAL_WORDS[m.group("word").lower()])
    return m.group(0).strip().rstrip(".")
