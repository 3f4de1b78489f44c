"""Markdown structure that is not prose: front matter, code, headings, comments, tables."""

from __future__ import annotations

import re
from typing import Any

FRONT_MATTER = re.compile(
    r"\A(?:\ufeff)?---[ \t]*\n(?P<body>.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S
)
_FENCE = re.compile(r"^(?P<fence>```+|~~~+).*?^(?P=fence)[ \t]*$|^(?:```+|~~~+).*\Z", re.S | re.M)
_INLINE_CODE = re.compile(r"(`+)[^`\n]+?\1")
_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}(?:[ \t].*)?$|^.+\n(?:=+|-+)[ \t]*$", re.M)
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
_TABLE_RULE = re.compile(r"^[ \t]*(?:\|[ \t]*)?:?-{3,}.*$", re.M)
_ENDS_SENTENCE = re.compile(r"[.!?:;,\])>^]\s*$")


def plain_headings(text: str) -> list[tuple[int, int]]:
    """Lines standing alone between blank lines, short and without closing punctuation:
    the headings of a plain-text document."""
    from refkeeper.extract.sentences import iter_lines

    lines = list(iter_lines(text))
    out: list[tuple[int, int]] = []
    for i, (start, end, line) in enumerate(lines):
        if not line.strip() or _ENDS_SENTENCE.search(line) or len(line.split()) > 12:
            continue
        before = i == 0 or not lines[i - 1][2].strip()
        after = i + 1 >= len(lines) or not lines[i + 1][2].strip()
        if before and after:
            out.append((start, end))
        elif before and _glued_heading(line, lines[i + 1][2]):
            out.append((start, end))  # a heading with its paragraph right under it
    return out


def _glued_heading(line: str, following: str) -> bool:
    """A short capitalised line standing first in its paragraph, the next line starting a
    sentence: "Epidemiology" over "Most patients are ...". A wrapped sentence's first line
    is longer than this."""
    text = line.strip()
    return (
        len(text) <= 60
        and len(text.split()) <= 8
        and text[:1].isupper()
        and following.strip()[:1].isupper()
    )


_HTML_TAG = re.compile(r"</?(?!sup\b)[A-Za-z][^<>\n]{0,200}>")
_PROSE_MASKS: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = (
    (_FENCE, ("```", "~~~")),
    (_COMMENT, ("<!--",)),
    (_INLINE_CODE, ("`",)),
    (_HEADING, ("#", "\n=", "\n-")),
    (_TABLE_RULE, ("---",)),
    (_HTML_TAG, ("<",)),
)


def front_matter(text: str) -> tuple[dict[str, Any], tuple[int, int] | None, str | None]:
    """The YAML front matter as a dict, its region, and a problem if it does not parse."""
    m = FRONT_MATTER.match(text)
    if not m:
        return {}, None, None
    import yaml

    try:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present
        data = yaml.load(m.group("body"), Loader=loader)  # noqa: S506 - a safe loader
    except RecursionError:
        return {}, (m.start(), m.end()), "front matter is nested too deeply"
    except yaml.YAMLError as exc:
        return {}, (m.start(), m.end()), f"front matter is not valid YAML: {exc}".replace("\n", " ")
    return (data if isinstance(data, dict) else {}), (m.start(), m.end()), None


def prose_mask_regions(text: str) -> list[tuple[int, int]]:
    """Regions of a Markdown (or plain) text that hold no claims."""
    regions: list[tuple[int, int]] = []
    m = FRONT_MATTER.match(text)
    if m:
        regions.append((m.start(), m.end()))
    for rx, needs in _PROSE_MASKS:
        if any(s in text for s in needs):  # what every match holds: skip a scan that cannot match
            regions.extend((x.start(), x.end()) for x in rx.finditer(text))
    regions.extend(plain_headings(text))
    return regions
