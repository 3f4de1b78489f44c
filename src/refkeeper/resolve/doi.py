"""DOIs through doi.org content negotiation: Crossref, DataCite and mEDRA DOIs alike.

``GET https://doi.org/<DOI>`` with ``Accept: application/vnd.citationstyles.csl+json`` is
redirected by doi.org to the DOI's registry, which answers with the work's CSL-JSON (as
manubot resolves DOIs). :class:`DoiSource` is a :class:`~refkeeper.resolve.source.Source`:
it finds candidates only for references that carry a DOI and that the sources before it (PubMed
first: a PubMed record is preferred for any work PubMed holds) left open (with Crossref
turned on, Crossref's DOIs first in one ``filter=doi:A,doi:B`` request a round); every candidate is
verified by the same function as any other. Answers go through the same cached session as the
E-utilities: only a complete CSL-JSON answer is stored (never a 404, an HTML page, a 429 or a
truncated answer), a record is kept for weeks, and offline the cache alone answers.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, Protocol
from urllib.parse import quote

import requests

from refkeeper.identifiers import normalize_doi
from refkeeper.models import CSLItem, Work
from refkeeper.resolve.session import (
    RECORD_EXPIRY,
    backoff_delay,
    failed_request_error,
    response_problem,
)
from refkeeper.resolve.source import Probe, open_probes

DEFAULT_DOI_URL = "https://doi.org/"
CSL_JSON = "application/vnd.citationstyles.csl+json"

REGISTRY_TYPES = {
    "journal-article": "article-journal",
    "posted-content": "article",
    "proceedings-article": "paper-conference",
    "book-chapter": "chapter",
    "book-section": "chapter",
    "book-part": "chapter",
    "monograph": "book",
    "edited-book": "book",
    "reference-book": "book",
    "book-set": "book",
    "book-series": "book",
    "dissertation": "thesis",
    "report-component": "report",
    "peer-review": "review",
    "component": "document",
    "other": "document",
}
"""Crossref's type names (which its CSL-JSON carries) to CSL types; CSL names pass as they are."""

_CSL_VARIABLES = frozenset(
    {"type", "title", "container-title", "container-title-short", "collection-title",
     "volume", "issue", "page", "number", "edition", "version", "publisher",
     "publisher-place", "DOI", "ISBN", "ISSN", "URL", "language", "abstract", "genre",
     "author", "editor", "issued", "accessed", "event-title"}
)  # fmt: skip
_NAME_KEYS = ("family", "given", "literal", "suffix", "non-dropping-particle",
              "dropping-particle")  # fmt: skip


def _text(value: Any) -> str | None:
    """A CSL text value: Crossref sometimes gives a list of strings (the first counts)."""
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str | int | float)), None)
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    text = " ".join(str(value).split())
    return text or None


def _names(value: Any) -> list[dict[str, str]]:
    out = []
    for name in value if isinstance(value, list) else ():
        if isinstance(name, Mapping):
            kept = {k: str(name[k]) for k in _NAME_KEYS if isinstance(name.get(k), str)}
            if not kept and isinstance(name.get("name"), str):  # a DataCite organisation
                kept = {"literal": str(name["name"])}
            if kept:
                out.append(kept)
    return out


def _date(value: Any) -> dict[str, Any] | None:
    if not isinstance(value, Mapping):
        return None
    parts = value.get("date-parts")
    if (
        isinstance(parts, list)
        and parts
        and isinstance(parts[0], list)
        and parts[0]
        and all(isinstance(p, int) and not isinstance(p, bool) for p in parts[0])
    ):
        return {"date-parts": [list(parts[0][:3])]}
    return None


def _published_version(data: Mapping[str, Any]) -> str | None:
    """The DOI of the published version a preprint's record names (Crossref's
    ``relation.is-preprint-of``), or None."""
    relation = data.get("relation")
    links = relation.get("is-preprint-of") if isinstance(relation, Mapping) else None
    for link in links if isinstance(links, list) else ():
        if isinstance(link, Mapping) and str(link.get("id-type", "")).lower() == "doi":
            doi = normalize_doi(str(link.get("id") or ""))
            if doi:
                return doi
    return None


def work_from_csl(data: Any, doi: str, source: str = "doi") -> Work | None:
    """The Work of a doi.org CSL-JSON answer for ``doi`` (pure): CSL variables only, the
    registry's type names mapped to CSL's, names and dates checked; None when the answer is
    not a record of that DOI. Crossref's REST records (titles as lists) read the same way."""
    if not isinstance(data, Mapping):
        return None
    answered = normalize_doi(str(data.get("DOI") or ""))
    if answered is not None and answered != doi:
        return None
    csl: CSLItem = {}
    for key in _CSL_VARIABLES:
        if key in ("author", "editor"):
            names = _names(data.get(key))
            if names:
                csl[key] = names
        elif key in ("issued", "accessed"):
            date = _date(data.get(key)) or (
                _date(data.get("published-print") or data.get("published-online"))
                if key == "issued"
                else None
            )
            if date:
                csl[key] = date
        elif (text := _text(data.get(key))) is not None:
            csl[key] = text
    kind = str(csl.get("type") or "document")
    csl["type"] = REGISTRY_TYPES.get(kind, kind)
    if csl["type"] == "article" and not csl.get("container-title"):
        institution = data.get("institution")
        if isinstance(institution, list) and institution and isinstance(institution[0], Mapping):
            name = _text(institution[0].get("name"))
            if name:
                csl["container-title"] = name  # bioRxiv, medRxiv
    published = _published_version(data)
    if published and "note" not in csl:
        csl["note"] = f"Published version: doi:{published}"
    csl["DOI"] = doi
    csl["id"] = f"doi:{doi}"
    if "title" not in csl:
        return None
    return Work(id=f"doi:{doi}", source=source, csl=csl, doi=doi)


