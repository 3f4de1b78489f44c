"""Works kept as written: what no source holds (software without a DOI, a web page, a
report, a guideline, a clinical-trial registration) is kept with the fields read from the
reference, as status ``as-written``, instead of ending "not found" (pure functions).

A kept work is a :class:`~refkeeper.models.Work` with source ``as-written``: every output
shows it (BibTeX ``@misc``/``@software``/``@online``/``@techreport``, CSL-JSON, RIS, the
formatted bibliography), reports name it as kept, and ``--fail-on unresolved`` does not trip
on it (``--fail-on as-written`` does).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from typing import Any

from refkeeper.identifiers import identifier_source
from refkeeper.models import CSLItem, Resolution, Status, Work

SOURCE = "as-written"

KEPT_TYPES = frozenset(
    {"software", "webpage", "post", "post-weblog", "report", "dataset", "standard",
     "legislation", "regulation", "document", "patent", "personal_communication", "speech",
     "interview", "motion_picture", "broadcast", "map", "graphic", "manuscript"}
)  # fmt: skip
"""CSL types no bibliographic database refkeeper asks holds: kept as written when not found."""

_WITHOUT_SOURCE = ("web", "clinicaltrials.gov")
"""Identifier kinds (see :func:`refkeeper.identifiers.identifier_source`) no source looks
up: such a reference is kept as written at once, without a request."""

_SOFTWARE = re.compile(
    r"\b(?:R package|python package|software|package version|computer program|"
    r"github\.com|gitlab\.com|bitbucket\.org|cran\.r-project\.org|pypi\.org|"
    r"bioconductor\.org|source code)\b",
    re.IGNORECASE,
)
_DATASET = re.compile(r"\b(?:data ?set|database|figshare|dryad|data repository)\b", re.I)
_REPORT = re.compile(
    r"\b(?:guidelines?|report|technical note|white paper|working paper|position statement|"
    r"consensus statement|recommendations|fact ?sheet)\b",
    re.IGNORECASE,
)
_TRIAL = re.compile(r"\bNCT\d{8}\b|clinicaltrials\.gov|\bISRCTN\d+|\btrial regist", re.I)
_URL = re.compile(r"https?://[^\s<>\"]+[^\s<>\".,;:)\]]")
_ACCESSED = re.compile(
    r"\b(?:accessed|cited|retrieved|viewed|last visited)(?:\s+on)?\s*:?\s*"
    r"(?P<date>[^.;)\]]{4,40}?\d{4}(?:[-/]\d{1,2}(?:[-/]\d{1,2})?)?|\d{4}[^.;)\]]{0,20}?\d{1,2})"
    r"\s*(?=[.;)\]]|$)",
    re.IGNORECASE,
)
_MONTHS = {
    m: i
    for i, names in enumerate(
        (
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for m in names
}  # fmt: skip


def parse_accessed(raw: str) -> dict[str, Any] | None:
    """The accessed date written in a reference (``accessed 12 March 2024``, ``[cited 2024
    Jan 5]``, ``accessed 2024-01-05``) as a CSL date, or None."""
    m = _ACCESSED.search(raw)
    if not m:
        return None
    text = m.group("date").strip()
    iso = re.search(r"\b(\d{4})-(\d{1,2})(?:-(\d{1,2}))?\b", text)
    if iso:
        parts = [int(g) for g in iso.groups() if g]
        return {"date-parts": [parts]}
    year_m = re.search(r"\b(1[89]\d\d|2\d\d\d)\b", text)
    if not year_m:
        return None
    parts = [int(year_m.group(1))]
    words = re.findall(r"[A-Za-z]+|\d+", text)
    month = next((_MONTHS[w.lower()] for w in words if w.lower() in _MONTHS), None)
    if month is not None:
        parts.append(month)
        days = [int(w) for w in words if w.isdigit() and len(w) <= 2 and 1 <= int(w) <= 31]
        if days:
            parts.append(days[0])
    return {"date-parts": [parts]}


def written_type(fields: Mapping[str, Any], raw: str) -> str:
    """The CSL type of a reference as written: the parser's when it is one no database
    holds, else what the text says it is (software, dataset, report or guideline, a trial
    registration or web page), else the parser's type (``document`` when none)."""
    given = str(fields.get("type") or "")
    if fields.get("arXiv"):
        return "article"  # CSL's type of a preprint
    text = f"{raw} {fields.get('title') or ''} {fields.get('URL') or ''}"
    journal = bool(fields.get("container-title"))
    generic = given in ("", "document", "webpage", "book")
    if generic and not journal and _SOFTWARE.search(text):
        return "software"
    if generic and not journal and _DATASET.search(text):
        return "dataset"
    if given in KEPT_TYPES:
        return given
    if _TRIAL.search(text) or fields.get("NCT"):
        return "webpage"
    if generic and not journal and _REPORT.search(text):
        return "report"
    if not journal and (fields.get("URL") or _URL.search(raw)) and not given:
        return "webpage"
    return given or "document"


