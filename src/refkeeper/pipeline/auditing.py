"""`refkeeper audit`: audit documents against the works the project's lock holds (or a
resolutions file), falling back to the cache and the network unless offline."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from refkeeper.config import Settings
from refkeeper.library import read_lock
from refkeeper.models import Extraction, Resolution
from refkeeper.pipeline.project import close_sources, make_sources

if TYPE_CHECKING:
    from refkeeper.audit import AuditOptions, AuditReport
    from refkeeper.pipeline.providers import ResolutionsProvider


def resolutions_provider(
    settings: Settings, *, resolutions_file: Path | None = None, offline: bool = False
) -> ResolutionsProvider:
    """``resolutions_file`` when given; else the project's lock, then (unless ``offline``)
    the cache and the network for what the lock does not hold."""
    from refkeeper.pipeline.providers import json_provider, lock_provider, network_provider

    if resolutions_file is not None:
        return json_provider(resolutions_file)

    def online(extraction: Extraction) -> Mapping[str, Resolution]:
        sources = make_sources(settings, offline=offline)
        try:
            return network_provider(sources)(extraction)
        finally:
            close_sources(sources)

    return lock_provider(read_lock(settings.lock_path), None if offline else online)


def audit_project(
    settings: Settings,
    documents: Sequence[Path],
    *,
    options: AuditOptions | None = None,
    resolutions_file: Path | None = None,
    offline: bool = False,
) -> list[AuditReport]:
    """One audit report per document."""
    from refkeeper.pipeline.providers import audit_documents

    provider = resolutions_provider(settings, resolutions_file=resolutions_file, offline=offline)
    return audit_documents(documents, provider, options=options)
