"""Numbered reference lists (Vancouver/NLM, AMA) in plain text or Markdown.

A "References" section (heading ``References``, ``# References``, ``**Bibliography**`` ...)
holds entries ``1. ...``, ``1) ...`` or ``[1] ...`` (wrapped lines continue an entry); the text
before it cites them with markers ``[1]``, ``[1,3]``, ``[2-5]``, ``(1)``, ``(1, 2)``,
``<sup>1</sup>``, ``^1^``, or superscripts flattened by copying (``tumours.1,2 Next``).
Each entry is parsed by the free-text parser; a marker whose number is not in the list
becomes a finding. Without a heading, a trailing run of numbered entries that carry a year is
taken as the list.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from refkeeper.extract.assembly import assemble
from refkeeper.extract.markdown_syntax import prose_mask_regions
from refkeeper.extract.refs import build_reference
from refkeeper.extract.sentences import LineIndex, iter_lines, mask, split_sentences, squash
from refkeeper.link import Citation
from refkeeper.models import Claim, Extraction, Finding, Reference, Severity

_NUMS = r"\d{1,3}(?:\s*[-–,]\s*\d{1,3})*"
BRACKET_MARKER = re.compile(rf"\[(?P<numbers>{_NUMS})\](?![(:])")
PAREN_MARKER = re.compile(rf"\((?<![\w(]\()(?P<numbers>{_NUMS})\)")  # "(" first: fast search
# Superscripts flattened by copying from a PDF or web page: "tumours.1,2 Next" -- numbers
# glued to the punctuation after a lower-case word, then a space and a capital or the line end.
# After a year the stop must be a full stop ("in 1939.1 Delbrück"); see glued_markers.
GLUED_MARKER = re.compile(
    r"[.,;](?<=[a-z)\d][.,;])(?P<numbers>\d{1,3}(?:[-–,]\d{1,3})*)(?=\s+[A-Z]|\s*$)", re.M
)
_YEAR_BEFORE = re.compile(r"(?<!\d)(?:1[6-9]|20)\d\d\.")


def glued_markers(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """Flattened superscripts: ``(start, end, numbers)`` of each marker glued to the
    punctuation after a lower-case word or a year."""
    out = []
    for m in GLUED_MARKER.finditer(text, start, end):
        dot = m.start()
        if text[dot - 1].isdigit() and not _YEAR_BEFORE.match(text, max(0, dot - 4)):
            continue  # a decimal such as 2.5, not a marker after a year
        out.append((m.start("numbers"), m.end(), m.group("numbers")))
    return out


SUP_MARKER = re.compile(rf"<sup>\s*(?P<numbers>{_NUMS})\s*</sup>|\^(?P<caret>{_NUMS})\^")
HEADING_WORDS = (
    r"(?:References?(?:\s+cited)?|Bibliography|Literature\s+cited|Works\s+cited|Cited\s+works"
    r"|(?:List\s+of\s+)?references|Reference\s+list|Notes\s+and\s+references|Cited\s+literature"
    r"|Sources|Endnotes|Notes)"
)
REFS_HEADING = re.compile(
    rf"^\s*(?:#{{1,6}}\s*)?(?:\d+\.?\s+)?(?:\*\*|__|\*|_)?{HEADING_WORDS}(?:\*\*|__|\*|_)?"
    r"\s*:?\s*(?:#+\s*)?$",
    re.IGNORECASE,
)
ENTRY = re.compile(
    r"^\s*(?:[-*+]\s+)?(?:(?:\[(?P<b>\d{1,4})\]|(?P<n>\d{1,4})\\?[.)])\s+"
    r"|(?:<sup>\s*(?P<s>\d{1,4})\s*</sup>|\^(?P<c>\d{1,4})\^)\s*)(?P<text>\S.*)$"
)


def entry_label(m: re.Match[str]) -> str:
    """The number of a list entry matched by ``ENTRY``."""
    return m.group("b") or m.group("n") or m.group("s") or m.group("c")


_HEADING = re.compile(r"^\s*#{1,6}\s")
_YEAR = re.compile(r"\b(?:1[6-9]|20)\d\d\b")
MAX_RANGE = 200


def expand_numbers(numbers: str) -> list[int]:
    """``'1,3-5'`` -> ``[1, 3, 4, 5]``. A reversed or absurdly long range keeps its ends."""
    out: list[int] = []
    for part in re.split(r"\s*,\s*", numbers.strip()):
        if not part:
            continue
        ends = [int(x) for x in re.split(r"\s*[-–]\s*", part) if x]
        if len(ends) == 2 and 0 < ends[1] - ends[0] <= MAX_RANGE:
            out.extend(range(ends[0], ends[1] + 1))
        else:
            out.extend(ends)
    return out


def _find_list(lines: list[tuple[int, int, str]]) -> tuple[int | None, int, int]:
    """(heading line index or None, first list line index, end line index) of the list.

    The last reference heading wins; with none, the trailing run of entries (each line an
    entry or the continuation of one) that carry years."""
    heading = None
    for i, (_, _, s) in enumerate(lines):
        if len(s) <= 80 and REFS_HEADING.match(s):
            heading = i
    if heading is not None:
        end = len(lines)
        for k in range(heading + 1, len(lines)):
            if _HEADING.match(lines[k][2]) and not ENTRY.match(lines[k][2]):
                end = k
                break
        return heading, heading + 1, end
    first = trailing_list(lines)
    return None, first, len(lines)


def trailing_list(lines: list[tuple[int, int, str]]) -> int:
    """Index of the first line of the trailing run of numbered entries with years, or
    ``len(lines)`` when the document does not end with one."""
    in_list = [False] * len(lines)
    for k, (_, _, s) in enumerate(lines):
        if ENTRY.match(s):
            in_list[k] = True
        elif s.strip() and k > 0 and in_list[k - 1] and lines[k - 1][2].strip():
            in_list[k] = True
    first = len(lines)
    for k in range(len(lines) - 1, -1, -1):
        s = lines[k][2]
        if not s.strip():
            continue
        if not in_list[k]:
            break
        if ENTRY.match(s):
            first = k
    entries = [k for k in range(first, len(lines)) if ENTRY.match(lines[k][2])]
    if not entries:
        return len(lines)
    with_year = 0
    for n, k in enumerate(entries):
        stop = entries[n + 1] if n + 1 < len(entries) else len(lines)
        if any(_YEAR.search(lines[j][2]) for j in range(k, stop)):
            with_year += 1
    return first if with_year * 2 > len(entries) else len(lines)


def has_numbered_list(text: str) -> bool:
    """Does ``text`` hold a numbered reference list: a reference heading followed by an entry,
    or a trailing run of numbered entries with years?"""
    lines = list(iter_lines(text))
    for i, (_, _, s) in enumerate(lines):
        if len(s) <= 80 and REFS_HEADING.match(s):
            nxt = next((t for _, _, t in lines[i + 1 :] if t.strip()), "")
            if ENTRY.match(nxt):
                return True
    return trailing_list(lines) < len(lines)


def relabel_lazy(entries: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Markdown lazy numbering (every item ``1.``, or any list whose numbers do not rise from
    1 by one while all but the first repeat) renders as 1, 2, 3: label the entries by order."""
    labels = [label for label, _, _ in entries]
    if len(labels) > 1 and len(set(labels)) == 1:
        return [(str(n), a, b) for n, (_, a, b) in enumerate(entries, 1)]
    return entries


