"""`-C DIR` works like git's: every relative path given after it is relative to DIR; `init`
names the documents it is given, or proposes the manuscripts it finds."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import EXAMPLE
from refkeeper.cli import main
from refkeeper.config import load_settings

PAPER = """\
---
bibliography: library.bib
---

EBV is found in these tumours [@timmons1995epstein].
"""

LIBRARY = """\
@article{timmons1995epstein,
  title = {Epstein-Barr virus-associated leiomyosarcomas in liver transplantation recipients},
  author = {Timmons, C. F. and Katz, J. A.},
  journal = {Cancer},
  year = {1995},
  pages = {1481--1489}
}
"""


@pytest.fixture
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The working directory is not the project."""
    monkeypatch.setenv("REFKEEPER_CACHE", str(tmp_path / "cache.sqlite"))
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    return cwd


def test_relative_paths_after_dash_c_are_relative_to_dir(elsewhere: Path, tmp_path: Path) -> None:
    project = tmp_path / "example"
    shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns("refkeeper-out", ".refk*"))
    (project / "paper.md").write_text(PAPER)
    (project / "library.bib").write_text(LIBRARY)
    runner = CliRunner()
    export = runner.invoke(main, ["-C", str(project), "export", "-o", "refs.bib"])
    assert export.exit_code == 0, export.output
    assert (project / "refs.bib").exists() and not (elsewhere / "refs.bib").exists()
    source = runner.invoke(main, ["-C", str(project), "export", "library.bib", "-f", "ris"])
    assert source.exit_code == 0, source.output
    assert "TI  - Epstein-Barr virus-associated" in source.stdout
    extract = runner.invoke(
        main,
        [
            "-C",
            str(project),
            "extract",
            "paper.md",
            "--bibliography",
            "library.bib",
            "--format",
            "json",
        ],
    )
    assert extract.exit_code == 0, extract.output
    assert json.loads(extract.stdout)["references"][0]["key"] == "timmons1995epstein"
    audit = runner.invoke(
        main,
        [
            "-C",
            str(project),
            "audit",
            "document.txt",
            "--offline",
            "--format",
            "json",
            "-o",
            "audit.json",
        ],
    )
    assert audit.exit_code == 0, audit.output
    assert (project / "audit.json").exists() and not (elsewhere / "audit.json").exists()
    sync = runner.invoke(main, ["-C", str(project), "sync", "--cache", "here.sqlite"])
    assert sync.exit_code == 0, sync.output
    assert list(elsewhere.iterdir()) == []


def test_init_names_the_documents_it_is_given_and_their_kind(
    elsewhere: Path, tmp_path: Path
) -> None:
    project = tmp_path / "paper"
    project.mkdir()
    (project / "paper.md").write_text(PAPER)
    (project / "library.bib").write_text(LIBRARY)
    result = CliRunner().invoke(main, ["-C", str(project), "init", "paper.md", "library.bib"])
    assert result.exit_code == 0, result.output
    assert "document paper.md: markdown" in result.output
    assert "document library.bib: bibtex" in result.output
    assert load_settings(project).documents == ("paper.md", "library.bib")
    (project / "cited.pmid").write_text("8620427\n15919482\n")
    (project / "pubmed.txt").write_text("PMID: 8620427\n")  # PubMed's export, as .txt
    pmids = CliRunner().invoke(main, ["-C", str(project), "init", "--force", "cited.pmid"])
    assert "document cited.pmid: pmid-list" in pmids.output, pmids.output
    pmids = CliRunner().invoke(main, ["-C", str(project), "init", "--force", "pubmed.txt"])
    assert "document pubmed.txt: pmid-list" in pmids.output, pmids.output
    missing = CliRunner().invoke(main, ["-C", str(project), "init", "--force", "nothere.md"])
    assert missing.exit_code == 2 and "nothere.md" in missing.output


def test_bare_init_proposes_the_manuscripts_it_finds(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("# A repository\n")
    (tmp_path / "requirements.txt").write_text("refkeeper\n")
    (tmp_path / "chapter.tex").write_text("\\documentclass{article}\nSee \\cite{a}.\n")
    (tmp_path / "draft.txt").write_text("A claim [1].\n\nReferences\n\n1. Smith A. Title. 2001.\n")
    (tmp_path / "paper.docx").write_bytes(b"PK\x03\x04 not really a zip")
    result = CliRunner().invoke(main, ["-C", str(tmp_path), "init"])
    assert result.exit_code == 0, result.output
    assert load_settings(tmp_path).documents == ("chapter.tex", "draft.txt", "paper.docx")
    assert "document chapter.tex: latex" in result.output
    assert "document paper.docx: docx" in result.output
    empty = tmp_path / "empty"
    empty.mkdir()
    assert CliRunner().invoke(main, ["-C", str(empty), "init"]).exit_code == 0
    assert load_settings(empty).documents == ("*.md",)
