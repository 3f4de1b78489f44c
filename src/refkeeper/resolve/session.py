"""The cached HTTP session refkeeper talks to the E-utilities through.

``make_session`` builds a :class:`requests_cache.CachedSession` (SQLite at the path the caller
gives, Redis for a team's shared cache, or memory) with:

- an expiry per endpoint: records (efetch, esummary) for weeks, searches (esearch, ecitmatch)
  for days;
- ``api_key``, ``email`` and ``tool`` as ignored parameters, so they never enter a cache key and
  are redacted from the request stored next to each response;
- a filter that refuses to store anything that is not a valid answer: a non-200 status, an HTML
  page where XML was expected, an ``<ERROR>`` element or ``ErrorList``, truncated or malformed
  XML, an ECitMatch answer that is not citation lines. :func:`response_problem` is that check,
  pure, and the Entrez client uses the same function to decide whether to retry.
"""

from __future__ import annotations

import json
import logging
import os
import time
from datetime import timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests
import requests_cache
from lxml import etree
from requests_cache.backends.base import BaseCache
from requests_cache.backends.sqlite import SQLiteCache
from requests_cache.cache_keys import create_key

from refkeeper.errors import CacheUnreachable, ConfigError, NetworkError, ResponseError
from refkeeper.fsutil import usable_sqlite_cache
from refkeeper.resolve.xmlsafe import safe_parser

logger = logging.getLogger("refkeeper.resolve")

IGNORED_PARAMETERS = ("api_key", "email", "tool", "mailto")
"""Request parameters that never enter a cache key or the cache (secrets and identity)."""

RECORD_EXPIRY = timedelta(weeks=4)
SEARCH_EXPIRY = timedelta(days=3)

URLS_EXPIRE_AFTER: dict[str, timedelta] = {
    "*/efetch.fcgi": RECORD_EXPIRY,
    "*/esummary.fcgi": RECORD_EXPIRY,
    "*/esearch.fcgi": SEARCH_EXPIRY,
    "*/ecitmatch.cgi": SEARCH_EXPIRY,
    "*/epost.fcgi": timedelta(0),  # history-server keys expire quickly at NCBI: never reuse
}

BACKENDS = ("sqlite", "redis", "memory")

# Limits on what one answer may hold, far above anything real (the largest of 1,648 real
# records: a 308-character title, a 6,812-character abstract, 93 authors; a batch of 200
# records is a few MB). An answer over a limit is refused whole: never stored, never retried.
MAX_ANSWER_MB = 32
"""Default size limit of one answer, decoded (``[ncbi] max-answer-mb``)."""
MAX_RECORDS_PER_FETCH = 500
"""Records in one EFetch answer (refkeeper asks for 200 at most)."""
MAX_RECORDS_PER_ANSWER = 100_000
"""Ids or summaries in one answer of another utility (ESearch asks for 10,000 at most)."""
MAX_TITLE_CHARS = 5_000
MAX_ABSTRACT_CHARS = 100_000
MAX_AUTHORS = 25_000
OVER_LIMIT = "over a limit: "
"""How :func:`response_problem` starts the problem of an answer over a limit."""

_FETCH_RECORDS = (b"<PubmedArticle>", b"<PubmedArticle ", b"<PubmedBookArticle>",
                  b"<PubmedBookArticle ", b"<NLMCatalogRecord>", b"<NLMCatalogRecord ")
_OTHER_RECORDS = (b"<Id>", b"<DocSum>")
_TITLE_TAGS = ("ArticleTitle", "VernacularTitle", "BookTitle", "TitleMain")



def _utility(url: str) -> str:
    path = url.split("?", 1)[0]
    return path.rstrip("/").rsplit("/", 1)[-1]


