"""A sync killed at any moment, or two syncs at once, never corrupt the lock or the outputs."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import EXAMPLE
from refkeeper.library import read_lock

FILES = (
    "refkeeper.lock",
    "refkeeper-out/references.bib",
    "refkeeper-out/references.json",
    "refkeeper-out/references.ris",
    "refkeeper-out/bibliography.md",
    "refkeeper-out/audit.html",
)


State = dict[str, bytes | None]
States = tuple[Path, dict[str, str], State, State]


def _sync(root: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "refkeeper", "-C", str(root), "sync", "--offline"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _state(root: Path) -> dict[str, bytes | None]:
    return {name: (root / name).read_bytes() if (root / name).exists() else None for name in FILES}


@pytest.fixture
def states(tmp_path: Path) -> States:
    """A project, its environment, its state before and after a sync that changes everything."""
    root = tmp_path / "example"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns("refkeeper-out", ".refkeeper*"))
    env = dict(os.environ, REFKEEPER_CACHE=str(tmp_path / "cache.sqlite"))
    env["REFKEEPER_EUTILS_URL"] = "http://127.0.0.1:9/entrez/eutils/"
    assert _sync(root, env).wait(120) == 0
    before = _state(root)
    doc = root / "document.txt"
    text = doc.read_text()
    start = text.index("Click to access Pubmed\nBonatti")
    doc.write_text(text[:start] + text[text.index("Click for details") :])
    assert _sync(root, env).wait(120) == 0
    after = _state(root)
    assert all(after[n] != before[n] for n in ("refkeeper.lock", "refkeeper-out/references.bib"))
    _restore(root, before)
    return root, env, before, after


def _restore(root: Path, state: dict[str, bytes | None]) -> None:
    for name, data in state.items():
        if data is not None:
            (root / name).write_bytes(data)


def test_sigkill_at_any_point_leaves_old_or_new_files(
    states: States,
) -> None:
    root, env, before, after = states
    killed_mid_run = 0
    # Kill points every 30 ms across the run: start-up, reading, rendering, renaming, done.
    for delay in [0.03 * i for i in range(1, 30)]:
        _restore(root, before)
        proc = _sync(root, env)
        time.sleep(delay)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            killed_mid_run += 1
        proc.wait(60)
        now = _state(root)
        for name in FILES:
            assert now[name] in (before[name], after[name]), f"{name} corrupt after {delay} s"
        read_lock(root / "refkeeper.lock")  # still parses
    assert killed_mid_run >= 5
    # The next sync completes the work.
    assert _sync(root, env).wait(120) == 0
    assert _state(root) == after
    assert not list(root.rglob("*.tmp"))


def test_two_syncs_at_once_do_not_corrupt(
    states: States,
) -> None:
    root, env, before, after = states
    first, second = _sync(root, env), _sync(root, env)
    assert first.wait(120) == 0
    assert second.wait(120) == 0
    assert _state(root) == after
