"""Audit documents end to end: extract each, get its resolutions from a provider, audit.

The provider decides where resolutions come from, so the same function serves the CLI, the
pipeline and tests:

- ``network_provider(sources)``: resolve through the sources in order (an ``EntrezClient``
  alone works too: cache, then network);
- ``json_provider(path)`` / ``resolutions_from_json(data)``: resolutions saved as JSON, either
  ``{"r1": <Resolution JSON>, ...}`` keyed by reference id, or the list that
  ``refkeeper resolve --format json`` prints (``[{"id": "r1", "resolution": {...}}, ...]``);
- ``lock_provider(lock, fallback)``: the project's lock (``refkeeper.lock``) first, matched as
  ``sync`` matches (citation key, fingerprint of the written form, PMID/DOI); references not
  in the lock go to ``fallback`` (e.g. the network provider) or, offline, stay unresolved;
- ``mapping_provider(resolutions)``: a fixed mapping (tests).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from refkeeper.audit.core import AuditOptions, AuditReport, audit
from refkeeper.errors import InputError
from refkeeper.models import Extraction, Resolution, Status

if TYPE_CHECKING:
    from refkeeper.library import Lock
    from refkeeper.resolve import Sources

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


def network_provider(sources: Sources) -> ResolutionsProvider:
    """Resolve each document's references through ``sources`` (batched, cached)."""

    def provide(extraction: Extraction) -> Mapping[str, Resolution]:
        from refkeeper.resolve import resolve_references

        refs = list(extraction.references)
        if not refs:
            return {}
        resolutions = resolve_references(refs, sources)
        return {ref.id: res for ref, res in zip(refs, resolutions, strict=True)}

    return provide


def lock_provider(lock: Lock, fallback: ResolutionsProvider | None = None) -> ResolutionsProvider:
    """Resolutions from the lock; what it lacks from ``fallback`` (or unresolved)."""
    from refkeeper.keys import document_key, fingerprint

    index = lock.index()

    def provide(extraction: Extraction) -> Mapping[str, Resolution]:
        found: dict[str, Resolution] = {}
        missing = []
        for ref in extraction.references:
            key = document_key(extraction, ref)
            entry = index.find(fingerprint(ref.fields, ref.raw), ref.fields, key)
            if entry is None or (entry.status == Status.UNRESOLVED and fallback is not None):
                missing.append(ref)
                continue
            found[ref.id] = entry.effective_resolution
        if missing and fallback is not None:
            partial = Extraction(
                extraction.source, extraction.kind, extraction.text, references=tuple(missing)
            )
            found.update(fallback(partial))
        for ref in missing:
            found.setdefault(
                ref.id, Resolution(Status.UNRESOLVED, reason="not in the lock (offline)")
            )
        return found

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
