"""The audit itself: one document's extraction + its resolutions -> an ``AuditReport``.

Pure: no I/O, no network. Every problem becomes a ``Finding`` with kind, severity, place
and evidence; the report also keeps one row per claim (its sources, the support of each,
the evidence sentence) and one entry per reference (its record, citation errors, notices),
which the renderers (table, Markdown, HTML, JSON) lay out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from refkeeper.audit.compare import EtAlStyle, FieldError, compare_reference
from refkeeper.audit.retractions import Notice, notices
from refkeeper.audit.structure import (
    dangling_markers,
    duplicate_references,
    orphan_references,
    uncited_claims,
)
from refkeeper.audit.support import (
    DEFAULT_THRESHOLD,
    SupportResult,
    SupportScorer,
    SupportStatus,
)
from refkeeper.bibfields import year_of
from refkeeper.models import (
    Candidate,
    Claim,
    Extraction,
    Finding,
    LinkKind,
    Reference,
    Resolution,
    Severity,
    Span,
    Status,
    Work,
)

SCHEMA_VERSION = "refkeeper.audit/2"
FAIL_ON = ("never", "retracted", "unresolved", "ambiguous", "major", "weak", "as-written")
"""--fail-on levels, most severe first; each level includes the ones before it (as in
``refkeeper.config.FAIL_LEVELS``): ``weak`` fails on anything, ``retracted`` only on
retracted sources, ``never`` never; ``as-written`` (the strictest) adds works kept as
written (no source holds them)."""


class ClaimStatus(StrEnum):
    SUPPORTED = "supported"
    CONTRADICTED = "contradicted"
    RELATED = "related"
    UNVERIFIABLE = "unverifiable"
    UNRESOLVED = "unresolved"
    RETRACTED = "retracted"
    UNCITED = "uncited"


@dataclass(frozen=True, slots=True)
class AuditOptions:
    threshold: float = DEFAULT_THRESHOLD
    et_al_style: EtAlStyle = "lenient"
    uncited_claims: bool = True
    scorer: SupportScorer | None = None


@dataclass(frozen=True, slots=True)
class SourceEntry:
    """One reference of the document, its record and what is wrong with how it is cited."""

    reference_id: str
    label: str
    raw: str
    span: Span | None
    page_level: bool
    status: Status
    work: Work | None = None
    errors: tuple[FieldError, ...] = ()
    notices: tuple[Notice, ...] = ()
    reason: str = ""
    candidates: tuple[Candidate, ...] = ()
    tried: tuple[str, ...] = ()

    @property
    def url(self) -> str | None:
        return work_url(self.work)

    @property
    def retracted(self) -> bool:
        return any(n.kind == "retracted" for n in self.notices)

    def to_json(self) -> dict[str, Any]:
        work = self.work
        return {
            "reference_id": self.reference_id,
            "label": self.label,
            "raw": self.raw,
            "span": self.span.to_json() if self.span else None,
            "page_level": self.page_level,
            "status": str(self.status),
            "work_id": work.id if work else None,
            "pmid": work.pmid if work else None,
            "pmcid": work.pmcid if work else None,
            "doi": work.doi if work else None,
            "isbn": work.isbn if work else None,
            "title": str(work.csl.get("title") or "") or None if work else None,
            "citation": record_citation(work) if work else None,
            "url": self.url,
            "retracted": self.retracted,
            "errors": [e.to_json() for e in self.errors],
            "notices": [n.to_json() for n in self.notices],
            "reason": self.reason,
            "candidates": [c.to_json() for c in self.candidates],
            "tried": list(self.tried),
        }


class CitationStatus(StrEnum):
    SUPPORTED = "supported"
    CONTRADICTED = "contradicted"
    RELATED = "related"
    UNVERIFIABLE = "unverifiable"
    UNRESOLVED = "unresolved"
    RETRACTED = "retracted"
    IGNORED = "ignored"
    MISSING = "missing"  # the marker points to no reference


@dataclass(frozen=True, slots=True)
class Citation:
    """A claim citing one reference, and how well that reference's record supports it."""

    reference_id: str
    kind: LinkKind
    status: CitationStatus
    marker: str | None = None
    support: SupportResult | None = None

    def to_json(self) -> dict[str, Any]:
        support = self.support
        return {
            "reference_id": self.reference_id,
            "kind": str(self.kind),
            "marker": self.marker,
            "status": str(self.status),
            "score": None if support is None or support.score is None else round(support.score, 4),
            "evidence": support.evidence if support else None,
            "evidence_section": support.evidence_section if support else None,
            "conflict": support.conflict if support else None,
            "absent_numbers": list(support.absent_numbers) if support else [],
            "matched": list(support.matched) if support else [],
        }