def response_problem(
    url: str, status: int, content_type: str, body: bytes, *, partial_ok: bool = False
) -> str | None:
    """Why an E-utilities answer is not a valid answer, or None when it is. Pure.

    ``partial_ok`` accepts an esearch answer whose ``ErrorList`` only notes terms PubMed does
    not know (``PhraseNotFound``, ``FieldNotFound``): the search ran on the rest, the answer is
    complete and is cached like any other (:func:`is_cacheable`).
    """
    if status != 200:
        return f"HTTP {status}"
    head = body[:512].lstrip().lower()
    if not body.strip():
        return "empty answer"
    if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head:
        return "an HTML page instead of an E-utilities answer"
    utility = _utility(url)
    if utility == "ecitmatch.cgi":
        return _ecitmatch_problem(body)
    if "json" in content_type.lower() or head.startswith((b"{", b"[")):
        try:
            data = json.loads(body)
        except ValueError:
            return "malformed or truncated JSON"
        if isinstance(data, dict) and ("error" in data or "ERROR" in data):
            return f"error in answer: {data.get('error') or data.get('ERROR')}"
        return None
    too_many = too_many_records(utility, body)
    if too_many:
        return OVER_LIMIT + too_many
    try:
        root = etree.fromstring(body, safe_parser())
    except etree.XMLSyntaxError as exc:
        return f"malformed or truncated XML ({exc.msg})"
    if root.tag == "ERROR":
        return f"<ERROR> {(root.text or '').strip()}"
    errors = [el for el in root.iter("ERROR") if el.getparent() is not None]
    if errors:
        return f"<ERROR> {(errors[0].text or '').strip()}"
    error_list = root.find("ErrorList")
    if error_list is not None and not (partial_ok and _notes_only(root, error_list)):
        texts = [f"{el.tag}: {(el.text or '').strip()}" for el in error_list]
        return "ErrorList in answer (" + "; ".join(texts) + ")"
    over = over_limit(root)
    return OVER_LIMIT + over if over else None


_TERM_NOTES = frozenset({"PhraseNotFound", "FieldNotFound"})


def _notes_only(root: Any, error_list: Any) -> bool:
    """An esearch answer complete but for notes on terms PubMed does not know (NCBI's
    ``PhraseNotFound``/``FieldNotFound``): a count and an id list are there."""
    return (
        root.tag == "eSearchResult"
        and root.find("Count") is not None
        and root.find("IdList") is not None
        and all(el.tag in _TERM_NOTES for el in error_list)
    )


def too_many_records(utility: str, body: bytes) -> str | None:
    """More records than an answer may hold, counted in the bytes before any parsing (so a
    flood of records never becomes a tree in memory). Pure."""
    fetch = utility == "efetch.fcgi"
    limit = MAX_RECORDS_PER_FETCH if fetch else MAX_RECORDS_PER_ANSWER
    records = sum(body.count(tag) for tag in (_FETCH_RECORDS if fetch else _OTHER_RECORDS))
    if records > limit:
        return f"{records:,} records in one answer (limit {limit:,})"
    return None


def over_limit(root: Any) -> str | None:
    """Which field limit a parsed answer exceeds (a title's or an abstract's length, authors
    per record), or None. Pure."""
    for node in root.iter(*_TITLE_TAGS):
        size = sum(len(t) for t in node.itertext())
        if size > MAX_TITLE_CHARS:
            return f"a {size:,}-character {node.tag} (limit {MAX_TITLE_CHARS:,})"
    for node in root.iter("Abstract", "OtherAbstract"):
        size = sum(len(t) for t in node.itertext())
        if size > MAX_ABSTRACT_CHARS:
            return f"a {size:,}-character abstract (limit {MAX_ABSTRACT_CHARS:,})"
    for node in root.iter("AuthorList"):
        if len(node) > MAX_AUTHORS:
            return f"{len(node):,} authors in one record (limit {MAX_AUTHORS:,})"
    return None


def _ecitmatch_problem(body: bytes) -> str | None:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return "ECitMatch answer is not UTF-8 text"
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return "empty ECitMatch answer"
    for line in lines:
        if line.lstrip().startswith("<") or line.count("|") < 6:
            return f"not an ECitMatch citation line: {line[:80]!r}"
    return None


def _strip_params(text: str) -> str:
    pairs = [(k, v) for k, v in parse_qsl(text, keep_blank_values=True)]
    return urlencode([(k, v) for k, v in pairs if k not in IGNORED_PARAMETERS])


def cache_key(request: Any, **kwargs: Any) -> str:
    """requests-cache's key with ``api_key``, ``email`` and ``tool`` removed entirely (not
    merely redacted), so a request with an API key and one without share one cache entry;
    a form POST is keyed as the GET with the same parameters (a client with an API key
    sends everything by POST), so both share it too."""
    stripped = request.copy()
    parts = urlsplit(stripped.url or "")
    query = parts.query
    body = stripped.body
    content_type = str(stripped.headers.get("Content-Type", ""))
    if body and "x-www-form-urlencoded" in content_type:
        text = body.decode("utf-8") if isinstance(body, bytes) else str(body)
        query = "&".join(q for q in (query, text) if q)
        stripped.method = "GET"
        stripped.body = None
        stripped.headers.pop("Content-Type", None)
        stripped.headers.pop("Content-Length", None)
    stripped.url = urlunsplit(parts._replace(query=_strip_params(query)))
    return str(create_key(stripped, **kwargs))


