"""The cached session's pure rules in detail: which answers are valid (each kind of problem
named), size limits, cache keys without secrets, settings, Redis URLs and namespaces (the
Redis server itself is exercised in test_redis_cache.py)."""

from __future__ import annotations

import logging
import socket
from pathlib import Path

import pytest
import requests

from refkeeper.errors import CacheUnreachable, ConfigError
from refkeeper.resolve import session as s
from refkeeper.resolve.client import DEFAULT_BASE_URL
from refkeeper.resolve.session import response_problem

BASE = "http://127.0.0.1:8/entrez/eutils/"
RECORDED = Path(__file__).resolve().parents[2] / "shared" / "ncbi-samples" / "recorded"


def problem(utility: str, body: bytes, **kw: object) -> str | None:
    return response_problem(BASE + utility, 200, "text/xml", body, **kw)  # type: ignore[arg-type]


def test_utility_of_a_url() -> None:
    assert s._utility(BASE + "efetch.fcgi?db=pubmed&id=1") == "efetch.fcgi"
    assert s._utility("http://h/x/idconv/v1.0/") == "v1.0"


def test_html_and_empty_answers() -> None:
    assert problem("efetch.fcgi", b" \n ") == "empty answer"
    html = "an HTML page instead of an E-utilities answer"
    assert problem("efetch.fcgi", b"<!DOCTYPE HTML><p>x</p>") == html
    assert problem("efetch.fcgi", b"  <HTML><body>x</body></HTML>") == html
    assert problem("efetch.fcgi", b"<?xml version='1.0'?><html><body/></html>") == html
    assert problem("efetch.fcgi", b"<x>" + b" " * 600 + b"<html></html></x>") is None
    assert response_problem(BASE + "efetch.fcgi", 429, "text/xml", b"<x/>") == "HTTP 429"


def test_json_answers() -> None:
    url = BASE + "esummary.fcgi"
    assert response_problem(url, 200, "text/plain", b'[{"a": 1}]') is None
    assert response_problem(url, 200, "text/plain", b'{"ERROR": "Invalid uid"}') == (
        "error in answer: Invalid uid"
    )
    assert response_problem(url, 200, "Application/JSON", b"{oops") == (
        "malformed or truncated JSON"
    )
    assert response_problem(url, 200, "application/json", b"[1, 2]") is None


def test_error_elements() -> None:
    assert problem("esearch.fcgi", b"<ERROR>  bad  </ERROR>") == "<ERROR> bad"
    assert problem("esearch.fcgi", b"<ERROR/>") == "<ERROR> "
    nested = (
        b"<eSummaryResult><DocSum/><x><ERROR>one</ERROR></x><ERROR>two</ERROR></eSummaryResult>"
    )
    assert problem("esummary.fcgi", nested) == "<ERROR> one"
    assert problem("efetch.fcgi", b"<a><b/>") is not None
    assert str(problem("efetch.fcgi", b"<a><b/>")).startswith("malformed or truncated XML (")


SEARCH_NOTE = (
    b"<eSearchResult><Count>0</Count><IdList/><ErrorList><PhraseNotFound>zzq</PhraseNotFound>"
    b"<FieldNotFound>xx</FieldNotFound></ErrorList></eSearchResult>"
)


def test_error_lists_notes_and_real_errors() -> None:
    assert problem("esearch.fcgi", SEARCH_NOTE) == (
        "ErrorList in answer (PhraseNotFound: zzq; FieldNotFound: xx)"
    )
    assert problem("esearch.fcgi", SEARCH_NOTE, partial_ok=True) is None
    assert (
        problem("esearch.fcgi", (RECORDED / "esearch8.xml").read_bytes(), partial_ok=True) is None
    )
    other = SEARCH_NOTE.replace(b"FieldNotFound", b"SomethingElse")
    assert problem("esearch.fcgi", other, partial_ok=True) == (
        "ErrorList in answer (PhraseNotFound: zzq; SomethingElse: xx)"
    )
    for missing in (b"<Count>0</Count>", b"<IdList/>"):
        incomplete = SEARCH_NOTE.replace(missing, b"")
        assert problem("esearch.fcgi", incomplete, partial_ok=True) is not None
    not_search = SEARCH_NOTE.replace(b"eSearchResult", b"eSummaryResult")
    assert problem("esummary.fcgi", not_search, partial_ok=True) is not None


def _response(url: str, status: int, body: bytes, reason: str = "OK") -> requests.Response:
    response = requests.Response()
    response.url = url
    response.status_code = status
    response.reason = reason
    response._content = body
    response.headers["Content-Type"] = "text/xml"
    return response


