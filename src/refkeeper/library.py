"""The lock file ``refkeeper.lock``: every cited work pinned next to the manuscript.

Format: UTF-8 JSON, keys sorted, two-space indent, each field of an object on its own line
and each list on one line, one entry per citation key, so that diffs are readable and an
unchanged project produces a byte-identical file. Versioned: a lock written by a newer
refkeeper is refused with a clear error, never overwritten.

    {
      "refkeeper-lock": 1,
      "citation-order": ["timmons1995epstein", "bonatti2005successful", "bosman2010who"],
      "works": {
        "timmons1995epstein": {
          "cited_as": "Timmons CF, ... Cancer 76: 1481-9",
          "fields": {... the reference as written, CSL-JSON ...},
          "fingerprints": ["3f0c..."],
          "ignored": false,
          "pinned": null,
          "resolution": {"status": "resolved", "strategy": "ecitmatch", "score": 0.98,
                         "work": {... CSL-JSON + PubMed extras, "retrieved": "2026-11-26"},
                         "candidates": [...], "tried": [...], "reason": ""}
        }
      }
    }
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from refkeeper.errors import LockError
from refkeeper.fsutil import atomic_write_text
from refkeeper.identifiers import normalize_doi, normalize_pmid
from refkeeper.models import CSLItem, Resolution, Status, Work

LOCK_VERSION = 1
_VERSION_KEY = "refkeeper-lock"


@dataclass(frozen=True, slots=True)
class LockEntry:
    """One cited work: its key, how it was cited, and what it resolved to."""

    key: str
    resolution: Resolution
    fields: CSLItem = field(default_factory=dict)
    cited_as: str = ""
    fingerprints: tuple[str, ...] = ()
    pinned: str | None = None
    ignored: bool = False

    @property
    def status(self) -> Status:
        if self.ignored:
            return Status.IGNORED
        if self.pinned and self.resolution.work is not None:
            return Status.PINNED
        return self.resolution.status

    @property
    def work(self) -> Work | None:
        return self.resolution.work

    @property
    def effective_resolution(self) -> Resolution:
        """The resolution with the person's decisions applied (ignored, pinned)."""
        if self.ignored:
            return replace(self.resolution, status=Status.IGNORED, reason="ignored in the lock")
        if self.pinned and self.resolution.work is not None:
            return replace(self.resolution, status=Status.PINNED)
        return self.resolution

    def to_json(self) -> dict[str, Any]:
        return {
            "cited_as": self.cited_as,
            "fields": self.fields,
            "fingerprints": sorted(set(self.fingerprints)),
            "ignored": self.ignored,
            "pinned": self.pinned,
            "resolution": self.resolution.to_json(),
        }

    @classmethod
    def from_json(cls, key: str, data: Mapping[str, Any]) -> LockEntry:
        return cls(
            key=key,
            resolution=Resolution.from_json(data["resolution"]),
            fields=dict(data.get("fields") or {}),
            cited_as=str(data.get("cited_as", "")),
            fingerprints=tuple(data.get("fingerprints", ())),
            pinned=data.get("pinned"),
            ignored=bool(data.get("ignored", False)),
        )


@dataclass(frozen=True, slots=True)
class Lock:
    """The whole lock: entries by citation key, and the keys in citation order (the order
    of first citation in the documents), which numeric styles number by."""

    entries: Mapping[str, LockEntry] = field(default_factory=dict)
    order: tuple[str, ...] = ()

    def in_citation_order(self) -> list[LockEntry]:
        """Cited entries first, in citation order, then the rest (pinned only) by key."""
        cited = [self.entries[k] for k in self.order if k in self.entries]
        seen = set(self.order)
        return cited + [e for k, e in sorted(self.entries.items()) if k not in seen]

    def index(self) -> LockIndex:
        """A lookup table over the entries (build once per run: finding is O(1))."""
        return LockIndex(self)

    def find(
        self, fingerprint: str, fields: Mapping[str, Any], key: str | None = None
    ) -> LockEntry | None:
        """See :meth:`LockIndex.find` (builds an index: use ``index()`` in loops)."""
        return self.index().find(fingerprint, fields, key)

    def with_entries(self, entries: Iterable[LockEntry], order: Iterable[str] = ()) -> Lock:
        by_key = {e.key: e for e in sorted(entries, key=lambda e: e.key)}
        kept = tuple(k for k in (order or self.order) if k in by_key)
        return Lock(by_key, kept)

    def replace_entry(self, entry: LockEntry) -> Lock:
        merged = dict(self.entries)
        merged[entry.key] = entry
        return self.with_entries(merged.values())


