"""The Entrez client: every request refkeeper sends to the E-utilities goes through here.

- One rate limiter shared by every client of the process (3 requests/s, 10 with an API key);
  answers served from the cache take no slot.
- Retries with exponential backoff and jitter on 429, 5xx, timeouts and dropped connections,
  and on answers that are not valid (an HTML page, ``<ERROR>``, truncated XML), honouring
  ``Retry-After``; :class:`~refkeeper.errors.RetriesExhausted` when they run out.
- ``tool``, ``email`` and ``api_key`` go with every request; the cache ignores them.
- Offline mode answers from the cache only and raises :class:`NotCached` for anything else.

Fetching returns raw bytes; parsing is done by the pure functions of
:mod:`refkeeper.resolve.pubmed` and :mod:`refkeeper.resolve.nlmcatalog`.
"""

from __future__ import annotations

import functools
import logging
import os
import random
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode, urlsplit

import requests
import requests_cache

from refkeeper.errors import AnswerOverCap, NetworkError, ResponseError, RetriesExhausted
from refkeeper.models import Work
from refkeeper.resolve.nlmcatalog import parse_nlmcatalog_xml
from refkeeper.resolve.pubmed import (
    CitMatch,
    ESearchResult,
    parse_ecitmatch,
    parse_esearch_xml,
    parse_pubmed_xml,
)
from refkeeper.resolve.ratelimit import Limiter
from refkeeper.resolve.session import (
    MAX_ANSWER_MB,
    OVER_LIMIT,
    response_problem,
    retry_after_seconds,
)

logger = logging.getLogger("refkeeper.resolve")

DEFAULT_BASE_URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"
EFETCH_BATCH = 200
ECITMATCH_BATCH = 200
POST_ABOVE_IDS = 50
MAX_GET_QUERY = 2000
"""A request whose query string would be longer goes by POST (URL limits of servers/proxies)."""
INTERVAL_NO_KEY = 0.36  # 3 requests/s with a small margin (Biopython found 1/3 s too tight)
INTERVAL_WITH_KEY = 0.11  # 10 requests/s
GIVE_UP_AFTER = 60.0
"""Default total seconds a run spends on one failing request, retries included
(``[ncbi] give-up-after``)."""
_CHUNK = 64 * 1024


def default_base_url() -> str:
    """``REFKEEPER_EUTILS_URL`` or NCBI's own base URL, always ending in ``/``."""
    url = os.environ.get("REFKEEPER_EUTILS_URL") or DEFAULT_BASE_URL
    return url if url.endswith("/") else url + "/"


class NotCached(NetworkError):
    """Offline mode: the answer to this request is not in the cache."""


class RateLimiter:
    """Thread-safe request spacing: each caller takes the next free slot ``interval`` after the
    previous one. One instance (:data:`SHARED_LIMITER`) is shared by the whole process."""

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next = 0.0

    def acquire(self, interval: float) -> float:
        """Wait for a slot; returns the seconds waited."""
        with self._lock:
            now = self._clock()
            start = max(now, self._next)
            self._next = start + interval
        wait = start - now
        if wait > 0:
            self._sleep(wait)
        return wait

    def hold(self, seconds: float) -> None:
        """Make every caller wait at least ``seconds`` from now (after a 429 or Retry-After)."""
        with self._lock:
            self._next = max(self._next, self._clock() + seconds)


SHARED_LIMITER = RateLimiter()

_warned_no_email = False
_warn_lock = threading.Lock()


_warned_key_held = False


def key_may_go_to(base_url: str, trusted_hosts: Iterable[str] = ()) -> bool:
    """Whether the API key may be sent to ``base_url``: over https, or to a host the
    configuration trusts explicitly (``[ncbi] trusted-hosts``). Pure."""
    parts = urlsplit(base_url)
    if parts.scheme == "https":
        return True
    host = (parts.hostname or "").lower()
    return bool(host) and host in {h.strip().lower() for h in trusted_hosts}


