"""Every configured output rendered in memory (exports and audit reports)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from refkeeper.config import Settings
from refkeeper.library import (
    LockEntry,
)
from refkeeper.models import Work

if TYPE_CHECKING:
    from refkeeper.audit import AuditReport
    from refkeeper.export import Numbering


def work_for_export(entry: LockEntry) -> Work:
    """The record a bibliography shows: the resolved work, else the reference as written."""
    if entry.work is not None:
        return replace(entry.work, csl={**entry.work.csl, "id": entry.key})
    return Work(id=entry.key, source="document", csl={**entry.fields, "id": entry.key})


def render_outputs(
    settings: Settings, entries: Sequence[LockEntry], numbering: Numbering | None = None
) -> dict[Path, str]:
    """Every configured export rendered in memory, in citation order; the formatted
    bibliography keeps a numbered document's own ``numbering`` (numeric styles)."""
    from refkeeper.export import EntryCache, export_string

    works = [work_for_export(e) for e in entries]
    out = settings.outputs
    # Formatted entries are kept per record and style: a repeat run formats only what changed.
    cache = (
        EntryCache(settings.entry_cache_path) if out.bibliography else None
    )
    targets = (
        (out.bibtex, "bibtex"),
        (out.biblatex, "biblatex"),
        (out.csl_json, "csl-json"),
        (out.ris, "ris"),
        (out.bibliography, format_for(out.bibliography or "")),
    )
    rendered: dict[Path, str] = {}
    for name, fmt in targets:
        if name:
            rendered[settings.root / name] = export_string(
                works,
                fmt,
                style=out.style,
                journal=out.journal,
                ascii=out.ascii,
                cache=cache,
                numbering=numbering,
            )
    return rendered


def display_path(path: Path, root: Path) -> str:
    """``path`` relative to the project root when inside it (``refkeeper-out/audit.html``),
    else as ``os.path.relpath`` gives it, or absolute when on another drive."""
    try:
        return str(path.relative_to(root))
    except ValueError:
        pass
    try:
        return os.path.relpath(path, root)
    except ValueError:
        return str(path)


def format_for(path: str) -> str:
    suffix = Path(path).suffix.lower()
    return {".html": "html", ".htm": "html", ".md": "markdown", ".json": "json"}.get(suffix, "text")


def render_audit(report: AuditReport, fmt: str, *, document_href: str | None = None) -> str:
    """The audit report as html, markdown, json or a plain-text table (``document_href``:
    the document relative to the report, linked from an HTML report too large to show it)."""
    if fmt == "html":
        from refkeeper.audit.report_html import render_html

        return render_html(report, document_href=document_href)
    if fmt == "json":
        from refkeeper.audit.report_json import render_json

        return render_json(report)
    if fmt == "markdown":
        from refkeeper.audit.report_markdown import render_markdown

        return render_markdown(report)
    from refkeeper.audit.report_table import render_table

    return render_table(report)


def is_output(settings: Settings, path: Path) -> bool:
    """A file sync writes (so that documents = ["*.md"] never reads bibliography.md back)."""
    out = settings.outputs
    names = (out.bibtex, out.biblatex, out.csl_json, out.ris, out.bibliography, out.audit)
    if path == settings.lock_path or path in {settings.root / n for n in names if n}:
        return True
    if out.audit:  # the per-document reports: audit-<document>.html
        audit = settings.root / out.audit
        return (
            path.parent == audit.parent
            and path.suffix == audit.suffix
            and path.stem.startswith(audit.stem + "-")
        )
    return False


def audit_paths(settings: Settings, documents: Sequence[Path]) -> list[Path]:
    """Where the audit reports go: the configured file for a one-document project; with
    several documents, one report each, named after the document (audit-chapter1.html)."""
    name = settings.outputs.audit
    if not name:
        return []
    path = settings.root / name
    if len(documents) <= 1:
        return [path]
    stems = [
        display_path(d.with_suffix(""), settings.root).replace("../", "").replace("/", "_")
        for d in documents
    ]
    return [path.with_name(f"{path.stem}-{stem}{path.suffix}") for stem in stems]


def output_paths(settings: Settings, documents: Sequence[Path]) -> list[Path]:
    """The lock, then every output file sync writes."""
    out = settings.outputs
    names = (out.bibtex, out.biblatex, out.csl_json, out.ris, out.bibliography)
    return [
        settings.lock_path,
        *(settings.root / n for n in names if n),
        *audit_paths(settings, documents),
    ]