def test_is_cacheable() -> None:
    assert s.is_cacheable(_response(BASE + "esearch.fcgi?term=x", 200, SEARCH_NOTE)) is True
    # the same notes in another utility's answer: not a search, not cacheable
    assert s.is_cacheable(_response(BASE + "esummary.fcgi?id=1", 200, SEARCH_NOTE)) is False
    assert s.is_cacheable(_response(BASE + "efetch.fcgi", 504, b"", "Not Cached")) is True
    assert s.is_cacheable(_response(BASE + "efetch.fcgi", 504, b"", "Gateway Timeout")) is False
    assert s.is_cacheable(_response(BASE + "efetch.fcgi", 200, b"<ERROR>x</ERROR>")) is False
    empty = _response(BASE + "efetch.fcgi", 200, b"")
    empty._content = None
    assert s.is_cacheable(empty) is False


def test_ecitmatch_answers() -> None:
    url = BASE + "ecitmatch.cgi"
    line = b"cancer|1995|76|1481|timmons cf|k1|8620427"
    assert response_problem(url, 200, "text/plain", line + b"\n\n" + line + b"\n") is None
    assert response_problem(url, 200, "text/plain", b"\xff\xfe") == (
        "ECitMatch answer is not UTF-8 text"
    )
    assert response_problem(url, 200, "text/plain", b"\n \n") == "empty answer"
    assert s._ecitmatch_problem(b"\n \n") == "empty ECitMatch answer"
    short = b"cancer|1995|76|1481|k1|"
    assert response_problem(url, 200, "text/plain", line + b"\n" + short) == (
        f"not an ECitMatch citation line: {short.decode()!r}"
    )
    assert s._ecitmatch_problem(b"  <x>|||||||</x>") is not None
    long_line = "<" + "x" * 200
    assert s._ecitmatch_problem(long_line.encode()) == (
        f"not an ECitMatch citation line: {long_line[:80]!r}"
    )
    assert s._ecitmatch_problem(b"a|b|c|d|e|f|") is None  # six bars: a line NCBI echoes


def test_record_counts_are_limited_before_parsing() -> None:
    fetch_limit, other_limit = s.MAX_RECORDS_PER_FETCH, s.MAX_RECORDS_PER_ANSWER
    body = b"<PubmedArticleSet>" + b"<PubmedArticle>x</PubmedArticle>" * fetch_limit
    assert s.too_many_records("efetch.fcgi", body) is None
    more = body + b"<PubmedBookArticle>y</PubmedBookArticle>"
    assert s.too_many_records("efetch.fcgi", more) == (
        f"{fetch_limit + 1:,} records in one answer (limit {fetch_limit:,})"
    )
    assert s.too_many_records("efetch.fcgi", b'<PubmedArticle a="1">' * (fetch_limit + 1))
    assert s.too_many_records("esearch.fcgi", more) is None  # other utilities count ids
    ids = b"<Id>1</Id>" * (other_limit + 1)
    assert s.too_many_records("esearch.fcgi", ids) == (
        f"{other_limit + 1:,} records in one answer (limit {other_limit:,})"
    )
    assert s.too_many_records("esummary.fcgi", b"<DocSum>" * (other_limit + 1))
    assert s.too_many_records("efetch.fcgi", ids) is None
    problem_text = problem("efetch.fcgi", more + b"</PubmedArticleSet>")
    assert problem_text == s.OVER_LIMIT + str(s.too_many_records("efetch.fcgi", more))


def test_field_limits_of_a_parsed_answer() -> None:
    title = s.MAX_TITLE_CHARS
    ok = f"<A><ArticleTitle>{'t' * title}</ArticleTitle></A>".encode()
    assert problem("efetch.fcgi", ok) is None
    for tag in ("ArticleTitle", "VernacularTitle", "BookTitle", "TitleMain"):
        big = f"<A><{tag}>{'t' * (title - 1)}<i>tt</i></{tag}></A>".encode()
        assert problem("efetch.fcgi", big) == (
            f"over a limit: a {title + 1:,}-character {tag} (limit {title:,})"
        )
    size = s.MAX_ABSTRACT_CHARS
    for tag in ("Abstract", "OtherAbstract"):
        assert problem("efetch.fcgi", f"<A><{tag}>{'a' * size}</{tag}></A>".encode()) is None
        big = f"<A><{tag}><p>{'a' * size}</p>b</{tag}></A>".encode()
        assert problem("efetch.fcgi", big) == (
            f"over a limit: a {size + 1:,}-character abstract (limit {size:,})"
        )
    authors = s.MAX_AUTHORS
    many = b"<A><AuthorList>" + b"<Author/>" * authors + b"</AuthorList></A>"
    assert problem("efetch.fcgi", many) is None
    many = many.replace(b"</AuthorList>", b"<Author/></AuthorList>")
    assert problem("efetch.fcgi", many) == (
        f"over a limit: {authors + 1:,} authors in one record (limit {authors:,})"
    )


