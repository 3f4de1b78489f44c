"""Atomic writes (refkeeper.fsutil, and the lock written through it): the rename is the only
change a reader can see. A failure injected between the write and the rename leaves the target
untouched; at the moment of the rename the target still holds the old bytes, complete."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from refkeeper import fsutil
from refkeeper.library import Lock, LockEntry, dumps_lock, read_lock, write_lock
from refkeeper.models import Resolution, Status, Work


def _lock(n: int, title: str = "Epstein-Barr virus") -> Lock:
    entries = []
    for i in range(n):
        pmid = str(1000 + i)
        work = Work(
            id=f"pmid:{pmid}",
            source="pubmed",
            csl={"id": f"pmid:{pmid}", "title": f"{title} {i}", "type": "article-journal"},
            pmid=pmid,
        )
        entries.append(
            LockEntry(
                key=f"k{i}",
                resolution=Resolution(Status.RESOLVED, work=work, strategy="ecitmatch", score=1),
                fields={"title": f"{title} {i}"},
            )
        )
    return Lock().with_entries(entries)


class Interrupted(Exception):
    pass


def test_failure_between_write_and_rename_leaves_the_target_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "refkeeper.lock"
    old, new = _lock(3, "Old"), _lock(40, "New")
    write_lock(path, old)
    before = path.read_bytes()
    mtime = path.stat().st_mtime_ns
    seen: list[tuple[str, str]] = []

    def failing_replace(src: str, dst: str) -> None:
        seen.append((str(src), str(dst)))
        # everything is written to the temp file, nothing to the target yet
        assert Path(src).read_text("utf-8") == dumps_lock(new)
        assert Path(dst).read_bytes() == before
        raise Interrupted("killed between write and rename")

    monkeypatch.setattr(fsutil.os, "replace", failing_replace)
    with pytest.raises(Interrupted):
        write_lock(path, new)
    assert len(seen) == 1 and Path(seen[0][1]) == path
    assert Path(seen[0][0]).parent == path.parent  # same directory: a rename, never a copy
    assert path.read_bytes() == before
    assert path.stat().st_mtime_ns == mtime
    assert [p.name for p in tmp_path.iterdir()] == ["refkeeper.lock"]  # the temp file is gone
    assert dumps_lock(read_lock(path)) == dumps_lock(old)


def test_failing_write_or_fsync_leaves_the_target_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "out.txt"
    fsutil.atomic_write_text(path, "old\n")

    def failing_fsync(fd: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(fsutil.os, "fsync", failing_fsync)
    with pytest.raises(OSError, match="disk full"):
        fsutil.atomic_write_text(path, "new\n")
    assert path.read_text("utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_a_reader_sees_the_old_or_the_new_file_never_a_part(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every read of the target during a write returns the old or the new bytes whole. The
    rename is observed directly: just before it the target is old and complete, just after it
    new and complete, and nothing else ever touches the target."""
    path = tmp_path / "refkeeper.lock"
    old, new = dumps_lock(_lock(5, "Old")).encode(), dumps_lock(_lock(2000, "New")).encode()
    fsutil.atomic_write_bytes(path, old)
    real_replace = os.replace
    renames: list[str] = []

    def watched_replace(src: str, dst: str) -> None:
        written = Path(src).read_bytes()
        before = path.read_bytes()
        assert {written, before} == {old, new}  # the target still holds the other one, whole
        real_replace(src, dst)
        renames.append(str(dst))
        assert path.read_bytes() == written

    monkeypatch.setattr(fsutil.os, "replace", watched_replace)
    reads: list[bytes] = []
    stop = threading.Event()

    def reader() -> None:
        while not stop.is_set():
            try:
                reads.append(path.read_bytes())
            except FileNotFoundError:  # would be a bug too: the target never disappears
                reads.append(b"<missing>")

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for _ in range(5):
            assert fsutil.atomic_write_bytes(path, new) is True
            assert fsutil.atomic_write_bytes(path, old) is True
    finally:
        stop.set()
        thread.join()
    assert renames == [str(path)] * 10
    assert reads and {len(r) for r in reads} <= {len(old), len(new)}
    assert all(r in (old, new) for r in reads)


def test_identical_content_is_not_rewritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "f.txt"
    assert fsutil.atomic_write_text(path, "same\n") is True

    def no_replace(src: str, dst: str) -> None:
        raise AssertionError("identical content must not be written again")

    monkeypatch.setattr(fsutil.os, "replace", no_replace)
    assert fsutil.atomic_write_text(path, "same\n") is False
    # same size, other bytes: written
    monkeypatch.undo()
    assert fsutil.atomic_write_text(path, "SAME\n") is True
    assert path.read_text("utf-8") == "SAME\n"


def test_text_is_utf8_and_directories_are_created(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "f.txt"
    assert fsutil.atomic_write_text(path, "Épstein\n") is True
    assert path.read_bytes() == "Épstein\n".encode()


def test_permissions_kept_or_from_the_umask(tmp_path: Path) -> None:
    path = tmp_path / "f.txt"
    old_umask = os.umask(0o027)
    try:
        fsutil.atomic_write_text(path, "one\n")
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640  # 0o666 less the umask, not mkstemp's 600
    os.chmod(path, 0o604)
    fsutil.atomic_write_text(path, "two\n")
    assert stat.S_IMODE(path.stat().st_mode) == 0o604  # an existing file keeps its mode