def _warn_key_held(base_url: str) -> None:
    global _warned_key_held
    with _warn_lock:
        if _warned_key_held:
            return
        _warned_key_held = True
    logger.warning(
        "warning: NCBI_API_KEY is not sent to %s (plain http to a host not in "
        "[ncbi] trusted-hosts); requests go without it, at 3 per second",
        base_url,
    )


def _warn_no_email() -> None:
    global _warned_no_email
    with _warn_lock:
        if _warned_no_email:
            return
        _warned_no_email = True
    logger.warning(
        "no contact email set for NCBI E-utilities: set NCBI_EMAIL so NCBI can reach you "
        "before blocking a misbehaving tool"
    )


@dataclass(frozen=True, slots=True)
class CitationQuery:
    """One ECitMatch line: ``journal|year|volume|first_page|author|key|``."""

    key: str
    journal: str
    year: str
    volume: str
    first_page: str
    author: str

    def line(self) -> str:
        parts = (self.journal, self.year, self.volume, self.first_page, self.author, self.key)
        return "|".join(_clean_field(p) for p in parts) + "|"


def _clean_field(value: str) -> str:
    return " ".join(value.replace("|", " ").split())


@dataclass
class ClientStats:
    network: int = 0  # requests that went over the wire (every attempt counts)
    cache_hits: int = 0
    retries: int = 0
    by_utility: dict[str, int] = field(default_factory=dict)


