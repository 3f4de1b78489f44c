"""Atomic file writes (a temp file in the same directory, fsync, then rename), and the
disposable SQLite caches: a damaged one is set aside and rebuilt, never a crash."""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from refkeeper.errors import InputError

logger = logging.getLogger("refkeeper.cache")

_SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")


def sqlite_problem(path: Path) -> str | None:
    """Why the SQLite file at ``path`` cannot serve as a cache, or None (absent, or sound
    as far as SQLite's quick check sees). A database busy in another process is sound."""
    path = Path(path)
    if not path.exists() and not path.is_symlink():
        return None
    if path.is_dir():
        return "is a directory"
    try:
        connection = sqlite3.connect(str(path), timeout=30)
        try:
            row = connection.execute("PRAGMA quick_check(1)").fetchone()
        finally:
            connection.close()
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            return None
        return str(exc)
    except sqlite3.DatabaseError as exc:
        return str(exc)
    if row is None:
        return "no answer to an integrity check"
    if row[0] != "ok":
        return " ".join(str(row[0]).replace("*** in database main ***", "").split())
    return None


def set_aside(path: Path) -> Path:
    """Rename ``path`` (and SQLite's -wal/-shm/-journal beside it) to
    ``<name>.damaged-<UTC timestamp>``; returns the new path."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.damaged-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.damaged-{stamp}-{n}")
    os.replace(path, target)
    for suffix in _SQLITE_COMPANIONS:
        companion = path.with_name(path.name + suffix)
        with contextlib.suppress(OSError):
            os.replace(companion, target.with_name(target.name + suffix))
    return target


def usable_sqlite_cache(path: Path, what: str) -> None:
    """Make ``path`` fit to open as a SQLite cache: a damaged file is set aside (renamed
    with a timestamp) with a one-line warning, so the cache is rebuilt from nothing."""
    path = Path(path)
    problem = sqlite_problem(path)
    if problem is None:
        return
    try:
        target = set_aside(path)
    except FileNotFoundError:
        return  # another process set it aside first
    except OSError as exc:
        raise InputError(
            f"the {what} is damaged ({problem}) and cannot be moved away: {exc.strerror}",
            str(path),
        ) from None
    logger.warning(
        "warning: the %s %s was damaged (%s); set aside as %s and rebuilt",
        what,
        path,
        problem,
        target.name,
    )


def atomic_write_bytes(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` atomically. Returns False (and leaves the file, its mtime
    included, untouched) when it already holds exactly these bytes."""
    path = Path(path)
    try:
        if path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            with contextlib.suppress(OSError):
                os.chmod(tmp, path.stat().st_mode & 0o777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return True


def atomic_write_text(path: Path, text: str) -> bool:
    """Text twin of :func:`atomic_write_bytes` (UTF-8, ``\\n`` line ends)."""
    return atomic_write_bytes(path, text.encode("utf-8"))