class LockIndex:
    """Entries of a lock by citation key, by fingerprint and by identifier."""

    def __init__(self, lock: Lock) -> None:
        self.entries = lock.entries
        self.by_fingerprint: dict[str, LockEntry] = {}
        self.by_pmid: dict[str, LockEntry] = {}
        self.by_doi: dict[str, LockEntry] = {}
        for entry in lock.entries.values():
            for fp in entry.fingerprints:
                self.by_fingerprint.setdefault(fp, entry)
            work = entry.work
            if work is not None and work.pmid:
                self.by_pmid.setdefault(work.pmid, entry)
            if work is not None and work.doi:
                self.by_doi.setdefault(work.doi.lower(), entry)

    def find(
        self, fingerprint: str, fields: Mapping[str, Any], key: str | None = None
    ) -> LockEntry | None:
        """The entry for a reference: by its own citation key, by a fingerprint of a form it
        was written in before, or by the identifier it carries."""
        if key is not None and key in self.entries:
            return self.entries[key]
        if fingerprint in self.by_fingerprint:
            return self.by_fingerprint[fingerprint]
        if fields.get("PMID"):
            pmid = normalize_pmid(str(fields["PMID"]))
            if pmid and pmid in self.by_pmid:
                return self.by_pmid[pmid]
        if fields.get("DOI"):
            doi = normalize_doi(str(fields["DOI"]))
            if doi and doi in self.by_doi:
                return self.by_doi[doi]
        return None


def _dump(value: Any, indent: int) -> str:
    """JSON with every object key on its own line and every list on one line: a change to
    one field is a one-line diff, and the file stays a fraction of fully indented JSON."""
    if isinstance(value, dict) and value:
        pad = "  " * (indent + 1)
        items = [
            f"{pad}{json.dumps(key, ensure_ascii=False)}: {_dump(value[key], indent + 1)}"
            for key in sorted(value)
        ]
        return "{\n" + ",\n".join(items) + "\n" + "  " * indent + "}"
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(", ", ": "))


def dumps_lock(lock: Lock) -> str:
    """Serialise (pure): the format version first, then the citation order, then the works
    by key; sorted, stable, diff-friendly."""
    works = {key: lock.entries[key].to_json() for key in sorted(lock.entries)}
    lines = [f'  "{_VERSION_KEY}": {LOCK_VERSION}']
    if lock.order:
        lines.append(f'  "citation-order": {_dump(list(lock.order), 1)}')
    lines.append(f'  "works": {_dump(works, 1)}')
    return "{\n" + ",\n".join(lines) + "\n}\n"


def _line_of_key(text: str, key: str) -> int | None:
    pattern = re.compile(r'^[ \t]*"' + re.escape(key) + r'"\s*:', re.MULTILINE)
    m = pattern.search(text)
    return text.count("\n", 0, m.start()) + 1 if m else None


_NAME_VARIABLES = frozenset(
    {"author", "chair", "collection-editor", "compiler", "composer", "container-author",
     "contributor", "curator", "director", "editor", "editorial-director",
     "executive-producer", "interviewer", "illustrator", "organizer", "original-author",
     "performer", "producer", "recipient", "reviewed-author", "translator"}
)  # fmt: skip
_DATE_VARIABLES = frozenset(
    {"accessed", "available-date", "event-date", "issued", "original-date", "submitted"}
)
_TEXT_VARIABLES = frozenset(
    {"id", "type", "title", "original-title", "container-title", "container-title-short",
     "collection-title", "journalAbbreviation", "volume", "issue", "page", "page-first",
     "number", "chapter-number", "edition", "publisher", "publisher-place", "DOI", "PMID",
     "PMCID", "ISBN", "ISSN", "URL", "language", "abstract", "note", "genre", "medium",
     "source", "status", "version", "event", "event-title"}
)  # fmt: skip


def _is_scalar(value: Any) -> bool:
    return isinstance(value, str | int | float) and not isinstance(value, bool)


def csl_problem(item: Mapping[str, Any]) -> tuple[str, str] | None:
    """The first CSL variable of ``item`` with a value of the wrong shape, as (variable,
    problem), or None (pure). Names are lists of objects, dates objects with ``date-parts``
    (or ``raw``/``literal``), text variables strings or numbers; refkeeper's own ``_``
    variables and variables it does not know are left alone."""
    for name, value in item.items():
        if name in _NAME_VARIABLES:
            if not isinstance(value, list) or not all(
                isinstance(n, dict) and all(isinstance(v, str | int | float) for v in n.values())
                for n in value
            ):
                return name, f"must be a list of names, not {json.dumps(value)[:60]}"
        elif name in _DATE_VARIABLES:
            if not _is_date(value):
                return name, f"must be a date object with date-parts, not {json.dumps(value)[:60]}"
        elif name in _TEXT_VARIABLES and not _is_scalar(value):
            return name, f"must be text or a number, not {json.dumps(value)[:60]}"
    return None


def _is_date(value: Any) -> bool:
    if not isinstance(value, dict) or not value:
        return False
    parts = value.get("date-parts")
    if parts is None:
        return any(isinstance(value.get(k), str) for k in ("raw", "literal"))
    return (
        isinstance(parts, list)
        and bool(parts)
        and all(
            isinstance(row, list)
            and all(
                (isinstance(p, int) and not isinstance(p, bool))
                or (isinstance(p, str) and p.strip().lstrip("-").isdigit())
                for p in row
            )
            for row in parts
        )
    )


