"""Project commands: init, sync, pin, ignore, keep."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from refkeeper import pipeline
from refkeeper.cli._common import (
    InDirectory,
    handle_errors,
    project_settings,
    start_directory,
)
from refkeeper.config import FAIL_LEVELS, Settings, load_settings, with_overrides


def _settings(
    ctx: click.Context, eutils_url: str | None = None, cache: str | None = None
) -> Settings:
    settings = project_settings(ctx)
    return with_overrides(
        settings, eutils_url=eutils_url, cache_path=Path(cache) if cache else None
    )


@contextmanager
def _progress(console: Console) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar for resolution on a terminal; nothing when output is redirected."""
    if not console.is_terminal:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("resolving", total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def _summary(result: pipeline.SyncResult, root: Path) -> Table:
    counts = result.counts
    table = Table(title="refkeeper sync", show_header=True, header_style="bold")
    table.add_column("status")
    table.add_column("works", justify="right")
    statuses = ("resolved", "pinned", "as-written", "ambiguous", "not-found", "unresolved")
    for status in (*statuses, "ignored"):
        if counts.get(status):
            table.add_row(status, str(counts[status]))
    table.add_row("retracted", str(counts["retracted"]))
    table.add_row("changed since last sync", str(len(result.changes)))
    return table


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(0, width - 3)] + "..."


def _attention(result: pipeline.SyncResult, settings: Settings, width: int) -> Table | None:
    """The works a person should look at (ambiguous, not found, not yet resolved), one line
    each: key and status in full, what is cited and why cut to fit ``width``."""
    rows = pipeline.needs_attention(result, settings)
    if not rows:
        return None
    table = Table(title="needs attention", show_header=True, header_style="bold")
    key_width = max(3, *(len(e.key) for e in rows))
    room = max(30, width - key_width - 10 - 13)  # status, borders and padding
    cited_width, why_width = room // 3, room - room // 3
    table.add_column("key", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("cited as", no_wrap=True, max_width=cited_width)
    table.add_column("why", no_wrap=True, max_width=why_width)
    for entry in rows:
        cited = " ".join(entry.cited_as.split())
        reason = " ".join(entry.resolution.reason.split())
        table.add_row(
            escape(entry.key),
            entry.status.value,
            escape(_cut(cited, cited_width)),
            escape(_cut(reason, why_width)),
        )
    return table


@click.command()
@click.option("--offline", is_flag=True, help="Never touch the network: lock and cache only.")
@click.option("--refresh", is_flag=True, help="Re-fetch records; report what changed upstream.")
@click.option(
    "--fail-on",
    type=click.Choice(FAIL_LEVELS),
    default=None,
    help="Exit 1 when findings reach this level (default: the config's, or never).",
)
@click.option("--eutils-url", default=None, help="E-utilities base URL (or REFKEEPER_EUTILS_URL).")
@click.option(
    "--cache",
    type=InDirectory(dir_okay=False),
    default=None,
    help="Path of the SQLite response cache.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="table: for a person; json: one object (schema refkeeper.sync/1) for scripts.",
)
@click.pass_context
@handle_errors
def sync(
    ctx: click.Context,
    offline: bool,
    refresh: bool,
    fail_on: str | None,
    eutils_url: str | None,
    cache: str | None,
    fmt: str,
) -> None:
    """Bring refkeeper.lock and every configured output in step with the documents."""
    if offline and refresh:
        raise click.UsageError("--offline and --refresh cannot be used together")
    settings = _settings(ctx, eutils_url, cache)
    console = Console(stderr=True)
    with _progress(console) as progress:
        result = pipeline.sync(
            settings, offline=offline, refresh=refresh, fail_on=fail_on, progress=progress
        )
    if fmt == "json":
        report = pipeline.sync_report(result, settings)
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))
        ctx.exit(result.exit_code)
    out = Console(file=sys.stdout, soft_wrap=True)
    out.print(_summary(result, settings.root))
    attention = _attention(result, settings, out.width)
    if attention is not None:
        out.print(attention)
    for change in result.changes:
        out.print(escape(f"  {change.key}: {change.kind} {change.detail}".rstrip()))
    for duplicate in result.duplicates:
        out.print(escape(f"  duplicate: {duplicate.describe()}; numbers kept"))
    for path in result.written:
        out.print(escape(f"wrote {pipeline.display_path(path, settings.root)}"))
    for reason in result.fail_reasons:
        console.print(f"[bold red]fail[/]: {escape(reason)}", soft_wrap=True)
    ctx.exit(result.exit_code)


@click.command()
@click.argument("documents", nargs=-1, type=InDirectory(dir_okay=False, exists=True))
@click.option("--force", is_flag=True, help="Overwrite an existing refkeeper.toml.")
@click.pass_context
@handle_errors
def init(ctx: click.Context, documents: tuple[str, ...], force: bool) -> None:
    """Write a commented starter refkeeper.toml in the current directory, reading DOCUMENTS
    (default: the Markdown, LaTeX, plain-text and Word manuscripts found here)."""
    directory = start_directory(ctx)
    names = [os.path.relpath(d, directory) for d in documents]
    path = pipeline.init_project(directory, force=force, documents=names)
    settings = load_settings(directory)
    click.echo(f"wrote {path}")
    for name in settings.documents:
        kind = pipeline.document_kind(settings.root / name) if "*" not in name else "glob"
        click.echo(f"  document {name}: {kind}")


@click.command()
@click.argument("ref")
@click.argument("identifier")
@click.option("--offline", is_flag=True, help="Use the cache only.")
@click.option("--eutils-url", default=None, help="E-utilities base URL.")
@click.option(
    "--cache",
    type=InDirectory(dir_okay=False),
    default=None,
    help="Path of the SQLite response cache.",
)
@click.pass_context
@handle_errors
def pin(
    ctx: click.Context,
    ref: str,
    identifier: str,
    offline: bool,
    eutils_url: str | None,
    cache: str | None,
) -> None:
    """Fix reference REF (a citation key) to IDENTIFIER (PMID, DOI, PMCID or ISBN)."""
    settings = _settings(ctx, eutils_url, cache)
    entry = pipeline.pin(settings, ref, identifier, offline=offline)
    work = entry.work
    click.echo(f"pinned {entry.key} to {entry.pinned} ({work.id if work else '?'})")


@click.command()
@click.argument("ref")
@click.option("--undo", is_flag=True, help="Stop ignoring REF.")
@click.pass_context
@handle_errors
def ignore(ctx: click.Context, ref: str, undo: bool) -> None:
    """Silence reference REF (a citation key): kept in the lock, left out of outputs."""
    settings = _settings(ctx)
    entry = pipeline.ignore(settings, ref, undo=undo)
    click.echo(f"{'no longer ignoring' if undo else 'ignoring'} {entry.key}")


@click.command()
@click.argument("ref")
@click.option("--undo", is_flag=True, help="Stop keeping REF as written (look it up again).")
@click.pass_context
@handle_errors
def keep(ctx: click.Context, ref: str, undo: bool) -> None:
    """Keep reference REF (a citation key) as written: a work no source holds (software, a
    web page, a report), in every output with the fields read from the reference."""
    settings = _settings(ctx)
    entry = pipeline.keep(settings, ref, undo=undo)
    click.echo(f"{'no longer keeping' if undo else 'keeping'} {entry.key} as written")


COMMANDS: list[click.Command] = [init, sync, pin, ignore, keep]
