"""Small readers of CSL-JSON items shared by the serialisers (pure)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from refkeeper.errors import InputError
from refkeeper.models import CSLItem, Work

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_SEASONS = {"spring": 13, "summer": 14, "fall": 15, "autumn": 15, "winter": 16}


@dataclass(frozen=True, slots=True)
class Date:
    """A date as far as it is known; ``end`` for ranges (``1998 Dec-1999 Jan``)."""

    year: int | None = None
    month: int | None = None  # 1-12; 13-16 CSL seasons
    day: int | None = None
    end: Date | None = None
    literal: str | None = None


def _int(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _parts(parts: Sequence[Any]) -> Date:
    values = [_int(p) for p in parts[:3]]
    year, month, day = (values + [None, None, None])[:3]
    if month is not None and not 1 <= month <= 16:
        month, day = None, None
    if day is not None and not 1 <= day <= 31:
        day = None
    return Date(year, month, day)


def parse_literal_date(text: str) -> Date:
    """``1998 Dec-1999 Jan``, ``2000 Spring``, ``1995 Oct 15`` -> Date (best effort)."""
    pieces = re.split(r"\s*[-/]\s*(?=\d{4}\b|[A-Za-z])", text.strip(), maxsplit=1)
    dates = []
    for piece in pieces:
        year_m = re.search(r"\b(\d{4})\b", piece)
        month_m = re.search(r"\b([A-Za-z]{3})[a-z]*\b", piece)
        month = None
        if month_m:
            word = month_m.group(0).lower()
            month = _SEASONS.get(word) or _MONTHS.get(month_m.group(1).lower())
        day_m = re.search(r"\b(\d{1,2})\b", piece) if month else None
        dates.append(
            Date(
                int(year_m.group(1)) if year_m else None,
                month,
                int(day_m.group(1)) if day_m else None,
            )
        )
    first = dates[0]
    if first.year is None and len(dates) > 1:
        first = Date(dates[1].year, first.month, first.day)
    end = dates[1] if len(dates) > 1 else None
    if end is not None and end.year is None:
        end = Date(first.year, end.month, end.day)
    return Date(first.year, first.month, first.day, end, literal=text)


def issued(item: CSLItem) -> Date:
    """The ``issued`` date of a CSL item."""
    value = item.get("issued")
    if isinstance(value, str):
        return parse_literal_date(value)
    if not isinstance(value, dict):
        return Date()
    parts = value.get("date-parts")
    if len(value) == 1 and isinstance(parts, list) and len(parts) == 1:  # the usual case
        first = parts[0]
        if isinstance(first, list) and first and all(type(p) is int for p in first[:3]):
            ymd = (first + [None, None])[:3]
            if ymd[1] is None or 1 <= ymd[1] <= 12:
                day = ymd[2] if ymd[1] is not None and ymd[2] and 1 <= ymd[2] <= 31 else None
                return Date(ymd[0], ymd[1], day)
    if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
        start = _parts(parts[0])
        if start.year is not None:
            season = _int(value.get("season"))
            if start.month is None and season is not None and 1 <= season <= 4:
                start = Date(start.year, 12 + season)
            end = _parts(parts[1]) if len(parts) > 1 and parts[1] else None
            return Date(start.year, start.month, start.day, end, value.get("literal"))
    for key in ("literal", "raw"):
        text = value.get(key)
        if isinstance(text, str) and text.strip():
            return parse_literal_date(text)
    return Date()


def name_parts(name: dict[str, Any]) -> tuple[str, str, str, str] | None:
    """(particle+family, given, suffix, literal) of a CSL name; None for an empty name."""
    literal = name.get("literal")
    if literal:
        literal = str(literal).strip()
        if literal:
            return "", "", "", literal
    family = name.get("family")
    if not family:
        return None
    family = str(family).strip()
    if not family:
        return None
    particle = name.get("non-dropping-particle")
    if particle:
        family = f"{str(particle).strip()} {family}"
    given = name.get("given")
    given = str(given).strip() if given else ""
    dropping = name.get("dropping-particle")
    if dropping:
        given = f"{given} {str(dropping).strip()}".strip()
    suffix = name.get("suffix")
    return family, given, str(suffix).strip() if suffix else "", ""


def names(item: CSLItem, variable: str) -> list[dict[str, Any]]:
    value = item.get(variable)
    if not isinstance(value, list):
        return []
    return [
        n
        for n in value
        if isinstance(n, dict)
        and (str(n.get("literal") or "").strip() or str(n.get("family") or "").strip())
    ]


def text(item: CSLItem, variable: str) -> str:
    """A CSL variable as a stripped string ("" when absent)."""
    value = item.get(variable)
    if value is None:
        return ""
    if type(value) is str:
        return value.strip()
    if isinstance(value, (dict, list)):
        return ""
    return str(value).strip()


def journal(work: Work, style: str = "full") -> str:
    """The journal title: ``full`` or ``iso`` (ISO abbreviation, falling back to full)."""
    if style not in ("full", "iso"):
        raise InputError(f"unknown journal style {style!r}: choose from full, iso")
    csl = work.csl
    full = text(csl, "container-title") or (work.journal_full or "")
    iso = (
        (work.journal_iso or "")
        or text(csl, "container-title-short")
        or text(csl, "journalAbbreviation")
    )
    if style == "iso":
        return iso or full
    return full or iso


def key_of(work: Work) -> str:
    key = work.csl.get("id")
    if key is None or str(key).strip() == "":
        key = work.id
    return str(key)


def unique_keys(works: Sequence[Work]) -> list[str]:
    """The citation keys in order; a duplicate key is bad input."""
    keys = [key_of(w) for w in works]
    seen: set[str] = set()
    for key in keys:
        if key in seen:
            raise InputError(f"duplicate citation key {key!r}: every work needs its own key")
        seen.add(key)
    return keys


def pages(item: CSLItem) -> str:
    return text(item, "page")