def keeps_as_written(fields: Mapping[str, Any], raw: str) -> bool:
    """Whether a reference no source found is a work no source holds (kept as written)
    rather than a journal article or book to look at (left "not found")."""
    if without_source(fields) or fields.get("arXiv"):
        return True
    if fields.get("container-title") and not fields.get("NCT"):
        return False  # a journal article not found: a person should look
    if any(fields.get(k) for k in ("PMID", "PMCID")):
        return False
    return written_type(fields, raw) in KEPT_TYPES


def without_source(fields: Mapping[str, Any]) -> bool:
    """A reference whose only identifier is one no source looks up (``@url:``, a
    ClinicalTrials.gov number) and that has nothing else to search with (no title): kept as
    written at once, without a request."""
    if fields.get("title") or fields.get("container-title"):
        return False
    return identifier_source(dict(fields)) in _WITHOUT_SOURCE


def written_work(fields: Mapping[str, Any], raw: str) -> Work:
    """The work as the reference writes it: its fields (type, authors, title, publisher,
    URL, accessed date read from the text), identified by its URL, trial number, or a digest
    of the text."""
    csl: CSLItem = {k: v for k, v in fields.items() if k != "id"}
    csl["type"] = written_type(fields, raw)
    if not csl.get("URL"):
        url = _URL.search(raw)
        if url:
            csl["URL"] = url.group(0)
    if "accessed" not in csl and (accessed := parse_accessed(raw)) is not None:
        csl["accessed"] = accessed
    nct, arxiv = csl.get("NCT"), csl.get("arXiv")
    if (nct or arxiv) and not csl.get("number"):
        csl["number"] = f"arXiv:{arxiv}" if arxiv else nct
    if arxiv and not csl.get("publisher"):
        csl["publisher"] = "arXiv"
    if not csl.get("title"):  # an identifier alone: the title a reader can look up
        csl["title"] = csl["number"] if (nct or arxiv) else csl.get("URL") or ""
        if not csl["title"]:
            del csl["title"]
    if nct:
        ident = f"nct:{nct}"
    elif arxiv:
        ident = f"arxiv:{arxiv}"
    elif csl.get("URL"):
        ident = f"url:{csl['URL']}"
    else:
        digest = hashlib.sha256(" ".join(raw.split()).encode("utf-8")).hexdigest()[:16]
        ident = f"written:{digest}"
    csl["id"] = ident
    return Work(id=ident, source=SOURCE, csl=csl)


def kept_resolution(
    fields: Mapping[str, Any],
    raw: str,
    *,
    reason: str,
    by_hand: bool = False,
    previous: Resolution | None = None,
) -> Resolution:
    """A resolution keeping the reference as written (``previous``: what was tried)."""
    return Resolution(
        status=Status.AS_WRITTEN,
        work=written_work(fields, raw),
        strategy="kept-by-hand" if by_hand else "as-written",
        tried=previous.tried if previous is not None else (),
        reason=reason,
    )


def settle_as_written(
    fields: Mapping[str, Any], raw: str, resolution: Resolution
) -> Resolution:
    """``resolution``, or the reference kept as written when no source found it and it is
    a work no source holds (see :func:`keeps_as_written`)."""
    if resolution.status is not Status.NOT_FOUND or not keeps_as_written(fields, raw):
        return resolution
    return kept_resolution(
        fields,
        raw,
        reason="no source holds this work: kept as written",
        previous=resolution,
    )
