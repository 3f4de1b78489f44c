"""The project on disk: its lock against concurrent runs, its documents, its outputs."""

from __future__ import annotations

import contextlib
import fcntl
import glob
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from refkeeper.config import Settings
from refkeeper.errors import InputError, ProjectBusy
from refkeeper.models import Extraction
from refkeeper.pipeline.outputs import is_output, output_paths
from refkeeper.pipeline.state import STATE_NAME, read_state

if TYPE_CHECKING:
    from refkeeper.resolve import EntrezClient, Source

FLOCK_NAME = ".refkeeper.lock.flock"
"""The file two runs on one project lock (flock) so that they never interleave."""

ClientFactory = Callable[[], "EntrezClient"]
"""Builds the Entrez client when (and only when) something must be resolved."""


@contextlib.contextmanager
def project_lock(root: Path, timeout: float = 120.0) -> Iterator[None]:
    """Hold an exclusive lock on the project so that two syncs never interleave."""
    path = root / FLOCK_NAME
    handle = open(path, "a+b")  # noqa: SIM115 - held for the duration of the context
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise ProjectBusy(
                        f"{root}: another refkeeper process has held the project for "
                        f"{timeout:.0f} s; try again when it is done"
                    ) from None
                time.sleep(0.05)
        yield
    finally:
        handle.close()


def find_documents(settings: Settings, *, strict: bool = True) -> list[Path]:
    """The documents the config names (globs relative to the project root), sorted.
    ``strict=False``: whatever matches now, and no error when nothing does."""
    if not settings.documents and strict:
        raise InputError("no documents configured ([project] documents)", str(settings.config_path))
    found: dict[Path, None] = {}
    ours = _written_by_refkeeper(settings)
    for pattern in settings.documents:
        matches = sorted(glob.glob(pattern, root_dir=settings.root, recursive=True))
        if not matches and strict:
            raise InputError(
                f"no document matches {pattern!r} (relative to {settings.root})",
                str(settings.config_path),
            )
        for match in matches:
            path = settings.root / match
            # A file at an output path that refkeeper did not write is the user's: it stays
            # a document, and the output guard refuses to overwrite it.
            if path.is_file() and not (is_output(settings, path) and match in ours):
                found[path] = None
    if not found and strict:
        raise InputError(
            "the documents configured match only refkeeper's own outputs",
            str(settings.config_path),
        )
    return list(found)


def _written_by_refkeeper(settings: Settings) -> set[str]:
    """The outputs the last sync wrote (as recorded in .refkeeper.state), and the lock."""
    recorded = read_state(settings).get("outputs")
    return {*(recorded if isinstance(recorded, dict) else ()), settings.lock_path.name}


def extract_documents(paths: Sequence[Path], root: Path | None = None) -> list[Extraction]:
    """Extract each document; sources are named relative to ``root`` in reports."""
    from refkeeper.extract import extract_file

    extractions = []
    for path in paths:
        extraction = extract_file(path)
        if root is not None and path.is_relative_to(root):
            extraction = replace(extraction, source=str(path.relative_to(root)))
        extractions.append(extraction)
    return extractions


def make_client(settings: Settings, *, offline: bool = False) -> EntrezClient:
    """The Entrez client for these settings (the session is built here and passed in)."""
    from refkeeper.resolve import SHARED_LIMITER, EntrezClient, make_session
    from refkeeper.resolve.ratelimit import machine_limiter
    from refkeeper.resolve.session import shared_namespace

    session = make_session(
        settings.cache_path,
        backend=settings.cache_backend,
        redis_url=settings.redis_url,
        namespace=shared_namespace(settings.eutils_url),
        fallback=settings.cache_fallback,
    )
    return EntrezClient(
        session,
        base_url=settings.eutils_url,
        api_key=settings.api_key,
        email=settings.email,
        tool=settings.tool,
        offline=offline,
        trusted_hosts=settings.trusted_hosts,
        limiter=machine_limiter(settings.cache_path.parent, SHARED_LIMITER),
        give_up_after=settings.give_up_after,
        max_answer_mb=settings.max_answer_mb,
    )


def make_sources(
    settings: Settings, *, offline: bool = False, client_factory: ClientFactory | None = None
) -> list[Source]:
    """The sources these settings name, in the order they are asked (``[sources] order``):
    "pubmed" is the local PubMed index (``[sources] pubmed-index``) then the E-utilities
    (through ``client_factory``'s client when given; offline, the cache only); "doi" is
    doi.org content negotiation, "crossref" Crossref's bibliographic search and "arxiv" the
    arXiv API, all through the same cached session."""
    from refkeeper.resolve import EntrezSource

    sources: list[Source] = []
    client = client_factory() if client_factory else make_client(settings, offline=offline)
    for name in settings.source_order:
        if name == "pubmed":
            if settings.pubmed_index is not None:
                from refkeeper.resolve.local import LocalPubMedSource

                sources.append(LocalPubMedSource(settings.pubmed_index))
            sources.append(EntrezSource(client))
        elif name == "doi":
            from refkeeper.resolve.doi import DoiSource

            batch = None
            if "crossref" in settings.source_order:
                from refkeeper.resolve.crossref import CrossrefSource

                batch = CrossrefSource(
                    client.session,
                    base_url=settings.crossref_url,
                    email=settings.email,
                    offline=offline,
                )
            sources.append(
                DoiSource(
                    client.session, base_url=settings.doi_url, offline=offline, crossref=batch
                )
            )
        elif name == "crossref":
            from refkeeper.resolve.crossref import CrossrefSource

            sources.append(
                CrossrefSource(
                    client.session,
                    base_url=settings.crossref_url,
                    email=settings.email,
                    offline=offline,
                )
            )
        elif name == "arxiv":
            from refkeeper.resolve.arxiv import ArxivSource

            sources.append(
                ArxivSource(client.session, base_url=settings.arxiv_url, offline=offline)
            )
    return sources


def close_sources(sources: Sequence[Source]) -> None:
    """Release what the sources hold open."""
    for source in sources:
        source.close()


def remove_stale_temp_files(settings: Settings, documents: Sequence[Path]) -> None:
    """Temp files left by a run that was killed before its rename (see fsutil)."""
    for path in (*output_paths(settings, documents), settings.root / STATE_NAME):
        if path.parent.is_dir():
            for stale in path.parent.glob(f".{path.name}.*.tmp"):
                stale.unlink(missing_ok=True)
