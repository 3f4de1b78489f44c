"""Positions and sentences: pure helpers shared by the extractors.

Every extractor works on the decoded source text and reports offsets into it. Parts of the
text that are not prose (markup, UI lines, reference blocks, comments) are *masked*: replaced by
spaces of the same length, newlines kept, so that offsets in the masked text are offsets in the
source. Sentences are then found in the masked text.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator

from refkeeper.models import Span


class LineIndex:
    """Maps character offsets to 1-based line numbers in O(log n)."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.length = len(text)

    def line(self, offset: int) -> int:
        return bisect_right(self.starts, offset)

    def line_start(self, line: int) -> int:
        """Offset of the first character of 1-based ``line``."""
        return self.starts[max(0, min(line, len(self.starts)) - 1)]

    def line_end(self, offset: int) -> int:
        """Offset of the end of the line holding ``offset`` (before its newline)."""
        line = self.line(offset)
        return self.starts[line] - 1 if line < len(self.starts) else self.length

    def span(self, start: int, end: int) -> Span:
        return Span(self.line(start), start, end)


def iter_lines(text: str) -> Iterator[tuple[int, int, str]]:
    """``(start, end, line)`` for each line, ``end`` excluding the newline."""
    pos = 0
    n = len(text)
    while pos <= n:
        nl = text.find("\n", pos)
        if nl < 0:
            if pos < n:
                yield pos, n, text[pos:n]
            return
        yield pos, nl, text[pos:nl]
        pos = nl + 1


def blank(text: str) -> str:
    """``text`` with every character but newlines replaced by a space (same length)."""
    if "\n" not in text:
        return " " * len(text)
    return "\n".join([" " * len(line) for line in text.split("\n")])


def mask(text: str, regions: Iterable[tuple[int, int]]) -> str:
    """Blank out ``regions`` (start, end) of ``text``, keeping length and newlines."""
    parts: list[str] = []
    pos = 0
    for start, end in sorted(regions):
        start = max(start, pos)
        if end <= start:
            continue
        parts.append(text[pos:start])
        parts.append(blank(text[start:end]))
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


# Words after which a full stop does not end a sentence.
ABBREVIATIONS = frozenset(
    """al e.g i.e cf vs etc fig figs eq eqs ref refs no nos vol approx ca dr mr mrs ms prof st
    sp spp var ssp incl resp ed eds suppl jan feb mar apr jun jul aug sep sept oct nov dec
    viz ibid op et seq pp p ch chap sec tab para""".split()
)

# A candidate boundary: terminal punctuation, closing quotes/brackets, optional numeric
# citation markers glued to it ("tumour.[1]", "tumour.1,2"), then whitespace, then what can
# start a sentence.
_BOUNDARY = re.compile(
    r"""[.!?]+["'”’)\]]*(?:\[\d+(?:[-–,\s]+\d+)*\]|\d{1,3}(?:[-–,]\d{1,3})*(?=\s)"""
    r"""|<sup>[^<>\n]{1,40}</sup>|\^[\d,–-]{1,40}\^)?"""
    r"""(?P<gap>\s+)(?=[A-Z0-9"“'‘(\[\\À-ÖØ-Þ])"""
)
_PARAGRAPH = re.compile(r"\n[ \t]*\n\s*")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)$")


def _is_abbreviation(text: str, dot: int, lo: int) -> bool:
    """Is the full stop at ``dot`` the end of an abbreviation or an initial?"""
    if text[dot] != ".":
        return False
    m = _WORD_BEFORE.search(text, max(lo, dot - 12), dot)
    if not m:
        return False
    word = m.group(1).rstrip(".").lower()
    if len(m.group(1)) == 1 and m.group(1).isupper():
        return True  # an initial: "Timmons C. F. Dawson"
    return word in ABBREVIATIONS


def split_sentences(
    text: str, start: int = 0, end: int | None = None, *, paragraph: re.Pattern[str] = _PARAGRAPH
) -> list[tuple[int, int]]:
    """Sentences of ``text[start:end]`` as trimmed ``(start, end)`` offsets.

    Blank lines (or what ``paragraph`` matches) end sentences. A sentence whose last line
    holds nothing but punctuation (a claim interrupted by a masked reference block, then
    ". In some cases ...") ends before that punctuation. Linear in the length of the region.
    """
    stop = len(text) if end is None else end
    out: list[tuple[int, int]] = []
    para_start = start
    for pm in paragraph.finditer(text, start, stop):
        _split_paragraph(text, para_start, pm.start(), out)
        para_start = pm.end()
    _split_paragraph(text, para_start, stop, out)
    return out


def _split_paragraph(text: str, start: int, end: int, out: list[tuple[int, int]]) -> None:
    sent_start = start
    for m in _BOUNDARY.finditer(text, start, end):
        dot = m.start()
        if _is_abbreviation(text, dot, start):
            continue
        _emit(text, sent_start, m.start("gap"), out)
        sent_start = m.end("gap")
    _emit(text, sent_start, end, out)


# One letter or digit: exactly the characters for which ``str.isalnum`` is true.
ALNUM = re.compile(r"[^\W_]")


def _emit(text: str, start: int, end: int, out: list[tuple[int, int]]) -> None:
    chunk = text[start:end]
    stripped_left = len(chunk) - len(chunk.lstrip())
    s = start + stripped_left
    e = start + len(chunk.rstrip())
    # A leading run of punctuation that closed the previous sentence across a gap.
    while s < e and text[s] in ".,;:":
        s += 1
        while s < e and text[s].isspace():
            s += 1
    if s >= e:
        return
    e = _drop_detached_punctuation(text, s, e)
    if ALNUM.search(text, s, e) is None:
        return
    out.append((s, e))


def _drop_detached_punctuation(text: str, s: int, e: int) -> int:
    """End of the sentence without trailing punctuation that stands apart from it (after a
    newline or a wide masked gap)."""
    j = e
    while j > s and text[j - 1] in ".,;:!?":
        j -= 1
    if j == e:
        return e
    k = j
    while k > s and text[k - 1].isspace():
        k -= 1
    gap = text[k:j]
    if k > s and ("\n" in gap or len(gap) >= 3):
        return k
    return e


_SPACES = re.compile(r"\s+")


def squash(text: str) -> str:
    """Collapse runs of whitespace to one space and strip."""
    return _SPACES.sub(" ", text).strip()


def containing(spans: list[tuple[int, int]], offset: int) -> int | None:
    """Index of the span containing ``offset`` (spans sorted, disjoint), else None."""
    i = bisect_right(spans, (offset, float("inf"))) - 1
    if i >= 0 and spans[i][0] <= offset < spans[i][1]:
        return i
    return None


def preceding(spans: list[tuple[int, int]], offset: int) -> int | None:
    """Index of the last span starting at or before ``offset``, else None."""
    i = bisect_right(spans, (offset, float("inf"))) - 1
    return i if i >= 0 else None
