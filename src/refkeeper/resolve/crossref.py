"""Free-text references PubMed does not hold, searched in Crossref's REST API.

:class:`CrossrefSource` asks ``/works?query.bibliographic=<the reference as written>&rows=5``
for each reference the sources before it left open (one with a title to search by), and
adds every item as a candidate: Crossref's relevance score is never trusted, each candidate
is verified against the reference text by the same function as any other. Polite use: the
configured email as ``mailto`` (an ignored parameter: it never enters the cache), a
``User-Agent`` naming refkeeper, the spacing Crossref's ``x-rate-limit-limit`` /
``x-rate-limit-interval`` headers ask for, and a 429's ``Retry-After``. Answers go through
the same cached session (only a complete JSON answer is stored).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import requests

from refkeeper.errors import ResponseError
from refkeeper.identifiers import normalize_doi
from refkeeper.models import Work
from refkeeper.resolve.doi import work_from_csl
from refkeeper.resolve.session import (
    SEARCH_EXPIRY,
    backoff_delay,
    failed_request_error,
    response_problem,
)
from refkeeper.resolve.source import Probe, open_probes

DEFAULT_CROSSREF_URL = "https://api.crossref.org/"
ROWS = 5
USER_AGENT = "refkeeper (+https://github.com/refkeeper)"


def works_from_answer(data: Any) -> list[Work]:
    """The works of a Crossref ``work-list`` (or ``work``) answer (pure)."""
    if not isinstance(data, dict) or data.get("status") != "ok":
        raise ResponseError("Crossref answer without status ok")
    message = data.get("message")
    items = message.get("items") if isinstance(message, dict) else None
    if items is None and isinstance(message, dict) and "DOI" in message:
        items = [message]
    if not isinstance(items, list):
        raise ResponseError("Crossref answer without items")
    works = []
    for item in items:
        doi = normalize_doi(str(item.get("DOI") or "")) if isinstance(item, dict) else None
        work = work_from_csl(item, doi, source="crossref") if doi else None
        if work is not None:
            works.append(work)
    return works


def _interval(headers: Any) -> float | None:
    """Seconds between requests that Crossref's rate-limit headers ask for (10 per 1s: 0.1)."""
    limit = str(headers.get("x-rate-limit-limit", "")).strip()
    interval = re.fullmatch(r"(\d+(?:\.\d+)?)s", str(headers.get("x-rate-limit-interval", "")))
    if not limit.isdigit() or not interval or int(limit) == 0:
        return None
    return float(interval.group(1)) / int(limit)


class CrossrefSource:
    """Candidates for free-text references from Crossref's bibliographic search."""

    name = "crossref"

    def __init__(
        self,
        session: requests.Session,
        *,
        base_url: str = DEFAULT_CROSSREF_URL,
        email: str | None = None,
        offline: bool = False,
        rows: int = ROWS,
        retries: int = 3,
        max_wait: float = 30.0,
        timeout: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.session = session
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.email = email
        self.offline = offline
        self.rows = rows
        self.retries = retries
        self.max_wait = max_wait
        self.timeout = timeout
        self.sleep = sleep
        self.clock = clock
        self.requests_sent = 0
        self.spacing = 0.0
        self._last: float | None = None

    def find(self, probes: Sequence[Probe]) -> Iterator[str]:
        asking = [
            p
            for p in open_probes(probes, books=False)
            if p.fields.get("title") and (p.ref.raw or "").strip()
        ]
        for p in asking:
            text = " ".join(p.ref.raw.split())
            works, cached = self._search(text)
            p.tried.append("crossref:query.bibliographic")
            for work in works:
                p.add(work, "crossref")
            if self.offline and not cached:
                p.offline_misses.append("crossref:query.bibliographic")
            yield "crossref"

    def lookup(
        self, kind: str, values: Sequence[str], *, refresh: bool = False
    ) -> dict[str, list[Work]]:
        """Crossref records by DOI (``/works/<DOI>``)."""
        if kind != "doi":
            return {}
        out: dict[str, list[Work]] = {}
        for value in values:
            doi = normalize_doi(value)
            if doi:
                data = self._get(f"works/{doi}", {}, refresh=refresh)
                works = works_from_answer(data) if data is not None else []
                if works:
                    out[value] = works
        return out

    def by_dois(self, dois: Sequence[str], *, refresh: bool = False) -> dict[str, Work]:
        """Crossref's records of many DOIs in one request (``filter=doi:A,doi:B``), by
        lower-case DOI; DOIs Crossref does not hold are absent."""
        wanted = sorted({d.lower() for d in dois})
        if not wanted:
            return {}
        params = {"filter": ",".join(f"doi:{d}" for d in wanted), "rows": str(len(wanted))}
        data = self._get("works", params, refresh=refresh)
        works = works_from_answer(data) if data is not None else []
        return {w.doi: w for w in works if w.doi in wanted}

    def fetch(self, ids: Sequence[str], *, refresh: bool = False) -> list[Work]:
        values = [i.removeprefix("doi:") for i in ids]
        found = self.lookup("doi", values, refresh=refresh)
        return [found[v][0] for v in values if v in found]

    def close(self) -> None:
        """The session belongs to the caller."""

    # ------------------------------------------------------------------ HTTP

    def _search(self, text: str) -> tuple[list[Work], bool]:
        params = {"query.bibliographic": text[:1000], "rows": str(self.rows)}
        data = self._get("works", params)
        if data is None:
            return [], False
        return works_from_answer(data), True

    def _params(self, params: dict[str, str]) -> dict[str, str]:
        return {**params, "mailto": self.email} if self.email else params

    def _get(self, path: str, params: dict[str, str], *, refresh: bool = False) -> Any:
        """The JSON answer, or None (offline and not cached; a 404)."""
        url = self.base_url + path
        headers = {"User-Agent": USER_AGENT + (f" (mailto:{self.email})" if self.email else "")}
        cacheable = hasattr(self.session, "cache")
        if cacheable and not refresh:
            cached: Any = self.session.get(
                url, params=self._params(params), only_if_cached=True  # type: ignore[call-arg]
            )
            if cached.status_code == 200:
                return cached.json()
        if self.offline:
            return None
        last = ""
        for attempt in range(self.retries + 1):
            self._space()
            try:
                kwargs: dict[str, Any] = {"params": self._params(params), "headers": headers,
                                          "timeout": self.timeout}  # fmt: skip
                if cacheable:
                    kwargs["expire_after"] = SEARCH_EXPIRY
                    kwargs["force_refresh"] = True
                response = self.session.get(url, **kwargs)
            except requests.RequestException as exc:
                last = exc.__class__.__name__
                continue
            self.requests_sent += 1
            self._last = self.clock()
            self.spacing = _interval(response.headers) or self.spacing
            if response.status_code == 404:
                return None
            problem = response_problem(
                url, response.status_code, response.headers.get("Content-Type", ""),
                response.content or b"",
            )  # fmt: skip
            if problem is None:
                try:
                    return response.json()
                except ValueError:
                    problem = "malformed JSON"
            last = problem
            if attempt < self.retries:
                retry_after = response.headers.get("Retry-After")
                self.sleep(backoff_delay(attempt, retry_after, self.max_wait))
        raise failed_request_error("Crossref", last)

    def _space(self) -> None:
        if self._last is not None and self.spacing > 0:
            wait = self.spacing - (self.clock() - self._last)
            if wait > 0:
                self.sleep(wait)
