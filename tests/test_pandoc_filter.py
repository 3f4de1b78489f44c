"""The pandoc filter builds a Markdown paper in one command, offline, from the project's lock:
`pandoc paper.md --filter refkeeper-pandoc --citeproc`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import EXAMPLE
from refkeeper.cli import main
from refkeeper.export.bibliography import pandoc_path

PAPER = """\
---
title: EBV-associated smooth-muscle tumours
---

Leiomyosarcomas after liver transplantation carry EBV [@pmid:8620427]. Antiviral treatment
helped after heart transplantation [@bonatti2005successful]. The WHO classification describes
them [@isbn:978-92-832-2432-7], as the first report did [@PMID:8620427].

# References
"""


def _filter() -> str:
    script = Path(sys.executable).parent / "refkeeper-pandoc"
    if not script.exists():
        pytest.skip("the refkeeper-pandoc console script is not installed next to this Python")
    return str(script)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("REFKEEPER_CACHE", str(tmp_path / "cache" / "eutils.sqlite"))
    monkeypatch.setenv("REFKEEPER_EUTILS_URL", "http://127.0.0.1:9/entrez/eutils/")
    root = tmp_path / "paper"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns("refkeeper-out", ".refk*"))
    (root / "paper.md").write_text(PAPER)
    return root


def _pandoc(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [pandoc_path(), "paper.md", "--filter", _filter(), "--citeproc", *args],
        cwd=root,
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=120,
    )


def test_pandoc_builds_the_paper_from_the_lock(project: Path) -> None:
    built = _pandoc(project, "-t", "plain", "--wrap=none")
    assert built.returncode == 0, built.stderr
    text = built.stdout
    assert "carry EBV (1)" in text and "heart transplantation (2)" in text
    assert "describes them (3), as the first report did (1)" in text
    entries = [line for line in text.splitlines() if line[:2] in ("1.", "2.", "3.")]
    # The project's style, as refkeeper formats it (its corrections of pandoc included).
    export = CliRunner().invoke(main, ["-C", str(project), "export", "-f", "text"])
    assert export.exit_code == 0, export.output
    assert entries == export.stdout.splitlines()
    assert "editorsBosman" not in text and "???" not in text and built.stderr == ""


def test_an_id_the_lock_does_not_hold_is_reported(project: Path) -> None:
    (project / "paper.md").write_text(PAPER + "\nAnd a new claim [@pmid:99999999].\n")
    built = _pandoc(project, "-t", "plain")
    assert built.returncode == 0
    assert f"refkeeper-pandoc: @pmid:99999999 is not in {project / 'refkeeper.lock'}" in (
        built.stderr
    )


def test_outside_a_project_the_filter_fails_with_one_line(tmp_path: Path) -> None:
    (tmp_path / "paper.md").write_text(PAPER)
    built = subprocess.run(
        [pandoc_path(), "paper.md", "--filter", _filter(), "-t", "plain"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert built.returncode != 0
    assert "refkeeper-pandoc: no refkeeper.toml found" in built.stderr
