"""CLI command ``refkeeper resolve``: free-text references (or identifiers) -> verified records."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from refkeeper.cli._common import CommandError, InDirectory, handle_errors, project_settings

if TYPE_CHECKING:
    from refkeeper.pipeline import Reference, Resolution


@click.command("resolve")
@click.argument("reference", required=False)
@click.option(
    "--file",
    "file_",
    type=InDirectory(path_type=Path, dir_okay=False, exists=True),
    default=None,
    help="Read references from FILE, one per line (blank lines and lines starting '#' skipped).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="json: one object per reference with the resolution and its evidence.",
)
@click.option(
    "--offline", is_flag=True, help="Answer from the cache only; never touch the network."
)
@click.option(
    "--eutils-url",
    default=None,
    metavar="URL",
    help="E-utilities base URL (default: REFKEEPER_EUTILS_URL, refkeeper.toml, or NCBI).",
)
@click.option(
    "--cache",
    "cache",
    type=InDirectory(path_type=Path, dir_okay=False),
    default=None,
    help="The SQLite cache file (default: the user's cache dir, or refkeeper.toml).",
)
@click.option(
    "--index",
    "index",
    type=InDirectory(path_type=Path, file_okay=False),
    default=None,
    help="A local PubMed index ('refkeeper index build'), asked before the E-utilities "
    "(default: [sources] pubmed-index of refkeeper.toml).",
)
@click.option(
    "--scheduler",
    default=None,
    metavar="ADDRESS",
    help="Resolve --file against --index on the workers of this Dask scheduler "
    "(tcp://host:8786), results appended to --output as partitions finish (resumable).",
)
@click.option(
    "-o",
    "--output",
    type=InDirectory(path_type=Path, dir_okay=False),
    default=None,
    help="With --scheduler: the JSON-lines results file (default: FILE.resolutions.jsonl).",
)
@click.pass_context
@handle_errors
def resolve_command(
    ctx: click.Context,
    reference: str | None,
    file_: Path | None,
    fmt: str,
    offline: bool,
    eutils_url: str | None,
    cache: Path | None,
    index: Path | None,
    scheduler: str | None,
    output: Path | None,
) -> None:
    """Resolve REFERENCE (free text such as "Timmons CF ... Cancer 76: 1481-9", or pmid:,
    doi:, pmcid:, isbn:) to a verified PubMed or NLM Catalog record, with its evidence."""
    from refkeeper import pipeline
    from refkeeper.config import with_overrides

    if reference is None and file_ is None:
        raise click.UsageError("give a REFERENCE or --file FILE")
    if scheduler is not None:
        _distributed(ctx, file_, index, scheduler, output)
        return
    refs = []
    if reference is not None:
        refs.append(pipeline.reference_from_text("r1", reference))
    if file_ is not None:
        refs.extend(pipeline.references_from_file(file_, start=len(refs) + 1))
    if not refs:
        raise CommandError(f"{file_}: no references in the file", 2)
    settings = with_overrides(
        project_settings(ctx, required=False),
        eutils_url=eutils_url,
        cache_path=cache,
        cache_backend="sqlite" if cache is not None else None,
        pubmed_index=index,
    )
    try:
        resolutions = pipeline.resolve_texts(settings, refs, offline=offline)
    except pipeline.RetriesExhausted as exc:
        if isinstance(exc.partial, list) and exc.partial:
            _render(refs, exc.partial, "table", err=True)  # what was resolved before
        raise
    _render(refs, resolutions, fmt)


def _distributed(
    ctx: click.Context,
    file_: Path | None,
    index: Path | None,
    scheduler: str,
    output: Path | None,
) -> None:
    from refkeeper import pipeline

    folder = index or project_settings(ctx, required=False).pubmed_index
    if file_ is None or folder is None:
        raise click.UsageError("--scheduler needs --file FILE and --index DIR")
    target = output or file_.with_name(file_.name + ".resolutions.jsonl")
    counts = pipeline.resolve_file_on_dask(file_, folder, scheduler, target)
    summary = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
    click.echo(f"wrote {target} ({summary})", err=True)


def _render(
    refs: list[Reference], resolutions: list[Resolution], fmt: str, *, err: bool = False
) -> None:
    if fmt == "json":
        items = [
            {
                "id": ref.id,
                "line": ref.span.line if ref.span else None,
                "raw": ref.raw,
                "resolution": res.to_json(),
            }
            for ref, res in zip(refs, resolutions, strict=True)
        ]
        click.echo(json.dumps(items, indent=2, ensure_ascii=False), err=err)
        return
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    table = Table(show_lines=False)
    for column in ("ref", "status", "record", "score", "strategy", "evidence / reason"):
        table.add_column(column, overflow="fold")
    for ref, res in zip(refs, resolutions, strict=True):
        record = res.work.id if res.work else ""
        if not record and res.candidates:
            record = ", ".join(c.work_id for c in res.candidates[:3])
        if res.work is not None and res.candidates:
            agreed = res.candidates[0].agreed
            detail = ", ".join(f"{k} {v:.2f}" for k, v in sorted(agreed.items()))
        else:
            detail = res.reason
        score = f"{res.score:.2f}" if res.score is not None else ""
        label = ref.id if ref.span is None else f"{ref.id} (line {ref.span.line})"
        cells = (label, str(res.status), record, score, res.strategy or "", detail)
        table.add_row(*(escape(c) for c in cells))  # "[ti]" is a field tag, not rich markup
    stream = sys.stderr if err else sys.stdout
    Console(stderr=err, width=None if stream.isatty() else 160).print(table)


COMMANDS: list[click.Command] = [resolve_command]