def _prepared(
    method: str, url: str, data: dict[str, str] | None = None
) -> requests.PreparedRequest:
    return requests.Request(method, url, data=data).prepare()


def test_cache_keys_leave_secrets_out_and_join_get_and_post() -> None:
    get = _prepared("GET", BASE + "efetch.fcgi?db=pubmed&id=1&api_key=K&email=e&tool=t")
    plain = _prepared("GET", BASE + "efetch.fcgi?db=pubmed&id=1")
    post = _prepared(
        "POST", BASE + "efetch.fcgi", {"db": "pubmed", "id": "1", "api_key": "K2", "tool": "x"}
    )
    mixed = _prepared("POST", BASE + "efetch.fcgi?db=pubmed", {"id": "1", "email": "e"})
    keys = {s.cache_key(r) for r in (get, plain, post, mixed)}
    assert len(keys) == 1
    other = _prepared("GET", BASE + "efetch.fcgi?db=pubmed&id=2")
    assert s.cache_key(other) not in keys
    assert s._strip_params("a=1&api_key=x&b=&tool=t&email=e") == "a=1&b="
    # a body that is not a form is left alone
    raw = requests.Request("POST", BASE + "efetch.fcgi", data=b"id=1").prepare()
    raw.headers["Content-Type"] = "application/octet-stream"
    assert s.cache_key(raw) != s.cache_key(post)
    assert post.body is not None and "api_key" in str(post.body)  # the request is not changed


def test_session_settings(tmp_path: Path) -> None:
    session = s.make_session(tmp_path / "c.sqlite")
    settings = session.settings
    assert settings.allowable_codes == (200,)
    assert set(settings.allowable_methods) == {"GET", "POST"}
    assert settings.key_fn is s.cache_key and settings.filter_fn is s.is_cacheable
    assert settings.stale_if_error is False and settings.cache_control is False
    assert settings.match_headers is False
    assert settings.expire_after == s.SEARCH_EXPIRY
    assert settings.urls_expire_after == s.URLS_EXPIRE_AFTER
    assert session.headers["User-Agent"].startswith("refkeeper")
    assert (tmp_path / "c.sqlite").exists()
    memory = s.make_session()
    assert type(memory.cache).__name__ == "BaseCache"
    assert type(s.make_session(tmp_path / "x", backend="memory").cache).__name__ == "BaseCache"
    assert not (tmp_path / "x").exists()
    with pytest.raises(ConfigError, match="invalid cache backend 'disk': choose from sqlite, "):
        s.make_session(backend="disk")


