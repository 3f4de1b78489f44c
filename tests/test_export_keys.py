"""`refkeeper export` of a library with a repeated key: both places named, the work renamed,
the export carried on (as `extract` does)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from refkeeper.cli import main

LIBRARY = """\
@article{smith2000,
  title = {One study},
  author = {Smith, Ann},
  journal = {Cancer},
  year = {2000}
}

@article{smith2000,
  title = {Another study},
  author = {Smith, Bob},
  journal = {Lancet},
  year = {2000}
}

@article{smith2000-2,
  title = {A third study},
  author = {Smith, Cy},
  journal = {BMJ},
  year = {2000}
}
"""


def test_a_repeated_bibtex_key_is_renamed_and_named_with_both_lines(tmp_path: Path) -> None:
    library = tmp_path / "library.bib"
    library.write_text(LIBRARY)
    result = CliRunner().invoke(main, ["export", str(library), "--format", "bibtex"])
    assert result.exit_code == 0, result.output
    assert (
        f"warning: {library}:8: key 'smith2000' is used again (first at line 1); "
        "this entry is exported as 'smith2000-3'"
    ) in result.stderr
    entries = {e.split(",")[0]: e for e in result.stdout.split("@article{")[1:]}
    assert sorted(entries) == ["smith2000", "smith2000-2", "smith2000-3"]
    assert "Another study" in entries["smith2000-3"]


def test_a_repeated_csl_json_id_is_renamed(tmp_path: Path) -> None:
    library = tmp_path / "library.json"
    library.write_text(
        '[{"id": "a", "type": "book", "title": "One"}, {"id": "a", "type": "book", "title": "Two"}]'
    )
    result = CliRunner().invoke(main, ["export", str(library), "--format", "csl-json"])
    assert result.exit_code == 0, result.output
    assert f"{library} (item 2): key 'a' is used again (first at item 1)" in result.stderr
    assert '"id": "a-2"' in result.stdout
