"""Text from documents and records is printed literally: "[/x]" or "[bold]" in a claim is
not rich markup (a stray closing tag used to be able to crash the table)."""

from pathlib import Path

from click.testing import CliRunner

from refkeeper.audit import audit
from refkeeper.audit.report_table import render_table
from refkeeper.cli import main
from refkeeper.extract import extract_string

TEXT = (
    "A claim with [/odd] brackets and [bold]markup[/bold] [1].\n\n"
    "References\n1. Smith J. A [/x] title. J Test. 2001;1:1-2.\n"
)


def test_extract_table_prints_brackets_literally(tmp_path: Path) -> None:
    doc = tmp_path / "doc.txt"
    doc.write_text(TEXT)
    result = CliRunner().invoke(main, ["extract", str(doc), "--kind", "numbered"])
    assert result.exit_code == 0, result.output
    assert "[/odd]" in result.output and "[bold]markup[/bold]" in result.output
    assert "A [/x] title" in result.output


def test_audit_table_prints_brackets_literally() -> None:
    extraction = extract_string(TEXT, kind="numbered")
    table = render_table(audit(extraction, {}), width=200)
    assert "[/odd]" in table and "[bold]markup[/bold]" in table
