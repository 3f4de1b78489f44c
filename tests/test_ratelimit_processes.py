"""NCBI's rate limit holds per machine: four processes sharing a cache directory send 3
requests per second between them (the fake server enforces NCBI's limit and counts 429s)."""

from __future__ import annotations

import gzip
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import SHARED
from refkeeper.resolve.ratelimit import MachineRateLimiter

DRIVER = Path(__file__).parent / "ratelimit_driver.py"


def corpus_pmids(count: int) -> list[str]:
    data = gzip.open(SHARED / "corpus" / "pubmed" / "pubmed-real-records.xml.gz").read()
    found = re.findall(rb'<PMID Version="\d+">(\d+)</PMID>', data)
    return list(dict.fromkeys(p.decode() for p in found))[:count]


def run_processes(
    url: str, cache: Path, processes: int, each: int, *extra: str
) -> list[subprocess.CompletedProcess[str]]:
    env = dict(os.environ, REFKEEPER_EUTILS_URL=url, REFKEEPER_CACHE=str(cache))
    env["NCBI_EMAIL"] = "test@example.org"
    env.pop("NCBI_API_KEY", None)
    pmids = corpus_pmids(processes * each)
    procs = [
        subprocess.Popen(
            [sys.executable, str(DRIVER), *extra, *pmids[i * each : (i + 1) * each]],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(processes)
    ]
    done = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        done.append(subprocess.CompletedProcess(proc.args, proc.returncode, out, err))
    return done


def peak_per_second(times: list[float]) -> int:
    """The most requests that arrived within any one second."""
    times = sorted(times)
    return max((sum(1 for u in times if t <= u < t + 1.0) for t in times), default=0)


def test_four_processes_share_three_requests_per_second(tmp_path: Path, fake_eutils: Any) -> None:
    fake_eutils.rate_limit = True
    done = run_processes(fake_eutils.url, tmp_path / "cache" / "eutils.sqlite", 4, 3)
    for result in done:
        assert result.returncode == 0, result.stderr
    times = [r.time for r in fake_eutils.requests if r.endpoint == "efetch.fcgi"]
    assert len(times) == 12
    assert fake_eutils.rate_limited == 0  # no 429 at all
    assert peak_per_second(times) <= 3
    assert (tmp_path / "cache" / "eutils.ratelimit").exists()


def test_slots_are_spaced_and_a_hold_is_shared(tmp_path: Path) -> None:
    now = [1000.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)

    class NoFallback:
        def acquire(self, interval: float) -> float:
            raise AssertionError("the file works")

        def hold(self, seconds: float) -> None:
            raise AssertionError("the file works")

    path = tmp_path / "eutils.ratelimit"
    a = MachineRateLimiter(path, NoFallback(), clock=lambda: now[0], sleep=sleep)
    b = MachineRateLimiter(path, NoFallback(), clock=lambda: now[0], sleep=sleep)
    waits = [a.acquire(0.36), b.acquire(0.36), a.acquire(0.36)]
    assert waits == pytest.approx([0.0, 0.36, 0.72])
    b.hold(5.0)  # a 429 seen by one process makes every process wait
    assert a.acquire(0.36) == pytest.approx(5.0)
    path.write_bytes(b"garbage")  # a damaged slot file starts afresh
    assert a.acquire(0.36) == 0.0
    path.write_bytes(b"%f" % (now[0] + 3600))  # the clock was set back an hour
    assert a.acquire(0.36) == 0.0
