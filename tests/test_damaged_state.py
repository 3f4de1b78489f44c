"""Damaged local state: a damaged cache is set aside (renamed with a timestamp) with a one-line
warning and rebuilt; a damaged lock is a one-line error naming the file (exit 2) and is never
overwritten. Real files, real subprocesses (the warnings are checked on the real stderr)."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import pytest

from cli_process import sync
from conftest import EXAMPLE
from refkeeper.errors import LockError
from refkeeper.library import dumps_lock, loads_lock

GARBAGE = bytes(range(256)) * 40


def _project(tmp_path: Path, *, lock: bool) -> Path:
    root = tmp_path / "example"
    ignore = ["refkeeper-out", ".refkeeper*"] + ([] if lock else ["refkeeper.lock"])
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(*ignore))
    return root


def _env(tmp_path: Path, url: str = "http://127.0.0.1:9/entrez/eutils/") -> dict[str, str]:
    env = dict(os.environ, REFKEEPER_CACHE=str(tmp_path / "cache" / "eutils.sqlite"))
    env["REFKEEPER_EUTILS_URL"] = url
    env["NCBI_EMAIL"] = "test@example.org"
    env.pop("NCBI_API_KEY", None)
    return env


def _aside(directory: Path, name: str) -> list[Path]:
    return sorted(directory.glob(f"{name}.damaged-*[0-9Z]"))


def _assert_rebuilt(stderr: str, cache: Path, original: bytes, what: str) -> None:
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith(f"warning: the {what} {cache} was damaged (")
    (aside,) = _aside(cache.parent, cache.name)
    assert aside.read_bytes() == original  # set aside, not deleted
    assert aside.name in lines[0]
    with sqlite3.connect(cache) as db:  # rebuilt: a sound database again
        assert db.execute("PRAGMA quick_check").fetchone() == ("ok",)


def test_response_cache_that_is_not_a_database_is_set_aside_and_rebuilt(
    tmp_path: Path, fake_eutils: Any
) -> None:
    root = _project(tmp_path, lock=False)
    env = _env(tmp_path, fake_eutils.url)
    cache = Path(env["REFKEEPER_CACHE"])
    cache.parent.mkdir()
    cache.write_bytes(GARBAGE)
    done = sync(root, env)
    assert done.returncode == 0, done.stderr
    _assert_rebuilt(done.stderr, cache, GARBAGE, "response cache")
    assert "bonatti2005successful" in (root / "refkeeper.lock").read_text()
    with sqlite3.connect(cache) as db:
        assert db.execute("SELECT count(*) FROM responses").fetchone()[0] > 0


def test_response_cache_with_a_malformed_image_is_set_aside(
    tmp_path: Path, fake_eutils: Any
) -> None:
    root = _project(tmp_path, lock=False)
    env = _env(tmp_path, fake_eutils.url)
    assert sync(root, env).returncode == 0
    cache = Path(env["REFKEEPER_CACHE"])
    with sqlite3.connect(cache) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(cache.read_bytes())
    assert len(data) > 8192
    data[4096:8192] = GARBAGE[:4096]  # the second page: a btree page of the responses
    cache.write_bytes(bytes(data))
    (root / "refkeeper.lock").unlink()
    done = sync(root, env)
    assert done.returncode == 0, done.stderr
    _assert_rebuilt(done.stderr, cache, bytes(data), "response cache")


def test_formatted_entry_cache_that_is_damaged_is_set_aside(tmp_path: Path) -> None:
    root = _project(tmp_path, lock=True)
    env = _env(tmp_path)
    cache = Path(env["REFKEEPER_CACHE"]).parent / "bibliography.sqlite"
    cache.parent.mkdir()
    cache.write_bytes(GARBAGE)
    done = sync(root, env, "--offline")
    assert done.returncode == 0, done.stderr
    _assert_rebuilt(done.stderr, cache, GARBAGE, "formatted-entry cache")
    assert "Timmons CF" in (root / "refkeeper-out" / "bibliography.md").read_text()


def _damaged_lock_run(tmp_path: Path, damage: str) -> tuple[subprocess.CompletedProcess[str], Path]:
    root = _project(tmp_path, lock=True)
    (root / "refkeeper.lock").write_text(damage, encoding="utf-8")
    return sync(root, _env(tmp_path), "--offline"), root


def test_deeply_nested_lock_is_a_one_line_error_and_kept(tmp_path: Path) -> None:
    damage = '{"refkeeper-lock": 1, "works": {"a": ' + "[" * 200_000 + "]" * 200_000 + "}}"
    done, root = _damaged_lock_run(tmp_path, damage)
    lock = root / "refkeeper.lock"
    assert done.returncode == 2
    assert done.stderr == f"Error: {lock}: corrupt lock file: nested too deeply\n"
    assert lock.read_text(encoding="utf-8") == damage  # never overwritten
    assert not (root / "refkeeper-out").exists()


def test_lock_that_is_a_directory_is_a_one_line_error(tmp_path: Path) -> None:
    root = _project(tmp_path, lock=False)
    lock = root / "refkeeper.lock"
    lock.mkdir()
    (lock / "keep").write_text("x")
    done = sync(root, _env(tmp_path), "--offline")
    assert done.returncode == 2
    assert done.stderr == f"Error: {lock}: is a directory, not a lock file (move it away)\n"
    assert (lock / "keep").read_text() == "x"


EXAMPLE_LOCK = (EXAMPLE / "refkeeper.lock").read_text(encoding="utf-8")


def _with_work_value(variable: str, value: object) -> tuple[str, int]:
    """The example lock with ``variable`` of Timmons' work set to ``value``; its line."""
    data = json.loads(EXAMPLE_LOCK)
    data["works"]["timmons1995epstein"]["resolution"]["work"]["csl"][variable] = value
    text = dumps_lock(loads_lock(EXAMPLE_LOCK))  # same layout as a real lock
    lines = text.splitlines()
    entry = next(i for i, s in enumerate(lines) if s.startswith('    "timmons1995epstein"'))
    csl = next(i for i in range(entry, len(lines)) if lines[i].strip().startswith('"csl"'))
    at = next(i for i in range(csl, len(lines)) if lines[i].strip().startswith(f'"{variable}"'))
    indent = lines[at][: len(lines[at]) - len(lines[at].lstrip())]
    lines[at] = f"{indent}{json.dumps(variable)}: {json.dumps(value)},"
    if not lines[at + 1].strip().startswith('"') and lines[at + 1].strip() in ("}", "},"):
        lines[at] = lines[at].rstrip(",")
    # multi-line values (issued) are replaced whole
    end = at + 1
    if lines[at + 1].startswith(indent + "  "):
        end = next(i for i in range(at + 1, len(lines)) if not lines[i].startswith(indent + " "))
        end += 1
    damaged = "\n".join(lines[: at + 1] + lines[end:]) + "\n"
    assert (
        json.loads(damaged)["works"]["timmons1995epstein"]["resolution"]["work"]["csl"][variable]
        == data["works"]["timmons1995epstein"]["resolution"]["work"]["csl"][variable]
    )
    return damaged, at + 1


@pytest.mark.parametrize(
    ("variable", "value", "problem"),
    [
        ("author", 5, "author must be a list of names, not 5"),
        ("title", {}, "title must be text or a number, not {}"),
        ("issued", "garbage", 'issued must be a date object with date-parts, not "garbage"'),
    ],
)
def test_wrong_typed_lock_values_are_errors_naming_the_line(
    variable: str, value: object, problem: str
) -> None:
    text, line = _with_work_value(variable, value)
    with pytest.raises(LockError) as info:
        loads_lock(text, "refkeeper.lock")
    assert str(info.value) == f"refkeeper.lock:{line}: entry 'timmons1995epstein': {problem}"


def test_wrong_typed_lock_is_not_exported(tmp_path: Path) -> None:
    text, line = _with_work_value("author", 5)
    done, root = _damaged_lock_run(tmp_path, text)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and f"refkeeper.lock:{line}: " in done.stderr
    assert (root / "refkeeper.lock").read_text(encoding="utf-8") == text
    assert not (root / "refkeeper-out").exists()
