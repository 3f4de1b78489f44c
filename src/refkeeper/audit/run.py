"""Audit documents end to end: extract each, get its resolutions from a provider, audit.

The provider decides where resolutions come from, so the same function serves the CLI, the
pipeline and tests:

- ``network_provider(client)``: resolve through an ``EntrezClient`` (cache, then network);
- ``json_provider(path)`` / ``resolutions_from_json(data)``: resolutions saved as JSON, either
  ``{"r1": <Resolution JSON>, ...}`` keyed by reference id, or the list that
  ``refkeeper resolve --format json`` prints (``[{"id": "r1", "resolution": {...}}, ...]``);
- ``mapping_provider(resolutions)``: a fixed mapping (tests, or a lock read by the caller).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from refkeeper.audit.core import AuditOptions, AuditReport, audit
from refkeeper.errors import InputError
from refkeeper.models import Extraction, Resolution

if TYPE_CHECKING:
    from refkeeper.resolve import EntrezClient

ResolutionsProvider = Callable[[Extraction], Mapping[str, Resolution]]
"""Given a document's extraction, the resolutions of its references keyed by Reference.id."""


def audit_documents(
    paths: Sequence[Path],
    resolutions_provider: ResolutionsProvider,
    *,
    options: AuditOptions | None = None,
) -> list[AuditReport]:
    """Extract, resolve (through the provider) and audit each document, in order."""
    from refkeeper.extract import extract_file

    reports: list[AuditReport] = []
    for path in paths:
        extraction = extract_file(path)
        reports.append(audit(extraction, resolutions_provider(extraction), options=options))
    return reports


def network_provider(client: EntrezClient) -> ResolutionsProvider:
    """Resolve each document's references through ``client`` (batched, cached)."""

    def provide(extraction: Extraction) -> Mapping[str, Resolution]:
        from refkeeper.resolve import resolve_references

        refs = list(extraction.references)
        if not refs:
            return {}
        resolutions = resolve_references(refs, client)
        return {ref.id: res for ref, res in zip(refs, resolutions, strict=True)}

    return provide


def mapping_provider(resolutions: Mapping[str, Resolution]) -> ResolutionsProvider:
    """The same resolutions for every document (keyed by Reference.id)."""

    def provide(extraction: Extraction) -> Mapping[str, Resolution]:
        return {r.id: resolutions[r.id] for r in extraction.references if r.id in resolutions}

    return provide


def resolutions_from_json(data: Any, source: str = "<json>") -> dict[str, Resolution]:
    """Parse saved resolutions (see the module docstring for the two accepted shapes)."""
    try:
        if isinstance(data, Mapping):
            return {str(k): Resolution.from_json(v) for k, v in data.items()}
        if isinstance(data, list):
            return {str(item["id"]): Resolution.from_json(item["resolution"]) for item in data}
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(f"not a resolutions file: {exc}", source) from exc
    raise InputError("not a resolutions file: expected an object or a list", source)


def json_provider(path: Path) -> ResolutionsProvider:
    """Resolutions read once from a JSON file."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", str(path)) from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"not valid JSON: {exc}", str(path)) from exc
    return mapping_provider(resolutions_from_json(data, str(path)))
