"""The use cases wired together: sync, pin, ignore, export-from-lock. No click, no printing.

sync: extract every document -> match each reference to the lock -> resolve only what is
new (lock, then cache, then network, batched) -> update the lock -> write every configured
output -> a summary. All outputs are rendered in memory first and written atomically, the
lock last, so a run that fails or is killed leaves the previous files intact.
"""

from __future__ import annotations

import contextlib
import fcntl
import glob
import hashlib
import json
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from refkeeper.config import FAIL_LEVELS, Settings
from refkeeper.errors import InputError, ProjectBusy
from refkeeper.fsutil import atomic_write_text
from refkeeper.identifiers import normalize_doi, normalize_isbn, normalize_pmcid, normalize_pmid
from refkeeper.keys import disambiguate, document_key, fingerprint, make_key
from refkeeper.library import (
    Lock,
    LockEntry,
    canonical,
    dumps_lock,
    ignore_entry,
    pin_entry,
    read_lock,
    write_lock,
)
from refkeeper.models import Extraction, Reference, Resolution, Severity, Status, Work

if TYPE_CHECKING:
    from refkeeper.audit import AuditReport
    from refkeeper.resolve import EntrezClient

Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class Change:
    """Something that differs from the previous sync."""

    key: str
    kind: str  # added, removed, resolved, retraction, erratum, concern, pages, title, pmcid...
    detail: str = ""


@dataclass(frozen=True, slots=True)
class SyncResult:
    """What a sync did. ``memoized``: nothing had changed since the last sync, whose
    recorded result this is (``entries`` is then empty: read the lock for them)."""

    entries: tuple[LockEntry, ...]
    counts: Mapping[str, int]
    changes: tuple[Change, ...]
    written: tuple[Path, ...]
    unchanged: tuple[Path, ...]
    exit_code: int
    fail_reasons: tuple[str, ...] = ()
    audits: tuple[AuditReport, ...] = ()
    resolved_now: int = 0
    memoized: bool = False


# --------------------------------------------------------------------------- helpers


@contextlib.contextmanager
def project_lock(root: Path, timeout: float = 120.0) -> Iterator[None]:
    """Hold an exclusive lock on the project so that two syncs never interleave."""
    path = root / ".refkeeper.lock.flock"
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


def audit_paths(settings: Settings, documents: Sequence[Path]) -> list[Path]:
    """Where the audit reports go: the configured file for a one-document project; with
    several documents, one report each, named after the document (audit-chapter1.html)."""
    name = settings.outputs.audit
    if not name:
        return []
    path = settings.root / name
    if len(documents) <= 1:
        return [path]
    stems = [str(d.relative_to(settings.root).with_suffix("")).replace("/", "_") for d in documents]
    return [path.with_name(f"{path.stem}-{stem}{path.suffix}") for stem in stems]


def _output_paths(settings: Settings, documents: Sequence[Path]) -> list[Path]:
    """The lock, then every output file sync writes."""
    out = settings.outputs
    names = (out.bibtex, out.biblatex, out.csl_json, out.ris, out.bibliography)
    return [
        settings.lock_path,
        *(settings.root / n for n in names if n),
        *audit_paths(settings, documents),
    ]


def _remove_stale_temp_files(settings: Settings, documents: Sequence[Path]) -> None:
    """Temp files left by a run that was killed before its rename (see fsutil)."""
    for path in (*_output_paths(settings, documents), settings.root / STATE_NAME):
        if path.parent.is_dir():
            for stale in path.parent.glob(f".{path.name}.*.tmp"):
                stale.unlink(missing_ok=True)


def find_documents(settings: Settings) -> list[Path]:
    """The documents the config names (globs relative to the project root), sorted."""
    if not settings.documents:
        raise InputError("no documents configured ([project] documents)", str(settings.config_path))
    found: dict[Path, None] = {}
    for pattern in settings.documents:
        matches = sorted(glob.glob(pattern, root_dir=settings.root, recursive=True))
        if not matches:
            raise InputError(
                f"no document matches {pattern!r} (relative to {settings.root})",
                str(settings.config_path),
            )
        for match in matches:
            path = settings.root / match
            if path.is_file() and not _is_output(settings, path):
                found[path] = None
    if not found:
        raise InputError(
            "the documents configured match only refkeeper's own outputs",
            str(settings.config_path),
        )
    return list(found)


