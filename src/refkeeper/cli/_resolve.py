"""CLI command ``refkeeper resolve``: free-text references (or identifiers) -> verified records."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from refkeeper.cli._common import CommandError, handle_errors, project_settings

if TYPE_CHECKING:
    from refkeeper.models import Reference, Resolution


@click.command("resolve")
@click.argument("reference", required=False)
@click.option(
    "--file",
    "file_",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
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
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="The SQLite cache file (default: the user's cache dir, or refkeeper.toml).",
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
) -> None:
    """Resolve REFERENCE (free text such as "Timmons CF ... Cancer 76: 1481-9", or pmid:,
    doi:, pmcid:, isbn:) to a verified PubMed or NLM Catalog record, with its evidence."""
    from refkeeper.resolve import resolve_identifier
    from refkeeper.resolve.strategy import is_identifier

    if reference is None and file_ is None:
        raise click.UsageError("give a REFERENCE or --file FILE")
    refs = []
    if reference is not None:
        refs.append(_reference("r1", reference, None))
    if file_ is not None:
        refs.extend(_read_file(file_, start=len(refs) + 1))
    if not refs:
        raise CommandError(f"{file_}: no references in the file", 2)

    from refkeeper.config import with_overrides
    from refkeeper.pipeline import make_client

    settings = with_overrides(
        project_settings(ctx, required=False),
        eutils_url=eutils_url,
        cache_path=cache,
        cache_backend="sqlite" if cache is not None else None,
    )
    client = make_client(settings, offline=offline)
    session = client.session
    try:
        if len(refs) == 1 and is_identifier(refs[0].raw):
            resolutions = [resolve_identifier(refs[0].raw, client)]
        else:
            resolutions = _resolve_all(refs, client)
    finally:
        session.close()
    _render(refs, resolutions, fmt)


def _resolve_all(refs: list[Reference], client: Any) -> list[Resolution]:
    from refkeeper.errors import RetriesExhausted
    from refkeeper.resolve import resolve_references

    try:
        return resolve_references(refs, client)
    except RetriesExhausted as exc:
        partial = exc.partial
        if isinstance(partial, list) and partial:
            _render(refs, partial, "table", err=True)
        raise


def _reference(ref_id: str, raw: str, line: int | None) -> Reference:
    from refkeeper.extract.refparse import parse_reference
    from refkeeper.models import Reference, Span
    from refkeeper.resolve.strategy import is_identifier

    text = raw.strip()
    fields = {} if is_identifier(text) else dict(parse_reference(text).fields)
    span = Span(line, 0, len(raw)) if line is not None else None
    return Reference(id=ref_id, raw=text, span=span, fields=fields)


def _read_file(path: Path, *, start: int) -> list[Reference]:
    from refkeeper.errors import DocumentError

    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DocumentError(f"not UTF-8 text (byte {exc.start})", str(path)) from exc
    except OSError as exc:
        raise DocumentError(f"cannot read: {exc.strerror}", str(path)) from exc
    refs: list[Reference] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        refs.append(_reference(f"r{start + len(refs)}", line, number))
    return refs


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
