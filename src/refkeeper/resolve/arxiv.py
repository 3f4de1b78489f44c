"""arXiv preprints through the arXiv API (``/api/query?id_list=...``, Atom XML).

:class:`ArxivSource` finds candidates for references carrying an arXiv id (``@arxiv:`` keys,
``arXiv:2101.00001v2``, old-style ``hep-th/9901001``), many ids a request, with the API's
3-second spacing between requests; the Atom answer is parsed with the safe parser of
:mod:`refkeeper.resolve.xmlsafe`. A preprint's record names its published version when arXiv
has it (``arxiv:doi``, ``arxiv:journal_ref``): kept in the work's ``note``. Answers go through
the same cached session as the other sources (an error feed, an HTML page or a truncated
answer is never stored).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import requests

from refkeeper.errors import ResponseError
from refkeeper.identifiers import normalize_arxiv, normalize_doi
from refkeeper.models import CSLItem, Work
from refkeeper.resolve.session import RECORD_EXPIRY, failed_request_error, retry_after_seconds
from refkeeper.resolve.source import Probe, open_probes
from refkeeper.resolve.xmlsafe import flat_text, parse_xml

DEFAULT_ARXIV_URL = "https://export.arxiv.org/api/query"
ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
SPACING = 3.0
"""Seconds between two requests to the arXiv API (its terms of use)."""
BATCH = 50


def base_id(arxiv_id: str) -> str:
    """``2101.00001v2`` -> ``2101.00001``."""
    return re.sub(r"v\d+$", "", arxiv_id.strip())


def _name(text: str) -> dict[str, str]:
    parts = text.split()
    if len(parts) < 2:
        return {"literal": text}
    return {"family": parts[-1], "given": " ".join(parts[:-1])}


def works_from_atom(data: bytes) -> list[Work]:
    """The works of an arXiv API Atom answer (pure); ResponseError for an error feed, an
    HTML page, or malformed or truncated XML."""
    feed = parse_xml(data, what="arXiv API answer", root=f"{ATOM}feed")
    works: list[Work] = []
    for entry in feed.findall(f"{ATOM}entry"):
        ident = flat_text(entry.find(f"{ATOM}id")) if entry.find(f"{ATOM}id") is not None else ""
        if "/api/errors" in ident:
            summary = entry.find(f"{ATOM}summary")
            raise ResponseError(
                f"arXiv API error: {flat_text(summary) if summary is not None else ident}"
            )
        m = re.search(r"/abs/(.+)$", ident)
        arxiv_id = normalize_arxiv(m.group(1)) if m else None
        title = entry.find(f"{ATOM}title")
        if arxiv_id is None or title is None or not flat_text(title):
            continue
        base = base_id(arxiv_id)
        csl: CSLItem = {
            "id": f"arxiv:{base}",
            "type": "article",
            "title": flat_text(title),
            "publisher": "arXiv",
            "number": f"arXiv:{arxiv_id}",
            "arXiv": arxiv_id,
            "URL": f"https://arxiv.org/abs/{arxiv_id}",
        }
        authors = [
            _name(flat_text(n))
            for a in entry.findall(f"{ATOM}author")
            if (n := a.find(f"{ATOM}name")) is not None and flat_text(n)
        ]
        if authors:
            csl["author"] = authors
        published = entry.find(f"{ATOM}published")
        stamp = flat_text(published) if published is not None else ""
        date = re.match(r"(\d{4})-(\d{2})-(\d{2})", stamp)
        if date:
            csl["issued"] = {"date-parts": [[int(g) for g in date.groups()]]}
        summary = entry.find(f"{ATOM}summary")
        if summary is not None and flat_text(summary):
            csl["abstract"] = flat_text(summary)
        doi_el, ref_el = entry.find(f"{ARXIV}doi"), entry.find(f"{ARXIV}journal_ref")
        doi = normalize_doi(flat_text(doi_el)) if doi_el is not None else None
        journal_ref = flat_text(ref_el) if ref_el is not None else ""
        if doi or journal_ref:
            published_as = "; ".join(p for p in (journal_ref, f"doi:{doi}" if doi else "") if p)
            csl["note"] = f"Published version: {published_as}"
        works.append(Work(id=f"arxiv:{base}", source="arxiv", csl=csl))
    return works


class ArxivSource:
    """Candidates for references carrying an arXiv id, from the arXiv API."""

    name = "arxiv"

    def __init__(
        self,
        session: requests.Session,
        *,
        base_url: str = DEFAULT_ARXIV_URL,
        offline: bool = False,
        spacing: float = SPACING,
        retries: int = 3,
        timeout: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.session = session
        self.base_url = base_url
        self.offline = offline
        self.spacing = spacing
        self.retries = retries
        self.timeout = timeout
        self.sleep = sleep
        self.clock = clock
        self.requests_sent = 0
        self._last: float | None = None
        self._not_cached: set[str] = set()

    def find(self, probes: Sequence[Probe]) -> Iterator[str]:
        asking = [
            p for p in open_probes(probes) if normalize_arxiv(str(p.fields.get("arXiv") or ""))
        ]
        if not asking:
            return
        ids = list(dict.fromkeys(str(normalize_arxiv(str(p.fields["arXiv"]))) for p in asking))
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            found = self._query(chunk)
            for p in asking:
                wanted = str(normalize_arxiv(str(p.fields["arXiv"])))
                if wanted not in chunk:
                    continue
                p.tried.append(f"arxiv:{wanted}")
                for work in found.get(base_id(wanted), ()):
                    p.add(work, "arxiv")
                if tuple(chunk) in self._not_cached_batches():
                    p.offline_misses.append(f"arxiv:{wanted}")
            yield "arxiv"

    def lookup(
        self, kind: str, values: Sequence[str], *, refresh: bool = False
    ) -> dict[str, list[Work]]:
        if kind != "arxiv":
            return {}
        ids = [i for v in values if (i := normalize_arxiv(v))]
        out: dict[str, list[Work]] = {}
        for start in range(0, len(ids), BATCH):
            found = self._query(ids[start : start + BATCH], refresh=refresh)
            for value in values:
                ident = normalize_arxiv(value)
                if ident and found.get(base_id(ident)):
                    out[value] = found[base_id(ident)]
        return out

    def fetch(self, ids: Sequence[str], *, refresh: bool = False) -> list[Work]:
        """Records by arXiv id (``2101.00001``, ``arxiv:2101.00001v2``), in the order asked."""
        found = self.lookup("arxiv", list(ids), refresh=refresh)
        return [found[i][0] for i in ids if i in found]

    def close(self) -> None:
        """The session belongs to the caller (shared with the other sources)."""

    # ------------------------------------------------------------------ HTTP

    def _not_cached_batches(self) -> set[tuple[str, ...]]:
        return {tuple(k.split(",")) for k in self._not_cached}

    def _query(self, ids: Sequence[str], *, refresh: bool = False) -> dict[str, list[Work]]:
        """Works by version-less id for one id_list request."""
        params = {"id_list": ",".join(ids), "max_results": str(len(ids))}
        if self.offline:
            try:
                response: Any = self.session.get(
                    self.base_url, params=params, only_if_cached=True  # type: ignore[call-arg]
                )
            except TypeError:
                response = None
            if response is None or response.status_code != 200:
                self._not_cached.add(",".join(ids))
                return {}
            return self._group(works_from_atom(response.content))
        if hasattr(self.session, "cache") and not refresh:  # a cached answer waits for nothing
            cached: Any = self.session.get(
                self.base_url, params=params, only_if_cached=True  # type: ignore[call-arg]
            )
            if cached.status_code == 200:
                return self._group(works_from_atom(cached.content))
        last = ""
        for _attempt in range(self.retries + 1):
            self._space()
            try:
                kwargs: dict[str, Any] = {"params": params, "timeout": self.timeout}
                if hasattr(self.session, "cache"):
                    kwargs["expire_after"] = RECORD_EXPIRY
                    kwargs["force_refresh"] = refresh
                response = self.session.get(self.base_url, **kwargs)
            except requests.RequestException as exc:
                last = exc.__class__.__name__
                continue
            if not getattr(response, "from_cache", False):
                self.requests_sent += 1
                self._last = self.clock()
            if response.status_code == 200:
                try:
                    works = works_from_atom(response.content)
                except ResponseError as exc:
                    last = str(exc)
                    self._forget(response)
                    continue
                return self._group(works)
            last = f"HTTP {response.status_code}"
            if 400 <= response.status_code < 500 and response.status_code != 429:
                return {}  # ids the API refuses: no record (never retried, never cached)
            asked = retry_after_seconds(response.headers.get("Retry-After"))
            if asked is not None:  # else the 3-second spacing is the wait
                self.sleep(min(60.0, asked))
        raise failed_request_error("the arXiv API", last)

    def _space(self) -> None:
        if self._last is not None:
            wait = self.spacing - (self.clock() - self._last)
            if wait > 0:
                self.sleep(wait)

    def _forget(self, response: Any) -> None:
        """An answer that is not a valid feed (an error entry): out of the cache."""
        cache = getattr(self.session, "cache", None)
        key = getattr(response, "cache_key", None)
        if cache is not None and key:
            cache.delete(key)

    @staticmethod
    def _group(works: Sequence[Work]) -> dict[str, list[Work]]:
        out: dict[str, list[Work]] = {}
        for work in works:
            out.setdefault(base_id(str(work.csl["arXiv"])), []).append(work)
        return out