def _is_output(settings: Settings, path: Path) -> bool:
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


def _work_for_export(entry: LockEntry) -> Work:
    """The record a bibliography shows: the resolved work, else the reference as written."""
    if entry.work is not None:
        return replace(entry.work, csl={**entry.work.csl, "id": entry.key})
    return Work(id=entry.key, source="document", csl={**entry.fields, "id": entry.key})


def _changes_between(key: str, old: Work, new: Work) -> list[Change]:
    """What changed upstream between two fetches of the same record."""
    changes: list[Change] = []
    if new.retracted and not old.retracted:
        changes.append(Change(key, "retraction", f"{new.id} is now retracted"))
    old_comments = {(c.ref_type, c.pmid) for c in old.comments}
    for comment in new.comments:
        if (comment.ref_type, comment.pmid) in old_comments:
            continue
        if comment.ref_type.startswith("Erratum"):
            changes.append(Change(key, "erratum", f"{comment.ref_type} {comment.source}"))
        elif comment.ref_type.startswith("ExpressionOfConcern"):
            changes.append(Change(key, "concern", f"{comment.ref_type} {comment.source}"))
        elif comment.ref_type.startswith("Retraction") and not new.retracted:
            changes.append(Change(key, "retraction", f"{comment.ref_type} {comment.source}"))
    for field_name in ("page", "title", "volume", "issue"):
        if old.csl.get(field_name) != new.csl.get(field_name):
            changes.append(
                Change(
                    key,
                    field_name,
                    f"{old.csl.get(field_name)!r} -> {new.csl.get(field_name)!r}",
                )
            )
    if new.pmcid and new.pmcid != old.pmcid:
        changes.append(Change(key, "pmcid", f"new PMCID {new.pmcid}"))
    if new.doi and new.doi != old.doi:
        changes.append(Change(key, "doi", f"DOI {old.doi} -> {new.doi}"))
    return changes


def _fail_reasons(
    entries: Sequence[LockEntry], audits: Sequence[AuditReport] | None, fail_on: str
) -> list[str]:
    """Which findings reach the --fail-on level (levels ordered most severe first)."""
    if fail_on == "never":
        return []
    levels = FAIL_LEVELS[1:]
    active = set(levels[: levels.index(fail_on) + 1])
    reasons: list[str] = []
    live = [e for e in entries if not e.ignored]
    if "retracted" in active:
        reasons += [f"{e.key}: retracted" for e in live if e.work is not None and e.work.retracted]
    if "unresolved" in active:
        reasons += [
            f"{e.key}: {e.status.value}"
            for e in live
            if e.status in (Status.NOT_FOUND, Status.UNRESOLVED)
        ]
    if "ambiguous" in active:
        reasons += [f"{e.key}: ambiguous" for e in live if e.status is Status.AMBIGUOUS]
    for report in audits or ():
        for finding in report.findings:
            if "major" in active and finding.severity is Severity.MAJOR:
                reasons.append(f"{report.source}: {finding.kind}: {finding.message}")
            elif "weak" in active and finding.kind == "weak-support":
                reasons.append(f"{report.source}: {finding.kind}: {finding.message}")
    return list(dict.fromkeys(reasons))


# --------------------------------------------------------------------------- resolution


ClientFactory = Callable[[], "EntrezClient"]


def make_client(settings: Settings, *, offline: bool = False) -> EntrezClient:
    """The Entrez client for these settings (the session is built here and passed in)."""
    from refkeeper.resolve import EntrezClient, make_session

    session = make_session(
        settings.cache_path, backend=settings.cache_backend, redis_url=settings.redis_url
    )
    return EntrezClient(
        session,
        base_url=settings.eutils_url,
        api_key=settings.api_key,
        email=settings.email,
        tool=settings.tool,
        offline=offline,
    )


def _resolve(
    refs: Sequence[Reference], client: EntrezClient, progress: Progress | None
) -> list[Resolution]:
    from refkeeper.resolve import resolve_references

    return resolve_references(refs, client, progress=progress)


# --------------------------------------------------------------------------- sync


