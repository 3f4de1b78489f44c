"""`refkeeper index`: build, update and describe a local PubMed index (see refkeeper.index)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from refkeeper.index.build import ShardReport


def build_index(
    files: Sequence[Path], folder: Path, *, scheduler: str | None = None, shards: int = 0
) -> list[ShardReport]:
    """Build a new index from baseline (and update) files. With a Dask ``scheduler``
    address, shards are built from file groups in parallel on its workers (``shards``: how
    many groups; default two per worker)."""
    from refkeeper.index import build

    if scheduler is None:
        return build.build_index(files, folder, shards=max(1, shards))
    from refkeeper.pipeline.distributed import build_on_dask

    reports: list[ShardReport] = build_on_dask(files, folder, scheduler, shards=shards or None)
    return reports


def update_index(files: Sequence[Path], folder: Path) -> list[ShardReport]:
    """Apply update files (new records, revised versions, deletions) to an index."""
    from refkeeper.index import build

    return build.update_index(files, folder)


def resolve_file_on_dask(
    refs_file: Path, folder: Path, scheduler: str, output: Path
) -> dict[str, int]:
    """Resolve the references of ``refs_file`` (one per line) against the index in
    ``folder`` on a Dask cluster, results appended to ``output`` (JSON lines) as partitions
    finish; an interrupted run started again skips what ``output`` already holds."""
    from refkeeper.pipeline.distributed import resolve_on_dask

    return resolve_on_dask(refs_file, folder, scheduler, output)


def index_stats(folder: Path) -> dict[str, Any]:
    """Records, files, deletions and size of an index."""
    from refkeeper.index.store import PubMedIndex

    index = PubMedIndex(folder)
    try:
        return index.stats()
    finally:
        index.close()
