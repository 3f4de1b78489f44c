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


ARXIV_RE = re.compile(
    r"^(?:arxiv:)?(?P<id>(?:\d{4}\.\d{4,5}|[a-z][a-z.-]*(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?)$",
    re.IGNORECASE,
)
NCT_RE = re.compile(r"^(?:clinicaltrials:)?(?P<id>NCT\d{8})$", re.IGNORECASE)
SHORT_DOI_RE = re.compile(r"^(?:doi:)?(?P<id>10/[a-z0-9]+)$", re.IGNORECASE)


def normalize_arxiv(value: str) -> str | None:
    """``'arxiv:1801.01234v2'`` -> ``'1801.01234v2'``; old-style ``hep-th/9901001`` too."""
    m = ARXIV_RE.match(value.strip())
    return m.group("id") if m else None


def normalize_nct(value: str) -> str | None:
    """A ClinicalTrials.gov registry number: ``'nct01234567'`` -> ``'NCT01234567'``."""
    m = NCT_RE.match(value.strip())
    return m.group("id").upper() if m else None


def normalize_short_doi(value: str) -> str | None:
    """A shortDOI (``10/f6kft3``, a doi.org alias of a full DOI), lower case."""
    m = SHORT_DOI_RE.match(value.strip())
    return m.group("id").lower() if m else None


def normalize_url(value: str) -> str | None:
    """An http(s) URL as written, or None."""
    text = value.strip()
    return text if re.fullmatch(r"https?://[^\s<>\"]+", text) else None


def identifier_key_fields(prefix: str, value: str) -> dict[str, str] | None:
    """CSL fields for a manubot/pandoc identifier key ``prefix:value`` (``doi``, ``pmid``,
    ``pubmed``, ``pmcid``/``pmc``, ``isbn``, ``arxiv``, ``biorxiv``/``medrxiv``,
    ``clinicaltrials``, ``url``/``http``/``https``); ``{}`` when the value is malformed;
    None when ``prefix`` names no identifier. Works PubMed does not hold keep their identifier
    (``arXiv``, ``NCT``, ``shortDOI``, ``URL``) for :func:`identifier_source`."""
    prefix = prefix.lower()
    if prefix == "doi":
        if short := normalize_short_doi(value):
            return {"shortDOI": short, "URL": f"https://doi.org/{short}"}
        doi = normalize_doi(value)
        return {"DOI": doi} if doi else {}
    if prefix in ("biorxiv", "medrxiv"):
        doi = normalize_doi(value if value.startswith("10.") else "10.1101/" + value)
        if not doi:
            return {}
        return {"DOI": doi, "container-title": "bioRxiv" if prefix == "biorxiv" else "medRxiv"}
    if prefix in ("pmid", "pubmed"):
        pmid = normalize_pmid(value)
        return {"PMID": pmid} if pmid else {}
    if prefix in ("pmcid", "pmc"):
        pmcid = normalize_pmcid(value if value.upper().startswith("PMC") else "PMC" + value)
        return {"PMCID": pmcid} if pmcid else {}
    if prefix == "isbn":
        isbn = normalize_isbn(value)
        return {"ISBN": isbn} if isbn else {}
    if prefix == "arxiv":
        arxiv = normalize_arxiv(value)
        return {"arXiv": arxiv, "URL": f"https://arxiv.org/abs/{arxiv}"} if arxiv else {}
    if prefix == "clinicaltrials":
        nct = normalize_nct(value)
        return {"NCT": nct, "URL": f"https://clinicaltrials.gov/study/{nct}"} if nct else {}
    if prefix in ("url", "http", "https"):
        url = normalize_url(value if prefix == "url" else f"{prefix}:{value}")
        return {"URL": url} if url else {}
    return None


def identifier_source(fields: dict[str, object]) -> str | None:
    """Where the identifier of a reference's fields can be looked up: ``pubmed`` (PMID,
    PMCID, DOI), ``nlm-catalog`` (ISBN), ``arxiv``, ``doi.org`` (a shortDOI),
    ``clinicaltrials.gov``, ``web`` (a URL only); None without an identifier."""
    if any(fields.get(k) for k in ("PMID", "PMCID", "DOI")):
        return "pubmed"
    if fields.get("ISBN"):
        return "nlm-catalog"
    if fields.get("arXiv"):
        return "arxiv"
    if fields.get("shortDOI"):
        return "doi.org"
    if fields.get("NCT"):
        return "clinicaltrials.gov"
    if fields.get("URL"):
        return "web"
    return None
