"""The cached session: what is a valid answer, expiry per endpoint, backends (SQLite, Redis)."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import requests
from requests_cache.policy.expiration import get_url_expiration

from refkeeper.config import default_cache_path
from refkeeper.errors import ConfigError
from refkeeper.resolve import DEFAULT_BASE_URL, make_session, response_problem
from refkeeper.resolve.session import RECORD_EXPIRY, SEARCH_EXPIRY, URLS_EXPIRE_AFTER
from tools import require_tool

SHARED = Path(__file__).resolve().parents[2] / "shared" / "ncbi-samples" / "recorded"
BASE = "http://127.0.0.1:8/"


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("esearch1.xml", None),
        ("esearch3.xml", None),
        ("pubmed1.xml", None),
        ("esummary1.xml", None),
        ("journals.xml", None),
        ("pubmed3.html", "HTML"),
        ("epost2.xml", "<ERROR>"),
        ("esummary8.xml", "<ERROR>"),
        ("esearch8.xml", "ErrorList"),
    ],
)
def test_recorded_answers(name: str, problem: str | None) -> None:
    body = (SHARED / name).read_bytes()
    utility = "efetch.fcgi" if name.startswith(("pubmed", "journals")) else "esearch.fcgi"
    found = response_problem(BASE + utility, 200, "text/xml", body)
    if problem is None:
        assert found is None
    else:
        assert found is not None and problem in found


def test_truncated_and_non_200_answers_are_problems() -> None:
    body = (SHARED / "pubmed1.xml").read_bytes()
    for cut in (100, len(body) // 2, len(body) - 30):
        problem = response_problem(BASE + "efetch.fcgi", 200, "text/xml", body[:cut])
        assert problem is not None and "truncated" in problem
    assert response_problem(BASE + "efetch.fcgi", 503, "text/xml", body) == "HTTP 503"
    assert response_problem(BASE + "efetch.fcgi", 200, "text/xml", b"  ") == "empty answer"


def test_phrase_not_found_is_usable_but_flagged() -> None:
    body = (SHARED / "esearch8.xml").read_bytes()
    assert response_problem(BASE + "esearch.fcgi", 200, "text/xml", body, partial_ok=True) is None


def test_ecitmatch_answers() -> None:
    url = BASE + "ecitmatch.cgi"
    good = b"proc natl acad sci u s a|1991|88|3248|mann bj|Art1|2014248\n"
    assert response_problem(url, 200, "text/plain", good) is None
    missing = b"cancer|1995|76|1481|timmons cf|r0|NOT_FOUND;INVALID_JOURNAL\n"
    assert response_problem(url, 200, "text/plain", missing) is None
    assert "not an ECitMatch" in str(response_problem(url, 200, "text/plain", b"<ERROR>x</ERROR>"))
    html = b"<html><body>Service unavailable</body></html>"
    assert "HTML" in str(response_problem(url, 200, "text/html", html))


def test_json_answers() -> None:
    url = BASE + "esummary.fcgi"
    assert response_problem(url, 200, "application/json", b'{"result": {}}') is None
    assert "truncated" in str(response_problem(url, 200, "application/json", b'{"result": {'))
    assert "error" in str(response_problem(url, 200, "application/json", b'{"error": "bad"}'))


def test_expiry_per_endpoint() -> None:
    def expiry(utility: str) -> object:
        # The URL as sent to NCBI (only its form is used here: nothing is requested).
        return get_url_expiration(f"{DEFAULT_BASE_URL}{utility}?id=1", URLS_EXPIRE_AFTER)

    assert expiry("efetch.fcgi") == RECORD_EXPIRY >= timedelta(weeks=2)
    assert expiry("esearch.fcgi") == SEARCH_EXPIRY
    assert expiry("ecitmatch.cgi") == SEARCH_EXPIRY
    assert timedelta(days=1) <= SEARCH_EXPIRY < RECORD_EXPIRY


def test_session_settings(tmp_path: Path) -> None:
    session = make_session(tmp_path / "c.sqlite")
    settings = session.settings
    assert set(settings.ignored_parameters) >= {"api_key", "email", "tool"}
    assert settings.match_headers is False
    assert "POST" in settings.allowable_methods
    assert settings.allowable_codes == (200,)
    assert (tmp_path / "c.sqlite").exists()


def test_default_cache_path_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("REFKEEPER_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_cache_path() == tmp_path / "refkeeper" / "eutils.sqlite"
    monkeypatch.setenv("REFKEEPER_CACHE", str(tmp_path / "x.sqlite"))
    assert default_cache_path() == tmp_path / "x.sqlite"


def test_bad_backend_names_the_choices() -> None:
    with pytest.raises(ConfigError, match="invalid cache backend 'mongo': choose from sqlite"):
        make_session(backend="mongo")
    with pytest.raises(ConfigError, match="needs a redis URL"):
        make_session(backend="redis")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    server = require_tool("redis-server")
    port = _free_port()
    proc = subprocess.Popen(
        [
            server,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    pytest.fail(f"redis-server did not start on 127.0.0.1:{port}")
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.tools
# requests-cache 1.3 still calls redis' setex, which redis-py 8 marks deprecated
@pytest.mark.filterwarnings("ignore:Call to deprecated setex:DeprecationWarning")
def test_redis_backend_shares_the_cache(redis_url: str) -> None:
    """Two sessions (two team members) on one Redis: the second is served from the cache;
    an error page is never stored; no secret enters Redis."""
    import threading

    import redis
    from werkzeug.serving import make_server

    from refkeeper.resolve import EntrezClient, RateLimiter
    from test_client import ESEARCH_OK, HTML_PAGE, Answer, Scripted  # scripted HTTP server

    app = Scripted()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}/"
    try:
        app.script = [Answer(body=HTML_PAGE, headers={"Content-Type": "text/html"})]
        first = EntrezClient(
            make_session(Path("team"), backend="redis", redis_url=redis_url),
            base_url=base,
            api_key="REDISSECRET42",
            trusted_hosts=["127.0.0.1"],
            email="redis.person@example.org",
            limiter=RateLimiter(sleep=lambda s: None),
            sleep=lambda s: None,
        )
        assert first.esearch("shared[ti]").ids == ("8620427", "15919482")
        assert len(app.requests) == 2  # the HTML page, then the good answer
        second = EntrezClient(
            make_session(Path("team"), backend="redis", redis_url=redis_url),
            base_url=base,
            email="other@example.org",
        )
        assert second.esearch("shared[ti]").ids == ("8620427", "15919482")
        assert len(app.requests) == 2 and second.stats.network == 0
        db = redis.Redis.from_url(redis_url)
        keys = db.keys("*")
        assert keys, "responses were stored in redis"
        dump = b"".join(
            b"".join(k + v for k, v in db.hgetall(key).items())
            if db.type(key) == b"hash"
            else (db.get(key) or b"")
            for key in keys
        )
        assert ESEARCH_OK in dump
        assert HTML_PAGE not in dump
        for secret in (b"REDISSECRET42", b"redis.person", b"other@example", b"other%40example"):
            assert secret not in dump
        db.close()
    finally:
        server.shutdown()
        server.server_close()


def test_plain_requests_session_also_works(tmp_path: Path) -> None:
    """EntrezClient accepts any requests.Session (no cache): nothing is cached then, and the
    same search asked twice goes to the network twice."""
    import threading

    from werkzeug.serving import make_server

    from refkeeper.resolve import EntrezClient, RateLimiter
    from test_client import Scripted

    app = Scripted()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        client = EntrezClient(
            requests.Session(),
            base_url=f"http://127.0.0.1:{server.server_port}/",
            email="a@b.c",
            limiter=RateLimiter(sleep=lambda s: None),
        )
        for _ in range(2):
            assert client.esearch("plain[ti]").ids == ("8620427", "15919482")
        assert len(app.requests) == 2
        assert client.stats.network == 2 and client.stats.cache_hits == 0
    finally:
        server.shutdown()
        server.server_close()


def test_only_notes_on_unknown_terms_make_a_complete_answer() -> None:
    """An ErrorList that notes unknown terms is a complete answer (cached); anything else in
    it, or a note without the count and ids, is not."""
    body = (SHARED / "esearch8.xml").read_bytes()
    url = BASE + "esearch.fcgi"
    other = body.replace(b"<PhraseNotFound>abcXYZ</PhraseNotFound>", b"<Bad>abcXYZ</Bad>")
    assert response_problem(url, 200, "text/xml", other, partial_ok=True) is not None
    cut = body.replace(b"<Count>0</Count>", b"")
    assert response_problem(url, 200, "text/xml", cut, partial_ok=True) is not None
    assert response_problem(url, 200, "text/xml", body, partial_ok=True) is None
