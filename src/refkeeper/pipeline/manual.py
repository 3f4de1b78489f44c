"""A person's decisions kept in the lock (pin, ignore), the starter config, and the lock's
works for `refkeeper export`."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from refkeeper.config import Settings, load_settings
from refkeeper.errors import InputError, RefkeeperError
from refkeeper.fsutil import atomic_write_text
from refkeeper.identifiers import normalize_doi, normalize_isbn, normalize_pmcid, normalize_pmid
from refkeeper.library import (
    Lock,
    LockEntry,
    canonical,
    ignore_entry,
    pin_entry,
    read_lock,
    write_lock,
)
from refkeeper.models import Resolution, Status, Work
from refkeeper.pipeline.outputs import work_for_export
from refkeeper.pipeline.project import (
    FLOCK_NAME,
    ClientFactory,
    find_documents,
    make_sources,
    project_lock,
)
from refkeeper.pipeline.state import STATE_NAME

if TYPE_CHECKING:
    pass


def parse_identifier(text: str) -> str:
    """``8620427``, ``pmid:8620427``, ``10.1000/x``, ``PMC123``, ``978-92-...`` ->
    the canonical ``scheme:value`` form."""
    raw = text.strip()
    scheme, _, value = raw.partition(":")
    if value and scheme.lower() in ("pmid", "doi", "pmcid", "isbn"):
        raw = value
        hint: str | None = scheme.lower()
    else:
        hint = None
    checks: list[tuple[str, Callable[[str], str | None]]] = [
        ("pmid", normalize_pmid),
        ("pmcid", normalize_pmcid),
        ("doi", normalize_doi),
        ("isbn", normalize_isbn),
    ]
    for name, check in checks:
        if hint not in (None, name):
            continue
        if (value_ok := check(raw)) is not None:
            return f"{name}:{value_ok}"
    raise InputError(f"{text!r} is not a PMID, DOI, PMCID or ISBN")


def _lookup_entry(lock: Lock, ref: str, settings: Settings) -> LockEntry:
    if ref in lock.entries:
        return lock.entries[ref]
    matches = [e for e in lock.entries.values() if ref.lower() in e.cited_as.lower()]
    if len(matches) == 1:
        return matches[0]
    known = ", ".join(sorted(lock.entries)) or "none (run 'refkeeper sync' first)"
    what = "matches several references" if matches else "is not a key in the lock"
    raise InputError(f"{ref!r} {what}; keys: {known}", str(settings.lock_path))


def pin(
    settings: Settings,
    ref: str,
    identifier: str,
    *,
    client_factory: ClientFactory | None = None,
    offline: bool = False,
    today: date | None = None,
) -> LockEntry:
    """Fix the work a reference resolves to. Kept in the lock across later syncs."""
    ident = parse_identifier(identifier)
    with project_lock(settings.root):
        lock = read_lock(settings.lock_path)
        entry = _lookup_entry(lock, ref, settings)
        sources = make_sources(settings, offline=offline, client_factory=client_factory)
        from refkeeper.resolve import resolve_identifier

        resolution = resolve_identifier(ident, sources)
        if resolution.work is None and ident.startswith("isbn:"):
            resolution = manual_book(entry.fields, ident, today)
        if resolution.work is None:
            raise InputError(f"cannot pin {entry.key} to {ident}: {resolution.reason}")
        resolution = replace(resolution, status=Status.PINNED)
        pinned = pin_entry(entry, ident, resolution)
        write_lock(settings.lock_path, lock.replace_entry(pinned))
        return pinned


def manual_book(fields: Mapping[str, Any], ident: str, today: date | None = None) -> Resolution:
    """A book not found in the NLM Catalog, pinned by its ISBN from the reference as written."""
    isbn = ident.split(":", 1)[1]
    csl = {**dict(fields), "ISBN": isbn, "id": ident}
    csl.setdefault("type", "book")
    work = Work(
        id=ident,
        source="manual",
        csl=csl,
        isbn=isbn,
        retrieved=(today or date.today()).isoformat(),
    )
    return Resolution(
        status=Status.PINNED,
        work=work,
        strategy="pinned-isbn",
        reason="pinned by ISBN; the NLM Catalog record id is not known yet",
    )


def ignore(settings: Settings, ref: str, *, undo: bool = False) -> LockEntry:
    """Silence a reference (kept in the lock across syncs); ``undo`` restores it."""
    with project_lock(settings.root):
        lock = read_lock(settings.lock_path)
        entry = ignore_entry(_lookup_entry(lock, ref, settings), not undo)
        write_lock(settings.lock_path, lock.replace_entry(entry))
        return entry


def keep(settings: Settings, ref: str, *, undo: bool = False) -> LockEntry:
    """Keep a reference as written (status ``as-written``: a work no source holds, with the
    fields read from the reference), kept in the lock across syncs; ``undo`` makes it
    unresolved again, so that the next sync looks it up."""
    from refkeeper.written import kept_resolution

    with project_lock(settings.root):
        lock = read_lock(settings.lock_path)
        entry = _lookup_entry(lock, ref, settings)
        if undo:
            if entry.status is not Status.AS_WRITTEN:
                raise InputError(f"{entry.key} is not kept as written", str(settings.lock_path))
            resolution = Resolution(Status.UNRESOLVED, reason="no longer kept as written")
            entry = replace(entry, resolution=resolution)
        else:
            resolution = kept_resolution(
                entry.fields,
                entry.cited_as,
                reason="kept as written by hand",
                by_hand=True,
                previous=entry.resolution,
            )
            entry = replace(entry, resolution=resolution, pinned=None, ignored=False)
        write_lock(settings.lock_path, lock.replace_entry(canonical(entry)))
        return entry


LOCAL_FILES = (STATE_NAME, FLOCK_NAME)
"""Files sync keeps beside the lock that belong to one machine, not to the repository."""


MANUSCRIPT_GLOBS = ("*.md", "*.tex", "*.txt", "*.docx")
"""What bare ``init`` looks for in the folder."""

_NOT_MANUSCRIPTS = re.compile(
    r"^(?:readme|license|licence|changelog|changes|contributing|code_of_conduct|citation|"
    r"authors|todo|requirements.*|cmakelists)(?:\.|$)",
    re.IGNORECASE,
)


def propose_documents(directory: Path) -> list[str]:
    """The manuscripts bare ``init`` proposes: the folder's Markdown, LaTeX, plain-text and
    Word files (not READMEs, licences, requirements), sorted; none found: ``*.md``."""
    found = sorted(
        {
            path.name
            for pattern in MANUSCRIPT_GLOBS
            for path in directory.glob(pattern)
            if path.is_file() and not _NOT_MANUSCRIPTS.match(path.name)
        }
    )
    return found or ["*.md"]


def document_kind(path: Path) -> str:
    """The kind refkeeper reads ``path`` as (``markdown``, ``latex``, ...), or why it cannot."""
    from refkeeper.extract import detect_kind
    from refkeeper.extract.documents import read_text

    if not path.exists():
        return "not found yet"
    by_name = detect_kind("", path)
    if by_name == "docx":  # read as bytes by its adapter
        return by_name
    try:
        return detect_kind(read_text(path), path)
    except RefkeeperError as exc:
        problem = exc.problem if isinstance(exc, InputError) else str(exc)
        return f"unreadable: {problem}"


def starter_config(documents: Sequence[str]) -> str:
    """The starter refkeeper.toml with ``documents`` set."""
    from refkeeper.config import STARTER_CONFIG

    listed = ", ".join(json.dumps(d, ensure_ascii=False) for d in documents)
    return STARTER_CONFIG.replace('documents = ["*.md"]', f"documents = [{listed}]", 1)


def init_project(
    directory: Path, *, force: bool = False, documents: Sequence[str] = ()
) -> Path:
    """Write a commented starter refkeeper.toml naming ``documents`` (paths relative to
    ``directory``; none: the manuscripts found there, see :func:`propose_documents`), and
    keep refkeeper's machine-local files out of git (.gitignore); refkeeper.lock itself is
    meant to be committed."""
    from refkeeper.config import CONFIG_NAME, parse_config
    from refkeeper.pipeline import guard

    path = directory / CONFIG_NAME
    if path.exists() and not force:
        raise InputError(f"{CONFIG_NAME} already exists (use --force to overwrite)", str(path))
    text = starter_config(list(documents) or propose_documents(directory))
    # The starter's outputs must not land on a file the documents there are or name.
    settings = parse_config(text, root=directory.resolve(), environ={})
    guard.check_outputs(settings, find_documents(settings, strict=False))
    atomic_write_text(path, text)
    ignore_file = directory / ".gitignore"
    present = ignore_file.read_text(encoding="utf-8") if ignore_file.exists() else ""
    missing = [name for name in LOCAL_FILES if name not in present.splitlines()]
    if missing:
        head = present if not present or present.endswith("\n") else present + "\n"
        atomic_write_text(ignore_file, head + "\n".join(missing) + "\n")
    return path


def locked_works(settings: Settings) -> list[Work]:
    """The works of the lock (not ignored) in citation order, keyed by citation key."""
    lock = read_lock(settings.lock_path)
    return [work_for_export(e) for e in lock.in_citation_order() if not e.ignored]


@dataclass(frozen=True, slots=True)
class ExportSource:
    """What `refkeeper export` exports, and the project's style and journal choice if any."""

    works: list[Work]
    style: str | None
    journal: str | None
    cache_path: Path
    notes: tuple[str, ...] = ()
    """One-line warnings about the source (a duplicate key renamed, naming file and line)."""


