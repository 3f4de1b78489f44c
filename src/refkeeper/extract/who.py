"""Web text of the WHO Classification of Tumours (copied from the site's pages).

The page is line-oriented: UI lines ("logo logo", "Search: ..."), headings, prose paragraphs,
and reference blocks. A block is an optional marker line ("Click to access Pubmed", "Click for
details"), an authors line ``Authors (Year)`` (or editors ``Names (Eds.)``), a title line, and
a journal line ``Journal Vol(Issue): pages`` -- or, for a book, an edition line and
``Publisher: City Year``. A block without a marker line is recognised by its shape.

* A block right after prose (blank lines allowed) supports the claim it follows: the sentence
  that ends where the prose stops. Prose after a block that starts with punctuation or a
  lower-case letter continues the sentence (". In some cases ...", "... and are rare."), so a
  claim may be split by its block; its span then covers the block and its text leaves it out.
* The "Click for details" block (the book the page comes from) and an edited book closing the
  page are *page-level* sources: ``Reference.page_level`` is set and every claim gets a link of
  kind ``page`` to it (see :mod:`refkeeper.link`).
* Pages with numbered in-text markers (``... years 1``, ``[1]``, ``[1,3]``) keep their blocks
  under a "References" heading; blocks there are labelled by a number before them or by their
  order, and the markers link to those labels.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from refkeeper.bibfields import expand_pages
from refkeeper.extract.assembly import assemble
from refkeeper.extract.numbered import BRACKET_MARKER, expand_numbers
from refkeeper.extract.refs import build_reference
from refkeeper.extract.sentences import (
    LineIndex,
    iter_lines,
    mask,
    preceding,
    split_sentences,
)
from refkeeper.link import Citation
from refkeeper.models import Claim, Extraction, Finding, Reference, Severity

MARKER_LINE = re.compile(
    r"^\s*(?:Click to access (?:Pubmed|PubMed|PMC|DOI|full text)|Click for details)\s*$",
    re.IGNORECASE,
)
UI_LINE = re.compile(
    r"^\s*(?:logo(?:\s+logo)*|Search:.*|Back to top|Print|Share|Menu|Log ?in|Sign in|Home"
    r"|Cookies?.*|Copyright.*|©.*|Feedback|Contact us)\s*$",
    re.IGNORECASE,
)
REFS_HEADING = re.compile(
    r"^\s*(?:References?|Bibliography|Selected references|Literature)\s*:?\s*$", re.IGNORECASE
)
LABEL_LINE = re.compile(r"^\s*\[?(\d{1,3})[.\])]?\s*$")
AUTHORS_YEAR = re.compile(
    r"^\s*(?:\[?(?P<label>\d{1,3})[.\])]\s+)?(?P<names>\S.*?)\s*"
    r"\((?P<year>(?:1[5-9]|20)\d\d)[a-z]?\)\.?\s*$"
)
EDITORS = re.compile(
    r"^\s*(?:\[?(?P<label>\d{1,3})[.\])]\s+)?(?P<names>\S.*?)\s*"
    r"\((?:eds?|editors?)\.?\)\.?\s*$",
    re.IGNORECASE,
)
JOURNAL = re.compile(
    r"^\s*(?P<journal>[^\d\s][^:]*?)\.?\s+"
    r"(?P<volume>\d+[A-Za-z]?(?:\s*(?:Suppl|Spec No)\.?\s*\d*)?)"
    r"\s*(?:\((?P<issue>[^()]{1,20})\))?\s*:\s*"
    r"(?P<pages>[A-Za-z]{0,2}\d+[A-Za-z]?(?:\s*[-–]\s*[A-Za-z]{0,2}\d+[A-Za-z]?)?)\.?\s*$"
)
EDITION = re.compile(r"^\s*(?P<edition>\d+(?:st|nd|rd|th)?|[A-Z][a-z]+)\s+[Ee]d(?:ition|\.)\s*$")
PUBLISHER = re.compile(
    r"^\s*(?P<publisher>[^:]+?)\s*:\s*(?P<place>[^:\d]+?),?\s+(?P<year>\d{4})\.?\s*$"
)
_MAX_BLOCK_LINE = 1000  # longer lines are prose; keeps the line patterns linear
_LINE_BREAK = re.compile(r"\n\s*")
PLACE_PUBLISHER = re.compile(r"^\s*(?P<place>[^:\d]{2,60}):\s*(?P<publisher>[^:\d]{3,})\.?\s*$")
_TERMINAL = re.compile(r"[.!?:;]\s*$")
_CONTINUATION = re.compile(r"^\s*(?:[,;:)]|[a-z])")
_TRAILING_NUMBERS = re.compile(r"(?<=[A-Za-z%)])\s(\d{1,3}(?:\s?[-–,]\s?\d{1,3})*)\.?$")
_ORDINALS = {"first": "1", "second": "2", "third": "3", "fourth": "4", "fifth": "5"}

Line = tuple[int, int, str]


@dataclass
class _Block:
    first: int  # index of the first line of the block proper (authors line)
    last: int  # index of its last line
    marker: int | None  # index of the marker line
    kind: str = "article"  # article | book | partial
    label: str | None = None
    parts: dict[str, str] = field(default_factory=dict)
    truncated: str | None = None
    in_refs: bool = False


@dataclass
class _Scan:
    kinds: list[str]  # per line: blank ui prose block marker refs label
    blocks: list[_Block]
    empty_markers: list[int]


def _parse_block(
    lines: list[Line], j: int, marker: int | None, *, need_shape: bool
) -> _Block | None:
    """The block whose authors line is ``lines[j]``; None when it is not one."""
    n = len(lines)

    def text(k: int) -> str | None:
        if k >= n or len(lines[k][2]) > _MAX_BLOCK_LINE:
            return None
        if not lines[k][2].strip() or MARKER_LINE.match(lines[k][2]):
            return None
        return lines[k][2].strip()

    head = text(j)
    if head is None:
        return None
    m_auth = AUTHORS_YEAR.match(head)
    m_eds = None if m_auth else EDITORS.match(head)
    if need_shape:
        third = text(j + 2)
        if not third or text(j + 1) is None:
            return None
        shaped = (m_auth and JOURNAL.match(third)) or (
            m_eds and (EDITION.match(third) or PUBLISHER.match(third))
        )
        if not shaped:
            return None
    block = _Block(first=j, last=j, marker=marker)
    m_names = m_auth or m_eds
    block.parts["names"] = m_names.group("names") if m_names else head
    block.label = m_names.group("label") if m_names else None
    if m_auth:
        block.parts["year"] = m_auth.group("year")
    if m_eds:
        block.parts["editors"] = "1"
    title = text(j + 1)
    if title is None:
        block.kind = "partial"
        block.truncated = "has an authors line but no title or source"
        return block
    block.last = j + 1
    # The closing line (journal, or publisher) within the next few lines; lines before it
    # continue the title, except an edition line.
    title_parts = [title]
    for k in range(j + 2, min(j + 6, n)):
        line = text(k)
        if line is None:
            break
        if m := JOURNAL.match(line):
            block.parts.update({key: v for key, v in m.groupdict().items() if v})
            block.parts["title"] = " ".join(title_parts)
            block.last = k
            return block
        if m := EDITION.match(line):
            block.parts["edition"] = m.group("edition")
            continue
        m = PUBLISHER.match(line) or PLACE_PUBLISHER.match(line)
        if m:
            block.kind = "book"
            block.parts.update({key: v for key, v in m.groupdict().items() if v})
            block.parts["title"] = " ".join(title_parts)
            block.last = k
            return block
        title_parts.append(line)
    block.parts["title"] = title
    if m_eds or "edition" in block.parts:
        block.kind = "book"
        block.truncated = "book without a 'Publisher: City Year' line"
    else:
        block.kind = "partial"
        block.truncated = "has no 'Journal Volume: pages' line"
    if "edition" in block.parts:
        block.last = j + 2
    return block


def _scan(lines: list[Line]) -> _Scan:
    kinds = ["blank"] * len(lines)
    blocks: list[_Block] = []
    empty: list[int] = []
    in_refs = False
    pending_label: str | None = None
    i = 0
    n = len(lines)
    while i < n:
        s = lines[i][2]
        if not s.strip():
            i += 1
            continue
        short = len(s) <= 300  # UI, marker and heading lines are short
        if short and MARKER_LINE.match(s):
            kinds[i] = "marker"
            block = _parse_block(lines, i + 1, i, need_shape=False)
            if block is None:
                empty.append(i)
                i += 1
                continue
        elif short and in_refs and LABEL_LINE.match(s) and i + 1 < n:
            kinds[i] = "label"
            pending_label = LABEL_LINE.match(s).group(1)  # type: ignore[union-attr]
            i += 1
            continue
        elif short and REFS_HEADING.match(s):
            kinds[i] = "refs"
            in_refs = True
            i += 1
            continue
        elif short and UI_LINE.match(s):
            kinds[i] = "ui"
            i += 1
            continue
        else:
            block = _parse_block(lines, i, None, need_shape=True)
            if block is None:
                kinds[i] = "prose"
                i += 1
                continue
        block.in_refs = in_refs
        if pending_label and not block.label:
            block.label = pending_label
        pending_label = None
        for k in range(block.first, block.last + 1):
            kinds[k] = "block"
        blocks.append(block)
        i = block.last + 1
    return _Scan(kinds, blocks, empty)


def _vancouver(b: _Block) -> str:
    """The block as one Vancouver-style string for the free-text parser."""
    p = b.parts
    names = p.get("names", "").rstrip(". ")
    title = p.get("title", "").rstrip(". ")
    if b.kind == "book":
        edition = f" {p['edition']} ed." if "edition" in p else ""
        place = p.get("place", "")
        pub = p.get("publisher", "")
        where = f" {place}: {pub}; {p.get('year', '')}." if pub else ""
        role = ", editors" if "editors" in p else ""
        return f"{names}{role}. {title}.{edition}{where}"
    if "journal" in p:
        issue = f"({p['issue']})" if "issue" in p else ""
        return (
            f"{names}. {title}. {p['journal']}. {p.get('year', '')};"
            f"{p['volume']}{issue}:{p['pages']}."
        )
    year = f" {p['year']}." if "year" in p else ""
    return f"{names}. {title}.{year}" if title else f"{names}.{year}"


def _overrides(b: _Block) -> dict[str, object]:
    """Fields the block's layout states for certain."""
    p = b.parts
    out: dict[str, object] = {}
    if "title" in p:
        out["title"] = p["title"].rstrip(". ").strip()
    year = p.get("year")
    if year:
        out["issued"] = {"date-parts": [[int(year)]]}
    if b.kind == "book":
        out["type"] = "book"
        if "edition" in p:
            ed = p["edition"].lower()
            out["edition"] = _ORDINALS.get(ed, re.sub(r"(st|nd|rd|th)$", "", ed))
        if "publisher" in p:
            out["publisher"] = p["publisher"].strip()
            out["publisher-place"] = p["place"].strip()
    elif "journal" in p:
        out["type"] = "article-journal"
        out["volume"] = p["volume"]
        out["page"] = expand_pages(p["pages"])
        if "issue" in p:
            out["issue"] = p["issue"]
    return out