def test_namespace_and_redis_urls(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REFKEEPER_EUTILS_URL", raising=False)
    assert s.shared_namespace() == f"refkeeper:{DEFAULT_BASE_URL}"
    assert s.shared_namespace(" HTTP://Host:8/E ") == "refkeeper:http://host:8/E/"
    monkeypatch.setenv("REFKEEPER_EUTILS_URL", "http://h/x/")
    assert s.shared_namespace() == "refkeeper:http://h/x/"
    for good in ("redis://h:6379/0", "REDISS://h", "unix:///tmp/r.sock"):
        assert s.redis_url_problem(good) is None
    assert s.redis_url_problem("http://h") == (
        "must be a redis://, rediss:// or unix:// URL, not 'http://h'"
    )
    assert s._redacted("redis://user:pw@h:1/0") == "redis://user:***@h:1/0"
    assert s._redacted("redis://:pw@h:1/0") == "redis://:***@h:1/0"
    assert s._redacted("redis://h:1/0") == "redis://h:1/0"
    assert s._reason(ValueError("a\n  b")) == "a b"
    assert s._reason(ValueError("")) == "ValueError"
    assert s._reason(ValueError("x" * 300)) == "x" * 160


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_redis_that_cannot_be_reached(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    url = f"redis://:secret@127.0.0.1:{_closed_port()}/0"
    with pytest.raises(CacheUnreachable) as info:
        s.make_session(tmp_path / "c.sqlite", backend="redis", redis_url=url)
    text = str(info.value)
    assert text.startswith(f"the Redis cache at {s._redacted(url)} cannot be reached (")
    assert "secret" not in text and 'fallback = "sqlite"' in text
    with caplog.at_level(logging.WARNING):
        session = s.make_session(
            tmp_path / "c.sqlite", backend="redis", redis_url=url, fallback="sqlite"
        )
    assert type(session.cache).__name__ == "SQLiteCache"
    [record] = [r for r in caplog.records if "Redis" in r.getMessage()]
    message = record.getMessage()
    assert message.startswith(f"warning: the Redis cache at {s._redacted(url)} cannot be used (")
    assert message.endswith(f"using the local cache {tmp_path / 'c.sqlite'}")
    with pytest.raises(CacheUnreachable):  # a fallback needs a local path
        s.make_session(None, backend="redis", redis_url=url, fallback="sqlite")


def test_redis_configuration_errors() -> None:
    with pytest.raises(ConfigError, match=r"needs a redis URL \(redis://host:port/db\)"):
        s.make_session(backend="redis")
    with pytest.raises(ConfigError, match="cache.redis-url must be a redis://"):
        s.make_session(backend="redis", redis_url="http://h")
    with pytest.raises(ConfigError, match="cache.redis-url is not a usable Redis URL"):
        s.make_session(backend="redis", redis_url="redis://h:notaport/0")


def test_form_bodies_as_bytes_and_non_form_bodies() -> None:
    plain = _prepared("GET", BASE + "efetch.fcgi?db=pubmed&id=1")
    form = requests.Request("POST", BASE + "efetch.fcgi", data=b"db=pubmed&id=1&api_key=K")
    as_bytes = form.prepare()
    as_bytes.headers["Content-Type"] = "application/x-www-form-urlencoded"
    assert isinstance(as_bytes.body, bytes)
    assert s.cache_key(as_bytes) == s.cache_key(plain)
    octets = requests.Request("POST", BASE + "efetch.fcgi", data=b"db=pubmed&id=1").prepare()
    octets.headers["Content-Type"] = "application/octet-stream"
    assert s.cache_key(octets) != s.cache_key(plain)  # not a form: not the GET's entry


def test_the_sqlite_cache_file(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    import sqlite3

    path = tmp_path / "deep" / "er" / "c.sqlite"
    session = s.make_session(path)
    session.cache.responses["k"] = b"x"  # type: ignore[attr-defined]
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close()
    damaged = tmp_path / "damaged.sqlite"
    damaged.write_text("not a database " * 100)
    with caplog.at_level(logging.WARNING, logger="refkeeper.cache"):
        s.make_session(damaged)
    assert any(
        r.getMessage().startswith(f"warning: the response cache {damaged} was damaged")
        for r in caplog.records
    )


def test_redaction_keeps_the_host_after_the_last_at() -> None:
    assert s._redacted("redis://u:p@ss@h:1/0") == "redis://u:***@h:1/0"


def test_the_fallback_warning_gives_the_reason(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        s._warn_fallback("redis://h", ValueError("refused  now"), tmp_path / "c.sqlite")
    [record] = caplog.records
    assert record.getMessage() == (
        f"warning: the Redis cache at redis://h cannot be used (refused now); "
        f"using the local cache {tmp_path / 'c.sqlite'}"
    )


def test_backoff_follows_retry_after_in_seconds_or_as_a_date_and_is_capped() -> None:
    from datetime import UTC, datetime, timedelta
    from email.utils import format_datetime

    assert s.backoff_delay(0, None, 30.0) == 0.5
    assert s.backoff_delay(3, "", 30.0) == 4.0
    assert s.backoff_delay(10, None, 30.0) == 30.0
    assert s.backoff_delay(0, " 7 ", 30.0) == 7.0
    assert s.backoff_delay(0, "120", 30.0) == 30.0
    in_20s = format_datetime(datetime.now(UTC) + timedelta(seconds=20), usegmt=True)
    assert 15.0 < s.backoff_delay(0, in_20s, 30.0) <= 20.0
    assert s.backoff_delay(2, "soon", 30.0) == 2.0


def test_a_request_that_kept_failing_says_whether_the_server_was_reached() -> None:
    from refkeeper.errors import NetworkError, ResponseError

    down = s.failed_request_error("doi.org", "ConnectTimeout", "10.1/x")
    assert isinstance(down, NetworkError)
    assert str(down) == "doi.org could not be reached for 10.1/x (last: ConnectTimeout)"
    wrong = s.failed_request_error("Crossref", "HTTP 503")
    assert isinstance(wrong, ResponseError)
    assert str(wrong) == "Crossref kept failing (last: HTTP 503)"
