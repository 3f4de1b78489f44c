"""Bad input: one-line errors naming file and line, findings, CLI exit codes; no tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from refkeeper.cli import main
from refkeeper.errors import DocumentError
from refkeeper.extract import KINDS, extract_file, extract_string
from refkeeper.extract.documents import decode

DATA = Path(__file__).parent / "data" / "extract"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["extract", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.txt"
    with pytest.raises(DocumentError) as info:
        extract_file(path)
    assert str(info.value) == f"{path}: no such file"
    code, out = run(str(path))
    assert code == 2 and out == f"Error: {path}: no such file\n"


def test_directory(tmp_path: Path) -> None:
    code, out = run(str(tmp_path))
    assert code == 2 and out == f"Error: {tmp_path}: is a directory, not a document\n"


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    code, out = run(str(path))
    assert code == 2
    assert out == (
        f"Error: {path}:3: binary file, not a text document (NUL byte at byte offset 8)\n"
    )


def test_wrong_encoding_names_line_and_byte_offset(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("First line.\nK\xf6nigsrainer wrote it.\n".encode("latin-1"))
    with pytest.raises(DocumentError) as info:
        extract_file(path)
    err = info.value
    assert (err.path, err.line) == (str(path), 2)
    assert str(err) == (
        f"{path}:2: not valid UTF-8 at byte offset 13 (column 1, byte 0xf6); save the file as UTF-8"
    )
    code, out = run(str(path))
    assert code == 2 and out.count("\n") == 1 and "byte offset 13" in out


def test_utf16_and_crlf_are_read() -> None:
    text = decode(
        "A claim [1].\r\n\r\nReferences\r\n1. Smith A. T. J. 2001;1:2.\r\n".encode("utf-16")
    )
    assert "\r" not in text and text.startswith("A claim")


def test_empty_document(tmp_path: Path) -> None:
    path = tmp_path / "empty.md"
    path.write_text("  \n\n", encoding="utf-8")
    code, out = run(str(path))
    assert code == 2 and out == f"Error: {path}: empty document\n"
    with pytest.raises(DocumentError, match="empty document"):
        extract_string("")


def test_unknown_kind() -> None:
    with pytest.raises(DocumentError, match="unknown kind 'pdf'; choose from bibtex, csl-json"):
        extract_string("text", kind="pdf")
    code, out = run(str(DATA / "paper.md"), "--kind", "pdf")
    assert code == 2 and "Invalid value for '--kind'" in out


def test_missing_bibliography_option(tmp_path: Path) -> None:
    code, out = run(str(DATA / "paper.md"), "--bibliography", str(tmp_path / "x.bib"))
    assert code == 2 and out == f"Error: {tmp_path / 'x.bib'}: no such file\n"


def test_cli_json_shape_and_kind_option() -> None:
    code, out = run(
        str(DATA / "paper.md"), "--format", "json", "--bibliography", str(DATA / "refs.json")
    )
    assert code == 0
    data = json.loads(out)
    assert set(data) == {
        "source", "kind", "claims", "references", "links", "findings", "reference_blocks"
    }  # fmt: skip
    ref = data["references"][0]
    assert set(ref) >= {"id", "raw", "span", "fields"} and ref["fields"]["id"] == ref["id"]
    assert set(data["links"][0]) >= {"claim_id", "reference_id", "kind"}
    code, out = run(str(DATA / "vancouver.txt"), "--format", "json", "--kind", "markdown")
    assert code == 0 and json.loads(out)["kind"] == "markdown"


def test_cli_table_lists_claims_references_and_findings() -> None:
    code, out = run(str(DATA / "who-numbered.txt"))
    assert code == 0
    assert "who-numbered.txt (who): 5 claims, 3 references" in " ".join(out.split())
    for word in ("Claims", "References", "Findings", "Edmondson", "unmatched-marker"):
        assert word in out


def test_cli_help() -> None:
    result = CliRunner().invoke(main, ["extract", "--help"])
    assert result.exit_code == 0
    assert "--format" in result.output and "--bibliography" in result.output


@pytest.mark.parametrize("kind", [k for k in KINDS if k not in ("csl-json", "medline")])
def test_truncated_inputs_become_findings_not_errors(kind: str) -> None:
    samples = {
        "who": "A claim.\nClick to access Pubmed\nSmith A (2001)\n",
        "markdown": "A claim [@key and more text.\n",
        "latex": "A claim \\cite{key",
        "numbered": "A claim [1].\n\nReferences\n1. Smith A. A title",
        "bibtex": "@article{key, title={unclosed",
        "ris": "TY  - JOUR\nTI  - unclosed",
        "pmid-list": "16845428\n1884 not a PMID",
        "docx": "A claim [1].\nReferences\n1. Smith A. A title",  # its paragraphs, as text
    }
    expected = {
        "who": "truncated-reference",
        "markdown": "unbalanced-citation",
        "latex": "unbalanced-cite",
        "numbered": "reference-problem",
        "bibtex": "unparsable-entry",
        "ris": "truncated-reference",
        "pmid-list": "unparsable-entry",
        "docx": "reference-problem",
    }
    x = extract_string(samples[kind], kind=kind)
    assert x.kind == kind
    found = [f for f in x.findings if f.kind == expected[kind]]
    assert found, x.findings
    lines = samples[kind].count("\n") + 1
    assert all(f.span is not None and 1 <= f.span.line <= lines for f in found)