def extract_numbered(text: str, source: str = "<string>") -> Extraction:
    """Claims, references and links of a document with a numbered reference list."""
    index = LineIndex(text)
    lines = list(iter_lines(text))
    heading, first, end = _find_list(lines)
    findings: list[Finding] = []

    # Entries.
    entries: list[tuple[str, int, int]] = []  # (label, start, end)
    for k in range(first, end):
        start, stop, s = lines[k]
        m = ENTRY.match(s)
        if m:
            entries.append((entry_label(m), start, stop))
        elif s.strip() and entries and lines[k - 1][2].strip():
            label, a, _ = entries[-1]
            entries[-1] = (label, a, stop)
    entries = relabel_lazy(entries)
    references: list[Reference] = []
    seen_labels: set[str] = set()
    for n, (label, start, stop) in enumerate(entries, 1):
        raw = text[start:stop]
        m = ENTRY.match(raw.split("\n", 1)[0])
        body = raw[m.start("text") :] if m else raw
        ref, problems = build_reference(
            f"r{n}", raw, index.span(start, stop), parse_text=squash(body), label=label
        )
        references.append(ref)
        findings.extend(problems)
        if label in seen_labels:
            findings.append(
                Finding(
                    kind="duplicate-label",
                    message=f"reference number {label} appears twice in the list",
                    severity=Severity.MAJOR,
                    span=ref.span,
                    reference_id=ref.id,
                    raw=raw,
                )
            )
        seen_labels.add(label)
    if not entries:
        findings.append(
            Finding(
                kind="no-reference-list",
                message="no numbered reference list found (expected a 'References' section "
                "with entries '1.' or '[1]')",
                severity=Severity.MINOR,
            )
        )

    # Prose: everything before the list, without markup that is not text.
    prose_end = (
        lines[heading][0]
        if heading is not None
        else (lines[first][0] if first < len(lines) else len(text))
    )
    regions = prose_mask_regions(text)
    regions.append((prose_end, len(text)))
    masked = mask(text, regions)
    spans = split_sentences(masked, 0, prose_end)
    claims = [Claim(f"c{n}", masked[s:e], index.span(s, e)) for n, (s, e) in enumerate(spans, 1)]
    citations = number_citations(masked, spans, claims, index, prose_end, findings)
    return assemble(
        source=source,
        kind="numbered",
        text=text,
        masked=masked,
        claims=claims,
        references=references,
        citations=citations,
        findings=findings,
    )


def number_citations(
    masked: str,
    spans: list[tuple[int, int]],
    claims: list[Claim],
    index: LineIndex,
    end: int,
    findings: list[Finding],
) -> list[Citation]:
    """Numeric markers in ``masked[:end]``, each attributed to the sentence holding it."""
    found: list[tuple[int, int, str]] = []
    for rx in (BRACKET_MARKER, PAREN_MARKER, SUP_MARKER):
        for m in rx.finditer(masked, 0, end):
            numbers = m.group("numbers") or m.groupdict().get("caret") or ""
            found.append((m.start(), m.end(), numbers))
    found.extend(glued_markers(masked, 0, end))
    found.sort()
    out: list[Citation] = []
    starts = [s for s, _ in spans]
    for a, b, numbers in found:
        i = bisect_right(starts, a) - 1
        marker = masked[a:b]
        if len(marker) > 100:
            findings.append(
                Finding(
                    kind="bad-marker",
                    message=f"a citation marker of {len(marker)} characters is not plausible",
                    severity=Severity.MINOR,
                    span=index.span(a, b),
                    raw=marker[:100],
                )
            )
            continue
        if i < 0:
            findings.append(
                Finding(
                    kind="marker-outside-claim",
                    message=f"marker {marker!r} stands before any sentence",
                    severity=Severity.MINOR,
                    span=index.span(a, b),
                    raw=marker,
                )
            )
            continue
        for number in expand_numbers(numbers):
            out.append(Citation(claims[i].id, str(number), marker, index.span(a, b)))
    return out
