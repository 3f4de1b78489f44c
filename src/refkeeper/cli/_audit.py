"""CLI command ``refkeeper audit``: is every claim backed by the work it cites, cited correctly?

Exit codes: 0 done, 1 something reaches ``--fail-on``, 2 bad usage or input, 3 network.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import click

from refkeeper.cli._common import CommandError, InDirectory, handle_errors, project_settings

if TYPE_CHECKING:

    from refkeeper.pipeline.facade import AuditReport

FORMATS = ("table", "html", "markdown", "json")
FAIL_ON = ("never", "retracted", "unresolved", "ambiguous", "major", "weak", "as-written")


@click.command("audit")
@click.argument("documents", nargs=-1, type=InDirectory(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="table",
    show_default=True,
    help="table: terminal; html: one self-contained file; markdown: for a pull request; "
    "json: schema refkeeper.audit/1.",
)
@click.option(
    "-o",
    "--output",
    type=InDirectory(path_type=Path),
    default=None,
    help="Write the report to FILE (atomically) instead of standard output; with several "
    "documents and --format html, FILE is a directory that gets one report per document.",
)
@click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON),
    default=None,
    help="Exit 1 when something reaches this level (each level includes the ones before it: "
    "retracted < unresolved < ambiguous < major < weak < as-written, the last adding works kept "
    "as written). Default: the project's fail-on, "
    "else never.",
)
@click.option(
    "--resolutions",
    "resolutions_file",
    type=InDirectory(path_type=Path, dir_okay=False),
    default=None,
    help="Read the resolutions from FILE (JSON keyed by reference id, or the output of "
    "'refkeeper resolve --format json') instead of resolving.",
)
@click.option(
    "--offline",
    is_flag=True,
    help="Use the project's lock only; references not in it are reported unresolved.",
)
@click.option(
    "--threshold",
    type=click.FloatRange(0.0, 1.0),
    default=None,
    help=(
        "Support score below which a cited record is only related: it does not state the "
        "claim (default 0.30)."
    ),
)
@click.option(
    "--et-al",
    "et_al_style",
    type=click.Choice(["lenient", "vancouver", "ama", "apa"]),
    default="lenient",
    show_default=True,
    help="Which style's rule decides whether 'et al.' is allowed in a reference.",
)
@click.pass_context
@handle_errors
def audit_command(
    ctx: click.Context,
    documents: tuple[Path, ...],
    fmt: str,
    output: Path | None,
    fail_on: str | None,
    resolutions_file: Path | None,
    offline: bool,
    threshold: float | None,
    et_al_style: str,
) -> None:
    """Audit DOCUMENTS (default: the project's documents): citation errors against the
    verified records, retractions, claim support with evidence sentences, structure."""
    from refkeeper import pipeline

    settings = project_settings(ctx, required=False)
    paths = list(documents) or pipeline.find_documents(settings)
    for path in paths:
        if not path.exists():
            raise CommandError(f"{path}: no such file", 2)
    if output is not None:
        pages = fmt == "html" and len(paths) > 1
        pipeline.check_audit_output(settings, paths, output, pages, resolutions_file)
    options = pipeline.audit_options(threshold, et_al_style)
    reports = pipeline.audit_project(
        settings, paths, options=options, resolutions_file=resolutions_file, offline=offline
    )
    _emit(reports, fmt, output)
    level = fail_on or settings.fail_on
    reasons = [f"{r.source}: {line}" for r in reports for line in r.fail_reasons(level)]
    if reasons:
        for line in reasons[:20]:
            click.echo(f"fail-on {level}: {line}", err=True)
        if len(reasons) > 20:
            click.echo(f"... and {len(reasons) - 20} more", err=True)
        ctx.exit(1)


def _emit(reports: list[AuditReport], fmt: str, output: Path | None) -> None:
    from refkeeper import pipeline

    if fmt == "html" and len(reports) > 1:
        if output is None:
            raise CommandError("--format html with several documents needs -o DIRECTORY", 2)
        for target in pipeline.write_audit_pages(reports, output):
            click.echo(f"wrote {target}", err=True)
        return
    width = 160 if output is not None else shutil.get_terminal_size((160, 24)).columns
    text = pipeline.render_reports(reports, fmt, width=width)
    if output is None:
        click.echo(text, nl=not text.endswith("\n"))
    else:
        pipeline.write_text(output, text)
        click.echo(f"wrote {output}", err=True)


COMMANDS: list[click.Command] = [audit_command]
