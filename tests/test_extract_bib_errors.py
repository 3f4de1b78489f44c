"""A .bib with a broken block or a repeated @string macro: findings with file and line, the
rest of the library kept, and none of bibtexparser's own log lines on stderr."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from cli_process import refkeeper
from refkeeper.extract import extract_file

BROKEN = "@article{a, title={T}, year=1999}\n@article{b title={T2}\n@article{c, title={x}}\n"
DUP_STRING = (
    '@string{jc = "J Clin"}\n@string{jc = "J Clin Oncol"}\n'
    "@article{a, title={T}, journal=jc, year=1999}\n"
)


def _extract_cli(path: Path) -> subprocess.CompletedProcess[str]:
    return refkeeper("extract", str(path), "--format", "json")


def test_broken_block_is_a_finding_with_its_line_and_no_library_noise(tmp_path: Path) -> None:
    path = tmp_path / "refs.bib"
    path.write_text(BROKEN, encoding="utf-8")
    done = _extract_cli(path)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # bibtexparser's "Parsing of ... aborted" lines are not printed
    result = json.loads(done.stdout)
    assert result["source"] == str(path)
    assert [r["id"] for r in result["references"]] == ["a", "c"]
    (finding,) = result["findings"]
    assert finding["kind"] == "unparsable-entry"
    assert finding["span"]["line"] == 2
    assert finding["message"] == (
        "BibTeX entry at line 2 cannot be parsed: Expected comma after entry key, but found ="
    )


def test_repeated_string_macro_is_a_finding_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "refs.bib"
    path.write_text(DUP_STRING, encoding="utf-8")
    x = extract_file(path)
    (ref,) = x.references
    assert ref.fields["container-title"] == "J Clin"  # the first definition
    (finding,) = x.findings
    assert (finding.kind, finding.span and finding.span.line) == ("duplicate-string", 2)
    done = _extract_cli(path)
    assert (done.returncode, done.stderr) == (0, "")
