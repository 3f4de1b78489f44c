"""NCBI's rate limit per machine, not per process: request slots handed out through a small
file beside the cache, under an exclusive file lock (``fcntl.flock``).

Every process on the machine that uses the same cache directory takes the next free slot
from the file, so four concurrent syncs send 3 requests per second between them (10 with an
API key), not 3 each. Where file locks are not available (or the file cannot be written),
the limiter falls back to the process-wide :class:`~refkeeper.resolve.client.RateLimiter`.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None  # type: ignore[assignment]

RATE_FILE = "eutils.ratelimit"
"""The slot file's name, beside the response cache."""
MAX_AHEAD = 120.0
"""A next slot further ahead than this (seconds) is not believed: the clock was set back, or
the file holds nonsense (a hold after a 429 is at most a minute)."""


class Limiter(Protocol):
    """What the Entrez client needs of a rate limiter."""

    def acquire(self, interval: float) -> float: ...

    def hold(self, seconds: float) -> None: ...


class MachineRateLimiter:
    """Request spacing shared by all processes through the file at ``path``: it holds the
    wall-clock time of the next free slot. Same interface as ``RateLimiter``."""

    def __init__(
        self,
        path: Path,
        fallback: Limiter,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.path = Path(path)
        self.fallback = fallback  # a RateLimiter, used when the file cannot be
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()

    def _update(self, change: Callable[[float, float], tuple[float, float]]) -> float | None:
        """Under the file lock: read the next free slot, write ``change(next, now)[0]``;
        returns ``change(...)[1]``, or None when the file cannot be used."""
        if fcntl is None:
            return None
        with self._lock:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError:
                return None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                raw = os.pread(fd, 64, 0)
                now = self._clock()
                try:
                    slot = float(raw.decode("ascii").strip() or 0.0)
                except (UnicodeDecodeError, ValueError):
                    slot = 0.0  # a damaged slot file: start afresh
                if slot > now + MAX_AHEAD:
                    slot = now  # the clock went back, or nonsense in the file
                new_slot, result = change(slot, now)
                os.pwrite(fd, f"{new_slot:.6f}".encode("ascii").ljust(32), 0)
                return result
            except OSError:
                return None
            finally:
                os.close(fd)  # releases the lock

    def acquire(self, interval: float) -> float:
        """Wait for this machine's next free slot; returns the seconds waited."""
        wait = self._update(lambda slot, now: (max(now, slot) + interval, max(now, slot) - now))
        if wait is None:
            return self.fallback.acquire(interval)
        if wait > 0:
            self._sleep(wait)
        return wait

    def hold(self, seconds: float) -> None:
        """Make every process wait at least ``seconds`` from now (after a 429)."""
        if self._update(lambda slot, now: (max(slot, now + seconds), 0.0)) is None:
            self.fallback.hold(seconds)


_LIMITERS: dict[Path, MachineRateLimiter] = {}
_LIMITERS_LOCK = threading.Lock()


def machine_limiter(cache_dir: Path, fallback: Limiter) -> MachineRateLimiter:
    """The machine-wide limiter for a cache directory (one instance per process)."""
    path = Path(cache_dir) / RATE_FILE
    with _LIMITERS_LOCK:
        if path not in _LIMITERS:
            _LIMITERS[path] = MachineRateLimiter(path, fallback)
        return _LIMITERS[path]
