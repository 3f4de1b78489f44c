"""CLI command ``refkeeper extract FILE``: claims, references, links and findings of a file."""

from __future__ import annotations

import json
from pathlib import Path

import click

from refkeeper.cli._common import InDirectory, handle_errors
from refkeeper.pipeline.facade import extract_kinds


@click.command("extract")
@click.argument("file", type=InDirectory(path_type=Path, dir_okay=True, exists=False))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "table"]),
    default="table",
    show_default=True,
    help="json: an object with claims, references, links, findings; table: a terminal view.",
)
@click.option(
    "--kind",
    type=click.Choice(extract_kinds()),
    default=None,
    help="Force the input kind instead of detecting it from the extension and content.",
)
@click.option(
    "--bibliography",
    type=InDirectory(path_type=Path, dir_okay=True, exists=False),
    default=None,
    help="A library (.bib, CSL-JSON .json, .ris, .nbib) for Markdown/LaTeX citation keys.",
)
@handle_errors
def extract_command(file: Path, fmt: str, kind: str | None, bibliography: Path | None) -> None:
    """Find the claims, references and links of FILE (WHO page, Markdown, LaTeX, numbered
    list, or a BibTeX/CSL-JSON/RIS/MEDLINE library)."""
    from refkeeper import pipeline

    extraction = pipeline.extract_one(file, kind=kind, bibliography=bibliography)
    if fmt == "json":
        click.echo(json.dumps(extraction.to_json(), indent=2, ensure_ascii=False))
        return
    from refkeeper.cli._extract_table import render_table

    render_table(extraction)


COMMANDS: list[click.Command] = [extract_command]
