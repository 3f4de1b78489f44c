"""A hostile E-utilities server (tests/hostile_server.py, on 127.0.0.1): answers far over the
size limits, fields far over their limits, a server that hangs. Each is one request, a
one-line error naming it (exit 3), nothing stored (no lock, no outputs, no cache entry), and
a bounded time to fail. The memory figure facing a 200 MB answer is bench/bench_hostile.py."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

import pytest

from cli_process import pmid_project, sync
from hostile_server import HostileServer

CONFIG = """\
[project]
documents = ["paper.md"]

[outputs]
bibtex = "refs.bib"

[ncbi]
email = "test@example.org"
{extra}
"""


def _project(tmp_path: Path, extra: str = "") -> Path:
    return pmid_project(tmp_path, CONFIG.format(extra=extra))


def _sync(root: Path, server: HostileServer) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, REFKEEPER_EUTILS_URL=server.url)
    env["REFKEEPER_CACHE"] = str(root.parent / "cache" / "eutils.sqlite")
    env.pop("NCBI_API_KEY", None)
    return sync(root, env)


def _cached_answers(root: Path) -> int:
    cache = root.parent / "cache" / "eutils.sqlite"
    if not cache.exists():
        return 0
    with sqlite3.connect(cache) as db:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master")}
        return db.execute("SELECT count(*) FROM responses").fetchone()[0] if tables else 0


def _assert_refused(
    done: subprocess.CompletedProcess[str], root: Path, server: HostileServer, what: str
) -> None:
    assert done.returncode == 3, done.stderr
    assert done.stderr.count("\n") == 1, done.stderr  # one line, no traceback
    assert done.stderr.startswith(
        "Error: E-utilities efetch.fcgi answer for db=pubmed, id=8620427 is over a limit: "
    )
    assert what in done.stderr
    assert "; nothing stored, not retried" in done.stderr
    assert server.count("efetch.fcgi") == 1  # never retried
    assert not (root / "refkeeper.lock").exists()
    assert not (root / "refs.bib").exists()
    assert _cached_answers(root) == 0


def test_a_valid_answer_is_accepted(tmp_path: Path) -> None:
    root = _project(tmp_path)
    with HostileServer("seed") as server:
        done = _sync(root, server)
    assert done.returncode == 0, done.stderr
    assert "8620427" in (root / "refkeeper.lock").read_text()
    assert _cached_answers(root) == 1


@pytest.mark.parametrize("announce", [False, True], ids=["streamed", "content-length"])
def test_a_huge_valid_answer_is_refused_after_the_size_limit(
    tmp_path: Path, announce: bool
) -> None:
    root = _project(tmp_path, "max-answer-mb = 2")
    with HostileServer("huge_valid", size=20 * 2**20, announce=announce) as server:
        done = _sync(root, server)
    what = "announced 20 MB (limit 2 MB" if announce else "more than 2 MB (limit"
    _assert_refused(done, root, server, what)


def test_a_huge_invalid_answer_is_downloaded_once(tmp_path: Path) -> None:
    root = _project(tmp_path, "max-answer-mb = 2")
    with HostileServer("huge_invalid", size=20 * 2**20) as server:
        done = _sync(root, server)
    _assert_refused(done, root, server, "more than 2 MB")


@pytest.mark.parametrize(
    ("mode", "what"),
    [
        ("long_title", "a 1,050,000-character ArticleTitle (limit 5,000)"),
        ("many_authors", "30,005 authors in one record (limit 25,000)"),
    ],
)
def test_a_field_over_its_limit_is_refused(tmp_path: Path, mode: str, what: str) -> None:
    root = _project(tmp_path)
    with HostileServer(mode) as server:
        done = _sync(root, server)
    _assert_refused(done, root, server, what)


def test_a_hanging_server_fails_within_the_time_allowed(tmp_path: Path) -> None:
    root = _project(tmp_path, "give-up-after = 1.5")
    with HostileServer("hang", hang=5.0) as server:
        done = _sync(root, server)
        asked = server.count("efetch.fcgi")
    assert done.returncode == 3, done.stderr
    assert done.stderr.count("\n") == 1, done.stderr
    assert done.stderr.startswith("Error: E-utilities efetch.fcgi failed 1 times in a row")
    assert "(last: timed out after 1.5 s)" in done.stderr  # the attempt's timeout was cut
    assert "(limit 1.5 s per request: ncbi.give-up-after)" in done.stderr
    assert "for db=pubmed, id=8620427" in done.stderr
    assert asked == 1  # no retry after the time allowed ran out (the figure: bench_hostile)
    assert not (root / "refkeeper.lock").exists()


def test_limits_are_configurable_and_checked(tmp_path: Path) -> None:
    from refkeeper.config import parse_config
    from refkeeper.errors import ConfigError

    settings = parse_config(
        "[ncbi]\ngive-up-after = 90\nmax-answer-mb = 8.5\n", root=tmp_path, environ={}
    )
    assert (settings.give_up_after, settings.max_answer_mb) == (90.0, 8.5)
    assert (parse_config("", root=tmp_path, environ={}).give_up_after) == 60.0
    with pytest.raises(ConfigError, match=r"^refkeeper.toml:3: ncbi.give-up-after must be a"):
        parse_config("[ncbi]\n\ngive-up-after = 0\n", root=tmp_path, environ={})
    with pytest.raises(ConfigError, match=r"^refkeeper.toml:2: ncbi.max-answer-mb must be a num"):
        parse_config('[ncbi]\nmax-answer-mb = "big"\n', root=tmp_path, environ={})