@dataclass(slots=True)
class _Plan:
    """Which lock entry each reference of each document maps to (mutable while building)."""

    ref_entry: dict[tuple[int, str], str] = field(default_factory=dict)
    entries: dict[str, LockEntry] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)
    seen_fingerprints: dict[str, list[str]] = field(default_factory=dict)


def sync(
    settings: Settings,
    *,
    offline: bool = False,
    refresh: bool = False,
    fail_on: str | None = None,
    client_factory: ClientFactory | None = None,
    progress: Progress | None = None,
    today: date | None = None,
) -> SyncResult:
    """Bring the lock and every configured output in step with the documents.

    When the lock, the documents, the settings and refkeeper itself are exactly as at the
    end of the last sync, and the outputs are untouched since, the recorded result of that
    sync is returned without parsing anything (``SyncResult.memoized``)."""
    fail_level = fail_on or settings.fail_on
    with project_lock(settings.root):
        documents = find_documents(settings)
        _remove_stale_temp_files(settings, documents)
        lock_bytes = settings.lock_path.read_bytes() if settings.lock_path.exists() else b""
        inputs = _inputs_digest(settings, documents, lock_bytes)
        state = _read_state(settings)
        memo = (
            None if refresh else _memoized(settings, documents, state, inputs, offline, fail_level)
        )
        if memo is not None:
            return memo
        old_lock = read_lock(settings.lock_path) if lock_bytes else Lock()
        extractions = extract_documents(documents, settings.root)
        client: EntrezClient | None = None

        def get_client() -> EntrezClient:
            nonlocal client
            if client is None:
                client = (
                    client_factory() if client_factory else make_client(settings, offline=offline)
                )
            return client

        plan, pending = _match(extractions, old_lock, offline)
        changes: list[Change] = []
        resolved_now = 0
        if pending:
            resolved_now = _resolve_pending(
                plan, pending, extractions, old_lock, settings, get_client, progress, changes
            )
        if refresh:
            changes += _refresh(plan, get_client(), today)
        changes += _settle(plan, old_lock)

        order = list(dict.fromkeys(plan.order))
        new_lock = Lock().with_entries(plan.entries.values(), order)
        cited = [plan.entries[k] for k in order if not plan.entries[k].ignored]
        lock_changed = new_lock != old_lock

        # Outputs depend on the lock, the documents, the settings and refkeeper's version:
        # when none changed and the files are as last written, nothing is rendered again.
        rendered_from = _rendered_digest(settings, dumps_lock(new_lock), order, extractions)
        up_to_date = state.get("rendered") == rendered_from and _outputs_current(
            settings, documents, state, None
        )
        need_audit = bool(settings.outputs.audit) and not up_to_date
        need_audit = need_audit or fail_level in ("major", "weak")
        audits = _audit(extractions, plan) if need_audit else None

        written: list[Path] = []
        unchanged: list[Path] = []
        if up_to_date:
            unchanged += _output_paths(settings, documents)[1:]
        else:
            rendered = render_outputs(settings, cited)
            for path, report in zip(audit_paths(settings, documents), audits or (), strict=False):
                rendered[path] = render_audit(report, _format_for(path.name))
            for path, text in rendered.items():
                (written if atomic_write_text(path, text) else unchanged).append(path)
        # The lock last: a failure above leaves the previous lock in place.
        if lock_changed and write_lock(settings.lock_path, new_lock):
            written.append(settings.lock_path)
        else:
            unchanged.append(settings.lock_path)

        entries = tuple(new_lock.entries[k] for k in sorted(new_lock.entries))
        cited_keys = set(order)
        live = [e for e in entries if e.key in cited_keys]
        reasons_by_level = {
            level: _fail_reasons(live, audits, level)
            for level in FAIL_LEVELS
            if audits is not None or level not in ("major", "weak")
        }
        counts = _counts(entries)
        if lock_changed:
            inputs = _inputs_digest(settings, documents, settings.lock_path.read_bytes())
        _write_state(
            settings,
            documents,
            inputs,
            rendered=rendered_from,
            counts=counts,
            reasons=reasons_by_level,
            retry=any(e.status is Status.UNRESOLVED for e in live),
        )
        reasons = reasons_by_level[fail_level]
        return SyncResult(
            entries=entries,
            counts=counts,
            changes=tuple(changes),
            written=tuple(written),
            unchanged=tuple(unchanged),
            exit_code=1 if reasons else 0,
            fail_reasons=tuple(reasons),
            audits=tuple(audits or ()),
            resolved_now=resolved_now,
        )


