"""`refkeeper sync`: bring the lock and every configured output in step with the documents.

Extract every document -> match each reference to the lock -> resolve only what is new
(lock, then cache, then network, batched) -> update the lock -> write every configured
output -> a summary. All outputs are rendered in memory first and written atomically, the
lock last, so a run that fails or is killed leaves the previous files intact."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from refkeeper.config import FAIL_LEVELS, Settings
from refkeeper.fsutil import atomic_write_text
from refkeeper.keys import disambiguate, document_key, fingerprint, make_key
from refkeeper.library import (
    Lock,
    LockEntry,
    LockIndex,
    canonical,
    dumps_lock,
    lock_from_bytes,
    read_lock_file,
    write_lock,
)
from refkeeper.models import Extraction, Reference, Resolution, Severity, Status, Work
from refkeeper.pipeline import guard
from refkeeper.pipeline.numbering import Duplicate, document_numbering
from refkeeper.pipeline.outputs import (
    audit_paths,
    format_for,
    output_paths,
    render_audit,
    render_outputs,
)
from refkeeper.pipeline.project import (
    ClientFactory,
    extract_documents,
    find_documents,
    make_sources,
    project_lock,
    remove_stale_temp_files,
)
from refkeeper.pipeline.state import (
    inputs_digest,
    outputs_current,
    read_state,
    rendered_digest,
    write_state,
)

if TYPE_CHECKING:
    from refkeeper.audit import AuditReport
    from refkeeper.resolve import Source

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
    duplicates: tuple[Duplicate, ...] = ()


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
        remove_stale_temp_files(settings, documents)
        lock_bytes = read_lock_file(settings.lock_path)
        inputs = inputs_digest(settings, documents, lock_bytes)
        state = read_state(settings)
        memo = (
            None if refresh else _memoized(settings, documents, state, inputs, offline, fail_level)
        )
        if memo is not None:
            return memo  # writes nothing; made from the very inputs the guard passed last time
        roles = guard.input_roles(settings, documents)
        guard.check_outputs(settings, documents, roles)  # before anything is resolved
        old_lock = lock_from_bytes(lock_bytes, str(settings.lock_path))
        extractions = extract_documents(documents, settings.root)
        sources: list[Source] | None = None

        def get_sources() -> list[Source]:
            nonlocal sources
            if sources is None:
                sources = make_sources(settings, offline=offline, client_factory=client_factory)
            return sources

        old_index = old_lock.index()  # built once: by key, fingerprint and identifier
        plan, pending = _match(extractions, old_index, offline)
        changes: list[Change] = []
        resolved_now = 0
        if pending:
            resolved_now = _resolve_pending(
                plan,
                pending,
                extractions,
                old_lock,
                old_index,
                settings,
                get_sources,
                progress,
                changes,
            )
        if refresh:
            changes += _refresh(plan, get_sources(), today)
        changes += _settle(plan, old_lock)

        order = list(dict.fromkeys(plan.order))
        new_lock = Lock().with_entries(plan.entries.values(), order)
        cited = [plan.entries[k] for k in order if not plan.entries[k].ignored]
        lock_changed = new_lock != old_lock

        # Outputs depend on the lock, the documents, the settings and refkeeper's version:
        # when none changed and the files are as last written, nothing is rendered again.
        # (an unchanged lock is the bytes on disk: no need to serialise it again)
        new_bytes = dumps_lock(new_lock).encode() if lock_changed else lock_bytes
        numbering, duplicates = document_numbering(
            extractions, plan.ref_entry, [e.key for e in cited]
        )
        rendered_from = rendered_digest(
            settings, new_bytes, [*order, repr(numbering)], extractions
        )
        up_to_date = state.get("rendered") == rendered_from and outputs_current(
            settings, documents, state, None
        )
        need_audit = bool(settings.outputs.audit) and not up_to_date
        need_audit = need_audit or fail_level in ("major", "weak", "as-written")
        audits = _audit(extractions, plan) if need_audit else None

        written: list[Path] = []
        unchanged: list[Path] = []
        if up_to_date:
            unchanged += output_paths(settings, documents)[1:]
        else:
            rendered = render_outputs(settings, cited, numbering)
            for path, report in zip(audit_paths(settings, documents), audits or (), strict=False):
                href = os.path.relpath(settings.root / report.source, path.parent)
                rendered[path] = render_audit(report, format_for(path.name), document_href=href)
            keys = {path: what for what, path in guard.output_targets(settings, documents)}
            for path, text in rendered.items():
                guard.check_write(settings, keys.get(path, "an output"), path, roles)
                (written if atomic_write_text(path, text) else unchanged).append(path)
        # The lock last: a failure above leaves the previous lock in place.
        if lock_changed:
            guard.check_lock(settings, roles)
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
            if audits is not None or level not in ("major", "weak", "as-written")
        }
        counts = _counts(entries)
        if lock_changed:
            inputs = inputs_digest(settings, documents, settings.lock_path.read_bytes())
        write_state(
            settings,
            documents,
            inputs,
            rendered=rendered_from,
            counts=counts,
            reasons=reasons_by_level,
            notes=[d.to_json() for d in duplicates],
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
            duplicates=tuple(duplicates),
        )


ATTENTION = (Status.AMBIGUOUS, Status.NOT_FOUND, Status.UNRESOLVED)


def needs_attention(result: SyncResult, settings: Settings) -> list[LockEntry]:
    """The cited works a person should look at (ambiguous, not found, not yet resolved),
    by key; a memoized result's are read from the lock."""
    entries: Sequence[LockEntry] = result.entries
    if result.memoized and settings.lock_path.exists():
        lock = lock_from_bytes(settings.lock_path.read_bytes(), str(settings.lock_path))
        entries = [lock.entries[k] for k in sorted(lock.entries)]
    return [e for e in entries if e.status in ATTENTION and not e.ignored]


