"""refkeeper never writes to an input (a document, a bibliography a document names, the lock,
the configuration), and its outputs stay inside the project unless allow-outside = true."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from conftest import EXAMPLE
from refkeeper.cli import main

# A Better BibTeX export as Zotero writes it: fields refkeeper's own BibTeX never carries.
BBT_LIBRARY = """\
@article{timmons1995epstein,
  title = {Epstein-{{Barr}} Virus-Associated Leiomyosarcomas in Liver Transplantation Recipients},
  author = {Timmons, C. F. and Dawson, D. B. and Richards, C. S. and Andrews, W. S. and
    Katz, J. A.},
  year = {1995},
  journal = {Cancer},
  shortjournal = {Cancer},
  volume = {76},
  number = {8},
  pages = {1481--1489},
  langid = {english},
  keywords = {leiomyosarcoma,EBV,transplantation},
  pmid = {8620427}
}
"""

PAPER = """\
---
title: EBV and smooth-muscle tumours
bibliography: {bibliography}
---

Leiomyosarcomas after transplantation carry EBV [@timmons1995epstein].
"""


def run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["-C", str(root), *args])


@pytest.fixture
def pandoc_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A pandoc user's folder: paper.md naming its Better BibTeX library references.bib."""
    monkeypatch.setenv("REFKEEPER_CACHE", str(tmp_path / "cache" / "eutils.sqlite"))
    monkeypatch.setenv("REFKEEPER_EUTILS_URL", "http://127.0.0.1:9/entrez/eutils/")
    root = tmp_path / "paper"
    root.mkdir()
    (root / "references.bib").write_text(BBT_LIBRARY)
    (root / "paper.md").write_text(PAPER.format(bibliography="references.bib"))
    return root


def _config(root: Path, outputs: str, documents: str = '["paper.md"]') -> None:
    (root / "refkeeper.toml").write_text(
        f"[project]\ndocuments = {documents}\n\n[outputs]\n{outputs}"
    )


def test_the_old_default_bibtex_name_is_refused_and_the_library_kept(
    pandoc_project: Path,
) -> None:
    before = (pandoc_project / "references.bib").read_bytes()
    _config(pandoc_project, 'bibtex = "references.bib"\ncsl-json = "references.json"\n')
    result = run(pandoc_project, "sync", "--offline")
    assert result.exit_code == 2, result.output
    message = result.output.strip()
    assert len(message.splitlines()) == 1
    assert "refkeeper.toml:5:" in message
    assert "an output (outputs.bibtex)" in message
    assert "an input (the bibliography paper.md names)" in message
    assert (pandoc_project / "references.bib").read_bytes() == before
    assert not (pandoc_project / "references.json").exists()  # nothing written at all
    assert not (pandoc_project / "refkeeper.lock").exists()


def test_init_outputs_leave_a_pandoc_library_alone(pandoc_project: Path) -> None:
    before = (pandoc_project / "references.bib").read_bytes()
    assert run(pandoc_project, "init").exit_code == 0
    result = run(pandoc_project, "sync", "--offline")
    assert result.exit_code == 0, result.output
    assert (pandoc_project / "references.bib").read_bytes() == before
    assert (pandoc_project / "refkeeper-out" / "references.bib").exists()


def test_a_document_naming_the_default_output_is_refused_at_init_and_sync(
    pandoc_project: Path,
) -> None:
    library = pandoc_project / "refkeeper-out" / "references.bib"
    library.parent.mkdir()
    shutil.move(pandoc_project / "references.bib", library)
    (pandoc_project / "paper.md").write_text(
        PAPER.format(bibliography="refkeeper-out/references.bib")
    )
    before = library.read_bytes()
    refused = run(pandoc_project, "init")
    assert refused.exit_code == 2, refused.output
    assert "an output (outputs.bibtex)" in refused.output
    assert "the bibliography paper.md names" in refused.output
    assert not (pandoc_project / "refkeeper.toml").exists()
    # The same project configured by hand: refused at sync, the library untouched.
    from refkeeper.config import STARTER_CONFIG

    (pandoc_project / "refkeeper.toml").write_text(STARTER_CONFIG)
    result = run(pandoc_project, "sync", "--offline")
    assert result.exit_code == 2, result.output
    assert "refkeeper-out/references.bib is both an output (outputs.bibtex)" in result.output
    assert library.read_bytes() == before