def _match(
    extractions: Sequence[Extraction], old_lock: Lock, offline: bool
) -> tuple[_Plan, list[tuple[int, Reference, str, int]]]:
    """Map every reference to its lock entry; what has none (or must be retried) is pending,
    with its place in citation order kept."""
    index = old_lock.index()
    plan = _Plan()
    pending: list[tuple[int, Reference, str, int]] = []
    for doc_index, extraction in enumerate(extractions):
        for ref in extraction.references:
            fp = fingerprint(ref.fields, ref.raw)
            entry = index.find(fp, ref.fields, document_key(extraction, ref))
            retry = entry is not None and entry.status is Status.UNRESOLVED and not offline
            if entry is not None and not retry:
                plan.seen_fingerprints.setdefault(entry.key, []).append(fp)
                plan.entries.setdefault(entry.key, entry)
                plan.ref_entry[(doc_index, ref.id)] = entry.key
                plan.order.append(entry.key)
            else:
                pending.append((doc_index, ref, fp, len(plan.order)))
                plan.order.append("")
    return plan, pending


def _resolve_pending(
    plan: _Plan,
    pending: Sequence[tuple[int, Reference, str, int]],
    extractions: Sequence[Extraction],
    old_lock: Lock,
    settings: Settings,
    get_client: Callable[[], EntrezClient],
    progress: Progress | None,
    changes: list[Change],
) -> int:
    """Resolve what the lock does not hold (batched), and give each a lock entry."""
    # The same reference written identically twice is resolved once.
    unique: dict[str, Reference] = {}
    for _, ref, fp, _ in pending:
        unique.setdefault(fp, ref)
    resolutions = _resolve(list(unique.values()), get_client(), progress)
    by_fp = dict(zip(unique.keys(), resolutions, strict=True))
    index = old_lock.index()
    taken = set(old_lock.entries) | set(plan.entries)
    work_key: dict[str, str] = {
        e.work.id: e.key
        for e in (*old_lock.entries.values(), *plan.entries.values())
        if e.work is not None
    }
    for doc_index, ref, fp, slot in pending:
        resolution = by_fp[fp]
        doc_key = document_key(extractions[doc_index], ref)
        previous = index.find(fp, ref.fields, doc_key)
        if (
            resolution.work is not None
            and resolution.work.id in work_key
            and (doc_key is None or doc_key == work_key[resolution.work.id])
        ):
            key = work_key[resolution.work.id]  # the same work, cited in another form
            entry = plan.entries.get(key) or old_lock.entries[key]
        elif previous is not None:
            key = previous.key  # a retried entry keeps its key
            entry = replace(previous, resolution=resolution)
            changes.append(Change(key, "resolved", resolution.status.value))
        else:
            if doc_key is not None:
                key = doc_key
            else:
                source = resolution.work.csl if resolution.work else ref.fields
                key = disambiguate(make_key(source, settings.key_pattern), taken)
            entry = LockEntry(
                key=key,
                resolution=resolution,
                # The document-local id ("r2") would churn the lock: not kept.
                fields={k: v for k, v in ref.fields.items() if k != "id"},
                cited_as=ref.raw,
                fingerprints=(fp,),
            )
            changes.append(Change(key, "added", resolution.status.value))
        taken.add(key)
        plan.seen_fingerprints.setdefault(key, []).append(fp)
        if resolution.work is not None:
            work_key.setdefault(resolution.work.id, key)
        plan.entries[key] = canonical(entry)
        plan.ref_entry[(doc_index, ref.id)] = key
        plan.order[slot] = key
    return sum(1 for r in resolutions if r.work is not None)


def _settle(plan: _Plan, old_lock: Lock) -> list[Change]:
    """Cited entries keep the fingerprints of the forms they are cited in now; entries no
    longer cited leave the lock unless a person pinned or ignored them."""
    for key, fps in plan.seen_fingerprints.items():
        plan.entries[key] = replace(plan.entries[key], fingerprints=tuple(sorted(set(fps))))
    changes: list[Change] = []
    for key, entry in old_lock.entries.items():
        if key not in plan.entries:
            if entry.pinned or entry.ignored:
                plan.entries[key] = entry
            else:
                changes.append(Change(key, "removed", "no longer cited"))
    return changes