@dataclass(frozen=True, slots=True)
class ClaimRow:
    claim: Claim
    status: ClaimStatus
    citations: tuple[Citation, ...] = ()

    @property
    def best(self) -> Citation | None:
        """The citation whose evidence represents the claim (direct before page-level)."""
        scored = [c for c in self.citations if c.support and c.support.score is not None]
        direct = [c for c in scored if c.kind == LinkKind.DIRECT] or scored
        if not direct:
            return None
        return max(direct, key=lambda c: c.support.score if c.support and c.support.score else 0)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.claim.id,
            "text": self.claim.text,
            "span": self.claim.span.to_json(),
            "status": str(self.status),
            "citations": [c.to_json() for c in self.citations],
        }


_SEVERITY_ORDER = {Severity.MAJOR: 0, Severity.MINOR: 1, Severity.INFO: 2}


@dataclass(frozen=True, slots=True)
class AuditReport:
    """The audit of one document. ``to_json()`` follows ``audit.schema.AUDIT_SCHEMA``."""

    source: str
    kind: str
    text: str
    claims: tuple[ClaimRow, ...]
    sources: tuple[SourceEntry, ...]
    findings: tuple[Finding, ...]
    threshold: float = DEFAULT_THRESHOLD
    extra: Mapping[str, Any] = field(default_factory=dict)

    def source_by_id(self, reference_id: str) -> SourceEntry | None:
        for entry in self.sources:
            if entry.reference_id == reference_id:
                return entry
        return None

    @property
    def counts(self) -> dict[str, int]:
        by_status = Counter(str(row.status) for row in self.claims)
        by_severity = Counter(str(f.severity) for f in self.findings)
        kinds = Counter(f.kind for f in self.findings)
        resolved = sum(1 for s in self.sources if s.work is not None)
        return {
            "claims": len(self.claims),
            **{f"claims_{s.value}": by_status.get(s.value, 0) for s in ClaimStatus},
            "references": len(self.sources),
            "references_resolved": resolved,
            "references_unresolved": sum(
                1 for s in self.sources if s.work is None and s.status != Status.IGNORED
            ),
            "citation_errors": kinds.get("citation-error", 0),
            "retracted": sum(1 for s in self.sources if s.retracted),
            "findings": len(self.findings),
            "major": by_severity.get("major", 0),
            "minor": by_severity.get("minor", 0),
            "info": by_severity.get("info", 0),
        }

    def fail_reasons(self, on: str) -> list[str]:
        """What reaches the ``--fail-on`` level ``on`` (see ``FAIL_ON``), one line each."""
        if on not in FAIL_ON:
            raise ValueError(f"unknown --fail-on value {on!r}; choose from {', '.join(FAIL_ON)}")
        if on == "never":
            return []
        active = set(FAIL_ON[1 : FAIL_ON.index(on) + 1])
        reasons: list[str] = []
        live = [s for s in self.sources if s.status != Status.IGNORED]
        if "retracted" in active:
            reasons += [f"{s.label}: retracted" for s in live if s.retracted]
        if "unresolved" in active:
            reasons += [
                f"{s.label}: {s.status.value}"
                for s in live
                if s.work is None and s.status in (Status.NOT_FOUND, Status.UNRESOLVED)
            ]
        if "ambiguous" in active:
            reasons += [f"{s.label}: ambiguous" for s in live if s.status == Status.AMBIGUOUS]
        if "as-written" in active:
            reasons += [f"{s.label}: as-written" for s in live if s.status == Status.AS_WRITTEN]
        for finding in self.findings:
            if "major" in active and finding.severity == Severity.MAJOR:
                reasons.append(f"{finding.kind}: {finding.message}")
            elif "weak" in active and finding.kind == "weak-support":
                reasons.append(f"{finding.kind}: {finding.message}")
        return list(dict.fromkeys(reasons))

    def fails(self, on: str) -> bool:
        """Whether anything reaches the ``--fail-on`` level ``on``."""
        return bool(self.fail_reasons(on))

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA_VERSION,
            "source": self.source,
            "kind": self.kind,
            "threshold": self.threshold,
            "counts": self.counts,
            "claims": [row.to_json() for row in self.claims],
            "references": [s.to_json() for s in self.sources],
            "findings": [f.to_json() for f in self.findings],
        }