def _entry_problem(body: Mapping[str, Any]) -> tuple[str, str, str] | None:
    """A wrong-typed variable in the entry's fields or its work's CSL-JSON, as (the part
    holding it: "fields" or "csl", variable, problem)."""
    resolution = body.get("resolution")
    work = resolution.get("work") if isinstance(resolution, dict) else None
    csl = work.get("csl") if isinstance(work, dict) else None
    for part, item in (("fields", body.get("fields")), ("csl", csl)):
        if item is None:
            continue
        if not isinstance(item, dict):
            return part, part, "must be an object"
        problem = csl_problem(item)
        if problem:
            return part, *problem
    return None


def _line_in_entry(text: str, key: str, part: str, variable: str) -> int | None:
    """The line of ``variable`` inside ``part`` of the lock entry ``key`` (else the line of
    the part, else of the entry)."""
    start = _line_of_key(text, key)
    if start is None:
        return None
    found = start
    wanted = [part, variable] if part != variable else [part]
    for offset, line in enumerate(text.splitlines()[start:], start=start + 1):
        if re.match(r'^    "', line):
            break  # the next entry (entries are indented by four spaces)
        if re.match(r'^\s*"' + re.escape(wanted[0]) + r'"\s*:', line):
            found = offset
            wanted.pop(0)
            if not wanted:
                break
    return found


def loads_lock(text: str, source: str = "refkeeper.lock") -> Lock:
    """Parse (pure). Any damage raises LockError naming the line."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LockError(f"corrupt lock file: {exc.msg}", source, exc.lineno) from exc
    except RecursionError:
        raise LockError("corrupt lock file: nested too deeply", source) from None
    if not isinstance(data, dict) or _VERSION_KEY not in data:
        raise LockError(f"not a refkeeper lock file (no {_VERSION_KEY!r} version)", source, 1)
    version = data[_VERSION_KEY]
    if not isinstance(version, int):
        raise LockError(f"bad lock version {version!r}", source, _line_of_key(text, _VERSION_KEY))
    if version > LOCK_VERSION:
        raise LockError(
            f"lock format version {version} is newer than this refkeeper supports "
            f"({LOCK_VERSION}); upgrade refkeeper",
            source,
            _line_of_key(text, _VERSION_KEY),
        )
    works = data.get("works")
    if not isinstance(works, dict):
        raise LockError("'works' must be an object", source, _line_of_key(text, "works"))
    entries: dict[str, LockEntry] = {}
    for key, body in works.items():
        try:
            if not isinstance(body, dict):
                raise TypeError("entry is not an object")
            problem = _entry_problem(body)
            if problem:
                part, variable, what = problem
                raise LockError(
                    f"entry {key!r}: {variable} {what}",
                    source,
                    _line_in_entry(text, key, part, variable),
                )
            entries[key] = LockEntry.from_json(key, body)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise LockError(
                f"broken entry {key!r}: {exc.__class__.__name__}: {exc}",
                source,
                _line_of_key(text, key),
            ) from exc
    order = data.get("citation-order", [])
    if not isinstance(order, list) or not all(isinstance(k, str) for k in order):
        raise LockError(
            "'citation-order' must be a list of citation keys",
            source,
            _line_of_key(text, "citation-order"),
        )
    return Lock(entries, tuple(k for k in order if k in entries))


def read_lock(path: Path) -> Lock:
    """Read the lock next to the manuscript; an absent lock is an empty one."""
    return read_lock_bytes(path)[0]


def read_lock_bytes(path: Path) -> tuple[Lock, bytes]:
    """The lock and the bytes it was read from (b"" when there is no lock yet)."""
    data = read_lock_file(path)
    return lock_from_bytes(data, str(path)), data


def read_lock_file(path: Path) -> bytes:
    """The lock's bytes (b"" when there is none); LockError when it cannot be read."""
    if not path.exists():
        return b""
    if path.is_dir():
        raise LockError("is a directory, not a lock file (move it away)", str(path))
    try:
        return path.read_bytes()
    except OSError as exc:
        raise LockError(f"cannot read the lock file: {exc.strerror or exc}", str(path)) from None


def lock_from_bytes(data: bytes, source: str = "refkeeper.lock") -> Lock:
    """Parse a lock file's bytes (pure); b"" is an empty lock."""
    if not data:
        return Lock()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise LockError(f"not UTF-8 text (byte {exc.start})", source, line) from exc
    return loads_lock(text, source)


def write_lock(path: Path, lock: Lock) -> bool:
    """Write atomically; False when the file already held exactly this content."""
    return atomic_write_text(path, dumps_lock(lock))


def canonical(entry: LockEntry) -> LockEntry:
    """The entry exactly as it will read back from the lock (keys sorted, tuples as JSON
    gives them), so that outputs rendered now equal outputs rendered from the lock later."""
    text = _dump(entry.to_json(), 0)
    return LockEntry.from_json(entry.key, json.loads(text))


def pin_entry(entry: LockEntry, identifier: str, resolution: Resolution) -> LockEntry:
    """The entry fixed by hand to ``identifier`` (kept across syncs)."""
    return replace(entry, pinned=identifier, resolution=resolution, ignored=False)


def ignore_entry(entry: LockEntry, ignored: bool = True) -> LockEntry:
    return replace(entry, ignored=ignored)