def _counts(entries: Sequence[LockEntry]) -> dict[str, int]:
    counts = {s.value: 0 for s in Status}
    for entry in entries:
        counts[entry.status.value] += 1
    counts["retracted"] = sum(
        1 for e in entries if e.work is not None and e.work.retracted and not e.ignored
    )
    return counts


STATE_NAME = ".refkeeper.state"


def _file_digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _inputs_digest(settings: Settings, documents: Sequence[Path], lock_bytes: bytes) -> str:
    """A digest of everything a sync's result is made from: refkeeper's version, the
    settings that shape outputs and keys, the lock's bytes and each document's bytes."""
    from refkeeper import __version__

    h = hashlib.sha256(__version__.encode())
    h.update(repr((settings.outputs, settings.key_pattern)).encode())
    h.update(hashlib.sha256(lock_bytes).digest())
    for path in documents:
        h.update(b"\0" + str(path.relative_to(settings.root)).encode() + b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def _rendered_digest(
    settings: Settings, lock_text: str, order: Sequence[str], extractions: Sequence[Extraction]
) -> str:
    """A digest of what the outputs are rendered from: the lock, the citation order, the
    output settings, and the documents' text only when an audit report is written."""
    from refkeeper import __version__

    h = hashlib.sha256(__version__.encode())
    h.update(repr(settings.outputs).encode())
    h.update(hashlib.sha256(lock_text.encode()).digest())
    h.update("\0".join(order).encode())
    if settings.outputs.audit:
        for extraction in extractions:
            h.update(b"\0" + extraction.source.encode() + b"\0" + extraction.text.encode())
    return h.hexdigest()


def _outputs_current(
    settings: Settings, documents: Sequence[Path], state: Mapping[str, Any], inputs: str | None
) -> bool:
    """True when the outputs are as the last sync wrote them (untouched since), and, given
    ``inputs``, that sync was made from exactly these inputs."""
    recorded = state.get("outputs")
    expected = {str(p.relative_to(settings.root)) for p in _output_paths(settings, documents)[1:]}
    return (
        (inputs is None or state.get("inputs") == inputs)
        and isinstance(recorded, dict)
        and set(recorded) == expected
        and all(_file_digest(settings.root / name) == sha for name, sha in recorded.items())
    )


def _memoized(
    settings: Settings,
    documents: Sequence[Path],
    state: Mapping[str, Any],
    inputs: str,
    offline: bool,
    fail_level: str,
) -> SyncResult | None:
    """The last sync's result, when nothing it was made from has changed since."""
    if not _outputs_current(settings, documents, state, inputs):
        return None
    if state.get("retry") and not offline:
        return None  # unresolved works wait for the network
    reasons = state.get("reasons", {}).get(fail_level)
    counts = state.get("counts")
    if not isinstance(reasons, list) or not isinstance(counts, dict):
        return None
    return SyncResult(
        entries=(),
        counts={str(k): int(v) for k, v in counts.items()},
        changes=(),
        written=(),
        unchanged=tuple(_output_paths(settings, documents)),
        exit_code=1 if reasons else 0,
        fail_reasons=tuple(str(r) for r in reasons),
        memoized=True,
    )


def _read_state(settings: Settings) -> dict[str, Any]:
    try:
        data = json.loads((settings.root / STATE_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_state(
    settings: Settings,
    documents: Sequence[Path],
    inputs: str,
    *,
    rendered: str,
    counts: Mapping[str, int],
    reasons: Mapping[str, list[str]],
    retry: bool,
) -> None:
    """Remember what this sync was made from, what it wrote and what it found."""
    outputs = {
        str(p.relative_to(settings.root)): _file_digest(p)
        for p in _output_paths(settings, documents)[1:]
    }
    state = {
        "inputs": inputs,
        "rendered": rendered,
        "outputs": outputs,
        "counts": dict(counts),
        "reasons": dict(reasons),
        "retry": retry,
    }
    atomic_write_text(settings.root / STATE_NAME, json.dumps(state, indent=1, sort_keys=True))


def _refresh(plan: _Plan, client: EntrezClient, today: date | None) -> list[Change]:
    """Re-fetch every PubMed record in use and report what changed upstream."""
    by_pmid = {e.work.pmid: e for e in plan.entries.values() if e.work is not None and e.work.pmid}
    if not by_pmid:
        return []
    client.refresh = True  # past the cache: the point is to see what changed upstream
    try:
        fresh = {w.pmid: w for w in client.fetch_pubmed(sorted(by_pmid)) if w.pmid}
    finally:
        client.refresh = False
    changes: list[Change] = []
    for pmid, entry in by_pmid.items():
        new = fresh.get(pmid)
        old = entry.work
        if new is None or old is None:
            continue
        found = _changes_between(entry.key, old, new)
        if found or new.to_json() != old.to_json():
            changes += found
            if today is not None:
                new = replace(new, retrieved=today.isoformat())
            plan.entries[entry.key] = canonical(
                replace(entry, resolution=replace(entry.resolution, work=new))
            )
    return changes


def _audit(extractions: Sequence[Extraction], plan: _Plan) -> list[AuditReport]:
    """One audit report per document, on the resolutions the lock holds for its references."""
    from refkeeper.audit import audit

    reports = []
    for index, extraction in enumerate(extractions):
        resolutions: dict[str, Resolution] = {}
        for ref in extraction.references:
            key = plan.ref_entry.get((index, ref.id))
            if key is not None:
                resolutions[ref.id] = plan.entries[key].effective_resolution
        reports.append(audit(extraction, resolutions))
    return reports


def render_outputs(settings: Settings, entries: Sequence[LockEntry]) -> dict[Path, str]:
    """Every configured export rendered in memory, in citation order."""
    from refkeeper.export import EntryCache, export_string

    works = [_work_for_export(e) for e in entries]
    out = settings.outputs
    # Formatted entries are kept per record and style: a repeat run formats only what changed.
    cache = (
        EntryCache(settings.cache_path.parent / "bibliography.sqlite") if out.bibliography else None
    )
    targets = (
        (out.bibtex, "bibtex"),
        (out.biblatex, "biblatex"),
        (out.csl_json, "csl-json"),
        (out.ris, "ris"),
        (out.bibliography, _format_for(out.bibliography or "")),
    )
    rendered: dict[Path, str] = {}
    for name, fmt in targets:
        if name:
            rendered[settings.root / name] = export_string(
                works, fmt, style=out.style, journal=out.journal, cache=cache
            )
    return rendered


def _format_for(path: str) -> str:
    suffix = Path(path).suffix.lower()
    return {".html": "html", ".htm": "html", ".md": "markdown", ".json": "json"}.get(suffix, "text")


def render_audit(report: AuditReport, fmt: str) -> str:
    """The audit report as html, markdown, json or a plain-text table."""
    if fmt == "html":
        from refkeeper.audit.report_html import render_html

        return render_html(report)
    if fmt == "json":
        from refkeeper.audit.report_json import render_json

        return render_json(report)
    if fmt == "markdown":
        from refkeeper.audit.report_markdown import render_markdown

        return render_markdown(report)
    from refkeeper.audit.report_table import render_table

    return render_table(report)


# --------------------------------------------------------------------------- pin / ignore


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
        client = client_factory() if client_factory else make_client(settings, offline=offline)
        from refkeeper.resolve import resolve_identifier

        resolution = resolve_identifier(ident, client)
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


def init_project(directory: Path, *, force: bool = False) -> Path:
    """Write a commented starter refkeeper.toml."""
    from refkeeper.config import CONFIG_NAME, STARTER_CONFIG

    path = directory / CONFIG_NAME
    if path.exists() and not force:
        raise InputError(f"{CONFIG_NAME} already exists (use --force to overwrite)", str(path))
    atomic_write_text(path, STARTER_CONFIG)
    return path


def locked_works(settings: Settings) -> list[Work]:
    """The works of the lock (not ignored) in citation order, keyed by citation key."""
    lock = read_lock(settings.lock_path)
    return [_work_for_export(e) for e in lock.in_citation_order() if not e.ignored]