def sync_report(result: SyncResult, settings: Settings) -> dict[str, Any]:
    """What ``refkeeper sync --format json`` prints (schema ``refkeeper.sync/1``)."""
    from refkeeper.pipeline.outputs import display_path

    return {
        "schema": "refkeeper.sync/1",
        "exit_code": result.exit_code,
        "memoized": result.memoized,
        "counts": dict(result.counts),
        "needs_attention": [
            {
                "key": e.key,
                "status": e.status.value,
                "cited_as": e.cited_as,
                "reason": e.resolution.reason,
                "tried": list(e.resolution.tried),
            }
            for e in needs_attention(result, settings)
        ],
        "changes": [{"key": c.key, "kind": c.kind, "detail": c.detail} for c in result.changes],
        "duplicates": [d.to_json() for d in result.duplicates],
        "written": [display_path(p, settings.root) for p in result.written],
        "unchanged": [display_path(p, settings.root) for p in result.unchanged],
        "fail_reasons": list(result.fail_reasons),
    }


def _match(
    extractions: Sequence[Extraction], index: LockIndex, offline: bool
) -> tuple[_Plan, list[tuple[int, Reference, str, int]]]:
    """Map every reference to its lock entry; what has none (or must be retried) is pending,
    with its place in citation order kept."""
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
    index: LockIndex,
    settings: Settings,
    get_sources: Callable[[], list[Source]],
    progress: Progress | None,
    changes: list[Change],
) -> int:
    """Resolve what the lock does not hold (batched), and give each a lock entry."""
    # The same reference written identically twice is resolved once.
    unique: dict[str, Reference] = {}
    for _, ref, fp, _ in pending:
        unique.setdefault(fp, ref)
    by_fp = _resolve_or_keep(unique, get_sources, progress)
    resolutions = list(by_fp.values())
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