def test_a_symlinked_output_pointing_at_an_input_is_refused(pandoc_project: Path) -> None:
    before = (pandoc_project / "references.bib").read_bytes()
    out = pandoc_project / "refkeeper-out"
    out.mkdir()
    (out / "refs.bib").symlink_to("../references.bib")
    _config(pandoc_project, 'bibtex = "refkeeper-out/refs.bib"\n')
    result = run(pandoc_project, "sync", "--offline")
    assert result.exit_code == 2, result.output
    assert "refkeeper-out/refs.bib (a link to references.bib) is both an output" in result.output
    assert (pandoc_project / "references.bib").read_bytes() == before
    assert (out / "refs.bib").is_symlink()


def test_a_link_made_after_the_check_is_caught_at_write_time(pandoc_project: Path) -> None:
    from refkeeper import pipeline
    from refkeeper.config import load_settings
    from refkeeper.errors import ConfigError
    from refkeeper.pipeline import guard

    _config(pandoc_project, 'bibtex = "refkeeper-out/refs.bib"\n')
    settings = load_settings(pandoc_project)
    documents = pipeline.find_documents(settings)
    roles = guard.input_roles(settings, documents)
    guard.check_outputs(settings, documents, roles)  # nothing wrong yet
    out = pandoc_project / "refkeeper-out"
    out.mkdir()
    (out / "refs.bib").symlink_to(pandoc_project / "paper.md")  # then a link appears
    with pytest.raises(ConfigError, match=r"and an input \(the document paper.md\)"):
        guard.check_write(settings, "outputs.bibtex", out / "refs.bib", roles)


@pytest.mark.parametrize(
    ("outputs", "role"),
    [
        ('bibtex = "refkeeper.lock"\n', "the lock refkeeper.lock"),
        ('csl-json = "refkeeper.toml"\n', "the configuration refkeeper.toml"),
        ('bibliography = "./paper.md"\n', "an input (the document paper.md)"),
        ('bibtex = "out/a.bib"\nbiblatex = "out/a.bib"\n', "another output (outputs.bibtex)"),
    ],
)
def test_outputs_onto_the_lock_config_or_a_document_are_refused(
    pandoc_project: Path, outputs: str, role: str
) -> None:
    _config(pandoc_project, outputs)
    snapshot = {p.name: p.read_bytes() for p in pandoc_project.iterdir()}
    result = run(pandoc_project, "sync", "--offline")
    assert result.exit_code == 2, result.output
    assert role in result.output and len(result.output.strip().splitlines()) == 1
    after = {p.name: p.read_bytes() for p in pandoc_project.iterdir()}
    after.pop(".refkeeper.lock.flock", None)  # the run lock, taken before the check
    assert after == snapshot


def test_latex_bibliographies_are_inputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REFKEEPER_CACHE", str(tmp_path / "cache.sqlite"))
    root = tmp_path / "thesis"
    root.mkdir()
    (root / "library.bib").write_text(BBT_LIBRARY)
    (root / "main.tex").write_text(
        "\\documentclass{article}\n\\addbibresource{library.bib}\n\\begin{document}\n"
        "EBV is found in these tumours \\cite{timmons1995epstein}.\n"
        "% \\bibliography{commented}\n\\bibliography{extra}\n\\end{document}\n"
    )
    for name, key in (("library.bib", "biblatex"), ("extra.bib", "bibtex")):
        _config(root, f'{key} = "{name}"\n', '["*.tex"]')
        result = run(root, "sync", "--offline")
        assert result.exit_code == 2, result.output
        assert f"{name} is both an output (outputs.{key})" in result.output
        assert "the bibliography main.tex names" in result.output
    assert (root / "library.bib").read_text() == BBT_LIBRARY
    _config(root, 'bibtex = "commented.bib"\n', '["*.tex"]')
    assert run(root, "sync", "--offline").exit_code == 0  # a comment names nothing


def test_a_file_at_an_output_path_refkeeper_did_not_write_is_a_document(
    pandoc_project: Path,
) -> None:
    notes = pandoc_project / "notes.md"
    notes.write_text("My own notes, matched by the documents glob.\n")
    _config(pandoc_project, 'bibliography = "notes.md"\n', '["*.md"]')
    result = run(pandoc_project, "sync", "--offline")
    assert result.exit_code == 2, result.output
    assert "an input (the document notes.md)" in result.output
    assert notes.read_text() == "My own notes, matched by the documents glob.\n"


