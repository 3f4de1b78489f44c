"""Recognise and normalise identifiers: PMID, PMCID, DOI, ISBN. Pure functions."""

from __future__ import annotations

import re

DOI_RE = re.compile(r"\b(10\.\d{4,9}/[^\s\"]+)", re.IGNORECASE)
PMID_RE = re.compile(r"\bPMID:?\s*(\d{1,9})\b", re.IGNORECASE)
PMCID_RE = re.compile(r"\b(PMC\d{3,9})\b", re.IGNORECASE)
ISBN_RE = re.compile(
    r"\bISBN(?:-1[03])?:?\s*((?:97[89][- ]?)?(?:\d[- ]?){9}[\dXx])\b", re.IGNORECASE
)


def normalize_pmid(value: str) -> str | None:
    """``'PMID: 08620427'`` -> ``'8620427'``; None when it is not a PMID."""
    text = value.strip()
    text = re.sub(r"^(?:pmid|pubmed)\s*:?\s*", "", text, flags=re.IGNORECASE)
    if not re.fullmatch(r"\d{1,9}", text):
        return None
    stripped = text.lstrip("0")
    return stripped or None


def normalize_pmcid(value: str) -> str | None:
    """``'pmc1234567'`` or ``'1234567'`` (with a PMC prefix given) -> ``'PMC1234567'``."""
    text = value.strip()
    text = re.sub(r"^pmcid\s*:?\s*", "", text, flags=re.IGNORECASE)
    m = re.fullmatch(r"(?:PMC)(\d{1,9})", text, flags=re.IGNORECASE)
    return f"PMC{m.group(1)}" if m else None


def normalize_doi(value: str) -> str | None:
    """Strip ``doi:``/URL prefixes and trailing punctuation; DOIs compare case-insensitively,
    so the canonical form is lower case."""
    text = value.strip()
    text = re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", "", text, flags=re.IGNORECASE)
    m = DOI_RE.match(text)
    if not m:
        return None
    doi = m.group(1).split("</", 1)[0]  # an HTML closing tag is never part of a DOI
    # Trailing punctuation is the sentence's; a closing bracket belongs to the DOI only when
    # it is balanced inside it (SICI DOIs such as 10.1002/...(19951015)76:8<1481::...>3.0.co;2-x).
    pairs = {")": "(", "]": "[", "}": "{", ">": "<"}
    while doi and doi[-1] in ".,;:)]}>":
        last = doi[-1]
        if last in pairs and doi.count(last) <= doi.count(pairs[last]):
            break
        doi = doi[:-1]
    return doi.lower() or None


def _isbn10_check(digits: str) -> bool:
    total = sum((10 - i) * (10 if c in "Xx" else int(c)) for i, c in enumerate(digits))
    return total % 11 == 0


def _isbn13_check(digits: str) -> bool:
    total = sum((1 if i % 2 == 0 else 3) * int(c) for i, c in enumerate(digits))
    return total % 10 == 0


def isbn10_to_13(isbn10: str) -> str:
    core = "978" + isbn10[:9]
    check = (10 - sum((1 if i % 2 == 0 else 3) * int(c) for i, c in enumerate(core)) % 10) % 10
    return core + str(check)


def normalize_isbn(value: str) -> str | None:
    """Any written ISBN (10 or 13, with hyphens or spaces) -> the 13-digit form, check digit
    verified; None when it is not a valid ISBN."""
    text = re.sub(r"^isbn(?:-1[03])?\s*:?\s*", "", value.strip(), flags=re.IGNORECASE)
    digits = re.sub(r"[\s-]", "", text)
    if re.fullmatch(r"\d{13}", digits) and _isbn13_check(digits):
        return digits
    if re.fullmatch(r"\d{9}[\dXx]", digits) and _isbn10_check(digits):
        return isbn10_to_13(digits.upper())
    return None


def find_identifiers(text: str) -> dict[str, str]:
    """Identifiers written anywhere in a reference string, normalised, keyed by CSL name."""
    found: dict[str, str] = {}
    m = DOI_RE.search(text)
    if m and (doi := normalize_doi(m.group(1))):
        found["DOI"] = doi
    m = PMID_RE.search(text)
    if m and (pmid := normalize_pmid(m.group(1))):
        found["PMID"] = pmid
    m = PMCID_RE.search(text)
    if m and (pmcid := normalize_pmcid(m.group(1))):
        found["PMCID"] = pmcid
    m = ISBN_RE.search(text)
    if m and (isbn := normalize_isbn(m.group(1))):
        found["ISBN"] = isbn
    return found
