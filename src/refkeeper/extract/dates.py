"""Publication dates as references write them -> CSL-JSON ``issued`` values. Pure functions.

``1995`` -> ``{"date-parts": [[1995]]}``; ``1995 Oct 15`` -> ``[[1995, 10, 15]]``;
``2007 Mar-Apr`` -> ``[[2007, 3], [2007, 4]]`` (a CSL range); ``Winter 2003`` ->
``{"date-parts": [[2003]], "season": 4}``; ``2007 Dec-2008 Jan`` -> ``[[2007, 12], [2008, 1]]``;
``1998-2017`` -> ``[[1998], [2017]]``; ``January 1990`` -> ``[[1990, 1]]``;
APA ``2006, October 15`` -> ``[[2006, 10, 15]]``.
"""

from __future__ import annotations

import re
from typing import Any

MONTHS: dict[str, int] = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
    "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9,
    "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12,
    "december": 12,
}  # fmt: skip
SEASONS: dict[str, int] = {"spring": 1, "summer": 2, "autumn": 3, "fall": 3, "winter": 4}

_MON = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"  # noqa: E501
_SEASON = r"(?:Spring|Summer|Autumn|Fall|Winter)"
YEAR = r"(?:1[5-9]\d\d|20\d\d)"
_DAY = r"(?:[0-3]?\d)"

# NLM/Vancouver forms: 1995 Oct 15 | 1995 Oct 15-21 | 2007 Mar-Apr | 2007 Dec-2008 Jan |
# 2003 Winter | 2003 Spring-Summer.  Seasons first: "Winter 2003", "Fall-Winter 2003".
DATE = (
    rf"(?:{YEAR}\s*-\s*{YEAR}"
    rf"|{YEAR}[a-z]?(?:\s+(?:{_MON}(?:\s+{_DAY}(?:\s*-\s*(?:{_MON}\s+)?{_DAY})?)?"
    rf"(?:\s*-\s*(?:{YEAR}\s+)?{_MON}(?:\s+{_DAY})?)?|{_SEASON}(?:\s*-\s*{_SEASON})?))?"
    rf"|{_SEASON}(?:\s*-\s*{_SEASON})?\s+{YEAR}"
    rf"|{YEAR},\s+{_MON}(?:\s+{_DAY})?"
    rf"|{_MON}(?:\s+{_DAY},?)?\s+{YEAR}"
    rf"|{_DAY}\s+{_MON},?\s+{YEAR}"
    rf"|{_MON}\s*-\s*{_MON}\s+{YEAR})"
)
"""A date as references write it (no anchors; callers add their own context)."""
MONTH_DAY = rf"{_MON}(?:\s+{_DAY})?(?:\s*-\s*{_DAY})?"
"""A month and day without the year (Chicago's ``Journal, December 15.``)."""

_DATE_RE = re.compile(DATE, re.IGNORECASE)
_MONTH_FIRST_RE = re.compile(
    rf"(?P<m>[A-Za-z]{{3,9}}\.?)(?:\s+(?P<d>{_DAY}),?)?\s+(?P<y>{YEAR})", re.IGNORECASE
)
_DAY_FIRST_RE = re.compile(
    rf"(?P<d>{_DAY})\s+(?P<m>[A-Za-z]{{3,9}}\.?),?\s+(?P<y>{YEAR})", re.IGNORECASE
)
_YEAR_RE = re.compile(YEAR)
_TOKEN_RE = re.compile(rf"{YEAR}|[A-Za-z]+|\d{{1,2}}|-")


def parse_date(text: str) -> dict[str, Any] | None:
    """A CSL date object from a written date, or None when ``text`` is not a date."""
    text = text.strip().rstrip(".")
    if not _DATE_RE.fullmatch(text):
        return None
    m_dmy = _DAY_FIRST_RE.fullmatch(text)
    if m_dmy and m_dmy.group("m").lower().rstrip(".") in MONTHS:
        # "15 Dec. 2019" (Oxford journals)
        return {
            "date-parts": [
                [int(m_dmy.group("y")), MONTHS[m_dmy.group("m").lower().rstrip(".")],
                 int(m_dmy.group("d"))]
            ]
        }  # fmt: skip
    m = _MONTH_FIRST_RE.fullmatch(text)
    if m and m.group("m").lower().rstrip(".") in MONTHS:
        # "January 1990", "October 15, 1995"
        single = [int(m.group("y")), MONTHS[m.group("m").lower().rstrip(".")]]
        if m.group("d"):
            single.append(int(m.group("d")))
        return {"date-parts": [single]}
    parts: list[list[int]] = []
    season: int | None = None
    current: list[int] = []
    pending_year: int | None = None
    if text[:1].isalpha():
        found = _YEAR_RE.search(text)  # "Jan-Dec 2019": the year comes last
        pending_year = int(found.group(0)) if found else None
    after_dash = False
    for tok in _TOKEN_RE.findall(text):
        low = tok.lower()
        if tok == "-":
            after_dash = True
            continue
        if len(tok) == 4 and tok.isdigit():
            if current:
                parts.append(current)
            current = [int(tok)]
            after_dash = False
            if pending_year is None:
                pending_year = int(tok)
            continue
        if low in SEASONS:
            if season is None:
                season = SEASONS[low]
            continue
        if low in MONTHS:
            year = current[0] if current else pending_year
            if year is None:
                return None
            if after_dash or len(current) >= 2:
                parts.append(current)
                current = [year]
            current = (current[:1] or [year]) + [MONTHS[low]]
            after_dash = False
            continue
        if tok.isdigit():
            day = int(tok)
            if not 1 <= day <= 31 or len(current) < 2:
                return None
            if after_dash or len(current) >= 3:
                parts.append(current)
                current = current[:2]
            current = current[:2] + [day]
            after_dash = False
            continue
    if current:
        parts.append(current)
    if not parts:
        return None
    out: dict[str, Any] = {"date-parts": parts[:2]}
    if season is not None:
        out["season"] = season
    return out


def find_year(text: str) -> int | None:
    """The first plausible four-digit year in ``text``."""
    m = _YEAR_RE.search(text)
    return int(m.group(0)) if m else None
