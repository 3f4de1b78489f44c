"""CLI commands ``refkeeper index build|update|stats``: a local PubMed index."""

from __future__ import annotations

import json
from pathlib import Path

import click

from refkeeper.cli._common import InDirectory, handle_errors

_FILES = click.argument(
    "files", nargs=-1, required=True, type=InDirectory(path_type=Path, dir_okay=False)
)
_OUT = click.option(
    "-o",
    "--index",
    "folder",
    required=True,
    type=InDirectory(path_type=Path, file_okay=False),
    help="The index folder.",
)


@click.group("index")
def index_group() -> None:
    """A local PubMed index built from NLM's baseline and update files (pubmedNNnNNNN.xml.gz):
    references it answers are resolved with no request to NCBI."""


def _summary(reports: list[object]) -> None:
    for report in reports:
        files = getattr(report, "files", [])
        records = getattr(report, "records", 0)
        seconds = getattr(report, "seconds", 0.0)
        cpu = getattr(report, "cpu_seconds", 0.0)
        rate = records / cpu if cpu else 0.0
        click.echo(
            f"{getattr(report, 'name', '')}: {len(files)} files, {records:,} records, "
            f"{seconds:.1f} s ({rate:,.0f} records per CPU second)",
            err=True,
        )


@index_group.command("build")
@_FILES
@_OUT
@click.option(
    "--scheduler",
    default=None,
    metavar="ADDRESS",
    help="A Dask scheduler (tcp://host:8786): shards are built from file groups in parallel "
    "on its workers (pip install 'refkeeper[dask]').",
)
@click.option(
    "--shards",
    type=int,
    default=0,
    help="File groups to build as shards (default 1, or two per Dask worker).",
)
@handle_errors
def build_command(
    files: tuple[Path, ...], folder: Path, scheduler: str | None, shards: int
) -> None:
    """Build a new index in DIR from FILES (applied in name order: deletions and newer
    versions of a PMID take effect). An index already in DIR is replaced only once the new
    one is complete."""
    from refkeeper import pipeline

    _summary(list(pipeline.build_index(list(files), folder, scheduler=scheduler, shards=shards)))
    click.echo(json.dumps(pipeline.index_stats(folder), indent=1))


@index_group.command("update")
@_FILES
@_OUT
@handle_errors
def update_command(files: tuple[Path, ...], folder: Path) -> None:
    """Apply the next update FILES to the index in DIR."""
    from refkeeper import pipeline

    _summary(list(pipeline.update_index(list(files), folder)))
    click.echo(json.dumps(pipeline.index_stats(folder), indent=1))


@index_group.command("stats")
@click.argument("folder", type=InDirectory(path_type=Path, file_okay=False))
@handle_errors
def stats_command(folder: Path) -> None:
    """Records, files, deletions and disk size of the index in FOLDER."""
    from refkeeper import pipeline

    click.echo(json.dumps(pipeline.index_stats(folder), indent=1))


COMMANDS: list[click.Command] = [index_group]
