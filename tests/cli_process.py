"""Run refkeeper as a real process (its stderr as a user sees it: warnings, one-line errors)
and the one-reference project the hardening tests sync against a local server."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PMID_DOCUMENT = "Leiomyosarcomas arise after transplantation [@pmid:8620427].\n"


def refkeeper(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m refkeeper ARGS`` to completion (two minutes at most)."""
    return subprocess.run(
        [sys.executable, "-m", "refkeeper", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def sync(root: Path, env: dict[str, str] | None, *args: str) -> subprocess.CompletedProcess[str]:
    return refkeeper("-C", str(root), "sync", *args, env=env)


def pmid_project(parent: Path, config: str, document: str = PMID_DOCUMENT) -> Path:
    """``parent/project`` with ``config`` as its refkeeper.toml and paper.md citing one PMID."""
    root = parent / "project"
    root.mkdir(parents=True)
    (root / "refkeeper.toml").write_text(config, encoding="utf-8")
    (root / "paper.md").write_text(document, encoding="utf-8")
    return root