def is_cacheable(response: requests.Response) -> bool:
    """The session's filter: store only complete, valid answers (never an error page).

    requests-cache also applies it to what a lookup returns and deletes the entry when it
    says no: the synthetic "504 Not Cached" of an ``only_if_cached`` lookup must pass, or
    probing the cache would delete an expired (but still valid) answer. 504s are never
    stored anyway (``allowable_codes`` is 200 only)."""
    if response.status_code == 504 and response.reason == "Not Cached":
        return True
    url = response.url or ""
    problem = response_problem(
        url,
        response.status_code,
        response.headers.get("Content-Type", ""),
        response.content or b"",
        partial_ok=_utility(url) == "esearch.fcgi",  # notes on unknown terms: a full answer
    )
    return problem is None


def make_session(
    cache_path: Path | None = None,
    *,
    backend: str = "sqlite",
    redis_url: str | None = None,
    namespace: str | None = None,
    fallback: str | None = None,
) -> requests_cache.CachedSession:
    """A cached session for the E-utilities.

    Redis: the key namespace is ``namespace``, by default :func:`shared_namespace` (the same
    for everyone on one E-utilities base URL, so a team shares its answers). A server that
    cannot be reached, or stops answering, is a one-line CacheUnreachable (exit 3), or with
    ``fallback="sqlite"`` a one-line warning and the local SQLite cache at ``cache_path``.

    ``backend``: ``"sqlite"`` (default; file at ``cache_path``: without one the answers are
    kept in memory for this session only: the caller says where a lasting cache lives),
    ``"redis"`` (``redis_url`` such as ``redis://127.0.0.1:6379/0``) or ``"memory"`` (tests,
    one-off runs).
    """
    settings: dict[str, Any] = {
        "urls_expire_after": URLS_EXPIRE_AFTER,
        "expire_after": SEARCH_EXPIRY,
        "allowable_codes": (200,),
        "allowable_methods": ("GET", "POST"),
        "ignored_parameters": list(IGNORED_PARAMETERS),
        "match_headers": False,
        "key_fn": cache_key,
        "filter_fn": is_cacheable,
        "stale_if_error": False,
        "cache_control": False,
    }
    if backend == "sqlite" and cache_path is None:
        backend = "memory"
    if backend == "sqlite":
        cache: Any = _sqlite_cache(Path(str(cache_path)))
    elif backend == "redis":
        cache = _redis_cache(redis_url, namespace or shared_namespace(), cache_path, fallback)
    elif backend == "memory":
        cache = BaseCache()
    else:
        raise ConfigError(f"invalid cache backend {backend!r}: choose from {', '.join(BACKENDS)}")
    session = requests_cache.CachedSession(backend=cache, **settings)
    session.headers["User-Agent"] = "refkeeper (+https://github.com/refkeeper)"
    return session


REDIS_SCHEMES = ("redis", "rediss", "unix")
NCBI_EUTILS_URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"


def shared_namespace(base_url: str | None = None) -> str:
    """The Redis key namespace of an E-utilities base URL (default: REFKEEPER_EUTILS_URL or
    NCBI's): the same for every user and machine, so a team on one Redis shares answers."""
    url = base_url or os.environ.get("REFKEEPER_EUTILS_URL") or NCBI_EUTILS_URL
    parts = urlsplit(url.strip())
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return f"refkeeper:{parts.scheme.lower()}://{parts.netloc.lower()}{path}"


def redis_url_problem(url: str) -> str | None:
    """Why ``url`` is not a Redis URL, or None (pure)."""
    scheme = urlsplit(url).scheme.lower()
    if scheme not in REDIS_SCHEMES:
        return f"must be a redis://, rediss:// or unix:// URL, not {url!r}"
    return None


def _sqlite_cache(path: Path) -> Any:
    path.parent.mkdir(parents=True, exist_ok=True)
    usable_sqlite_cache(path, "response cache")
    return SQLiteCache(str(path), wal=True, busy_timeout=30_000)