def unique_works(
    works: Sequence[Work], source: str, places: Sequence[str]
) -> tuple[list[Work], list[str]]:
    """Works whose citation keys are unique: a repeated key becomes ``key-2`` (``-3``, ...),
    with a one-line note naming the file, the place (``places[i]``: a line number, or
    "item 3") and both keys."""
    taken = {w.id for w in works}
    seen: dict[str, str] = {}
    out: list[Work] = []
    notes: list[str] = []
    for work, place in zip(works, places, strict=True):
        if work.id not in seen:
            seen[work.id] = place
            out.append(work)
            continue
        number = 2
        while f"{work.id}-{number}" in taken:
            number += 1
        key = f"{work.id}-{number}"
        taken.add(key)
        first = seen[work.id]
        where = f"{source}:{place}" if place.isdigit() else f"{source} ({place})"
        notes.append(
            f"{where}: key {work.id!r} is used again (first at "
            f"{'line ' + first if first.isdigit() else first}); this entry is exported as {key!r}"
        )
        out.append(replace(work, id=key, csl={**work.csl, "id": key}))
    return out, notes


def works_to_export(source: Path | None, start: Path) -> ExportSource:
    """The works of ``source`` (a refkeeper.lock, a CSL-JSON file, or a BibTeX/RIS/MEDLINE
    library as written), or of the lock of the project found from ``start``."""
    from refkeeper.config import default_entry_cache_path
    from refkeeper.export import csljson

    if source is not None and source.suffix.lower() == ".json":
        try:
            text = source.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(f"not UTF-8 text (byte {exc.start})", str(source)) from exc
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror}", str(source)) from exc
        parsed = csljson.parse_csl_json(text, str(source))
        places = [f"item {n}" for n in range(1, len(parsed) + 1)]
        works, notes = unique_works(parsed, str(source), places)
        return ExportSource(works, None, None, default_entry_cache_path(), tuple(notes))
    if source is not None and source.name != "refkeeper.lock":
        from refkeeper.extract import extract_file

        written, places = [], []
        for ref in extract_file(source).references:
            key = ref.key or ref.id
            written.append(Work(id=key, source="document", csl={**ref.fields, "id": key}))
            places.append(str(ref.span.line) if ref.span else f"entry {len(places) + 1}")
        works, notes = unique_works(written, str(source), places)
        return ExportSource(works, None, None, default_entry_cache_path(), tuple(notes))
    if source is not None:
        settings = Settings(root=source.resolve().parent)
        return ExportSource(locked_works(settings), None, None, settings.entry_cache_path)
    settings = load_settings(start)
    return ExportSource(
        locked_works(settings),
        settings.outputs.style,
        settings.outputs.journal,
        settings.entry_cache_path,
    )
