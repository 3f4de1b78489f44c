"""Reference-like blocks: runs of lines that look like references, whatever the layout.

Every text extractor reports how many such blocks a document holds and how many of them it
read (a block is read when a reference's span overlaps it); a block left unread becomes an
``unread-reference-block`` finding, so that a list no extractor understands never yields zero
references silently. Pure and linear in the length of the text.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence

from refkeeper.extract.sentences import LineIndex
from refkeeper.models import Claim, Finding, Reference, Severity

# The look-behind sits after the first digit so that the engine can skip to a "1" or a "2".
_YEAR = re.compile(r"(?:1(?<![\w.]1)[6-9]|2(?<![\w.]2)0)\d\d[a-z]?(?!\w)")
# "Timmons CF," / "[3] van Aalten SM," / "1. Liu R." at the start of a line.
_AUTHOR_START = re.compile(
    r"^\s*(?:[-*+]\s+)?(?:\[?\d{1,4}[\].)]\s*|<sup>\d{1,4}</sup>\s*)?"
    r"(?:[a-z]{1,3}\s+)?[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?,?\s+"
    r"(?:[A-Z]{1,3}\.?\s*)+(?:[,.;(]|et al|$)"
)
# "Cancer 76: 1481-9", "1995;76(8):1481-9", "Nature 420:231"
_VOLUME_PAGES = re.compile(r"\b\d{1,5}\s*(?:\([^()\n]{1,15}\))?\s*:\s*[A-Za-z]{0,2}\d{1,6}\b")
_YEAR_VOLUME = re.compile(r"\b(?:1[6-9]|20)\d\d[^;\n]{0,20};\s*\d{1,5}")
_IDENTIFIER = re.compile(r"\b(?:doi|pmid|isbn)\b\s*:?\s*\S", re.IGNORECASE)
_MAX_LINE = 600
_GAP = 2  # non-blank lines that may separate the reference-like lines of one block


def _looks_like_reference(s: str, year_near: bool) -> bool:
    if not year_near or len(s) > _MAX_LINE or len(s.strip()) < 12:
        return False
    if "[@" in s or "\\cite" in s:
        return False  # prose that cites, not a reference
    if _AUTHOR_START.match(s):
        return True
    if len(s) > 300:
        return False
    return bool(_VOLUME_PAGES.search(s) or _YEAR_VOLUME.search(s) or _IDENTIFIER.search(s))


def reference_like_blocks(
    text: str,
    regions: Sequence[tuple[int, int]] | Callable[[], Sequence[tuple[int, int]]] = (),
    known: Sequence[tuple[int, int]] = (),
    index: LineIndex | None = None,
) -> list[tuple[int, int]]:
    """``(start, end)`` offsets of the runs of reference-like lines of ``text``, outside
    ``regions`` (parts that are not document text: code, comments, front matter; or a function
    giving them, called only when some line is worth a look). ``known``
    reference spans are reference-like without looking; elsewhere only the lines near a year
    are looked at, so prose without years costs one regex scan."""
    index = index or LineIndex(text)
    starts = index.starts
    n_lines = len(starts)

    def line_text(k: int) -> tuple[int, int, str]:  # k: 0-based line number
        a = starts[k]
        b = starts[k + 1] - 1 if k + 1 < n_lines else len(text)
        return a, b, text[a:b]

    merged: list[tuple[int, int]] = []
    for a, b in sorted(known):  # one run when only white space separates them
        if merged and (a <= merged[-1][1] or not text[merged[-1][1] : a].strip()):
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    items: list[tuple[int, int]] = [  # (first line, last line), 0-based
        (index.line(a) - 1, index.line(max(a, b - 1)) - 1) for a, b in merged
    ]
    gaps: list[tuple[int, int]] = []
    pos = 0
    for a, b in merged:
        gaps.append((pos, a))
        pos = b
    gaps.append((pos, len(text)))
    has_year: set[int] = set()
    for a, b in gaps:
        for m in _YEAR.finditer(text, a, b):
            k = index.line(m.start()) - 1
            if k not in has_year:
                la, lb, _ = line_text(k)
                if lb - la <= _MAX_LINE:
                    has_year.add(k)
    candidates = sorted({j for k in has_year for j in range(k - 3, k + 3) if 0 <= j < n_lines})
    known_lines = {k for first, last in items for k in (first, last)}
    if callable(regions):
        regions = regions() if candidates else ()
    skip = sorted(regions)
    r = 0
    for k in candidates:
        start, end, line = line_text(k)
        while r < len(skip) and skip[r][1] <= start:
            r += 1
        if r < len(skip) and skip[r][0] <= start and end <= skip[r][1]:
            continue
        if k in known_lines:
            continue
        near = any(j in has_year for j in range(k - 2, k + 4))
        if _looks_like_reference(line, near):
            items.append((k, k))
    items.sort()
    runs: list[list[int]] = []
    for first, last in items:
        if runs and first <= runs[-1][1]:
            runs[-1][1] = max(runs[-1][1], last)
            continue
        joined = runs and first - runs[-1][1] <= _GAP + 1
        if joined and all(line_text(j)[2].strip() for j in range(runs[-1][1] + 1, first)):
            runs[-1][1] = last
        else:
            runs.append([first, last])
    return [(line_text(first)[0], line_text(last)[1]) for first, last in runs]


def block_findings(
    text: str,
    references: Sequence[Reference],
    regions: Sequence[tuple[int, int]] | Callable[[], Sequence[tuple[int, int]]] = (),
    claims: Sequence[Claim] = (),
) -> tuple[int, int, list[Finding]]:
    """(blocks seen, blocks read, a finding per unread block)."""
    spans = sorted((r.span.start, r.span.end) for r in references if r.span is not None)
    in_prose = sorted((c.span.start, c.span.end) for c in claims)
    prose_starts = [a for a, _ in in_prose]

    def in_a_claim(a: int) -> bool:  # a key cited in the prose is not a reference block
        i = bisect_right(prose_starts, a) - 1
        return i >= 0 and in_prose[i][0] <= a < in_prose[i][1]

    index = LineIndex(text)
    blocks = reference_like_blocks(text, regions, [s for s in spans if not in_a_claim(s[0])], index)
    starts = [a for a, _ in spans]
    reach: list[int] = []  # reach[i]: the furthest end among spans[: i + 1]
    for _, b in spans:
        reach.append(max(b, reach[-1]) if reach else b)
    read = 0
    findings: list[Finding] = []
    for start, end in blocks:
        i = bisect_left(starts, end)  # spans[:i] start before the block ends
        if i and reach[i - 1] > start:
            read += 1
            continue
        raw = text[start:end]
        first = raw.strip().split("\n", 1)[0]
        findings.append(
            Finding(
                kind="unread-reference-block",
                message=f"line {index.line(start)}: a block that looks like references was not "
                f"read ({_clip(first)!r}); give it a 'References' heading and numbered entries, "
                "or check its layout",
                severity=Severity.MAJOR,
                span=index.span(start, end),
                raw=raw[:1000],
            )
        )
    return len(blocks), read, findings


def _clip(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


_FENCE = re.compile(r"^(?P<fence>```+|~~~+).*?^(?P=fence)[ \t]*$", re.S | re.M)
_HTML_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
_TEX_COMMENT = re.compile(r"%(?<!\\%)[^\n]*")
_BEGIN_DOCUMENT = re.compile(r"\\begin\{document\}")


def not_text_regions(text: str, kind: str) -> list[tuple[int, int]]:
    """Parts of a ``kind`` document that are not its text: front matter, code and comments
    in Markdown; comments and the preamble in LaTeX."""
    if kind == "markdown":
        from refkeeper.extract.markdown_syntax import FRONT_MATTER

        regions = [
            (m.start(), m.end()) for rx in (_FENCE, _HTML_COMMENT) for m in rx.finditer(text)
        ]
        if fm := FRONT_MATTER.match(text):
            regions.append((fm.start(), fm.end()))
        return regions
    if kind == "latex":
        regions = [(m.start(), m.end()) for m in _TEX_COMMENT.finditer(text)]
        if bd := _BEGIN_DOCUMENT.search(text):
            regions.append((0, bd.end()))
        return regions
    return []