def extract_who(text: str, source: str = "<string>") -> Extraction:
    """Claims, references and links of a WHO Classification web page."""
    lines = list(iter_lines(text))
    index = LineIndex(text)
    scan = _scan(lines)
    kinds = scan.kinds
    findings: list[Finding] = []

    def next_nonblank(i: int) -> int | None:
        for k in range(i + 1, len(lines)):
            if kinds[k] not in ("blank",):
                return k
        return None

    # Headings: short prose lines without closing punctuation that no block follows.
    for i, kind in enumerate(kinds):
        if kind != "prose":
            continue
        s = lines[i][2].strip()
        if _TERMINAL.search(s) or len(s.split()) > 10:
            continue  # the cheap tests first: most prose lines stop here
        nxt = next_nonblank(i)
        if nxt is not None and kinds[nxt] in ("block", "marker"):
            continue
        if _TRAILING_NUMBERS.search(s) is None:  # no marker at its end
            kinds[i] = "heading"

    # Attach blocks to the prose before them; bridge continuations across them.
    block_at = {b.marker if b.marker is not None else b.first: n for n, b in enumerate(scan.blocks)}
    attached: dict[int, int] = {}  # block index -> offset of the end of its claim's prose
    bridges: list[tuple[int, int]] = []
    last_prose: int | None = None  # line index of the last prose line, while attachable
    pending: list[int] = []  # blocks attached since that prose line
    i = 0
    while i < len(lines):
        kind = kinds[i]
        if kind == "prose":
            s = lines[i][2]
            if pending and last_prose is not None and _CONTINUATION.match(s):
                bridges.append((lines[last_prose][1], lines[i][0]))
            last_prose, pending = i, []
        elif kind in ("marker", "block") and i in block_at:
            bi = block_at[i]
            b = scan.blocks[bi]
            page = b.marker is not None and "details" in lines[b.marker][2].lower()
            if not page and not b.in_refs and last_prose is not None:
                attached[bi] = lines[last_prose][1] - 1
                pending.append(bi)
            i = b.last + 1
            continue
        elif kind in ("heading", "refs", "ui", "label"):
            last_prose, pending = None, []
        i += 1

    # Mask everything that is not prose, then split sentences.
    regions = [
        (lines[i][0], lines[i][1]) for i, k in enumerate(kinds) if k not in ("prose", "blank")
    ]
    masked = mask(text, regions)
    if bridges:
        chars = list(masked)
        for start, end in bridges:
            for k in range(start, end):
                chars[k] = " "
        masked = "".join(chars)
    spans = split_sentences(masked, paragraph=_LINE_BREAK)
    claims = [
        Claim(f"c{n}", masked[s:e], index.span(s, e))  # the assembly cleans the text
        for n, (s, e) in enumerate(spans, 1)
    ]

    # References.
    references: list[Reference] = []
    citations: list[Citation] = []
    last_prose_line = max((i for i, k in enumerate(kinds) if k == "prose"), default=-1)
    refs_seen = 0
    numbered_labels: set[str] = set()
    for bi, b in enumerate(scan.blocks):
        refs_seen += b.in_refs
        start = lines[b.first][0]
        end = lines[b.last][1]
        span = index.span(start, end)
        ref_id = f"r{bi + 1}"
        marker_text = lines[b.marker][2].strip() if b.marker is not None else None
        page = (marker_text is not None and "details" in marker_text.lower()) or (
            b.kind == "book" and "editors" in b.parts and b.first > last_prose_line
        )
        label = b.label
        if b.in_refs and label is None:
            label = str(refs_seen)
        ci = preceding(spans, attached[bi]) if bi in attached else None
        marked = False  # the claim ends in the block's number ("... parts 1"): codes.iarc.fr
        if ci is not None and label is None:
            cs, ce = spans[ci]
            tail = _TRAILING_NUMBERS.search(masked, max(cs, ce - 40), ce)
            if tail and tail.group(1).isdigit() and tail.group(1) not in numbered_labels:
                label = tail.group(1)
                numbered_labels.add(label)
                marked = True
        ref, problems = build_reference(
            ref_id,
            text[start:end],
            span,
            parse_text=_vancouver(b),
            overrides=_overrides(b),
            label=label,
            page_level=page,
        )
        references.append(ref)
        findings.extend(problems)
        if b.truncated:
            findings.append(
                Finding(
                    kind="truncated-reference",
                    message=f"reference block {ref_id} {b.truncated}",
                    severity=Severity.MAJOR,
                    span=span,
                    reference_id=ref_id,
                    raw=ref.raw,
                )
            )
        if bi in attached and not marked:
            if ci is not None:
                mspan = (
                    index.span(lines[b.marker][0], lines[b.marker][1])
                    if b.marker is not None
                    else span
                )
                marker = marker_text or lines[b.first][2].strip()
                citations.append(Citation(claims[ci].id, ref_id, marker, mspan))

    for i in scan.empty_markers:
        start, end, s = lines[i]
        findings.append(
            Finding(
                kind="truncated-reference",
                message=f"{s.strip()!r} is followed by no reference",
                severity=Severity.MAJOR,
                span=index.span(start, end),
                raw=s,
            )
        )

    if any(r.label for r in references):
        citations.extend(_numbered_citations(masked, spans, claims, index))
    citations.sort(key=lambda c: c.span.start if c.span else -1)
    return assemble(
        source=source,
        kind="who",
        text=text,
        masked=masked,
        claims=claims,
        references=references,
        citations=citations,
        findings=findings,
    )


def _numbered_citations(
    masked: str, spans: list[tuple[int, int]], claims: list[Claim], index: LineIndex
) -> list[Citation]:
    out: list[Citation] = []
    for (s, e), claim in zip(spans, claims, strict=True):
        found: list[tuple[int, int, str]] = [
            (m.start(), m.end(), m.group("numbers"))
            for m in BRACKET_MARKER.finditer(masked, s, e)
            if m.end() - m.start() <= 100
        ]
        tail = _TRAILING_NUMBERS.search(masked, max(s, e - 40), e)
        if tail and not any(a <= tail.start(1) < b for a, b, _ in found):
            found.append((tail.start(1), tail.end(1), tail.group(1)))
        for a, b, numbers in found:
            marker = masked[a:b]
            for number in expand_numbers(numbers):
                out.append(Citation(claim.id, str(number), marker, index.span(a, b)))
    return out
