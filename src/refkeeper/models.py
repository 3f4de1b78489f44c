"""The vocabulary of refkeeper: frozen values that flow through the pipeline.

text -> extract -> (Claim, Reference, Link, Finding) -> resolve -> (Work, Resolution)
     -> library (lock) -> export / audit.

Bibliographic fields are carried as CSL-JSON items (plain ``dict``s using CSL-JSON
variable names: ``author``, ``issued``, ``title``, ``container-title``, ``page``, ...),
because that is the lingua franca of citation processors and what every exporter reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

CSLItem = dict[str, Any]
"""A CSL-JSON item (https://citeproc-js.readthedocs.io/en/latest/csl-json/markup.html)."""


@dataclass(frozen=True, slots=True)
class Span:
    """Where something stands in its source: 1-based line, 0-based character offsets."""

    line: int
    start: int
    end: int

    def to_json(self) -> dict[str, int]:
        return {"line": self.line, "start": self.start, "end": self.end}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Span:
        return cls(int(data["line"]), int(data["start"]), int(data["end"]))


class Severity(StrEnum):
    INFO = "info"
    MINOR = "minor"
    MAJOR = "major"


@dataclass(frozen=True, slots=True)
class Finding:
    """Something a person should look at. Failures are data: they carry raw text and place."""

    kind: str
    message: str
    severity: Severity = Severity.MINOR
    span: Span | None = None
    reference_id: str | None = None
    claim_id: str | None = None
    raw: str | None = None
    evidence: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "severity": str(self.severity),
            "message": self.message,
            "span": self.span.to_json() if self.span else None,
            "reference_id": self.reference_id,
            "claim_id": self.claim_id,
            "raw": self.raw,
            "evidence": dict(self.evidence),
        }


@dataclass(frozen=True, slots=True)
class Claim:
    """A sentence (or run of sentences) of the document that may cite sources."""

    id: str
    text: str
    span: Span

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text, "span": self.span.to_json()}


@dataclass(frozen=True, slots=True)
class Reference:
    """A work as the document cites it.

    ``fields`` is a CSL-JSON item parsed from ``raw`` (or read from a library file);
    ``key`` is the citation key the document uses (pandoc/LaTeX key, or None), ``label`` the
    number of a numbered list entry. ``page_level`` marks a source of the whole page.
    """

    id: str
    raw: str
    span: Span | None
    fields: CSLItem
    key: str | None = None
    label: str | None = None
    page_level: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "raw": self.raw,
            "span": self.span.to_json() if self.span else None,
            "key": self.key,
            "label": self.label,
            "page_level": self.page_level,
            "fields": self.fields,
        }


class LinkKind(StrEnum):
    DIRECT = "direct"
    PAGE = "page"


@dataclass(frozen=True, slots=True)
class Link:
    """Claim ``claim_id`` cites reference ``reference_id`` (directly, or as the page's source)."""

    claim_id: str
    reference_id: str
    kind: LinkKind = LinkKind.DIRECT
    marker: str | None = None
    span: Span | None = None
    locator: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "claim_id": self.claim_id,
            "reference_id": self.reference_id,
            "kind": str(self.kind),
            "marker": self.marker,
            "span": self.span.to_json() if self.span else None,
            "locator": self.locator,
        }


@dataclass(frozen=True, slots=True)
class Extraction:
    """Everything read from one document."""

    source: str
    kind: str
    text: str
    claims: tuple[Claim, ...] = ()
    references: tuple[Reference, ...] = ()
    links: tuple[Link, ...] = ()
    findings: tuple[Finding, ...] = ()
    blocks_seen: int = 0
    """Reference-like blocks (runs of lines that look like references) in the text."""
    blocks_read: int = 0
    """How many of them became references; the rest are ``unread-reference-block`` findings."""

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "kind": self.kind,
            "claims": [c.to_json() for c in self.claims],
            "references": [r.to_json() for r in self.references],
            "links": [link.to_json() for link in self.links],
            "findings": [f.to_json() for f in self.findings],
            "reference_blocks": {"seen": self.blocks_seen, "read": self.blocks_read},
        }


# --------------------------------------------------------------------------- resolved works


@dataclass(frozen=True, slots=True)
class Comment:
    """A PubMed CommentsCorrections entry: ``ref_type`` such as RetractionIn, ErratumIn."""

    ref_type: str
    pmid: str | None
    source: str

    def to_json(self) -> dict[str, Any]:
        return {"ref_type": self.ref_type, "pmid": self.pmid, "source": self.source}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Comment:
        return cls(str(data["ref_type"]), data.get("pmid"), str(data.get("source", "")))


@dataclass(frozen=True, slots=True)
class AbstractSection:
    label: str | None
    text: str

    def to_json(self) -> dict[str, Any]:
        return {"label": self.label, "text": self.text}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> AbstractSection:
        return cls(data.get("label"), str(data["text"]))


def abstract_csl(sections: tuple[AbstractSection, ...] | list[AbstractSection]) -> str:
    """The CSL-JSON ``abstract`` of a structured abstract: ``LABEL: text`` lines."""
    return "\n".join(f"{s.label}: {s.text}" if s.label else s.text for s in sections)


RETRACTION_TYPES = frozenset({"RetractionIn"})