class EntrezClient:
    """Talks to the E-utilities through a (cached) session it is given."""

    def __init__(
        self,
        session: requests.Session,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        email: str | None = None,
        tool: str = "refkeeper",
        offline: bool = False,
        timeout: float = 30.0,
        max_attempts: int = 7,
        backoff: float = 0.5,
        max_backoff: float = 60.0,
        limiter: Limiter | None = None,
        sleep: Callable[[float], None] = time.sleep,
        trusted_hosts: Iterable[str] = (),
        give_up_after: float = GIVE_UP_AFTER,
        max_answer_mb: float = MAX_ANSWER_MB,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        base = base_url or default_base_url()
        self.base_url = base if base.endswith("/") else base + "/"
        self.session = session
        self.api_key = api_key or None
        self.email = email or None
        self.tool = tool
        self.offline = offline
        self.timeout = timeout
        self.max_attempts = max(1, max_attempts)
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.limiter = limiter or SHARED_LIMITER
        # The key goes only over https or to a trusted host, and then in a POST body.
        self.send_key = bool(self.api_key) and key_may_go_to(self.base_url, trusted_hosts)
        self.interval = INTERVAL_WITH_KEY if self.send_key else INTERVAL_NO_KEY
        self.stats = ClientStats()
        self._sleep = sleep
        self._clock = clock
        self.give_up_after = give_up_after
        self.max_answer_bytes = int(max_answer_mb * 2**20)
        self._stats_lock = threading.Lock()

    def __repr__(self) -> str:  # never show the key or the email
        return f"EntrezClient(base_url={self.base_url!r}, offline={self.offline})"

    # ------------------------------------------------------------------ raw requests

    def request(
        self,
        utility: str,
        params: Mapping[str, str],
        *,
        post: bool = False,
        partial_ok: bool = False,
        refresh: bool = False,
    ) -> bytes:
        """Send one E-utilities request (cache first, unless ``refresh``: then to NCBI, and
        the answer re-cached) and return the raw, validated body."""
        return self.request_dated(
            utility, params, post=post, partial_ok=partial_ok, refresh=refresh
        )[0]

    def _prepare(
        self, utility: str, params: Mapping[str, str], post: bool
    ) -> tuple[str, str, dict[str, Any]]:
        url = self.base_url + utility
        query = dict(params)
        query["tool"] = self.tool
        if self.email:
            query["email"] = self.email
        if self.send_key and self.api_key:
            query["api_key"] = self.api_key
            post = True  # in the body, never in a URL (logs, proxies)
        if not post and len(urlencode(query)) > MAX_GET_QUERY:
            post = True
        method = "POST" if post else "GET"
        kwargs: dict[str, Any] = {"data": query} if post else {"params": query}
        return method, url, kwargs

    def request_dated(
        self,
        utility: str,
        params: Mapping[str, str],
        *,
        post: bool = False,
        partial_ok: bool = False,
        refresh: bool = False,
    ) -> tuple[bytes, str]:
        """:meth:`request`, plus the ISO date the answer was obtained (from NCBI or cached)."""
        method, url, kwargs = self._prepare(utility, params, post)
        cached = None if refresh else self._from_cache(method, url, kwargs, partial_ok)
        if cached is not None:
            return cached
        if refresh and isinstance(self.session, requests_cache.CachedSession):
            kwargs = {**kwargs, "force_refresh": True}
        if self.offline:
            raise NotCached(f"offline: no cached answer for {utility} ({_describe(params)})")
        if not self.email:
            _warn_no_email()  # only when a request is really about to go to NCBI
        if self.api_key and not self.send_key:
            _warn_key_held(self.base_url)

        last = ""
        started = self._clock()
        deadline = started + self.give_up_after
        attempts = 0
        for attempt in range(self.max_attempts):
            remaining = deadline - self._clock()
            if remaining <= 0:
                break
            if attempt:
                with self._stats_lock:
                    self.stats.retries += 1
            self.limiter.acquire(self.interval)
            self._count(utility)
            attempts += 1
            retry_after: float | None = None
            hook = functools.partial(
                _read_capped, cap=self.max_answer_bytes, deadline=deadline, clock=self._clock
            )
            timeout = max(0.1, min(self.timeout, deadline - self._clock()))
            try:
                response = self.session.request(
                    method, url, timeout=timeout, hooks={"response": [hook]}, **kwargs
                )
            except AnswerOverCap as exc:
                raise self._over_cap(utility, params, str(exc)) from None
            except requests.Timeout:
                last = f"timed out after {timeout:.1f} s"
            except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
                last = f"connection failed ({type(exc).__name__})"
            else:
                status = response.status_code
                if status == 429 or status >= 500:
                    last = f"HTTP {status}"
                    retry_after = retry_after_seconds(response.headers.get("Retry-After"))
                    if status == 429:
                        self.limiter.hold(min(max(retry_after or 0.0, 1.0), self.max_backoff))
                elif status != 200:
                    raise ResponseError(
                        f"E-utilities {utility} answered HTTP {status} for {_describe(params)}"
                    )
                else:
                    body = response.content
                    problem = response_problem(
                        url,
                        status,
                        response.headers.get("Content-Type", ""),
                        body,
                        partial_ok=partial_ok,
                    )
                    if problem is None:
                        return body, _today()
                    if problem.startswith(OVER_LIMIT):
                        raise self._over_cap(utility, params, problem.removeprefix(OVER_LIMIT))
                    last = problem
            delay = min(self.max_backoff, self.backoff * (2**attempt)) * (0.5 + random.random())
            if retry_after is not None:
                delay = max(delay, min(retry_after, self.max_backoff))
            if attempt + 1 < self.max_attempts:
                if self._clock() + delay >= deadline:
                    break  # the next try would start after the time allowed for this request
                logger.info("E-utilities %s: %s; retrying in %.1f s", utility, last, delay)
                self._sleep(delay)
        elapsed = self._clock() - started
        raise RetriesExhausted(
            f"E-utilities {utility} failed {attempts} times in a row (last: {last}) at "
            f"{self.base_url}; giving up after {elapsed:.0f} s for {_describe(params)} "
            f"(limit {self.give_up_after:g} s per request: ncbi.give-up-after)"
        )

    def _over_cap(self, utility: str, params: Mapping[str, str], what: str) -> AnswerOverCap:
        return AnswerOverCap(
            f"E-utilities {utility} answer for {_describe(params)} is over a limit: {what}; "
            "nothing stored, not retried"
        )

    def _from_cache(
        self, method: str, url: str, kwargs: Mapping[str, Any], partial_ok: bool
    ) -> tuple[bytes, str] | None:
        if not isinstance(self.session, requests_cache.CachedSession):
            return None
        response: Any = self.session.request(method, url, only_if_cached=True, **kwargs)
        if self.offline and response.status_code != 200:
            # offline, an expired answer is better than none: read the entry directly
            prepared = self.session.prepare_request(requests.Request(method, url, **kwargs))
            stale = self.session.cache.get_response(self.session.cache.create_key(prepared))
            if stale is not None:
                response = stale  # a CachedResponse: from_cache is True
        if not getattr(response, "from_cache", False) or response.status_code != 200:
            return None
        body = response.content
        if response_problem(
            url, 200, response.headers.get("Content-Type", ""), body, partial_ok=partial_ok
        ):
            return None
        with self._stats_lock:
            self.stats.cache_hits += 1
        created = getattr(response, "created_at", None)
        return body, created.date().isoformat() if created else _today()

    def forget(self, utility: str, params: Mapping[str, str], *, post: bool = False) -> None:
        """Drop a cached answer (one that passed the checks but could not be parsed)."""
        if not isinstance(self.session, requests_cache.CachedSession):
            return
        method, url, kwargs = self._prepare(utility, params, post)
        prepared = self.session.prepare_request(requests.Request(method, url, **kwargs))
        self.session.cache.delete(self.session.cache.create_key(prepared))

    def _count(self, utility: str) -> None:
        with self._stats_lock:
            self.stats.network += 1
            self.stats.by_utility[utility] = self.stats.by_utility.get(utility, 0) + 1

    # ------------------------------------------------------------------ utilities

    def esearch(
        self, term: str, *, db: str = "pubmed", retmax: int = 10000, refresh: bool = False
    ) -> ESearchResult:
        """ESearch; long terms go by POST. Notes on unknown terms (``ErrorList``:
        PhraseNotFound) are kept in ``problems``; such an answer is complete and cached."""
        params = {"db": db, "term": term, "retmax": str(retmax), "retmode": "xml"}
        post = False  # long terms go by POST automatically
        body = self.request("esearch.fcgi", params, post=post, partial_ok=True, refresh=refresh)
        try:
            return parse_esearch_xml(body)
        except ResponseError:
            self.forget("esearch.fcgi", params, post=post)
            raise

    def efetch(
        self, ids: Iterable[str], *, db: str = "pubmed", refresh: bool = False
    ) -> list[bytes]:
        """EFetch XML for ``ids`` in batches of up to 200 (POST above 50 ids); raw bytes."""
        return [body for body, _, _ in self._efetch(ids, db, refresh)]

    def _efetch(
        self, ids: Iterable[str], db: str, refresh: bool = False
    ) -> Iterator[tuple[bytes, str, Callable[[], None]]]:
        unique = sorted(set(ids), key=_id_sort_key)
        for start in range(0, len(unique), EFETCH_BATCH):
            batch = unique[start : start + EFETCH_BATCH]
            params = {"db": db, "id": ",".join(batch), "retmode": "xml"}
            post = len(batch) > POST_ABOVE_IDS
            body, date = self.request_dated("efetch.fcgi", params, post=post, refresh=refresh)
            yield body, date, functools.partial(self.forget, "efetch.fcgi", params, post=post)

    def _parse(
        self,
        ids: Iterable[str],
        db: str,
        parse: Callable[[bytes], list[Work]],
        refresh: bool = False,
    ) -> list[Work]:
        works: list[Work] = []
        for body, date, forget in self._efetch(ids, db, refresh):
            try:
                parsed = parse(body)
            except ResponseError:
                forget()  # never keep an answer that cannot be read
                raise
            works.extend(replace(w, retrieved=w.retrieved or date) for w in parsed)
        return works

    def fetch_pubmed(self, pmids: Iterable[str], *, refresh: bool = False) -> list[Work]:
        """PubMed records for ``pmids`` (unknown ids are simply absent), in the order asked;
        ``Work.retrieved`` is the date the record was obtained. ``refresh``: from NCBI even
        when cached (to see what changed upstream), and cached again."""
        wanted = [p for p in dict.fromkeys(pmids) if p]
        parsed = self._parse(wanted, "pubmed", parse_pubmed_xml, refresh)
        works = {w.pmid: w for w in parsed if w.pmid}
        return [works[p] for p in wanted if p in works]

    def fetch_nlmcatalog(self, ids: Iterable[str], *, refresh: bool = False) -> list[Work]:
        """NLM Catalog records for NLM Catalog uids."""
        return self._parse(ids, "nlmcatalog", parse_nlmcatalog_xml, refresh)

    def _ecitmatch_batch(self, params: Mapping[str, str], keys: set[str]) -> dict[str, CitMatch]:
        """One ECitMatch request whose answer must hold a line for every key: an answer cut
        at a line boundary looks valid, so a missing line means truncated (evict, retry)."""
        missing: set[str] = set()
        for attempt in range(self.max_attempts):
            body = self.request("ecitmatch.cgi", params)
            try:
                matches = {m.key: m for m in parse_ecitmatch(body)}
            except ResponseError:
                self.forget("ecitmatch.cgi", params)
                raise
            missing = keys - matches.keys()
            if not missing:
                return matches
            self.forget("ecitmatch.cgi", params)
            if attempt + 1 < self.max_attempts:
                with self._stats_lock:
                    self.stats.retries += 1
                self._sleep(min(self.max_backoff, self.backoff * (2**attempt)))
        raise RetriesExhausted(
            f"E-utilities ecitmatch.cgi answered without lines for {len(missing)} citation(s) "
            f"{self.max_attempts} times in a row (truncated answers); giving up"
        )

    def ecitmatch(self, queries: Sequence[CitationQuery]) -> dict[str, CitMatch]:
        """ECitMatch, up to 200 citations per request (POST when long); answers keyed by the
        query key."""
        ordered = sorted(queries, key=lambda q: q.key)
        found: dict[str, CitMatch] = {}
        for start in range(0, len(ordered), ECITMATCH_BATCH):
            batch = ordered[start : start + ECITMATCH_BATCH]
            bdata = "\r".join(q.line() for q in batch) + "\r"
            params = {"db": "pubmed", "retmode": "xml", "bdata": bdata}
            found.update(self._ecitmatch_batch(params, {q.key for q in batch}))
        return found


def _read_capped(
    response: requests.Response,
    *args: Any,
    cap: int,
    deadline: float,
    clock: Callable[[], float],
    **kwargs: Any,
) -> requests.Response:
    """Response hook: read the body in chunks, at most ``cap`` bytes (decoded) and no later
    than ``deadline``, before anything (the cache included) holds it whole. Raises
    AnswerOverCap over the size limit and requests.Timeout past the deadline."""
    if getattr(response, "_content_consumed", True) or getattr(response, "from_cache", False):
        size = len(response.content or b"")
        if size > cap:
            raise AnswerOverCap(
                f"{size / 2**20:.0f} MB (limit {cap / 2**20:g} MB: ncbi.max-answer-mb)"
            )
        return response
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > cap:
        response.close()
        raise AnswerOverCap(
            f"announced {int(declared) / 2**20:.0f} MB (limit {cap / 2**20:g} MB: "
            "ncbi.max-answer-mb)"
        )
    body = bytearray()
    try:
        for chunk in response.iter_content(_CHUNK):
            body += chunk
            if len(body) > cap:
                raise AnswerOverCap(
                    f"more than {cap / 2**20:g} MB (limit {cap / 2**20:g} MB: ncbi.max-answer-mb);"
                    " stopped reading"
                )
            if clock() > deadline:
                raise requests.Timeout("the time allowed for this request ran out while reading")
    except BaseException:
        response.close()
        raise
    response._content = bytes(body)
    setattr(response, "_content_consumed", True)  # noqa: B010 - requests' own flag
    del body
    return response


def _today() -> str:
    return datetime.now(UTC).date().isoformat()


def _id_sort_key(value: str) -> tuple[int, int | str]:
    return (0, int(value)) if value.isdigit() else (1, value)



def _describe(params: Mapping[str, str]) -> str:
    shown = []
    for key in ("db", "term", "id", "bdata"):
        if key in params:
            text = params[key].replace("\r", " / ")
            shown.append(f"{key}={text[:60]}{'...' if len(text) > 60 else ''}")
    return ", ".join(shown) or "no parameters"