def _resolve_or_keep(
    unique: Mapping[str, Reference],
    get_sources: Callable[[], list[Source]],
    progress: Progress | None,
) -> dict[str, Resolution]:
    """The resolution of each reference (by fingerprint): a reference whose only identifier
    no source looks up (``@url:``, a trial number) is kept as written without a request;
    what no source found and no source holds (software, a web page, a report) is kept as
    written after the search."""
    from refkeeper.written import kept_resolution, settle_as_written, without_source

    out: dict[str, Resolution] = {}
    asked: dict[str, Reference] = {}
    for fp, ref in unique.items():
        if without_source(ref.fields):
            reason = "no source looks this identifier up: kept as written"
            out[fp] = kept_resolution(ref.fields, ref.raw, reason=reason)
        else:
            asked[fp] = ref
    if asked:
        found = _resolve(list(asked.values()), get_sources(), progress)
        for (fp, ref), resolution in zip(asked.items(), found, strict=True):
            out[fp] = settle_as_written(ref.fields, ref.raw, resolution)
    return {fp: out[fp] for fp in unique}


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
    if "as-written" in active:
        reasons += [f"{e.key}: as-written" for e in live if e.status is Status.AS_WRITTEN]
    for report in audits or ():
        for finding in report.findings:
            if "major" in active and finding.severity is Severity.MAJOR:
                reasons.append(f"{report.source}: {finding.kind}: {finding.message}")
            elif "weak" in active and finding.kind == "weak-support":
                reasons.append(f"{report.source}: {finding.kind}: {finding.message}")
    return list(dict.fromkeys(reasons))


def _resolve(
    refs: Sequence[Reference], sources: Sequence[Source], progress: Progress | None
) -> list[Resolution]:
    from refkeeper.resolve import resolve_references

    return resolve_references(refs, sources, progress=progress)


def _refresh(plan: _Plan, sources: Sequence[Source], today: date | None) -> list[Change]:
    """Re-fetch every PubMed record in use (from the first source that holds it: a local
    index answers with its newest version) and report what changed upstream; look books
    pinned only by their ISBN up in the NLM Catalog again."""
    by_pmid = {e.work.pmid: e for e in plan.entries.values() if e.work is not None and e.work.pmid}
    by_isbn = [
        e
        for e in plan.entries.values()
        if e.work is not None and e.work.source == "manual" and (e.pinned or "").startswith("isbn:")
    ]
    changes: list[Change] = []
    # past the cache: the point is to see what changed upstream
    fresh: dict[str, Work] = {}
    for source in sources:
        missing = [p for p in sorted(by_pmid) if p not in fresh]
        if missing:
            fresh.update((w.pmid, w) for w in source.fetch(missing, refresh=True) if w.pmid)
    catalogued = {e.key: _catalogue_lookup(e, sources) for e in by_isbn}
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
    for entry in by_isbn:
        resolution = catalogued[entry.key]
        if resolution is not None and resolution.work is not None:
            work = resolution.work
            changes.append(Change(entry.key, "catalogued", f"NLM Catalog record {work.id}"))
            pinned = replace(resolution, status=Status.PINNED)
            plan.entries[entry.key] = canonical(replace(entry, resolution=pinned))
    return changes


def _catalogue_lookup(entry: LockEntry, sources: Sequence[Source]) -> Resolution | None:
    """The NLM Catalog record of a book pinned by ISBN, when the catalogue now has it."""
    from refkeeper.resolve import resolve_identifier

    resolution = resolve_identifier(entry.pinned or "", sources, refresh=True)
    return resolution if resolution.work is not None else None


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


def _memoized(
    settings: Settings,
    documents: Sequence[Path],
    state: Mapping[str, Any],
    inputs: str,
    offline: bool,
    fail_level: str,
) -> SyncResult | None:
    """The last sync's result, when nothing it was made from has changed since."""
    if not outputs_current(settings, documents, state, inputs):
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
        unchanged=tuple(output_paths(settings, documents)),
        exit_code=1 if reasons else 0,
        fail_reasons=tuple(str(r) for r in reasons),
        memoized=True,
        duplicates=tuple(
            Duplicate(str(n["source"]), str(n["number"]), str(n["same_as"]), str(n["key"]))
            for n in state.get("notes", ())
            if isinstance(n, dict) and {"source", "number", "same_as", "key"} <= n.keys()
        ),
    )