def _redis_cache(
    redis_url: str | None, namespace: str, local: Path | None, fallback: str | None
) -> Any:
    try:
        import redis
    except ImportError as exc:  # pragma: no cover - depends on the installed extras
        raise ConfigError(
            "the redis cache backend needs the 'redis' package: pip install 'refkeeper[redis]'"
        ) from exc
    if not redis_url:
        raise ConfigError("the redis cache backend needs a redis URL (redis://host:port/db)")
    problem = redis_url_problem(redis_url)
    if problem:
        raise ConfigError(f"cache.redis-url {problem}")
    from requests_cache.backends.redis import RedisCache

    shown = _redacted(redis_url)
    use_fallback = fallback == "sqlite" and local is not None

    class GuardedRedisCache(RedisCache):
        """RedisCache whose failures are one-line errors, or a switch to the local cache."""

        local_cache: Any = None

        def _failed(self, exc: Exception) -> Any:
            if not use_fallback or local is None:
                raise CacheUnreachable(
                    f"the Redis cache at {shown} stopped answering ({_reason(exc)}); "
                    "what was resolved so far is in it (or set [cache] fallback = \"sqlite\")"
                ) from None
            if self.local_cache is None:
                _warn_fallback(shown, exc, local)
                self.local_cache = _sqlite_cache(local)
                self.local_cache._settings = self._settings
            return self.local_cache

        def get_response(self, key: str, default: Any = None) -> Any:
            if self.local_cache is None:
                try:
                    return super().get_response(key, default)
                except redis.RedisError as exc:
                    self._failed(exc)
            return self.local_cache.get_response(key, default)

        def save_response(self, response: Any, cache_key: Any = None, expires: Any = None) -> None:
            if self.local_cache is None:
                try:
                    super().save_response(response, cache_key, expires)
                    return
                except redis.RedisError as exc:
                    self._failed(exc)
            self.local_cache.save_response(response, cache_key, expires)

        def delete(self, *keys: str, **kwargs: Any) -> None:
            if self.local_cache is None:
                try:
                    super().delete(*keys, **kwargs)
                    return
                except redis.RedisError as exc:
                    self._failed(exc)
            self.local_cache.delete(*keys, **kwargs)

    try:
        connection = redis.Redis.from_url(
            redis_url, socket_connect_timeout=5, socket_timeout=30
        )
        connection.ping()
    except ValueError as exc:
        raise ConfigError(f"cache.redis-url is not a usable Redis URL: {exc}") from None
    except redis.RedisError as exc:
        if not use_fallback or local is None:
            raise CacheUnreachable(
                f"the Redis cache at {shown} cannot be reached ({_reason(exc)}); start it, "
                "or set [cache] fallback = \"sqlite\" to use the local cache meanwhile"
            ) from None
        _warn_fallback(shown, exc, local)
        return _sqlite_cache(local)
    return GuardedRedisCache(namespace, connection=connection)


def _redacted(url: str) -> str:
    """A Redis URL without its password."""
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.rsplit("@", 1)[-1]
        user = f"{parts.username}:***@" if parts.username else ":***@"
        return urlunsplit(parts._replace(netloc=user + netloc))
    return url


def _reason(exc: Exception) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:160]


def _warn_fallback(shown: str, exc: Exception, local: Path) -> None:
    logger.warning(
        "warning: the Redis cache at %s cannot be used (%s); using the local cache %s",
        shown,
        _reason(exc),
        local,
    )


# --------------------------------------------------------------------------- retrying

UNREACHABLE = ("ConnectionError", "Timeout", "ConnectTimeout", "ReadTimeout")
"""What a failed attempt is called when the server was never reached (requests' exceptions)."""


def retry_after_seconds(value: str | None) -> float | None:
    """A ``Retry-After`` header in seconds (given as seconds or as an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def backoff_delay(attempt: int, retry_after: str | None, max_wait: float) -> float:
    """Seconds before the retry after ``attempt`` (0-based): what the server asked for in
    ``Retry-After``, else 0.5 s doubling each attempt; never more than ``max_wait``."""
    asked = retry_after_seconds(retry_after)
    return min(max_wait, asked if asked is not None else 0.5 * 2**attempt)


def failed_request_error(service: str, last: str, what: str = "") -> NetworkError | ResponseError:
    """The error of a request that kept failing (``what``: for which item, if one): unreachable
    (NetworkError) or answering wrongly (ResponseError), with the last attempt's problem."""
    item = f" for {what}" if what else ""
    if last.startswith(UNREACHABLE):
        return NetworkError(f"{service} could not be reached{item} (last: {last})")
    return ResponseError(f"{service} kept failing{item} (last: {last})")
