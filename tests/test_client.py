"""EntrezClient against a tiny scripted HTTP server on 127.0.0.1 (real sockets).

The scripted server answers each request with the next answer of a script, so every retry
path is driven exactly. Integration with the full fake E-utilities is in test_resolve_*.py.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from refkeeper.errors import ResponseError, RetriesExhausted
from refkeeper.resolve import EntrezClient, NotCached, RateLimiter, make_session
from refkeeper.resolve import client as client_module

ESEARCH_OK = (
    b'<?xml version="1.0" encoding="UTF-8" ?>\n<eSearchResult><Count>2</Count><RetMax>2</RetMax>'
    b"<RetStart>0</RetStart><IdList><Id>8620427</Id><Id>15919482</Id></IdList>"
    b"</eSearchResult>\n"
)
HTML_PAGE = b"<!DOCTYPE html><html><head><title>Bad Gateway</title></head><body>x</body></html>"
ERROR_XML = (
    b'<?xml version="1.0"?>\n<eSearchResult><ERROR>Search Backend failed</ERROR></eSearchResult>'
)
TRUNCATED = ESEARCH_OK[:90]
RATE_BODY = b'{"error":"API rate limit exceeded","api-key":"127.0.0.1","count":"4","limit":"3"}'


@dataclass
class Answer:
    status: int = 200
    body: bytes = ESEARCH_OK
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/xml"})
    delay: float = 0.0


class Scripted:
    """A WSGI app answering from a script; records every request it served."""

    def __init__(self) -> None:
        self.script: list[Answer] = []
        self.default = Answer()
        self.requests: list[dict[str, Any]] = []
        self.lock = threading.Lock()

    def __call__(self, environ: Any, start_response: Any) -> Any:
        request = Request(environ)
        with self.lock:
            self.requests.append(
                {
                    "method": request.method,
                    "path": request.path,
                    "args": dict(request.args),
                    "form": dict(request.form),
                }
            )
            answer = self.script.pop(0) if self.script else self.default
        if answer.delay:
            time.sleep(answer.delay)
        response = Response(answer.body, status=answer.status, headers=answer.headers)
        return response(environ, start_response)


@pytest.fixture
def scripted() -> Iterator[tuple[Scripted, str]]:
    app = Scripted()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield app, f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()


def _client(base: str, tmp_path: Path, **kwargs: Any) -> tuple[EntrezClient, list[float]]:
    slept: list[float] = []
    kwargs.setdefault("email", "someone@example.org")
    client = EntrezClient(
        make_session(tmp_path / "cache.sqlite"),
        base_url=base,
        limiter=RateLimiter(sleep=lambda s: None),
        sleep=slept.append,
        timeout=2.0,
        **kwargs,
    )
    return client, slept


def test_plain_search_sends_tool_and_email(scripted: tuple[Scripted, str], tmp_path: Path) -> None:
    app, base = scripted
    client, _ = _client(base, tmp_path)
    result = client.esearch("leiomyosarcoma[ti]")
    assert result.ids == ("8620427", "15919482")
    assert app.requests[0]["args"]["tool"] == "refkeeper"
    assert app.requests[0]["args"]["email"] == "someone@example.org"
    assert app.requests[0]["path"] == "/esearch.fcgi"


def test_cache_hit_makes_no_request_and_takes_no_slot(
    scripted: tuple[Scripted, str], tmp_path: Path
) -> None:
    app, base = scripted
    client, _ = _client(base, tmp_path)
    client.esearch("a[ti]")
    acquired: list[float] = []
    client.limiter.acquire = lambda interval: acquired.append(interval) or 0.0  # type: ignore[method-assign]
    again = client.esearch("a[ti]")
    assert again.ids == ("8620427", "15919482")
    assert len(app.requests) == 1
    assert acquired == []
    assert client.stats.cache_hits == 1 and client.stats.network == 1


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        (Answer(status=503, body=b"busy"), "HTTP 503"),
        (Answer(status=500, body=b"oops"), "HTTP 500"),
        (Answer(status=502, body=HTML_PAGE, headers={"Content-Type": "text/html"}), "HTTP 502"),
        (Answer(body=HTML_PAGE, headers={"Content-Type": "text/html"}), "HTML"),
        (Answer(body=ERROR_XML), "<ERROR>"),
        (Answer(body=TRUNCATED), "truncated"),
        (Answer(status=429, body=RATE_BODY, headers={"Content-Type": "application/json"}), "429"),
    ],
)
def test_each_fault_is_retried_and_never_cached(
    scripted: tuple[Scripted, str], tmp_path: Path, fault: Answer, expected: str, caplog: Any
) -> None:
    app, base = scripted
    app.script = [fault, fault]
    client, slept = _client(base, tmp_path)
    with caplog.at_level(logging.INFO, logger="refkeeper.resolve"):
        result = client.esearch("x[ti]")
    assert result.ids == ("8620427", "15919482")
    assert len(app.requests) == 3
    assert client.stats.retries == 2
    assert len(slept) == 2 and slept[1] > 0
    assert expected in caplog.text
    # only the good answer is in the cache: a second client offline finds exactly it
    cache = client.session.cache  # type: ignore[attr-defined]
    assert len(list(cache.responses.keys())) == 1
    bodies = [r.content for r in cache.responses.values()]
    assert bodies == [ESEARCH_OK]


def test_retry_after_is_honoured(scripted: tuple[Scripted, str], tmp_path: Path) -> None:
    app, base = scripted
    app.script = [
        Answer(status=429, body=RATE_BODY, headers={"Retry-After": "7"}),
    ]
    client, slept = _client(base, tmp_path, backoff=0.01)
    client.esearch("x[ti]")
    assert slept == [7.0]


def test_backoff_grows_exponentially_with_jitter(
    scripted: tuple[Scripted, str], tmp_path: Path
) -> None:
    app, base = scripted
    app.script = [Answer(status=503, body=b"")] * 5
    client, slept = _client(base, tmp_path, backoff=1.0, max_attempts=6)
    client.esearch("x[ti]")
    assert len(slept) == 5
    for attempt, delay in enumerate(slept):
        assert 0.5 * 2**attempt <= delay <= 1.5 * 2**attempt


def test_exhausted_retries_raise_a_clear_error(
    scripted: tuple[Scripted, str], tmp_path: Path
) -> None:
    app, base = scripted
    app.default = Answer(status=503, body=b"busy")
    client, _ = _client(base, tmp_path, max_attempts=3)
    with pytest.raises(
        RetriesExhausted, match=r"esearch.fcgi failed 3 times in a row \(last: HTTP 503\)"
    ):
        client.esearch("x[ti]")
    assert len(app.requests) == 3


def test_timeouts_and_dropped_connections_are_retried(
    scripted: tuple[Scripted, str], tmp_path: Path
) -> None:
    app, base = scripted
    app.script = [Answer(delay=1.0)]
    client, slept = _client(base, tmp_path)
    client.timeout = 0.2
    assert client.esearch("x[ti]").count == 2
    assert len(slept) == 1
    # a port nobody listens on: connection refused every time
    dead, _ = _client("http://127.0.0.1:9/", tmp_path, max_attempts=2)
    with pytest.raises(RetriesExhausted, match="connection failed"):
        dead.esearch("x[ti]")


def test_client_error_is_not_retried(scripted: tuple[Scripted, str], tmp_path: Path) -> None:
    app, base = scripted
    app.script = [Answer(status=400, body=b"bad request")]
    client, _ = _client(base, tmp_path)
    with pytest.raises(ResponseError, match="HTTP 400"):
        client.esearch("x[ti]")
    assert len(app.requests) == 1


def test_offline_answers_from_cache_only(scripted: tuple[Scripted, str], tmp_path: Path) -> None:
    app, base = scripted
    online, _ = _client(base, tmp_path)
    online.esearch("cached[ti]")
    offline, _ = _client(base, tmp_path, offline=True)
    assert offline.esearch("cached[ti]").ids == ("8620427", "15919482")
    with pytest.raises(NotCached, match="offline: no cached answer for esearch.fcgi"):
        offline.esearch("other[ti]")
    assert len(app.requests) == 1


def test_efetch_batches_of_200_by_post(scripted: tuple[Scripted, str], tmp_path: Path) -> None:
    app, base = scripted
    app.default = Answer(body=b'<?xml version="1.0"?>\n<PubmedArticleSet></PubmedArticleSet>')
    client, _ = _client(base, tmp_path)
    assert client.fetch_pubmed(str(n) for n in range(1, 452)) == []
    assert [r["method"] for r in app.requests] == ["POST", "POST", "POST"]
    sizes = [len(r["form"]["id"].split(",")) for r in app.requests]
    assert sizes == [200, 200, 51]
    client.fetch_pubmed(["1", "2"])
    assert app.requests[-1]["method"] == "GET"


def test_secrets_never_reach_the_sqlite_file(
    scripted: tuple[Scripted, str], tmp_path: Path
) -> None:
    app, base = scripted
    app.default = Answer(body=b'<?xml version="1.0"?>\n<PubmedArticleSet></PubmedArticleSet>')
    client, _ = _client(
        base,
        tmp_path,
        api_key="SECRETKEY0123456789",
        email="hidden.person@example.org",
        trusted_hosts=["127.0.0.1"],
    )
    client.fetch_pubmed(["1", "2"])  # with a key: POST too, the key in the body
    client.fetch_pubmed(str(n) for n in range(100, 200))  # POST body
    assert app.requests[0]["form"]["api_key"] == "SECRETKEY0123456789"
    assert "api_key" not in app.requests[0]["args"]
    assert app.requests[1]["form"]["email"] == "hidden.person@example.org"
    client.session.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("cache.sqlite*"))
    assert raw, "the cache file was written"
    with sqlite3.connect(tmp_path / "cache.sqlite") as db:
        assert db.execute("select count(*) from responses").fetchone()[0] == 2
    for secret in (b"SECRETKEY0123456789", b"hidden.person", b"hidden.person%40example.org"):
        assert secret not in raw
    assert "SECRETKEY" not in repr(client)


def test_warns_once_without_email(
    scripted: tuple[Scripted, str], tmp_path: Path, caplog: Any, monkeypatch: Any
) -> None:
    _, base = scripted
    monkeypatch.setattr(client_module, "_warned_no_email", False)
    client, _ = _client(base, tmp_path, email=None)
    with caplog.at_level(logging.WARNING, logger="refkeeper.resolve"):
        client.esearch("a[ti]")
        client.esearch("b[ti]")
    warnings = [r for r in caplog.records if "NCBI_EMAIL" in r.getMessage()]
    assert len(warnings) == 1


def test_rate_limiter_spaces_requests_across_threads() -> None:
    clock = [0.0]
    lock = threading.Lock()

    def sleep(seconds: float) -> None:
        with lock:
            clock[0] = max(clock[0], 0.0)  # time is virtual: record only

    limiter = RateLimiter(clock=lambda: clock[0], sleep=sleep)
    waits: list[float] = []
    threads = [
        threading.Thread(target=lambda: waits.append(limiter.acquire(1 / 3))) for _ in range(9)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # nine callers at the same instant get the slots 0, 1/3, 2/3, ... 8/3 s
    assert sorted(round(w, 6) for w in waits) == [round(i / 3, 6) for i in range(9)]


def test_rate_limiter_is_shared_and_real(scripted: tuple[Scripted, str], tmp_path: Path) -> None:
    app, base = scripted
    session = requests.Session()  # no cache: every call goes out
    limiter = RateLimiter()
    clients = [
        EntrezClient(session, base_url=base, email="a@b.c", limiter=limiter) for _ in range(2)
    ]
    start = time.monotonic()
    for i in range(4):
        clients[i % 2].esearch(f"q{i}[ti]")
    elapsed = time.monotonic() - start
    assert elapsed >= 3 * client_module.INTERVAL_NO_KEY - 0.01
    assert len(app.requests) == 4
    keyed = EntrezClient(
        session, base_url=base, api_key="k", email="a@b.c", trusted_hosts=["127.0.0.1"]
    )
    assert keyed.interval == client_module.INTERVAL_WITH_KEY
    assert clients[0].limiter is clients[1].limiter
    assert EntrezClient(session, base_url=base).limiter is client_module.SHARED_LIMITER


def test_offline_uses_expired_answers(scripted: tuple[Scripted, str], tmp_path: Path) -> None:
    """Online, an expired answer is fetched again; offline it is still better than none."""
    from datetime import UTC, datetime, timedelta

    app, base = scripted
    online, _ = _client(base, tmp_path)
    online.esearch("old[ti]")
    cache = online.session.cache  # type: ignore[attr-defined]
    cache.reset_expiration(datetime.now(UTC) - timedelta(days=1))
    offline, _ = _client(base, tmp_path, offline=True)
    assert offline.esearch("old[ti]").ids == ("8620427", "15919482")
    assert len(app.requests) == 1
    online.esearch("old[ti]")
    assert len(app.requests) == 2


def test_refresh_goes_past_the_cache_and_recaches(
    scripted: tuple[Scripted, str], tmp_path: Path
) -> None:
    app, base = scripted
    client, _ = _client(base, tmp_path)
    client.esearch("fresh[ti]")
    app.script = [Answer(body=ESEARCH_OK.replace(b"<Id>15919482</Id>", b""))]
    assert client.esearch("fresh[ti]", refresh=True).ids == ("8620427",)
    assert len(app.requests) == 2
    assert client.esearch("fresh[ti]").ids == ("8620427",)  # the new answer was cached
    assert len(app.requests) == 2
