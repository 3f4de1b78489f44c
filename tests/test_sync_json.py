"""`refkeeper sync --format json` for scripts, and shell completion as documented."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import EXAMPLE, ROOT
from refkeeper.cli import main


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("REFKEEPER_CACHE", str(tmp_path / "cache.sqlite"))
    root = tmp_path / "example"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns("refkeeper-out", ".refk*"))
    return root


def test_sync_json_reports_what_a_script_needs(project: Path) -> None:
    (project / "document.txt").write_text(
        (project / "document.txt").read_text()
        + "\nClick to access Pubmed\nNobody A (2099) A work that does not exist. Nowhere 1: 1-2\n"
    )
    first = CliRunner().invoke(main, ["-C", str(project), "sync", "--offline", "--format", "json"])
    assert first.exit_code == 0, first.output
    report = json.loads(first.stdout)
    assert report["schema"] == "refkeeper.sync/1" and report["memoized"] is False
    assert report["counts"]["pinned"] == 1 and report["counts"]["unresolved"] == 1
    [pending] = report["needs_attention"]
    assert pending["status"] == "unresolved" and pending["reason"].startswith("offline: ")
    assert "refkeeper-out/references.bib" in report["written"]
    assert {"key": pending["key"], "kind": "added", "detail": "unresolved"} in report["changes"]
    again = CliRunner().invoke(main, ["-C", str(project), "sync", "--offline", "--format", "json"])
    repeat = json.loads(again.stdout)
    assert repeat["memoized"] is True and repeat["written"] == []
    assert repeat["needs_attention"] == report["needs_attention"]  # read from the lock
    failing = CliRunner().invoke(
        main,
        ["-C", str(project), "sync", "--offline", "--format", "json", "--fail-on", "unresolved"],
    )
    assert failing.exit_code == 1
    assert json.loads(failing.stdout)["fail_reasons"] == [f"{pending['key']}: unresolved"]


def _refkeeper() -> str:
    script = Path(sys.executable).parent / "refkeeper"
    if not script.exists():
        pytest.skip("the refkeeper console script is not installed next to this Python")
    return str(script)


def test_shell_completion_as_the_readme_documents() -> None:
    readme = (ROOT / "README.md").read_text()
    assert 'eval "$(_REFKEEPER_COMPLETE=bash_source refkeeper)"' in readme
    env = {**os.environ, "_REFKEEPER_COMPLETE": "bash_source"}
    script = subprocess.run([_refkeeper()], env=env, capture_output=True, text=True, check=True)
    assert "_refkeeper_completion" in script.stdout
    env = {
        **os.environ,
        "_REFKEEPER_COMPLETE": "bash_complete",
        "COMP_WORDS": "refkeeper sy",
        "COMP_CWORD": "1",
    }
    words = subprocess.run([_refkeeper()], env=env, capture_output=True, text=True, check=True)
    assert "plain,sync" in words.stdout.splitlines()
    env["COMP_WORDS"], env["COMP_CWORD"] = "refkeeper sync --fo", "2"
    options = subprocess.run([_refkeeper()], env=env, capture_output=True, text=True, check=True)
    assert "plain,--format" in options.stdout.splitlines()
