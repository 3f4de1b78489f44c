"""What the CLI needs beyond the use cases: one document's extraction, exports to a file or
a string, the list of styles, audit options and reports rendered or written. The CLI imports
only ``refkeeper.pipeline`` and ``refkeeper.config``; these functions are its way in."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, cast

from refkeeper.fsutil import atomic_write_text
from refkeeper.models import Extraction

if TYPE_CHECKING:
    from refkeeper.audit import AuditOptions
    from refkeeper.audit import AuditReport as AuditReport
    from refkeeper.export import StyleInfo
    from refkeeper.pipeline.manual import ExportSource


def extract_kinds() -> tuple[str, ...]:
    """The input kinds ``extract`` knows, from the one registry of format adapters."""
    from refkeeper.extract.registry import KINDS

    return KINDS


def extract_one(
    file: Path, *, kind: str | None = None, bibliography: Path | None = None
) -> Extraction:
    """The claims, references and links of one document (``bibliography``: a library its
    citation keys point into, checked readable first for a clear error)."""
    from refkeeper.extract import extract_file

    if bibliography is not None:
        from refkeeper.extract.documents import read_text

        read_text(bibliography)  # a clear error now rather than later
    return extract_file(file, kind=kind, bibliography=bibliography)


def export_text(
    found: ExportSource, fmt: str, *, style: str | None, journal: str | None, ascii: bool
) -> str:
    """The works of ``found`` in ``fmt`` (formatted entries cached beside the response cache)."""
    from refkeeper.export import EntryCache, export_string

    cache = EntryCache(found.cache_path) if fmt in ("text", "markdown", "html") else None
    try:
        return export_string(
            found.works,
            fmt,
            style=style or found.style or "nlm-citation-sequence",
            journal=journal or found.journal or "full",
            ascii=ascii,
            cache=cache,
        )
    finally:
        if cache is not None:
            cache.close()


def write_output(path: Path, text: str) -> Path:
    """Write ``text`` atomically to ``path`` (its folder must exist: a clear error if not)."""
    from refkeeper.export import write_atomic

    return write_atomic(path, text)


def find_styles(search: str | None) -> list[StyleInfo]:
    """The CSL styles whose name or title contain every word of ``search`` (all when None)."""
    from refkeeper.export import list_styles

    return list_styles(search)


def audit_options(threshold: float | None, et_al_style: str) -> AuditOptions:
    """Audit options from the command line (``threshold`` None: the default)."""
    from refkeeper.audit import AuditOptions
    from refkeeper.audit.compare import EtAlStyle
    from refkeeper.audit.support import DEFAULT_THRESHOLD

    return AuditOptions(
        threshold=DEFAULT_THRESHOLD if threshold is None else threshold,
        et_al_style=cast(EtAlStyle, et_al_style),  # the CLI offers only EtAlStyle's values
    )


def render_reports(reports: Sequence[AuditReport], fmt: str, *, width: int = 160) -> str:
    """Several audit reports as one json, html (the first), markdown or table text."""
    from refkeeper.audit import (
        render_html,
        render_json,
        render_json_many,
        render_markdown,
        render_table,
    )

    if fmt == "json":
        return render_json(reports[0]) if len(reports) == 1 else render_json_many(reports)
    if fmt == "html":
        return render_html(reports[0])
    if fmt == "markdown":
        return "\n".join(render_markdown(r) for r in reports)
    return "\n".join(render_table(r, width=width) for r in reports)


def write_audit_pages(reports: Sequence[AuditReport], folder: Path) -> list[Path]:
    """One HTML page per report in ``folder`` (created): ``<document stem>.audit.html``."""
    from refkeeper.audit import render_html

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for report in reports:
        target = folder / f"{Path(report.source).stem}.audit.html"
        atomic_write_text(target, render_html(report))
        written.append(target)
    return written


def write_text(path: Path, text: str) -> None:
    """Write ``text`` atomically (readers see the old file or the new one)."""
    atomic_write_text(path, text)
