"""The cache rules, inspected in the requests-cache SQLite file itself: which answers are stored
(complete, valid ones: recorded NCBI bytes) and which never are (error pages, ``<ERROR>``,
truncated XML, non-200 statuses, rate-limit bodies), with secrets kept out of keys and rows.

The rule for esearch answers that carry an ``ErrorList``/``PhraseNotFound`` note is in one test,
``test_cache_rule_for_phrase_not_found_answers``, so it can follow a change of that rule."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from refkeeper.resolve import make_session

PHRASE_NOT_FOUND_CACHED = True
"""The rule as it stands: an esearch answer with an ErrorList/PhraseNotFound note is cached.
Other tests (the warm run of ``refkeeper resolve``) read this one switch."""

RECORDED = Path(__file__).resolve().parents[2] / "shared" / "ncbi-samples" / "recorded"
SECRET = "CACHESECRET77"


@dataclass(frozen=True)
class Reply:
    body: bytes
    status: int = 200
    content_type: str = "text/xml"


def _recorded(name: str) -> bytes:
    return (RECORDED / name).read_bytes()


# (endpoint, term or id) -> answer. Real recorded NCBI bytes where a recording exists.
REPLIES: dict[tuple[str, str], Reply] = {
    ("esearch.fcgi", "biopython"): Reply(_recorded("esearch1.xml")),
    ("esearch.fcgi", "abcXYZ"): Reply(_recorded("esearch8.xml")),  # ErrorList/PhraseNotFound
    ("efetch.fcgi", "19304878"): Reply(_recorded("pubmed1.xml")),
    ("esummary.fcgi", "11850928"): Reply(_recorded("esummary1.xml")),
    ("ecitmatch.cgi", "c1"): Reply(
        b"proc natl acad sci u s a|1991|88|3248|mann bj|Art1|2014248\n", content_type="text/plain"
    ),
    # what must never be stored
    ("esummary.fcgi", "1"): Reply(_recorded("esummary8.xml")),  # a real <ERROR> answer
    ("efetch.fcgi", "html"): Reply(_recorded("pubmed3.html"), content_type="text/html"),
    ("efetch.fcgi", "cut"): Reply(_recorded("pubmed1.xml")[:700]),
    ("efetch.fcgi", "500"): Reply(_recorded("pubmed1.xml"), status=500),
    ("esearch.fcgi", "rate"): Reply(
        b'{"error":"API rate limit exceeded","count":"4","limit":"3"}', 429, "application/json"
    ),
    ("ecitmatch.cgi", "bad"): Reply(b"<ERROR>Empty bdata</ERROR>", content_type="text/plain"),
}


class App:
    def __init__(self) -> None:
        self.served: list[tuple[str, str]] = []
        self.lock = threading.Lock()

    def __call__(self, environ: Any, start_response: Any) -> Any:
        request = Request(environ)
        endpoint = request.path.rsplit("/", 1)[-1]
        what = request.args.get("term") or request.args.get("id") or request.args.get("bdata", "")
        with self.lock:
            self.served.append((endpoint, what))
        reply = REPLIES[(endpoint, what)]
        response = Response(reply.body, status=reply.status, content_type=reply.content_type)
        return response(environ, start_response)


@pytest.fixture
def server() -> Iterator[tuple[App, str]]:
    app = App()
    srv = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield app, f"http://127.0.0.1:{srv.server_port}/entrez/eutils/"
    finally:
        srv.shutdown()
        srv.server_close()
        thread.join(timeout=5)


def _get(session: requests.Session, base: str, endpoint: str, what: str) -> requests.Response:
    key = {"esearch.fcgi": "term", "ecitmatch.cgi": "bdata"}.get(endpoint, "id")
    params = {"db": "pubmed", key: what, "api_key": SECRET, "email": "who@example.org"}
    return session.get(base + endpoint, params=params, timeout=10)


def _rows(path: Path) -> dict[str, bytes]:
    """The cache file's ``responses`` table: key -> the stored (serialized) row."""
    with sqlite3.connect(path) as db:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert "responses" in tables
        return {str(k): bytes(v) for k, v in db.execute("SELECT key, value FROM responses")}