# --------------------------------------------------------------------------- helpers


def work_url(work: Work | None) -> str | None:
    if work is None:
        return None
    if work.pmid:
        return f"https://pubmed.ncbi.nlm.nih.gov/{work.pmid}/"
    if work.doi:
        return f"https://doi.org/{work.doi}"
    if work.nlm_id:
        return f"https://www.ncbi.nlm.nih.gov/nlmcatalog/{work.nlm_id}"
    return None


def record_citation(work: Work) -> str:
    """A short NLM-style line for a record: "Cancer. 1995;76(8):1481-1489"."""
    csl = work.csl
    year = year_of(csl)
    if str(csl.get("type", "")) == "book":
        bits = [str(csl.get(k)) for k in ("edition", "publisher-place", "publisher") if csl.get(k)]
        return ". ".join([*bits, str(year or "")]).strip(". ")
    journal = work.journal_iso or csl.get("container-title-short") or csl.get("container-title")
    line = f"{journal or ''}. {year or ''}"
    if csl.get("volume"):
        line += f";{csl['volume']}"
    if csl.get("issue"):
        line += f"({csl['issue']})"
    if csl.get("page"):
        line += f":{csl['page']}"
    return line.strip(". ")


def reference_label(ref: Reference) -> str:
    fields = ref.fields
    people = fields.get("author") or fields.get("editor") or []
    name = ""
    if isinstance(people, list) and people and isinstance(people[0], Mapping):
        name = str(people[0].get("family") or people[0].get("literal") or "")
    year = year_of(fields)
    if name:
        return f"{name} {year}" if year else name
    return ref.label or ref.key or ref.id


def _finding_for_resolution(ref: Reference, label: str, res: Resolution | None) -> Finding | None:
    if res is None:
        return Finding(
            kind="unresolved-reference",
            message=f"{label}: not resolved (no resolution available)",
            severity=Severity.MINOR,
            span=ref.span,
            reference_id=ref.id,
            raw=ref.raw,
            evidence={"status": "unresolved"},
        )
    if res.status == Status.AS_WRITTEN:
        return Finding(
            kind="kept-as-written",
            message=f"{label}: kept as written (no source holds it)",
            severity=Severity.INFO,
            span=ref.span,
            reference_id=ref.id,
            raw=ref.raw,
            evidence={"status": "as-written"},
        )
    if res.work is not None or res.status == Status.IGNORED:
        return None
    severity = Severity.MAJOR if res.status == Status.NOT_FOUND else Severity.MINOR
    what = {
        Status.NOT_FOUND: "not found",
        Status.AMBIGUOUS: "ambiguous",
    }.get(res.status, "not resolved")
    reason = f": {res.reason}" if res.reason else ""
    return Finding(
        kind="unresolved-reference",
        message=f"{label}: {what}{reason}",
        severity=severity,
        span=ref.span,
        reference_id=ref.id,
        raw=ref.raw,
        evidence={
            "status": str(res.status),
            "candidates": [c.to_json() for c in res.candidates],
            "tried": list(res.tried),
        },
    )


