"""The Redis cache backend against a real redis-server (started here on a free port): a
server that is down, a URL of another scheme, a server killed in the middle of a sync, the
``fallback = "sqlite"`` setting, and two users (two HOMEs) sharing one Redis."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from hostile_server import HostileServer
from tools import require_tool

pytestmark = pytest.mark.tools

CONFIG = """\
[project]
documents = ["paper.md"]

[outputs]
bibtex = "refs.bib"

[ncbi]
email = "test@example.org"

[cache]
backend = "redis"
redis-url = "{url}"
{extra}
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Redis:
    def __init__(self, directory: Path) -> None:
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc = subprocess.Popen(
            [require_tool("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--dir", str(directory)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    self.kill()
                    pytest.fail(f"redis-server did not start on 127.0.0.1:{self.port}")
                time.sleep(0.05)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=10)

    def keys(self) -> list[bytes]:
        import redis

        return list(redis.Redis.from_url(self.url).keys("*"))


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[Redis]:
    server = Redis(tmp_path)
    try:
        yield server
    finally:
        server.kill()


def _project(home: Path, url: str, extra: str = "", doc: str = "") -> Path:
    root = home / "project"
    root.mkdir(parents=True)
    (root / "refkeeper.toml").write_text(CONFIG.format(url=url, extra=extra), encoding="utf-8")
    text = doc or "Leiomyosarcomas arise after transplantation [@pmid:8620427].\n"
    (root / "paper.md").write_text(text, encoding="utf-8")
    return root


def _env(home: Path, eutils: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REFKEEPER_", "XDG_"))}
    env.update(HOME=str(home), REFKEEPER_EUTILS_URL=eutils)
    env.pop("NCBI_API_KEY", None)
    return env


def _sync(root: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "refkeeper", "-C", str(root), "sync"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _run(root: Path, env: dict[str, str]) -> tuple[int, str]:
    proc = _sync(root, env)
    _, err = proc.communicate(timeout=120)
    return proc.returncode, err


def _local_answers(home: Path) -> int:
    cache = home / ".cache" / "refkeeper" / "eutils.sqlite"
    if not cache.exists():
        return 0
    with sqlite3.connect(cache) as db:
        return int(db.execute("SELECT count(*) FROM responses").fetchone()[0])


def test_a_server_that_is_down_is_a_one_line_error(tmp_path: Path) -> None:
    url = f"redis://127.0.0.1:{_free_port()}/0"
    root = _project(tmp_path, url)
    with HostileServer("seed") as eutils:
        code, err = _run(root, _env(tmp_path, eutils.url))
    assert code == 3
    assert err.count("\n") == 1, err
    assert err.startswith(f"Error: the Redis cache at {url} cannot be reached (")
    assert not (root / "refkeeper.lock").exists()


def test_a_url_of_another_scheme_is_a_one_line_error_naming_the_line(tmp_path: Path) -> None:
    root = _project(tmp_path, "http://127.0.0.1:6379/0")
    code, err = _run(root, _env(tmp_path, "http://127.0.0.1:9/"))
    assert code == 2
    assert err == (
        f"Error: {root / 'refkeeper.toml'}:12: cache.redis-url must be a redis://, rediss:// "
        "or unix:// URL, not 'http://127.0.0.1:6379/0'\n"
    )


def test_fallback_uses_the_local_cache_with_one_warning(tmp_path: Path) -> None:
    url = f"redis://127.0.0.1:{_free_port()}/0"
    root = _project(tmp_path, url, 'fallback = "sqlite"')
    with HostileServer("seed") as eutils:
        code, err = _run(root, _env(tmp_path, eutils.url))
    assert code == 0, err
    assert err.count("\n") == 1 and err.startswith(f"warning: the Redis cache at {url} cannot")
    assert "8620427" in (root / "refkeeper.lock").read_text()
    assert _local_answers(tmp_path) == 1


def _killed_mid_sync(tmp_path: Path, redis_server: Redis, extra: str) -> tuple[int, str, Path]:
    """A sync whose answer arrives after the Redis server was killed (it was up at start)."""
    root = _project(tmp_path, redis_server.url, extra)
    with HostileServer("hang", hang=1.5) as eutils:
        eutils.mode = "seed"
        proc = _sync(root, _env(tmp_path, eutils.url))
        deadline = time.monotonic() + 60
        while not eutils.requests and time.monotonic() < deadline:
            time.sleep(0.02)
        assert eutils.requests, "the sync asked the server"
        redis_server.kill()  # the sync is waiting for its answer
        _, err = proc.communicate(timeout=120)
    return proc.returncode, err, root


def test_redis_killed_mid_sync_is_a_one_line_error(tmp_path: Path, redis_server: Redis) -> None:
    code, err, root = _killed_mid_sync(tmp_path, redis_server, "")
    assert code == 3, err
    assert err.count("\n") == 1, err
    assert err.startswith(f"Error: the Redis cache at {redis_server.url} stopped answering (")
    assert not (root / "refkeeper.lock").exists()


def test_redis_killed_mid_sync_with_fallback_finishes_on_the_local_cache(
    tmp_path: Path, redis_server: Redis
) -> None:
    code, err, root = _killed_mid_sync(tmp_path, redis_server, 'fallback = "sqlite"')
    assert code == 0, err
    assert err.count("\n") == 1 and "using the local cache" in err
    assert "8620427" in (root / "refkeeper.lock").read_text()
    assert _local_answers(tmp_path) == 1  # nothing lost: the answer is kept locally


@pytest.mark.filterwarnings("ignore:Call to deprecated setex:DeprecationWarning")
def test_two_users_on_one_redis_share_answers(tmp_path: Path, redis_server: Redis) -> None:
    """Two HOMEs (two users, two local cache paths), one E-utilities base URL: the second
    user's sync is served from the first one's answers, without a request."""
    with HostileServer("seed") as eutils:
        alice, bob = tmp_path / "alice", tmp_path / "bob"
        assert _run(_project(alice, redis_server.url), _env(alice, eutils.url))[0] == 0
        asked = len(eutils.requests)
        assert asked == 1 and redis_server.keys()
        code, err = _run(_project(bob, redis_server.url), _env(bob, eutils.url))
        assert code == 0, err
        assert len(eutils.requests) == asked  # bob sent nothing
    assert "8620427" in (bob / "project" / "refkeeper.lock").read_text()
    assert not (alice / ".cache" / "refkeeper" / "eutils.sqlite").exists()


def test_namespace_is_the_base_url_not_a_local_path() -> None:
    from refkeeper.resolve.client import DEFAULT_BASE_URL
    from refkeeper.resolve.session import shared_namespace

    scheme, _, rest = DEFAULT_BASE_URL.partition("://")
    host, _, path = rest.partition("/")
    a = shared_namespace(f"{scheme}://{host.upper()}/{path.rstrip('/')}")
    assert a == shared_namespace(DEFAULT_BASE_URL)
    assert a == f"refkeeper:{DEFAULT_BASE_URL}"
    assert shared_namespace("http://mirror.lan/eutils/") != a


