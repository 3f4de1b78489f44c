"""Bulk use cases beyond one machine, on Dask (``pip install 'refkeeper[dask]'``): shards of
an index built in parallel, and millions of references resolved as a partitioned collection.

- :func:`build_on_dask`: the input files, in name order, are cut into contiguous groups; each
  worker builds the shard of a group (``build_shard``) into the index folder, which every
  worker must see (a shared file system) at the same path; the client then writes the
  manifest, so the index is published only when every shard is complete.
- :func:`resolve_on_dask`: the references of a file become a ``dask.bag`` of partitions;
  each worker opens the index read-only (once per worker process) and resolves its
  partitions against it; the client appends each finished partition to a JSON-lines output
  as it arrives. Run again after an interruption, it skips the references already written
  (a line cut by the interruption is dropped), so the work is resumable.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from refkeeper.errors import InputError
from refkeeper.index.build import ShardReport, build_index, build_shard

PARTITION = 500
"""References per partition."""

_SOURCES: dict[str, Any] = {}  # per worker process: index folder -> LocalPubMedSource


def _dask(module: str) -> Any:
    """A Dask module, untyped (Dask's own annotations are partial)."""
    import importlib

    return importlib.import_module(module)


def _client(scheduler: str) -> Any:
    try:
        client_class = _dask("distributed").Client
    except ImportError as exc:  # pragma: no cover - depends on the installed extras
        raise InputError(
            "--scheduler needs Dask: pip install 'refkeeper[dask]' (dask[distributed])"
        ) from exc
    try:
        return client_class(scheduler, timeout=30)
    except OSError as exc:
        raise InputError(f"cannot reach the Dask scheduler {scheduler}: {exc}") from exc


def _workers(client: Any) -> int:
    return max(1, len(client.scheduler_info().get("workers", {})))


def build_on_dask(
    files: Sequence[Path], folder: Path, scheduler: str, *, shards: int | None = None
) -> list[ShardReport]:
    """Build the index in ``folder`` with the workers of the Dask ``scheduler`` (one shard
    per file group; ``shards`` groups, default two per worker)."""
    client = _client(scheduler)
    try:
        count = shards or 2 * _workers(client)

        def map_shards(jobs: list[tuple[list[Path], Path, int, str]]) -> list[ShardReport]:
            futures = [client.submit(build_shard, *job, pure=False) for job in jobs]
            reports: list[ShardReport] = client.gather(futures)
            return reports

        return build_index(
            [Path(f).resolve() for f in files],
            Path(folder).resolve(),
            shards=count,
            map_shards=map_shards,
        )
    finally:
        client.close()


# ---------------------------------------------------------------------- resolving


def _source(folder: str) -> Any:
    source = _SOURCES.get(folder)
    if source is None:
        from refkeeper.resolve.local import LocalPubMedSource

        source = _SOURCES[folder] = LocalPubMedSource(Path(folder))
    return source


def resolve_lines(folder: str, lines: Sequence[tuple[str, int, str]]) -> list[dict[str, Any]]:
    """Resolve ``(id, line number, text)`` references against the index in ``folder``
    (opened once per process, read-only): one JSON-ready result per reference."""
    from refkeeper.pipeline.resolving import reference_from_text
    from refkeeper.resolve.source import resolve_with

    refs = [reference_from_text(ref_id, raw, number) for ref_id, number, raw in lines]
    resolutions = resolve_with(refs, [_source(folder)])
    return [
        {"id": ref.id, "line": number, "raw": ref.raw, "resolution": res.to_json()}
        for ref, (_, number, _), res in zip(refs, lines, resolutions, strict=True)
    ]


def read_lines(path: Path) -> list[tuple[str, int, str]]:
    """The references of a file, one per line (blank and '#' lines skipped): (id, line,
    text), ids ``r1``, ``r2``... in order."""
    from refkeeper.pipeline.resolving import reference_lines

    return reference_lines(path)


def done_ids(output: Path) -> set[str]:
    """The references an earlier run already wrote to ``output``; a last line cut by an
    interruption is removed from the file."""
    if not output.exists():
        return set()
    done: set[str] = set()
    keep = 0
    with open(output, "rb") as handle:
        for raw in handle:
            try:
                item = json.loads(raw)
            except ValueError:
                break
            if not raw.endswith(b"\n"):
                break
            done.add(str(item["id"]))
            keep += len(raw)
    if keep != output.stat().st_size:
        with open(output, "r+b") as handle:
            handle.truncate(keep)
    return done


def _append(output: Path, results: Sequence[dict[str, Any]]) -> None:
    data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in results).encode()
    with open(output, "ab") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _partitions(
    todo: Sequence[tuple[str, int, str]], size: int
) -> Iterator[list[tuple[str, int, str]]]:
    for start in range(0, len(todo), size):
        yield list(todo[start : start + size])


def resolve_on_dask(
    refs_file: Path,
    folder: Path,
    scheduler: str,
    output: Path,
    *,
    partition: int = PARTITION,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, int]:
    """Resolve every reference of ``refs_file`` against the index in ``folder`` on the
    workers of ``scheduler``, appending results to ``output`` (JSON lines) as partitions
    finish; references already in ``output`` are skipped. Returns counts by status."""
    bag = _dask("dask.bag")
    as_completed = _dask("distributed").as_completed

    from refkeeper.index.store import PubMedIndex

    PubMedIndex(folder).close()  # a clear error here, not on every worker
    lines = read_lines(refs_file)
    done = done_ids(output)
    todo = [line for line in lines if line[0] not in done]
    counts: dict[str, int] = {"skipped": len(lines) - len(todo)}
    if not todo:
        return counts
    client = _client(scheduler)
    try:
        collection = bag.from_sequence(todo, partition_size=max(1, partition))
        results = collection.map_partitions(_resolve_partition, str(Path(folder).resolve()))
        futures = client.compute(results.to_delayed())
        finished = counts["skipped"]
        for future in as_completed(futures):
            items: list[dict[str, Any]] = future.result()
            _append(output, items)
            for item in items:
                status = str(item["resolution"]["status"])
                counts[status] = counts.get(status, 0) + 1
            finished += len(items)
            if progress is not None:
                progress(finished, len(lines))
    finally:
        client.close()
    return counts


def _resolve_partition(lines: Sequence[tuple[str, int, str]], folder: str) -> list[dict[str, Any]]:
    return resolve_lines(folder, list(lines))