def test_export_and_audit_never_write_onto_an_input(pandoc_project: Path) -> None:
    before = (pandoc_project / "references.bib").read_bytes()
    assert run(pandoc_project, "init").exit_code == 0
    assert run(pandoc_project, "sync", "--offline").exit_code == 0
    export = run(pandoc_project, "export", "-o", str(pandoc_project / "references.bib"))
    assert export.exit_code == 2, export.output
    assert "an output (-o) and an input (the bibliography paper.md names)" in export.output
    audit = run(
        pandoc_project, "audit", str(pandoc_project / "paper.md"), "--offline", "--format",
        "markdown", "-o", str(pandoc_project / "paper.md"),
    )
    assert audit.exit_code == 2, audit.output
    assert "an input (the document paper.md)" in audit.output
    assert (pandoc_project / "references.bib").read_bytes() == before
    source = run(pandoc_project, "export", "references.bib", "-o", "references.bib")
    assert source.exit_code == 2, source.output


# ------------------------------------------------------------------ outputs stay inside (16.4)


@pytest.fixture
def example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("REFKEEPER_CACHE", str(tmp_path / "cache.sqlite"))
    root = tmp_path / "project" / "example"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns("refkeeper-out", ".refkeeper*"))
    return root


def _set_output(root: Path, key: str, value: str, extra: str = "") -> None:
    config = root / "refkeeper.toml"
    lines = [
        f'{key} = "{value}"{extra}' if line.startswith(f"{key} =") else line
        for line in config.read_text().splitlines()
    ]
    config.write_text("\n".join(lines) + "\n")


@pytest.mark.parametrize(
    ("key", "value"),
    [("bibtex", "../../x.bib"), ("audit", "../audit.html"), ("ris", "ABSOLUTE")],
)
def test_outputs_outside_the_project_are_refused(
    example: Path, tmp_path: Path, key: str, value: str
) -> None:
    value = str(tmp_path / "abs.ris") if value == "ABSOLUTE" else value
    _set_output(example, key, value)
    result = run(example, "sync")
    assert result.exit_code == 2, result.output
    line = result.output.strip()
    assert "Traceback" not in line and len(line.splitlines()) == 1
    assert f"outputs.{key} = " in line and "outside the project folder" in line
    assert "allow-outside = true" in line
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == sorted(
        ["README.md", "document.txt", "refkeeper.lock", "refkeeper.toml", ".gitignore"]
    )


def test_an_output_folder_linking_outside_is_refused(example: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (example / "refkeeper-out").symlink_to(elsewhere)
    result = run(example, "sync")
    assert result.exit_code == 2, result.output
    assert "outside the project folder" in result.output
    assert list(elsewhere.iterdir()) == []


def test_allow_outside_writes_an_absolute_path_without_crashing(
    example: Path, tmp_path: Path
) -> None:
    target = tmp_path / "shared" / "refs.bib"
    _set_output(example, "bibtex", str(target))
    _set_output(example, "audit", "../audit.html")
    config = example / "refkeeper.toml"
    config.write_text(config.read_text() + "allow-outside = true\n")
    result = run(example, "sync")
    assert result.exit_code == 0, result.output
    assert "@book{bosman2010who" in target.read_text()
    assert (example.parent / "audit.html").exists()
    assert "wrote ../../shared/refs.bib" in result.output
    again = run(example, "sync")  # the state file records outside outputs too
    assert again.exit_code == 0, again.output
    assert "wrote" not in again.output


# ------------------------------------------------------------------ ascii = true (issue 15.10)


def test_ascii_outputs_for_pdflatex(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REFKEEPER_CACHE", str(tmp_path / "cache.sqlite"))
    root = tmp_path / "thesis"
    root.mkdir()
    (root / "library.bib").write_text(
        "@article{mueller2020,\n  author = {Müller, Jürgen and Łódź, Ana},\n"
        "  title = {TNF-α in Ölçüm cohorts},\n  journal = {Cancer},\n  year = {2020}\n}\n"
    )
    outputs = 'bibtex = "out/refs.bib"\nbiblatex = "out/refs-biblatex.bib"\n'
    _config(root, outputs, '["library.bib"]')
    assert run(root, "sync", "--offline").exit_code == 0
    assert "Müller" in (root / "out" / "refs.bib").read_text()
    _config(root, outputs + "ascii = true\n", '["library.bib"]')
    result = run(root, "sync", "--offline")
    assert result.exit_code == 0, result.output
    for name in ("refs.bib", "refs-biblatex.bib"):
        data = (root / "out" / name).read_bytes()
        assert data.isascii(), name
        assert b'M{\\"{u}}ller' in data and b"$\\alpha$" in data
    _config(root, 'ascii = "yes"\n', '["library.bib"]')
    bad = run(root, "sync", "--offline")
    assert bad.exit_code == 2 and "outputs.ascii must be true or false, not str" in bad.output
