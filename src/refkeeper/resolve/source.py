"""Where candidate records come from: the ``Source`` protocol, and the one resolution loop
that runs an ordered list of sources and verifies every candidate the same way.

A source answers three batched questions and says what it tried:

- :meth:`Source.find`: candidates for many references at once, from their identifiers, their
  text and their parsed fields, in *rounds* of loosening precision (identifiers first). After
  each round the loop verifies (:func:`refkeeper.resolve.match.decide`) and the next round
  looks only at the references still open, so a source never searches for what is settled;
- :meth:`Source.lookup`: the records carrying identifiers (``pmid``, ``doi``, ``pmcid``,
  ``isbn``; a source answers the kinds it holds and ignores the rest);
- :meth:`Source.fetch`: records by the source's own ids (PubMed: PMIDs).

``refresh`` is a parameter of the calls that read records (go past any cache: see what
changed upstream), never a state of the source. Verification is not the source's business:
whatever a source finds (E-utilities, a local PubMed index, a DOI registry) is judged by the
same function against the reference as written, so precision does not depend on where a
candidate came from.

    sources = [LocalPubMedSource(index), EntrezSource(client)]
    resolutions = resolve_with(refs, sources, progress=callback)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from refkeeper.errors import NetworkError, ResponseError, RetriesExhausted
from refkeeper.identifiers import (
    find_identifiers,
    normalize_doi,
    normalize_isbn,
    normalize_pmcid,
    normalize_pmid,
)
from refkeeper.models import CSLItem, Reference, Resolution, Status, Work
from refkeeper.resolve.match import decide

Progress = Callable[[int, int], None]

IDENTIFIER_KINDS = ("pmid", "doi", "pmcid", "isbn")
"""The identifier kinds a reference may carry (CSL names: PMID, DOI, PMCID, ISBN)."""


@dataclass
class Probe:
    """One reference being resolved: its fields, the candidates found so far (by any source)
    and by what, and what was tried. Sources add to it; the loop settles it."""

    index: int
    ref: Reference
    fields: CSLItem
    candidates: dict[str, Work] = field(default_factory=dict)
    found_by: dict[str, str] = field(default_factory=dict)
    tried: list[str] = field(default_factory=list)
    pending: set[str] = field(default_factory=set)  # ids a source still has to fetch
    offline_misses: list[str] = field(default_factory=list)
    result: Resolution | None = None

    @property
    def is_book(self) -> bool:
        kind = self.fields.get("type")
        if kind == "book":
            return True
        return bool(self.fields.get("ISBN")) and not self.fields.get("container-title")

    @property
    def is_open(self) -> bool:
        """Not settled, and not waiting for an answer that only the network can give."""
        return self.result is None and not self.offline_misses

    def add(self, work: Work, strategy: str) -> None:
        self.candidates.setdefault(work.id, work)
        self.found_by.setdefault(work.id, strategy)


def open_probes(probes: Iterable[Probe], *, books: bool | None = None) -> list[Probe]:
    """The probes still open (only books, or only non-books, when ``books`` is given)."""
    return [p for p in probes if p.is_open and (books is None or p.is_book == books)]


@runtime_checkable
class Source(Protocol):
    """A place candidate records come from. Every method is batched; none verifies."""

    name: str

    def find(self, probes: Sequence[Probe]) -> Iterator[str]:
        """Find candidates for the probes in rounds: each round adds candidate records
        (``Probe.add``) and what it tried (``Probe.tried``; ``Probe.offline_misses`` when only
        the network could answer) to the probes still open, then yields the round's name. The
        caller verifies between rounds; the next round skips the probes it settled."""
        ...

    def lookup(
        self, kind: str, values: Sequence[str], *, refresh: bool = False
    ) -> dict[str, list[Work]]:
        """The records carrying each identifier of ``kind`` (pmid, doi, pmcid, isbn), keyed by
        the value asked (absent or empty when none). Kinds the source does not hold: ``{}``."""
        ...

    def fetch(self, ids: Sequence[str], *, refresh: bool = False) -> list[Work]:
        """Records by the source's own ids, in the order asked (unknown ids absent);
        ``refresh`` goes past any cache."""
        ...

    def close(self) -> None:
        """Release what the source holds open (sessions, files)."""
        ...


def reference_fields(ref: Reference) -> CSLItem:
    """The reference's CSL fields, with identifiers from its raw text and key added (and the
    raw text itself as ``_raw``, for verification). Pure."""
    fields = dict(ref.fields)
    if ref.raw:
        fields.setdefault("_raw", ref.raw)
    found = find_identifiers(ref.raw or "")
    for name, value in found.items():
        fields.setdefault(name, value)
    if ref.key:
        prefix, _, value = ref.key.partition(":")
        key_ids = {"pmid": "PMID", "doi": "DOI", "pmcid": "PMCID", "isbn": "ISBN"}
        if value and prefix.lower() in key_ids:
            fields.setdefault(key_ids[prefix.lower()], value)
    normalizers = {
        "PMID": normalize_pmid,
        "DOI": normalize_doi,
        "PMCID": normalize_pmcid,
        "ISBN": normalize_isbn,
    }
    for name, normalize in normalizers.items():
        if fields.get(name):
            normalized = normalize(str(fields[name]))
            if normalized:
                fields[name] = normalized
            else:
                del fields[name]
    return fields


class _Loop:
    """One resolution run over an ordered list of sources."""

    def __init__(
        self, refs: Sequence[Reference], sources: Sequence[Source], progress: Progress | None
    ) -> None:
        self.sources = sources
        self.progress = progress
        self.probes = [Probe(i, r, reference_fields(r)) for i, r in enumerate(refs)]

    def unsettled(self) -> list[Probe]:
        """No result yet (an offline miss included: what a cache held may settle it)."""
        return [p for p in self.probes if p.result is None]

    def report(self) -> None:
        if self.progress is not None:
            done = sum(1 for p in self.probes if p.result is not None or p.offline_misses)
            self.progress(done, len(self.probes))

    def verify(self, probes: Iterable[Probe]) -> None:
        for p in probes:
            if p.result is not None or not p.candidates:
                continue
            decision = decide(p.fields, list(p.candidates.values()))
            if decision.status is Status.RESOLVED and decision.best is not None:
                work = decision.best.work
                p.result = Resolution(
                    status=Status.RESOLVED,
                    work=work,
                    strategy=p.found_by.get(work.id, "search"),
                    score=decision.best.score,
                    candidates=decision.candidates,
                    tried=tuple(p.tried),
                )
        self.report()

    def final(self, p: Probe, error: str | None = None) -> Resolution:
        if error is not None or p.offline_misses:
            misses = "; ".join(dict.fromkeys(p.offline_misses))
            reason = error or f"offline: not cached: {misses}"
            return Resolution(Status.UNRESOLVED, tried=tuple(p.tried), reason=reason)
        decision = decide(p.fields, list(p.candidates.values()))
        if decision.status is Status.RESOLVED:  # pragma: no cover - settled in verify()
            decision = decide(p.fields, [])
        if decision.status is Status.NOT_FOUND and not p.candidates:
            reason = "no candidate record found" + (
                f" (tried: {'; '.join(p.tried)})" if p.tried else " (nothing to search with)"
            )
        else:
            reason = decision.reason
        return Resolution(
            decision.status, candidates=decision.candidates, tried=tuple(p.tried), reason=reason
        )

    @staticmethod
    def stopped(p: Probe, exc: Exception) -> str:
        """Why a reference is unresolved when the run stopped at a failure: the utility and
        the cause, and what was tried for this reference; the failing request itself (a
        batch of many references) is reported once, by the caller."""
        text = str(exc)
        utility = re.search(r"\b(\w+\.f?cgi)\b", text)
        cause = re.search(r"\(last: ([^)]*)\)|answered (HTTP \d+)|over a limit: ([^;]*)", text)
        what = utility.group(1) if utility else "a request"
        why = f" ({next(g for g in cause.groups() if g)})" if cause else ""
        tried = f"; tried: {'; '.join(p.tried)}" if p.tried else ""
        return f"stopped: {what} kept failing{why} before this reference was settled{tried}"

    def run(self) -> list[Resolution]:
        self.report()
        try:
            for source in self.sources:
                if not open_probes(self.probes):
                    break
                for _round in source.find(self.probes):
                    self.verify(self.unsettled())
        except (NetworkError, ResponseError) as exc:
            done = sum(1 for p in self.probes if p.result is not None)
            partial = [
                p.result if p.result is not None else self.final(p, error=self.stopped(p, exc))
                for p in self.probes
            ]
            raise RetriesExhausted(
                f"{exc} ({done} of {len(self.probes)} references resolved before the failure)",
                partial=partial,
            ) from exc
        out: list[Resolution] = []
        for p in self.probes:
            if p.result is None:
                p.result = self.final(p)
            out.append(p.result)
        self.report()
        return out


def resolve_with(
    refs: Sequence[Reference], sources: Sequence[Source], *, progress: Progress | None = None
) -> list[Resolution]:
    """Resolve every reference (same order as ``refs``) through ``sources`` in order: what
    one source settles, the next never sees; candidates found by several sources are judged
    together.

    ``progress(done, total)`` is called as references settle. Raises
    :class:`~refkeeper.errors.RetriesExhausted` (``partial``: a list of Resolution, the
    unfinished ones UNRESOLVED with the reason) when a source keeps failing.
    """
    if not refs:
        return []
    return _Loop(refs, sources, progress).run()