@dataclass(frozen=True, slots=True)
class Work:
    """A verified record of a work: CSL-JSON plus the PubMed / NLM Catalog extras.

    ``id`` is the work's stable identity: ``pmid:8620427``, ``nlm:...`` or ``isbn:9789283224327``.
    """

    id: str
    source: str  # "pubmed" | "nlmcatalog" | "manual" | "as-written"
    csl: CSLItem
    pmid: str | None = None
    pmcid: str | None = None
    doi: str | None = None
    isbn: str | None = None
    nlm_id: str | None = None
    journal_iso: str | None = None
    journal_full: str | None = None
    medline_date: str | None = None
    abstract: tuple[AbstractSection, ...] = ()
    mesh: tuple[str, ...] = ()
    publication_types: tuple[str, ...] = ()
    comments: tuple[Comment, ...] = ()
    retrieved: str | None = None  # ISO date the record was fetched
    authors_complete: bool = True  # False when PubMed marks the author list incomplete
    removed_characters: tuple[str, ...] = ()  # control/bidi characters the parser removed

    @property
    def abstract_text(self) -> str:
        return "\n".join(s.text for s in self.abstract)

    @property
    def retracted(self) -> bool:
        return "Retracted Publication" in self.publication_types or any(
            c.ref_type in RETRACTION_TYPES for c in self.comments
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "source": self.source,
            "pmid": self.pmid,
            "pmcid": self.pmcid,
            "doi": self.doi,
            "isbn": self.isbn,
            "nlm_id": self.nlm_id,
            "journal_iso": self.journal_iso,
            "journal_full": self.journal_full,
            "medline_date": self.medline_date,
            "abstract": [s.to_json() for s in self.abstract],
            "mesh": list(self.mesh),
            "publication_types": list(self.publication_types),
            "comments": [c.to_json() for c in self.comments],
            "retrieved": self.retrieved,
            "csl": self._csl_without_derived_abstract(),
        } | ({} if self.authors_complete else {"authors_complete": False}) | (
            {"removed_characters": list(self.removed_characters)}
            if self.removed_characters
            else {}
        )

    def _csl_without_derived_abstract(self) -> CSLItem:
        """``csl`` without its ``abstract`` when that is just ``abstract`` rendered (it is
        restored on reading): the lock does not hold every abstract twice."""
        if self.abstract and self.csl.get("abstract") == abstract_csl(self.abstract):
            return {k: v for k, v in self.csl.items() if k != "abstract"}
        return self.csl

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Work:
        abstract = tuple(AbstractSection.from_json(s) for s in data.get("abstract", ()))
        csl = dict(data["csl"])
        if abstract and "abstract" not in csl:
            csl["abstract"] = abstract_csl(abstract)
        return cls(
            id=str(data["id"]),
            source=str(data["source"]),
            csl=csl,
            pmid=data.get("pmid"),
            pmcid=data.get("pmcid"),
            doi=data.get("doi"),
            isbn=data.get("isbn"),
            nlm_id=data.get("nlm_id"),
            journal_iso=data.get("journal_iso"),
            journal_full=data.get("journal_full"),
            medline_date=data.get("medline_date"),
            abstract=abstract,
            mesh=tuple(data.get("mesh", ())),
            publication_types=tuple(data.get("publication_types", ())),
            comments=tuple(Comment.from_json(c) for c in data.get("comments", ())),
            retrieved=data.get("retrieved"),
            authors_complete=bool(data.get("authors_complete", True)),
            removed_characters=tuple(str(c) for c in data.get("removed_characters", ())),
        )


class Status(StrEnum):
    RESOLVED = "resolved"
    AMBIGUOUS = "ambiguous"
    NOT_FOUND = "not-found"
    PINNED = "pinned"
    IGNORED = "ignored"
    AS_WRITTEN = "as-written"  # no source holds it: kept with the fields read from the text
    UNRESOLVED = "unresolved"  # not attempted (offline, or an error stopped the run)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A record considered for a reference, with its verification score."""

    work_id: str
    score: float
    agreed: Mapping[str, float] = field(default_factory=dict)
    label: str = ""  # short human description: "Rogatsch H 2000 Am J Surg Pathol 24:614"

    def to_json(self) -> dict[str, Any]:
        return {
            "work_id": self.work_id,
            "score": round(self.score, 4),
            "agreed": {k: round(v, 4) for k, v in sorted(self.agreed.items())},
            "label": self.label,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Candidate:
        return cls(
            str(data["work_id"]),
            float(data["score"]),
            dict(data.get("agreed", {})),
            str(data.get("label", "")),
        )


@dataclass(frozen=True, slots=True)
class Resolution:
    """What became of one reference: the work it is, or why there is none."""

    status: Status
    work: Work | None = None
    strategy: str | None = None  # "pmid", "doi", "ecitmatch", "esearch", "nlmcatalog-isbn", ...
    score: float | None = None
    candidates: tuple[Candidate, ...] = ()
    tried: tuple[str, ...] = ()
    reason: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "status": str(self.status),
            "work": self.work.to_json() if self.work else None,
            "strategy": self.strategy,
            "score": round(self.score, 4) if self.score is not None else None,
            "candidates": [c.to_json() for c in self.candidates],
            "tried": list(self.tried),
            "reason": self.reason,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Resolution:
        work = data.get("work")
        return cls(
            status=Status(data["status"]),
            work=Work.from_json(work) if work else None,
            strategy=data.get("strategy"),
            score=data.get("score"),
            candidates=tuple(Candidate.from_json(c) for c in data.get("candidates", ())),
            tried=tuple(data.get("tried", ())),
            reason=str(data.get("reason", "")),
        )