def _claim_status(citations: list[Citation]) -> ClaimStatus:
    direct = [c for c in citations if c.kind == LinkKind.DIRECT]
    pool = direct or citations
    statuses = {c.status for c in pool}
    if not pool:
        return ClaimStatus.UNCITED
    for citation_status, claim_status in (
        (CitationStatus.RETRACTED, ClaimStatus.RETRACTED),
        (CitationStatus.CONTRADICTED, ClaimStatus.CONTRADICTED),
        (CitationStatus.SUPPORTED, ClaimStatus.SUPPORTED),
        (CitationStatus.RELATED, ClaimStatus.RELATED),
        (CitationStatus.UNVERIFIABLE, ClaimStatus.UNVERIFIABLE),
    ):
        if citation_status in statuses:
            return claim_status
    return ClaimStatus.UNRESOLVED


# --------------------------------------------------------------------------- the audit


def audit(
    extraction: Extraction,
    resolutions: Mapping[str, Resolution],
    *,
    options: AuditOptions | None = None,
) -> AuditReport:
    """Audit one document: ``resolutions`` are keyed by ``Reference.id``."""
    opts = options or AuditOptions()
    scorer = opts.scorer or SupportScorer(threshold=opts.threshold)
    findings: list[Finding] = list(extraction.findings)
    sources: list[SourceEntry] = []
    by_id: dict[str, SourceEntry] = {}

    for ref in extraction.references:
        res = resolutions.get(ref.id)
        label = reference_label(ref)
        unresolved = _finding_for_resolution(ref, label, res)
        if unresolved is not None:
            findings.append(unresolved)
        work = res.work if res is not None else None
        errors: list[FieldError] = []
        work_notices: list[Notice] = []
        if work is not None and res is not None and res.status != Status.IGNORED:
            errors = compare_reference(ref.fields, work, raw=ref.raw, et_al_style=opts.et_al_style)
            work_notices = notices(work)
        for error in errors:
            findings.append(
                Finding(
                    kind="citation-error",
                    message=f"{label}: {error.message}",
                    severity=error.severity,
                    span=ref.span,
                    reference_id=ref.id,
                    raw=ref.raw,
                    evidence=error.to_json(),
                )
            )
        for notice in work_notices:
            findings.append(
                Finding(
                    kind=notice.kind,
                    message=f"{label}: {notice.message}",
                    severity=notice.severity,
                    span=ref.span,
                    reference_id=ref.id,
                    raw=ref.raw,
                    evidence=notice.to_json(),
                )
            )
        entry = SourceEntry(
            reference_id=ref.id,
            label=label,
            raw=ref.raw,
            span=ref.span,
            page_level=ref.page_level,
            status=res.status if res is not None else Status.UNRESOLVED,
            work=work,
            errors=tuple(errors),
            notices=tuple(work_notices),
            reason=res.reason if res is not None else "no resolution available",
            candidates=res.candidates if res is not None else (),
            tried=res.tried if res is not None else (),
        )
        sources.append(entry)
        by_id[ref.id] = entry

    rows: list[ClaimRow] = []
    links_by_claim: dict[str, list[Any]] = {}
    for link in extraction.links:
        links_by_claim.setdefault(link.claim_id, []).append(link)
    for claim in extraction.claims:
        citations: list[Citation] = []
        seen: set[tuple[str, LinkKind]] = set()
        for link in links_by_claim.get(claim.id, []):
            if (link.reference_id, link.kind) in seen:
                continue
            seen.add((link.reference_id, link.kind))
            citation = _cite(claim, link.reference_id, link.kind, link.marker, by_id, scorer)
            citations.append(citation)
            if link.kind == LinkKind.DIRECT and citation.support is not None:
                finding = _support_finding(claim, citation, by_id[link.reference_id], scorer)
                if finding is not None:
                    findings.append(finding)
        rows.append(ClaimRow(claim, _claim_status(citations), tuple(citations)))

    already = {f.reference_id for f in extraction.findings if f.kind == "uncited-reference"}
    findings += [f for f in orphan_references(extraction) if f.reference_id not in already]
    findings += dangling_markers(extraction)
    findings += duplicate_references(extraction, resolutions)
    if opts.uncited_claims:
        findings += uncited_claims(extraction)
    findings.sort(key=lambda f: (_SEVERITY_ORDER.get(f.severity, 3), _place(f.span)))
    return AuditReport(
        source=extraction.source,
        kind=extraction.kind,
        text=extraction.text,
        claims=tuple(rows),
        sources=tuple(sources),
        findings=tuple(findings),
        threshold=scorer.threshold,
    )


