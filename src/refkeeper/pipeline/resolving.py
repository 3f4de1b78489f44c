"""`refkeeper resolve`: free-text references or identifiers -> verified records."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from refkeeper.config import Settings
from refkeeper.errors import DocumentError
from refkeeper.models import Reference, Resolution, Span
from refkeeper.pipeline.project import close_sources, make_sources


def reference_from_text(ref_id: str, raw: str, line: int | None = None) -> Reference:
    """One reference as written (fields parsed), or a bare identifier (pmid:, doi:, ...)."""
    from refkeeper.extract.refparse import parse_reference
    from refkeeper.resolve.strategy import is_identifier

    text = raw.strip()
    fields = {} if is_identifier(text) else dict(parse_reference(text).fields)
    span = Span(line, 0, len(raw)) if line is not None else None
    return Reference(id=ref_id, raw=text, span=span, fields=fields)


def reference_lines(path: Path, *, start: int = 1) -> list[tuple[str, int, str]]:
    """The reference lines of a file, unparsed: (id ``r1``..., line number, text); blank
    lines and lines starting with '#' skipped."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DocumentError(f"not UTF-8 text (byte {exc.start})", str(path)) from exc
    except OSError as exc:
        raise DocumentError(f"cannot read: {exc.strerror}", str(path)) from exc
    out: list[tuple[str, int, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip() and not line.lstrip().startswith("#"):
            out.append((f"r{start + len(out)}", number, line))
    return out


def references_from_file(path: Path, *, start: int = 1) -> list[Reference]:
    """One reference per line (blank lines and lines starting with '#' skipped)."""
    return [
        reference_from_text(ref_id, line, number)
        for ref_id, number, line in reference_lines(path, start=start)
    ]


def resolve_texts(
    settings: Settings, refs: Sequence[Reference], *, offline: bool = False
) -> list[Resolution]:
    """Resolve references (batched, cached) with the client these settings describe.
    RetriesExhausted carries the resolutions obtained before the failure (``partial``)."""
    from refkeeper.resolve import resolve_identifier, resolve_references
    from refkeeper.resolve.strategy import is_identifier

    sources = make_sources(settings, offline=offline)
    try:
        if len(refs) == 1 and is_identifier(refs[0].raw):
            return [resolve_identifier(refs[0].raw, sources)]
        return resolve_references(refs, sources)
    finally:
        close_sources(sources)
