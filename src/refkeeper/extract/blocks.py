"""Reference-like blocks: runs of lines that look like references, whatever the layout.

Every text extractor reports how many such blocks a document holds and how many of them it
read (a block is read when a reference's span overlaps it); a block left unread becomes an
``unread-reference-block`` finding, so that a list no extractor understands never yields zero
references silently. Pure and linear in the length of the text.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence

from refkeeper.extract.sentences import LineIndex, iter_lines
from refkeeper.models import Finding, Reference, Severity

_YEAR = re.compile(r"(?<![\w.])(?:1[6-9]|20)\d\d[a-z]?(?!\w)")
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


def _looks_like_reference(lines: list[tuple[int, int, str]], k: int) -> bool:
    s = lines[k][2]
    if len(s) > _MAX_LINE or len(s.strip()) < 12:
        return False
    near = " ".join(t for _, _, t in lines[max(0, k - 2) : k + 4] if len(t) <= _MAX_LINE)
    if _AUTHOR_START.match(s) and _YEAR.search(near):
        return True
    has_source = _VOLUME_PAGES.search(s) or _YEAR_VOLUME.search(s) or _IDENTIFIER.search(s)
    return bool(has_source and _YEAR.search(near) and len(s) <= 300)


def reference_like_blocks(
    text: str, regions: Sequence[tuple[int, int]] = ()
) -> list[tuple[int, int]]:
    """``(start, end)`` offsets of the runs of reference-like lines of ``text``, outside
    ``regions`` (parts that are not document text: code, comments, front matter)."""
    lines = list(iter_lines(text))
    skip = sorted(regions)
    out: list[tuple[int, int]] = []
    last = -10
    r = 0
    for k, (start, end, _) in enumerate(lines):
        while r < len(skip) and skip[r][1] <= start:
            r += 1
        if r < len(skip) and skip[r][0] <= start and end <= skip[r][1]:
            continue
        if not _looks_like_reference(lines, k):
            continue
        joined = out and k - last <= _GAP + 1
        if joined and all(lines[j][2].strip() for j in range(last + 1, k)):
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
        last = k
    return out


def block_findings(
    text: str,
    references: Sequence[Reference],
    regions: Sequence[tuple[int, int]] = (),
) -> tuple[int, int, list[Finding]]:
    """(blocks seen, blocks read, a finding per unread block)."""
    blocks = reference_like_blocks(text, regions)
    spans = sorted((r.span.start, r.span.end) for r in references if r.span is not None)
    starts = [a for a, _ in spans]
    reach: list[int] = []  # reach[i]: the furthest end among spans[: i + 1]
    for _, b in spans:
        reach.append(max(b, reach[-1]) if reach else b)
    index = LineIndex(text)
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
_TEX_COMMENT = re.compile(r"(?<!\\)%.*$", re.M)
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