def _stored(session: Any, path: Path) -> dict[tuple[str, str], bytes]:
    """(endpoint, term/id) -> the body stored, decoded through requests-cache's serializer."""
    out = {}
    for key in _rows(path):
        cached = session.cache.responses[key]
        url = urlsplit(str(cached.url))
        params = dict(parse_qsl(url.query))
        what = params.get("term") or params.get("id") or params.get("bdata", "")
        out[(url.path.rsplit("/", 1)[-1], what)] = cached.content
    return out


GOOD = [
    ("esearch.fcgi", "biopython"),
    ("efetch.fcgi", "19304878"),
    ("esummary.fcgi", "11850928"),
    ("ecitmatch.cgi", "c1"),
]
BAD = [
    ("esummary.fcgi", "1"),
    ("efetch.fcgi", "html"),
    ("efetch.fcgi", "cut"),
    ("efetch.fcgi", "500"),
    ("esearch.fcgi", "rate"),
    ("ecitmatch.cgi", "bad"),
]


def test_complete_answers_are_stored_byte_for_byte(server: tuple[App, str], tmp_path: Path) -> None:
    app, base = server
    path = tmp_path / "cache.sqlite"
    session = make_session(path)
    for endpoint, what in GOOD:
        response = _get(session, base, endpoint, what)
        assert response.status_code == 200 and not getattr(response, "from_cache", False)
    stored = _stored(session, path)
    assert stored == {k: REPLIES[k].body for k in GOOD}
    # a second round is answered from the file, without a request
    served = len(app.served)
    for endpoint, what in GOOD:
        response = _get(session, base, endpoint, what)
        assert response.from_cache is True
        assert response.content == REPLIES[(endpoint, what)].body
    assert len(app.served) == served


def test_error_answers_are_never_stored(server: tuple[App, str], tmp_path: Path) -> None:
    app, base = server
    path = tmp_path / "cache.sqlite"
    session = make_session(path)
    _get(session, base, *GOOD[0])  # one valid answer, so the table exists and is used
    for endpoint, what in BAD:
        _get(session, base, endpoint, what)
    assert set(_stored(session, path)) == {GOOD[0]}
    for endpoint, what in BAD:  # asked again: each goes to the network again
        assert _get(session, base, endpoint, what).from_cache is False
    assert app.served.count(BAD[0]) == 2 and len(app.served) == 1 + 2 * len(BAD)


def test_no_secret_in_cache_keys_or_rows(server: tuple[App, str], tmp_path: Path) -> None:
    _, base = server
    path = tmp_path / "cache.sqlite"
    session = make_session(path)
    for endpoint, what in GOOD:
        _get(session, base, endpoint, what)
    rows = _rows(path)
    assert len(rows) == len(GOOD)
    raw = path.read_bytes() + b"".join(k.encode() + v for k, v in rows.items())
    for wal in tmp_path.glob("cache.sqlite-*"):
        raw += wal.read_bytes()
    for secret in (SECRET.encode(), b"who@example.org", b"who%40example.org"):
        assert secret not in raw
    # the same request without the secret and e-mail hits the same row
    plain = session.get(base + "esearch.fcgi", params={"db": "pubmed", "term": "biopython"})
    assert plain.from_cache is True


def test_cache_rule_for_phrase_not_found_answers(server: tuple[App, str], tmp_path: Path) -> None:
    """THE RULE AS IT STANDS (issue 11): an esearch answer with an ErrorList/PhraseNotFound
    note (here the real recorded esearch8.xml) is a complete answer (NCBI searched the rest)
    and is stored like any other, so a warm run asks nothing; real errors stay uncached."""
    app, base = server
    path = tmp_path / "cache.sqlite"
    session = make_session(path)
    _get(session, base, *GOOD[0])
    first = _get(session, base, "esearch.fcgi", "abcXYZ")
    assert first.status_code == 200 and b"<PhraseNotFound>abcXYZ" in first.content
    assert PHRASE_NOT_FOUND_CACHED is True
    assert set(_stored(session, path)) == {GOOD[0], ("esearch.fcgi", "abcXYZ")}
    assert _get(session, base, "esearch.fcgi", "abcXYZ").from_cache is True
    assert app.served.count(("esearch.fcgi", "abcXYZ")) == 1