class CrossrefBatch(Protocol):
    """What DoiSource needs of a Crossref client: records of many DOIs in one request."""

    def by_dois(self, dois: Sequence[str], *, refresh: bool = False) -> dict[str, Work]: ...


class DoiSource:
    """Candidates for references carrying a DOI, from doi.org content negotiation."""

    name = "doi"
    ROUND = 10
    """DOIs asked per round (the loop verifies between rounds)."""

    def __init__(
        self,
        session: requests.Session,
        *,
        base_url: str = DEFAULT_DOI_URL,
        offline: bool = False,
        retries: int = 3,
        max_wait: float = 30.0,
        timeout: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
        crossref: CrossrefBatch | None = None,
    ) -> None:
        self.session = session
        self.crossref = crossref
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.offline = offline
        self.retries = retries
        self.max_wait = max_wait
        self.timeout = timeout
        self.sleep = sleep
        self.requests_sent = 0
        self._not_cached: set[str] = set()

    # ------------------------------------------------------------------ Source protocol

    def find(self, probes: Sequence[Probe]) -> Iterator[str]:
        asking = [p for p in open_probes(probes) if p.fields.get("DOI")]
        if not asking:
            return
        dois = list(dict.fromkeys(str(p.fields["DOI"]) for p in asking))
        # Rounds of a few DOIs (one request each): what is verified stays settled when a
        # later request keeps failing.
        for start in range(0, len(dois), self.ROUND):
            chunk = set(dois[start : start + self.ROUND])
            found = self.lookup("doi", sorted(chunk))
            for p in asking:
                doi = str(p.fields["DOI"])
                if doi not in chunk:
                    continue
                p.tried.append(f"doi.org:{doi}")
                for work in found.get(doi, ()):
                    p.add(work, "doi")
                if doi in self._not_cached:
                    p.offline_misses.append(f"doi.org:{doi}")
            yield "doi"

    def lookup(
        self, kind: str, values: Sequence[str], *, refresh: bool = False
    ) -> dict[str, list[Work]]:
        if kind != "doi":
            return {}
        out: dict[str, list[Work]] = {}
        batch: dict[str, Work] = {}
        if self.crossref is not None:  # Crossref's DOIs in one request (filter=doi:A,doi:B)
            wanted = [d for v in values if (d := normalize_doi(v))]
            batch = self.crossref.by_dois(wanted, refresh=refresh) if wanted else {}
        for value in values:
            doi = normalize_doi(value)
            work = batch.get(doi) if doi else None
            if work is None and doi:  # DataCite, mEDRA, ...: content negotiation
                work = self._get(doi, refresh)
            if work is not None:
                out[value] = [work]
        return out

    def fetch(self, ids: Sequence[str], *, refresh: bool = False) -> list[Work]:
        """Records by DOI (``10.x/y`` or ``doi:10.x/y``), in the order asked."""
        values = [i.removeprefix("doi:") for i in ids]
        found = self.lookup("doi", values, refresh=refresh)
        return [found[v][0] for v in values if v in found]

    def close(self) -> None:
        """The session belongs to the caller (it is shared with the other sources)."""

    # ------------------------------------------------------------------ HTTP

    def _get(self, doi: str, refresh: bool) -> Work | None:
        url = self.base_url + quote(doi, safe="/")
        headers = {"Accept": CSL_JSON}
        if self.offline:
            try:
                response = self.session.get(url, headers=headers, only_if_cached=True)  # type: ignore[call-arg]
            except TypeError:  # a plain session: no cache to read
                response = None
            if response is None or response.status_code != 200:
                self._not_cached.add(doi)
                return None
            return self._parse(response, doi)
        last = ""
        for attempt in range(self.retries + 1):
            try:
                kwargs: dict[str, Any] = {"headers": headers, "timeout": self.timeout}
                if hasattr(self.session, "cache"):
                    kwargs["expire_after"] = RECORD_EXPIRY
                    kwargs["force_refresh"] = refresh
                response = self.session.get(url, **kwargs)
            except requests.RequestException as exc:
                last = f"{exc.__class__.__name__}"
                self._wait(attempt, None)
                continue
            if not getattr(response, "from_cache", False):
                self.requests_sent += 1
            if response.status_code == 404:
                return None  # doi.org does not know the DOI: not found (never cached)
            problem = response_problem(
                url,
                response.status_code,
                response.headers.get("Content-Type", ""),
                response.content or b"",
            )
            if problem is None:
                return self._parse(response, doi)
            last = problem
            if attempt < self.retries:
                self._wait(attempt, response.headers.get("Retry-After"))
        raise failed_request_error("doi.org", last, doi)

    def _wait(self, attempt: int, retry_after: str | None) -> None:
        self.sleep(backoff_delay(attempt, retry_after, self.max_wait))

    @staticmethod
    def _parse(response: requests.Response, doi: str) -> Work | None:
        try:
            data = response.json()
        except ValueError:
            return None
        return work_from_csl(data, doi)
