"""Small pure helpers that build CSL-JSON values from structured sources (library files,
WHO reference blocks): page ranges, dates, personal names. Free text goes to ``refparse``."""

from __future__ import annotations

import functools
import re
from typing import Any

from refkeeper.bibfields import MONTHS
from refkeeper.identifiers import normalize_isbn
from refkeeper.models import CSLItem

_YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")


def date_parts(text: str) -> dict[str, Any] | None:
    """A CSL date from ``'1995 Oct 15'``, ``'1995/10/15/'``, ``'2005-06'``, ``'1995 Oct-Dec'``,
    ``'2010'``; None when there is no year."""
    text = text.strip()
    m = re.match(r"^(\d{4})(?:[-/](\d{1,2}))?(?:[-/](\d{1,2}))?(?:[-/T]|\s*$)", text)
    if m:
        parts = [int(m.group(1))]
        for g in (m.group(2), m.group(3)):
            if g is None or not 1 <= int(g) <= 31:
                break
            parts.append(int(g))
        if len(parts) > 1 and parts[1] > 12:
            parts = parts[:1]
        return {"date-parts": [parts]}
    y = _YEAR.search(text)
    if not y:
        return None
    parts = [int(y.group(1))]
    rest = text[y.end() :].strip()
    mm = re.match(r"([A-Za-z]{3,9})\.?(?:\s+(\d{1,2})\b)?", rest)
    if mm and mm.group(1).lower() in MONTHS:
        parts.append(MONTHS[mm.group(1).lower()])
        if mm.group(2) and 1 <= int(mm.group(2)) <= 31:
            parts.append(int(mm.group(2)))
    return {"date-parts": [parts]}


def year_of(item: CSLItem) -> int | None:
    issued = item.get("issued")
    try:
        return int(issued["date-parts"][0][0])  # type: ignore[index]
    except (KeyError, IndexError, TypeError, ValueError):
        return None


def name_from_sorted(text: str) -> dict[str, str]:
    """``'Timmons, Charles F'`` -> family/given; ``'Timmons CF'`` (MEDLINE AU) -> family
    ``Timmons``, given ``CF``; so are initials written with stops or spaces (``'Liu R.'``,
    ``'Chan W. K.'`` -> given ``R``, ``WK``); a name without any of these forms stays literal."""
    text = " ".join(text.split()).strip().rstrip(",")
    if not text:
        return {"literal": ""}
    if "," in text:
        family, _, given = text.partition(",")
        out = {"family": family.strip()}
        if given.strip():
            out["given"] = given.strip()
        return out
    # Initials, bare or with stops, spaces or hyphens: "Timmons CF", "Liu R.", "Chan W. K.",
    # "Lo L.-J.", "Reh T A".
    m = re.match(r"^(?P<family>\S.*?)\s+(?P<given>[A-Z](?:\.?[\s-]*[A-Z]){0,3}\.?)$", text)
    if m:
        given = m.group("given")
        compact = "".join(re.findall("[A-Z]", given)) if not given.isalpha() else given
        return {"family": m.group("family"), "given": compact}
    return {"literal": text}


def isbn_or_issn(value: str) -> tuple[str, str]:
    """Classify an RIS ``SN`` / BibTeX value: ``('ISBN', normalised)`` or ``('ISSN', raw)``."""
    isbn = normalize_isbn(value)
    if isbn:
        return "ISBN", isbn
    return "ISSN", value.strip()


@functools.cache
def _latex_converter() -> Any:
    from pylatexenc.latex2text import LatexNodes2Text

    return LatexNodes2Text(math_mode="verbatim")


_LATEX_PLAIN = str.maketrans({"{": None, "}": None, "~": " "})
_DASHES = re.compile(r"-{2,3}|[–—]")


def latex_to_text(value: str) -> str:
    """LaTeX markup -> plain text (accents, ``\\&``, ``\\emph{}``, ``--``), whitespace squashed.

    Values without a backslash take a fast path (braces and ties removed); the rest go through
    pylatexenc, and if it chokes on odd input, through the fast path too.
    """
    text = value
    if "\\" in value:
        try:
            text = str(_latex_converter().latex_to_text(value))
        except Exception:  # pylatexenc raises assorted errors on malformed markup
            text = value
    text = text.translate(_LATEX_PLAIN)
    if "--" in text or "–" in text or "—" in text:
        text = _DASHES.sub("-", text)
    return " ".join(text.split())
