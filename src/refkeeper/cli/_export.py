"""CLI commands ``refkeeper export`` (a project's lock or a CSL-JSON library -> a format) and
``refkeeper styles`` (list the CSL styles)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from refkeeper.cli._common import InDirectory, handle_errors, start_directory

_FORMATS = ("bibtex", "biblatex", "csl-json", "ris", "text", "markdown", "html")


@click.command("export")
@click.argument(
    "source", required=False, type=InDirectory(path_type=Path, dir_okay=False, exists=True)
)
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(_FORMATS),
    default="bibtex",
    show_default=True,
    help="Output format; text, markdown and html are bibliographies in --style.",
)
@click.option(
    "--style",
    default=None,
    metavar="NAME|PATH",
    help="CSL style: a name from `refkeeper styles` or a .csl file "
    "(default: refkeeper.toml, else nlm-citation-sequence).",
)
@click.option(
    "--journal",
    type=click.Choice(["full", "iso"]),
    default=None,
    help="Journal names in full or as ISO abbreviations (BibTeX, RIS; default: "
    "refkeeper.toml, else full).",
)
@click.option(
    "--ascii",
    "ascii_",
    is_flag=True,
    help="BibTeX: write non-ASCII characters as LaTeX accents (for classic bibtex + pdflatex).",
)
@click.option(
    "-o",
    "--output",
    type=InDirectory(path_type=Path, dir_okay=False),
    default=None,
    help="Write to FILE (atomically) instead of standard output.",
)
@click.pass_context
@handle_errors
def export_command(
    ctx: click.Context,
    source: Path | None,
    fmt: str,
    style: str | None,
    journal: str | None,
    ascii_: bool,
    output: Path | None,
) -> None:
    """Export the works of the project's lock (or of SOURCE: a refkeeper.lock, a CSL-JSON
    file, or a BibTeX/RIS/MEDLINE library) as BibTeX, BibLaTeX, CSL-JSON, RIS or a formatted
    bibliography."""
    from refkeeper import pipeline

    found = pipeline.works_to_export(source, start_directory(ctx))
    for note in found.notes:
        click.echo(f"warning: {note}", err=True)
    works = found.works
    text = pipeline.export_text(found, fmt, style=style, journal=journal, ascii=ascii_)
    if output is None:
        click.echo(text, nl=False)
    else:
        pipeline.check_export_output(output, start_directory(ctx), source)
        pipeline.write_output(output, text)
        click.echo(f"wrote {len(works)} works to {output}", err=True)


@click.command("styles")
@click.argument("search", nargs=-1)
@handle_errors
def styles_command(search: tuple[str, ...]) -> None:
    """List the CSL styles (name, title; a dependent style shows its parent), or those whose
    name or title contain every word of SEARCH."""
    from refkeeper import pipeline

    words = " ".join(search)
    found = pipeline.find_styles(words or None)
    if not found:
        click.echo(f"no style matches {words!r}", err=True)
        sys.exit(1)
    width = min(60, max(len(s.name) for s in found))
    for info in found:
        parent = f"  (-> {info.parent})" if info.dependent and info.parent else ""
        click.echo(f"{info.name:<{width}}  {info.title}{parent}")


COMMANDS: list[click.Command] = [export_command, styles_command]
