"""refkeeper.fsutil beyond the atomic-write contract (tests/test_atomic_writes.py): the temp
file's name and clean-up, and the disposable SQLite caches (checked, set aside, rebuilt)."""

from __future__ import annotations

import logging
import os
import re
import sqlite3
import stat
from datetime import datetime, tzinfo
from pathlib import Path

import pytest

from refkeeper import fsutil
from refkeeper.errors import InputError


class Interrupted(Exception):
    pass


def test_the_temp_file_is_hidden_beside_the_target(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A temp file left by a crash is recognisable: ``.<name>.<random>.tmp`` in the same folder."""
    seen: list[str] = []
    real = os.replace

    def watch(src: str, dst: str) -> None:
        seen.append(Path(src).name)
        real(src, dst)

    monkeypatch.setattr(fsutil.os, "replace", watch)
    fsutil.atomic_write_text(tmp_path / "refs.bib", "x\n")
    assert len(seen) == 1 and re.fullmatch(r"\.refs\.bib\.[^/]+\.tmp", seen[0]), seen


def test_umask_zero_gives_a_world_writable_file(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        fsutil.atomic_write_text(tmp_path / "f", "x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "f").stat().st_mode) == 0o666
    assert os.umask(old) == old  # the process umask was restored


def test_a_mode_that_cannot_be_copied_does_not_stop_the_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "f"
    fsutil.atomic_write_text(path, "old")

    def refuse(*args: object) -> None:
        raise PermissionError("not allowed")

    monkeypatch.setattr(fsutil.os, "chmod", refuse)
    assert fsutil.atomic_write_text(path, "new") is True
    assert path.read_text() == "new"


def test_the_first_failure_is_the_one_raised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the rename fails and removing the temp file fails too, the caller sees the rename's
    failure, not the clean-up's."""

    def broken_replace(src: str, dst: str) -> None:
        raise Interrupted("rename")

    def broken_unlink(path: str) -> None:
        raise OSError("unlink")

    monkeypatch.setattr(fsutil.os, "replace", broken_replace)
    monkeypatch.setattr(fsutil.os, "unlink", broken_unlink)
    with pytest.raises(Interrupted, match="rename"):
        fsutil.atomic_write_text(tmp_path / "f", "x")


def test_unreadable_existing_file_is_simply_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "f"
    path.write_text("same")
    real = Path.read_bytes

    def refuse(self: Path) -> bytes:
        if self == path:
            raise PermissionError("no read")
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    assert fsutil.atomic_write_text(path, "same") is True


# --------------------------------------------------------------------------- SQLite caches


def _database(path: Path) -> None:
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE responses (key TEXT PRIMARY KEY, value BLOB)")
        db.execute("INSERT INTO responses VALUES ('k', x'00')")
    db.close()


def test_sound_absent_and_busy_databases_have_no_problem(tmp_path: Path) -> None:
    assert fsutil.sqlite_problem(tmp_path / "absent.sqlite") is None
    path = tmp_path / "c.sqlite"
    _database(path)
    assert fsutil.sqlite_problem(path) is None
    holder = sqlite3.connect(path)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        # another process holds it: sound, just busy (the short timeout keeps the test fast)
        original = sqlite3.connect

        def quick(*args: object, **kwargs: object) -> sqlite3.Connection:
            return original(str(args[0]), timeout=0.05)

        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(fsutil.sqlite3, "connect", quick)
            assert fsutil.sqlite_problem(path) is None
    finally:
        holder.rollback()
        holder.close()


def test_damaged_databases_are_named(tmp_path: Path) -> None:
    folder = tmp_path / "dir.sqlite"
    folder.mkdir()
    assert fsutil.sqlite_problem(folder) == "is a directory"
    text = tmp_path / "text.sqlite"
    text.write_text("this is not a database, only some text of some length " * 40)
    assert fsutil.sqlite_problem(text) == "file is not a database"
    dangling = tmp_path / "link.sqlite"
    dangling.symlink_to(tmp_path / "nowhere" / "x.sqlite")
    assert fsutil.sqlite_problem(dangling) is not None


def test_a_corrupt_page_is_found_by_the_quick_check(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA page_size=1024")
        db.execute("CREATE TABLE t (a TEXT)")
        db.executemany("INSERT INTO t VALUES (?)", [("x" * 500,) for _ in range(50)])
    db.close()
    data = bytearray(path.read_bytes())
    data[1024 * 2 : 1024 * 2 + 200] = b"\xff" * 200  # damage a page of the table
    path.write_bytes(bytes(data))
    problem = fsutil.sqlite_problem(path)
    assert problem is not None and problem != "" and "***" not in problem
    assert problem == " ".join(problem.split())


class _Frozen(datetime):
    @classmethod
    def now(cls, tz: tzinfo | None = None) -> _Frozen:
        return cls(2026, 12, 4, 23, 5, 9, tzinfo=tz)


def test_set_aside_moves_the_file_and_its_companions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fsutil, "datetime", _Frozen)
    path = tmp_path / "c.sqlite"
    path.write_bytes(b"main")
    for suffix in ("-wal", "-shm", "-journal"):
        (tmp_path / f"c.sqlite{suffix}").write_bytes(suffix.encode())
    target = fsutil.set_aside(path)
    assert not path.exists()
    assert target.name == "c.sqlite.damaged-20261204T230509Z"
    assert target.parent == tmp_path and target.read_bytes() == b"main"
    for suffix in ("-wal", "-shm", "-journal"):
        moved = target.with_name(target.name + suffix)
        assert moved.read_bytes() == suffix.encode()
        assert not (tmp_path / f"c.sqlite{suffix}").exists()
    # set aside twice in the same second: a second name, the first kept
    path.write_bytes(b"again")
    second = fsutil.set_aside(path)
    assert second.name == target.name + "-2"
    path.write_bytes(b"third")
    third = fsutil.set_aside(path)
    assert third.name == target.name + "-3"
    assert {p.read_bytes() for p in (target, second, third)} == {b"main", b"again", b"third"}


def test_usable_cache_sets_a_damaged_file_aside_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "eutils.sqlite"
    path.write_text("garbage " * 200)
    with caplog.at_level(logging.WARNING, logger="refkeeper.cache"):
        fsutil.usable_sqlite_cache(path, "response cache")
    assert not path.exists()
    [aside] = list(tmp_path.glob("eutils.sqlite.damaged-*"))
    [record] = caplog.records
    message = record.getMessage()
    assert message.startswith("warning: the response cache ")
    assert str(path) in message and "file is not a database" in message
    assert message.endswith(f"set aside as {aside.name} and rebuilt")


def test_usable_cache_leaves_a_sound_or_absent_file(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "c.sqlite"
    with caplog.at_level(logging.WARNING, logger="refkeeper.cache"):
        fsutil.usable_sqlite_cache(path, "cache")
        _database(path)
        before = path.read_bytes()
        fsutil.usable_sqlite_cache(path, "cache")
    assert path.read_bytes() == before and caplog.records == []


def test_usable_cache_that_cannot_be_moved_is_an_input_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "c.sqlite"
    path.write_text("garbage " * 200)

    def refuse(src: object, dst: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(fsutil.os, "replace", refuse)
    with pytest.raises(InputError) as info:
        fsutil.usable_sqlite_cache(path, "response cache")
    text = str(info.value)
    assert "the response cache is damaged (file is not a database)" in text
    assert "cannot be moved away: Permission denied" in text
    assert str(path) in text


def test_usable_cache_set_aside_by_another_process_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "c.sqlite"
    path.write_text("garbage " * 200)

    def gone(src: object, dst: object) -> None:
        raise FileNotFoundError(2, "No such file")

    monkeypatch.setattr(fsutil.os, "replace", gone)
    with caplog.at_level(logging.WARNING, logger="refkeeper.cache"):
        fsutil.usable_sqlite_cache(path, "cache")  # no error, no warning
    assert caplog.records == []
