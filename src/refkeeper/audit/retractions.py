"""Retractions, errata and expressions of concern, read from a PubMed record.

PubMed marks a retracted article with the publication type "Retracted Publication" and a
CommentsCorrections entry ``RetractionIn`` pointing at the notice; errata come as
``ErratumIn``, expressions of concern as ``ExpressionOfConcernIn``. A retracted source is
always a major finding; an expression of concern is major; an erratum is minor (the reader
should know a correction exists). The reverse entries (``RetractionOf``, ``ErratumFor``)
mean the cited record *is* the notice, which is worth saying too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from refkeeper.models import Severity, Work


@dataclass(frozen=True, slots=True)
class Notice:
    kind: str  # retracted | erratum | expression-of-concern | is-retraction-notice | ...
    severity: Severity
    message: str
    notice_pmid: str | None = None
    source: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "severity": str(self.severity),
            "message": self.message,
            "notice_pmid": self.notice_pmid,
            "source": self.source,
        }


_FORWARD = {
    "RetractionIn": ("retracted", Severity.MAJOR, "the cited work was retracted"),
    "ExpressionOfConcernIn": (
        "expression-of-concern",
        Severity.MAJOR,
        "an expression of concern was published about the cited work",
    ),
    "ErratumIn": ("erratum", Severity.MINOR, "an erratum was published for the cited work"),
    "UpdateIn": ("updated", Severity.INFO, "an updated version of the cited work exists"),
}
_REVERSE = {
    "RetractionOf": (
        "is-retraction-notice",
        Severity.MAJOR,
        "the cited record is a retraction notice",
    ),
    "ExpressionOfConcernFor": (
        "is-concern-notice",
        Severity.MINOR,
        "the cited record is an expression of concern about another work",
    ),
    "ErratumFor": ("is-erratum", Severity.MINOR, "the cited record is an erratum, not the work"),
}


def notices(work: Work) -> list[Notice]:
    """The notices of a record, most serious first; a retraction appears once."""
    out: list[Notice] = []
    seen: set[tuple[str, str | None]] = set()
    for comment in work.comments:
        entry = _FORWARD.get(comment.ref_type) or _REVERSE.get(comment.ref_type)
        if entry is None:
            continue
        kind, severity, text = entry
        if (kind, comment.pmid) in seen:
            continue
        seen.add((kind, comment.pmid))
        where = f" (PMID {comment.pmid})" if comment.pmid else ""
        notice = f": {comment.source}" if comment.source else ""
        out.append(Notice(kind, severity, f"{text}{where}{notice}", comment.pmid, comment.source))
    if "Retracted Publication" in work.publication_types and not any(
        n.kind == "retracted" for n in out
    ):
        out.append(Notice("retracted", Severity.MAJOR, "the cited work is a Retracted Publication"))
    if "Retraction of Publication" in work.publication_types and not any(
        n.kind == "is-retraction-notice" for n in out
    ):
        text = "the cited record is a retraction notice"
        out.append(Notice("is-retraction-notice", Severity.MAJOR, text))
    if work.removed_characters:
        names = ", ".join(work.removed_characters)
        text = (
            f"the record held control or bidi-override characters ({names}); "
            "removed from every export and report"
        )
        out.append(Notice("control-characters", Severity.MINOR, text))
    order = {Severity.MAJOR: 0, Severity.MINOR: 1, Severity.INFO: 2}
    return sorted(out, key=lambda n: order[n.severity])
