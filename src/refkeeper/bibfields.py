"""Pure helpers for bibliographic field values shared by extraction, resolution and audit:
month names, ordinal words, page ranges, edition numbers."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

MONTHS: dict[str, int] = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
"""Lower-case English month names and abbreviations -> 1..12."""

ORDINALS: dict[str, int] = {
    word: number
    for number, word in enumerate(
        (
            "first",
            "second",
            "third",
            "fourth",
            "fifth",
            "sixth",
            "seventh",
            "eighth",
            "ninth",
            "tenth",
        ),
        start=1,
    )
}

_RANGE = re.compile(
    r"^([A-Za-z]*)(\d+)([A-Za-z]*)\s*(?:-+|[\u2010-\u2015])\s*([A-Za-z]*)(\d+)([A-Za-z]*)$"
)


def _expand_range(part: str) -> str:
    part = part.strip()
    m = _RANGE.match(part)
    if not m:
        return re.sub(r"\s*[\u2010-\u2015]\s*", "-", part)
    p1, d1, s1, p2, d2, s2 = m.groups()
    if s1 or s2 or (p2 and p2 != p1):
        return f"{p1}{d1}{s1}-{p2}{d2}{s2}"
    end = d2
    if len(d2) < len(d1):
        candidate = d1[: len(d1) - len(d2)] + d2
        if int(candidate) >= int(d1):
            end = candidate
        else:  # not an abbreviation we can read ("S180-S19"): keep as written
            return f"{p1}{d1}-{p2}{d2}"
    return f"{p1}{d1}-{p1}{end}"


def expand_pages(pages: str) -> str:
    """Abbreviated pagination written out in full.

    ``'1481-9'`` -> ``'1481-1489'``, ``'113-25'`` -> ``'113-125'``, ``'S29-30'`` ->
    ``'S29-S30'``, ``'e33–e41'`` -> ``'e33-e41'``, ``'1481--1489'`` -> ``'1481-1489'``;
    electronic page numbers (``'e0180707'``) and anything unreadable (``'715-725.e4'``) stay
    as written. Comma lists are expanded part by part.
    """
    parts = [p for p in (x.strip() for x in pages.split(",")) if p]
    return ", ".join(_expand_range(p) for p in parts)


def edition_number(value: object) -> str | None:
    """``'4th Edition'``, ``'Fourth edition'``, ``'4'`` -> ``'4'``; None when no number."""
    text = str(value or "").lower()
    m = re.search(r"\d+", text)
    if m:
        return m.group(0).lstrip("0") or "0"
    for word in re.findall(r"[a-z]+", text):
        if word in ORDINALS:
            return str(ORDINALS[word])
    return None


def year_of(item: Mapping[str, Any]) -> int | None:
    """The year of a CSL item's ``issued`` (date-parts, or a year inside raw/literal)."""
    issued = item.get("issued")
    if isinstance(issued, Mapping):
        parts = issued.get("date-parts")
        if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
            try:
                return int(parts[0][0])
            except (TypeError, ValueError):
                return None
        raw = issued.get("raw") or issued.get("literal")
        if raw:
            match = re.search(r"\b(1[5-9]\d\d|20\d\d)\b", str(raw))
            return int(match.group(1)) if match else None
    return None
