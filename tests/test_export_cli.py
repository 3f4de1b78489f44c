"""``refkeeper export`` and ``refkeeper styles``, in process."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import EXAMPLE
from refkeeper.cli import main
from refkeeper.export import to_csl_json
from test_export_support import example_works


@pytest.fixture()
def library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("REFKEEPER_CACHE", str(tmp_path / "cache" / "eutils.sqlite"))
    path = tmp_path / "refs.json"
    path.write_text(to_csl_json(example_works()), "utf-8")
    return path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_export_every_format(library: Path) -> None:
    code, out, _ = run("export", str(library), "--format", "bibtex")
    assert code == 0 and out.startswith("@article{pmid:8620427,")
    code, out, _ = run("export", str(library), "-f", "biblatex")
    assert code == 0 and "eprinttype = {pubmed}" in out
    code, out, _ = run("export", str(library), "-f", "csl-json")
    assert code == 0 and [i["id"] for i in json.loads(out)][0] == "pmid:8620427"
    code, out, _ = run("export", str(library), "-f", "ris", "--journal", "iso")
    assert code == 0 and "T2  - Transplant Proc" in out
    code, out, _ = run("export", str(library), "-f", "text", "--style", "vancouver-nlm")
    assert code == 0 and out.startswith("1. Timmons CF, Dawson DB")
    code, out, _ = run("export", str(library), "-f", "html", "--style", "apa")
    assert code == 0 and out.startswith('<div id="refs"')


def test_export_to_a_file(library: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.bib"
    code, out, err = run("export", str(library), "--ascii", "-o", str(target))
    assert code == 0 and out == ""
    assert err == f"wrote 3 works to {target}\n"
    assert target.read_text("utf-8").isascii()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.bib")]  # no temp left


def test_export_errors_are_one_line(library: Path, tmp_path: Path) -> None:
    code, _, err = run("export", str(library), "-f", "text", "--style", "vancover-nlm")
    assert code == 2
    assert err.startswith("Error: unknown citation style 'vancover-nlm'")
    assert len(err.strip().splitlines()) == 1
    bad = tmp_path / "bad.json"
    bad.write_text("[{", "utf-8")
    code, _, err = run("export", str(bad))
    assert (
        code == 2
        and err
        == f"Error: {bad}:1: not valid JSON: Expecting property name enclosed in double quotes\n"
    )


def test_styles_command() -> None:
    code, out, _ = run("styles", "vancouver", "nlm")
    assert code == 0
    line = next(x for x in out.splitlines() if x.startswith("vancouver-nlm "))
    assert line.endswith("(-> nlm-citation-sequence)")
    code, out, err = run("styles", "zzzz-no-such-style")
    assert code == 1 and out == "" and "no style matches" in err


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the worked example (its lock pins every work: no network needed)."""
    monkeypatch.setenv("REFKEEPER_CACHE", str(tmp_path / "cache" / "eutils.sqlite"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    root = tmp_path / "example"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns("refkeeper-out", ".refkeeper*"))
    return root


def test_export_a_project_lock(project: Path) -> None:
    code, out, err = run("-C", str(project), "export", "-f", "text")
    assert code == 0, err
    lines = out.splitlines()
    assert len(lines) == 3
    assert any("Bosman FT, Carneiro F, Hruban RH, Theise ND, editors." in x for x in lines)
    code, out, err = run("export", str(project / "refkeeper.lock"), "-f", "biblatex")
    assert code == 0, err
    assert out.count("@") == 3 and "@collection{" in out


def test_export_converts_another_library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REFKEEPER_CACHE", str(tmp_path / "cache" / "eutils.sqlite"))
    bib = tmp_path / "refs.bib"
    bib.write_text(
        "@article{smith2001,\n author = {Smith, John and Doe, Jane},\n"
        " title = {A {DNA} study},\n journal = {Lancet},\n year = {2001},\n"
        " volume = {3},\n pages = {1--5}\n}\n",
        "utf-8",
    )
    code, out, err = run("export", str(bib), "-f", "ris")
    assert code == 0, err
    assert "ID  - smith2001" in out and "AU  - Smith, John" in out and "EP  - 5" in out