def _place(span: Span | None) -> int:
    return span.start if span is not None else 1 << 62


def _cite(
    claim: Claim,
    reference_id: str,
    kind: LinkKind,
    marker: str | None,
    by_id: Mapping[str, SourceEntry],
    scorer: SupportScorer,
) -> Citation:
    entry = by_id.get(reference_id)
    if entry is None:
        return Citation(reference_id, kind, CitationStatus.MISSING, marker)
    if entry.status == Status.IGNORED:
        return Citation(reference_id, kind, CitationStatus.IGNORED, marker)
    if entry.work is None:
        return Citation(reference_id, kind, CitationStatus.UNRESOLVED, marker)
    support = scorer.score(claim.text, entry.work)
    if entry.retracted:
        status = CitationStatus.RETRACTED
    else:
        status = {
            SupportStatus.SUPPORTED: CitationStatus.SUPPORTED,
            SupportStatus.CONTRADICTED: CitationStatus.CONTRADICTED,
            SupportStatus.RELATED: CitationStatus.RELATED,
            SupportStatus.UNVERIFIABLE: CitationStatus.UNVERIFIABLE,
        }[support.status]
    return Citation(reference_id, kind, status, marker, support)


def _support_finding(
    claim: Claim, citation: Citation, entry: SourceEntry, scorer: SupportScorer
) -> Finding | None:
    support = citation.support
    if support is None:
        return None
    common: dict[str, Any] = {
        "span": claim.span,
        "claim_id": claim.id,
        "reference_id": entry.reference_id,
        "raw": claim.text,
        "evidence": support.to_json(),
    }
    if support.status == SupportStatus.CONTRADICTED:
        return Finding(
            kind="contradicted-claim",
            message=f"claim is contradicted by {entry.label} ({support.conflict})",
            severity=Severity.MAJOR,
            **common,
        )
    if support.status == SupportStatus.RELATED:
        return Finding(
            kind="weak-support",
            message=(
                f"{entry.label} is related but does not state this claim (score "
                f"{support.score:.2f} < {scorer.threshold:.2f})"
            ),
            severity=Severity.MINOR,
            **common,
        )
    if support.status == SupportStatus.SUPPORTED and support.absent_numbers:
        return Finding(
            kind="number-not-in-source",
            message=(
                f"{entry.label} states nowhere the claim's "
                f"{', '.join(repr(n) for n in support.absent_numbers)}"
            ),
            severity=Severity.MINOR,
            **common,
        )
    if support.status == SupportStatus.UNVERIFIABLE:
        return Finding(
            kind="unverifiable",
            message=f"{entry.label} has no abstract: support cannot be checked",
            severity=Severity.INFO,
            span=claim.span,
            claim_id=claim.id,
            reference_id=entry.reference_id,
            raw=claim.text,
        )
    return None
