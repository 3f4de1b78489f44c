"""The pre-commit hooks (.pre-commit-hooks.yaml) run on a manuscript project through
`pre-commit try-repo`, which installs refkeeper from this repository into a fresh hook
environment, as a user's `pre-commit install` would.

That install takes minutes (the package index is needed), so the test runs in CI
(REFKEEPER_REQUIRE_TOOLS=1) or when REFKEEPER_PRE_COMMIT=1, and is skipped otherwise."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import EXAMPLE, ROOT
from tools import require_tool


def test_the_hook_definitions() -> None:
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert set(hooks) == {"refkeeper-sync", "refkeeper-audit"}
    for hook in hooks.values():
        assert hook["language"] == "python" and hook["pass_filenames"] is False
        assert "--fail-on" in hook["args"]
    assert hooks["refkeeper-sync"]["entry"] == "refkeeper sync"
    assert hooks["refkeeper-audit"]["entry"] == "refkeeper audit"
    assert "--offline" in hooks["refkeeper-audit"]["args"]


@pytest.mark.slow
@pytest.mark.tools
def test_pre_commit_try_repo_runs_the_hooks_on_a_project(tmp_path: Path) -> None:
    if not (
        os.environ.get("REFKEEPER_PRE_COMMIT") == "1"
        or os.environ.get("REFKEEPER_REQUIRE_TOOLS") == "1"
    ):
        pytest.skip("installs a hook environment (minutes): set REFKEEPER_PRE_COMMIT=1")
    git = require_tool("git")
    pre_commit = Path(sys.executable).parent / "pre-commit"
    if not pre_commit.exists():
        pytest.fail("pre-commit is in the test extra: pip install -e '.[test]'")
    project = tmp_path / "manuscript"
    shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns("refkeeper-out", ".refk*"))
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "REFKEEPER_CACHE": str(tmp_path / "cache" / "eutils.sqlite"),
        "REFKEEPER_EUTILS_URL": "http://127.0.0.1:9/entrez/eutils/",  # offline: the lock
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
    }
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "manuscript"]):
        subprocess.run([git, *args], cwd=project, env=env, check=True)
    run = subprocess.run(
        [str(pre_commit), "try-repo", str(ROOT), "--all-files"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "refkeeper sync" in run.stdout and "refkeeper audit" in run.stdout
    assert run.stdout.count("Passed") == 2, run.stdout
    assert (project / "refkeeper-out" / "references.bib").exists()
