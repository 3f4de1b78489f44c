"""Page ranges as references write them -> CSL ``page`` strings. Pure functions.

``1481-9`` -> ``1481-1489``, ``123-45`` -> ``123-145``, ``S67-72`` -> ``S67-S72``,
``E9-11`` -> ``E9-E11``, ``e123`` -> ``e123``. A range that would end before it starts is
not "repaired": the caller gets ``None`` and a reason.
"""

from __future__ import annotations

import re

PAGE_TOKEN = r"[A-Za-z]{0,6}\d{1,20}(?:\.e\d{1,4}|[a-z]{1,3}\d{1,4}|[A-Za-z]\d{5,20}|[A-Za-z]?)"
"""One page as written: ``1481``, ``S67``, ``e123``, ``E9``, ``12a``, ``eaat8923`` (Science),
``490.e7`` (Cell Press), ``328rv4`` (Science Translational Medicine), and electronic article
numbers such as ``EVIDe2500330`` (NEJM Evidence) or ``2050313X19893580`` (SAGE, an ISSN with
its X check digit followed by a number)."""

_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_DASH_TRANS = str.maketrans(dict.fromkeys(_DASHES, "-"))
_PAGE_RE = re.compile(
    r"([A-Za-z]{0,6})(\d{1,20})(\.e\d{1,4}|[a-z]{1,3}\d{1,4}|[A-Za-z]\d{5,20}|[A-Za-z]?)"
)
_RANGE_RE = re.compile(rf"\s*({PAGE_TOKEN})\s*(?:-+\s*({PAGE_TOKEN}))?\s*")


def expand_page_range(first: str, last: str | None = None) -> tuple[str | None, str | None]:
    """Expand an abbreviated range. Returns ``(page, problem)``; exactly one is None.

    >>> expand_page_range("1481", "9")
    ('1481-1489', None)
    >>> expand_page_range("S67", "72")
    ('S67-S72', None)
    """
    m1 = _PAGE_RE.fullmatch(first.strip())
    if not m1:
        return None, f"page {first!r} is not a page number"
    if last is None or not last.strip():
        return first.strip(), None
    m2 = _PAGE_RE.fullmatch(last.strip())
    if not m2:
        return None, f"page range end {last!r} is not a page number"
    pre1, num1, suf1 = m1.groups()
    pre2, num2, suf2 = m2.groups()
    if pre2 and pre1 and pre2.lower() != pre1.lower():
        return None, f"page range {first}-{last} mixes prefixes"
    if pre2 and not pre1:
        return None, f"page range {first}-{last} mixes prefixes"
    if len(num2) < len(num1):
        num2 = num1[: len(num1) - len(num2)] + num2
    n1, n2 = int(num1), int(num2)
    if n2 < n1 or (n2 == n1 and suf2 and suf1 > suf2):
        return None, f"page range {first}-{last} ends before it starts"
    if n2 == n1 and suf2 == suf1:
        return f"{pre1}{num1}{suf1}", None
    return f"{pre1}{num1}{suf1}-{pre1}{num2}{suf2}", None


def parse_pages(text: str) -> tuple[str | None, str | None]:
    """``'1481–9'`` -> ``('1481-1489', None)``; ``(None, reason)`` when it is no page range."""
    m = _RANGE_RE.fullmatch(text.translate(_DASH_TRANS))
    if not m:
        return None, f"pages {text.strip()!r} not understood"
    return expand_page_range(m.group(1), m.group(2))


def first_page(page: str | None) -> str | None:
    """The first page of a CSL ``page`` value."""
    if not page:
        return None
    return page.split("-", 1)[0].strip() or None
