"""The API key in transit: only over https or to a host the configuration trusts, and then in
a POST body, never in a URL; otherwise held back with one warning. Checked on the wire of a
local server (tests/hostile_server.py) that records every request."""

from __future__ import annotations

import logging
import os
import subprocess
from pathlib import Path

import pytest
import requests

from cli_process import pmid_project, sync
from hostile_server import HostileServer
from refkeeper.resolve import EntrezClient, RateLimiter, make_session
from refkeeper.resolve import client as client_module
from refkeeper.resolve.client import DEFAULT_BASE_URL, key_may_go_to

KEY = "sekrit-api-key-0123456789"
CONFIG = (
    '[project]\ndocuments = ["paper.md"]\n\n[outputs]\nbibtex = "refs.bib"\n\n[ncbi]\n{extra}\n'
)


def _sync(
    tmp_path: Path, server: HostileServer, extra: str = ""
) -> subprocess.CompletedProcess[str]:
    root = pmid_project(tmp_path, CONFIG.format(extra=extra))
    env = dict(os.environ, REFKEEPER_EUTILS_URL=server.url, NCBI_API_KEY=KEY)
    env["NCBI_EMAIL"] = "test@example.org"
    env["REFKEEPER_CACHE"] = str(tmp_path / "cache" / "eutils.sqlite")
    env.pop("REFKEEPER_TRUSTED_HOSTS", None)
    return sync(root, env)


def test_key_is_held_back_from_a_plain_http_host_with_one_warning(tmp_path: Path) -> None:
    with HostileServer("seed") as server:
        done = _sync(tmp_path, server)
    assert done.returncode == 0, done.stderr
    assert server.requests, "the sync reached the server"
    for seen in server.requests:
        assert "api_key" not in seen.query and "api_key" not in seen.body
    assert done.stderr == (
        f"warning: NCBI_API_KEY is not sent to {server.url} (plain http to a host not in "
        "[ncbi] trusted-hosts); requests go without it, at 3 per second\n"
    )


def test_key_goes_to_a_trusted_host_in_the_post_body_only(tmp_path: Path) -> None:
    with HostileServer("seed") as server:
        done = _sync(tmp_path, server, 'trusted-hosts = ["127.0.0.1"]')
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert server.requests
    for seen in server.requests:
        assert seen.method == "POST"
        assert seen.body["api_key"] == [KEY]
        assert "api_key" not in seen.query


def test_the_warning_is_given_once_per_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(client_module, "_warned_key_held", False)
    with HostileServer("seed") as server, caplog.at_level(logging.WARNING):
        client = EntrezClient(
            requests.Session(),  # no cache: three requests on the wire
            base_url=server.url,
            api_key=KEY,
            email="test@example.org",
            limiter=RateLimiter(sleep=lambda s: None),
        )
        for _ in range(3):
            assert [w.pmid for w in client.fetch_pubmed(["8620427"])] == ["8620427"]
        assert len(server.requests) == 3
    warnings = [r for r in caplog.records if "NCBI_API_KEY" in r.getMessage()]
    assert len(warnings) == 1
    assert client.interval == client_module.INTERVAL_NO_KEY  # the server never sees a key


def test_a_keyed_post_and_a_keyless_get_share_one_cache_entry(tmp_path: Path) -> None:
    with HostileServer("seed") as server:
        keyed = EntrezClient(
            make_session(tmp_path / "cache.sqlite"),
            base_url=server.url,
            api_key=KEY,
            email="a@example.org",
            trusted_hosts=["127.0.0.1"],
            limiter=RateLimiter(sleep=lambda s: None),
        )
        keyed.fetch_pubmed(["8620427"])
        keyless = EntrezClient(
            make_session(tmp_path / "cache.sqlite"), base_url=server.url, offline=True
        )
        assert [w.pmid for w in keyless.fetch_pubmed(["8620427"])] == ["8620427"]
        assert [s.method for s in server.requests] == ["POST"]
    assert KEY.encode() not in (tmp_path / "cache.sqlite").read_bytes()


@pytest.mark.parametrize(
    ("url", "trusted", "allowed"),
    [
        (DEFAULT_BASE_URL, (), True),
        ("https://mirror.example.org/eutils/", (), True),
        (DEFAULT_BASE_URL.replace("https://", "http://"), (), False),
        ("http://127.0.0.1:8080/eutils/", (), False),
        ("http://127.0.0.1:8080/eutils/", ("127.0.0.1",), True),
        ("http://Mirror.Internal/eutils/", ("mirror.internal",), True),
        ("http://evil.example/eutils/", ("mirror.internal",), False),
    ],
)
def test_key_may_go_only_over_https_or_to_a_trusted_host(
    url: str, trusted: tuple[str, ...], allowed: bool
) -> None:
    assert key_may_go_to(url, trusted) is allowed
