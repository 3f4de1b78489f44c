"""The exports read by the real programs: bibtex + pdflatex, biber + biblatex, pandoc.

Each build runs once per module (module-scoped fixtures). The BibTeX export of 2,000 records
(the 1,648 corpus records, the example, the books, then corpus records again under new keys
"<key>-dup" to reach 2,000) must compile with no error and no warning.
"""

from __future__ import annotations

import dataclasses
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import EXAMPLE
from refkeeper.export import to_bibtex, to_csl_json
from refkeeper.export.latex import _accent
from refkeeper.models import Work
from test_export_support import book_works, corpus_works, example_works, varied_works
from tools import require_tool

pytestmark = pytest.mark.tools

BIBTEX_DOC = r"""\documentclass{article}
\usepackage[T1]{fontenc}
\begin{document}
\nocite{*}
\bibliographystyle{unsrt}
\bibliography{refs}
\end{document}
"""


def two_thousand() -> list[Work]:
    base = [*corpus_works(), *example_works(), *book_works()]
    extra = [
        dataclasses.replace(w, csl={**w.csl, "id": f"{w.csl['id']}-dup"})
        for w in base[: 2000 - len(base)]
    ]
    return base + extra


@dataclass
class Run:
    folder: Path
    outputs: list[subprocess.CompletedProcess[str]]

    def log(self, name: str) -> str:
        return (self.folder / name).read_text("utf-8", errors="replace")


def _run(folder: Path, *command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(command),
        cwd=folder,
        capture_output=True,
        text=True,
        errors="replace",
        timeout=600,
        check=False,
    )


def _latex(folder: Path, engine: str, backend: str, name: str) -> Run:
    latex = require_tool(engine)
    tool = require_tool(backend)
    args = [latex, "-interaction=nonstopmode", "-halt-on-error", name]
    outputs = [_run(folder, *args), _run(folder, tool, name), _run(folder, *args)]
    outputs.append(_run(folder, *args))
    return Run(folder, outputs)


def _latex_problems(log: str) -> list[str]:
    return [
        line
        for line in log.splitlines()
        if line.startswith("!") or "Warning" in line or "Missing character" in line
    ]


@pytest.fixture(scope="module")
def bibtex_run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    folder = tmp_path_factory.mktemp("bibtex")
    (folder / "refs.bib").write_text(to_bibtex(two_thousand(), ascii=True), "utf-8")
    (folder / "doc.tex").write_text(BIBTEX_DOC, "utf-8")
    return _latex(folder, "pdflatex", "bibtex", "doc")


def test_bibtex_export_of_2000_records_compiles_without_errors_or_warnings(
    bibtex_run: Run,
) -> None:
    for done in bibtex_run.outputs:
        assert done.returncode == 0, done.stdout[-2000:]
    blg = bibtex_run.log("doc.blg")
    assert "Warning" not in blg and "error" not in blg.lower(), blg
    assert _latex_problems(bibtex_run.log("doc.log")) == []
    bbl = bibtex_run.log("doc.bbl")
    assert bbl.count(r"\bibitem") == 2000


def test_bibtex_export_of_the_example_project_compiles(tmp_path: Path) -> None:
    from refkeeper import pipeline
    from refkeeper.config import Settings

    works = pipeline.locked_works(Settings(root=EXAMPLE))
    assert len(works) == 3
    (tmp_path / "refs.bib").write_text(to_bibtex(works, ascii=True), "utf-8")
    (tmp_path / "doc.tex").write_text(BIBTEX_DOC, "utf-8")
    run = _latex(tmp_path, "pdflatex", "bibtex", "doc")
    assert all(done.returncode == 0 for done in run.outputs)
    assert "Warning" not in run.log("doc.blg")
    assert _latex_problems(run.log("doc.log")) == []
    assert run.log("doc.bbl").count(r"\bibitem") == 3


def test_bibtex_text_reaches_the_pdf(bibtex_run: Run) -> None:
    bbl = bibtex_run.log("doc.bbl")
    # the worked example, and a collective author kept whole
    assert re.search(r"\\bibitem\{pmid:8620427\}\s*\nC\.~F\. Timmons", bbl)
    assert "World Health Organization" in bbl


# --------------------------------------------------------------------------------- BibLaTeX


def _biblatex_doc(bib: str, resource: str) -> str:
    """A document for biblatex + pdfLaTeX; characters inputenc does not know (Greek, math)
    are declared with the LaTeX refkeeper's ASCII mode would write for them."""
    chars = sorted({c for c in bib if ord(c) > 0x17F})
    declares = "\n".join(
        rf"\DeclareUnicodeCharacter{{{ord(c):04X}}}{{{_accent(c)}}}"
        for c in chars
        if not 0x300 <= ord(c) < 0x370
    )
    return (
        "\\documentclass{article}\n\\usepackage[T1]{fontenc}\n"
        f"{declares}\n"
        "\\usepackage[backend=biber,style=numeric]{biblatex}\n"
        f"\\addbibresource{{{resource}}}\n"
        "\\begin{document}\n\\nocite{*}\n\\printbibliography\n\\end{document}\n"
    )


@pytest.fixture(scope="module")
def biblatex_run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    folder = tmp_path_factory.mktemp("biblatex")
    bib = to_bibtex(varied_works(200), biblatex=True)
    (folder / "refs.bib").write_text(bib, "utf-8")
    (folder / "doc.tex").write_text(_biblatex_doc(bib, "refs.bib"), "utf-8")
    return _latex(folder, "pdflatex", "biber", "doc")


def _validate(folder: Path, name: str) -> subprocess.CompletedProcess[str]:
    biber = require_tool("biber")
    return _run(folder, biber, "--tool", "--validate-datamodel", name)


def test_biblatex_export_passes_biber_datamodel_validation(biblatex_run: Run) -> None:
    done = _validate(biblatex_run.folder, "refs.bib")
    assert done.returncode == 0, done.stderr
    problems = [line for line in done.stdout.splitlines() if "WARN" in line or "ERROR" in line]
    assert problems == []


def test_biblatex_export_compiles(biblatex_run: Run) -> None:
    for done in biblatex_run.outputs:
        assert done.returncode == 0, done.stdout[-2000:]
    blg = biblatex_run.log("doc.blg")
    assert not [x for x in blg.splitlines() if "WARN" in x or "ERROR" in x]
    assert _latex_problems(biblatex_run.log("doc.log")) == []
    assert biblatex_run.log("doc.bbl").count(r"\entry{") == 200


@pytest.mark.slow
def test_biblatex_export_of_2000_records_passes_validation(tmp_path: Path) -> None:
    (tmp_path / "refs.bib").write_text(to_bibtex(two_thousand(), biblatex=True), "utf-8")
    done = _validate(tmp_path, "refs.bib")
    assert done.returncode == 0, done.stderr
    problems = [line for line in done.stdout.splitlines() if "WARN" in line or "ERROR" in line]
    assert problems == []


# ----------------------------------------------------------------------------------- pandoc


def test_system_pandoc_renders_the_csl_json_export(tmp_path: Path) -> None:
    """Debian's pandoc (a different build from the engine's) reads the CSL-JSON export."""
    pandoc = require_tool("pandoc")
    works = two_thousand()
    (tmp_path / "refs.json").write_text(to_csl_json(works), "utf-8")
    (tmp_path / "doc.md").write_text('---\nnocite: "@*"\n---\n', "utf-8")
    done = _run(tmp_path, pandoc, "doc.md", "--citeproc", "--bibliography=refs.json", "-t", "html")
    assert done.returncode == 0, done.stderr
    assert "WARNING" not in done.stderr
    assert done.stdout.count('class="csl-entry"') == len(works)
    assert 'id="ref-pmid:8620427"' in done.stdout
