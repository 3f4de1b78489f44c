"""Claims x references -> links. Pure.

A :class:`Citation` is one marker in the text (``[@key]``, ``\\cite{key}``, ``[3]``, or the
position of a WHO reference block after its claim) attributed to the claim it stands in. Linking
matches each citation's target against the references' ids, keys and labels:

* a match becomes a :class:`~refkeeper.models.Link` of kind ``direct``;
* a marker that names no reference becomes a ``unmatched-marker`` finding (major);
* every reference marked ``page_level`` (the source of the whole page, such as the WHO book)
  is linked to *every* claim with a link of kind ``page``; a page without claims keeps the
  mark on the reference only;
* a reference that no claim cites becomes an ``uncited-reference`` finding (info), when the
  document has claims at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from refkeeper.models import Claim, Finding, Link, LinkKind, Reference, Severity, Span


@dataclass(frozen=True, slots=True)
class Citation:
    """Claim ``claim_id`` cites ``target`` (a citation key, a list label or a reference id)."""

    claim_id: str
    target: str
    marker: str
    span: Span | None
    locator: str | None = None


def link(
    claims: Sequence[Claim], references: Sequence[Reference], citations: Sequence[Citation]
) -> tuple[tuple[Link, ...], tuple[Finding, ...]]:
    """Links between claims and references, and findings for what does not match."""
    by_target: dict[str, Reference] = {}
    folded: dict[str, Reference] = {}
    for ref in references:
        for name in (ref.label, ref.key, ref.id):
            if name is not None:
                by_target.setdefault(name, ref)
                folded.setdefault(name.casefold(), ref)

    links: list[Link] = []
    findings: list[Finding] = []
    cited: set[str] = set()
    seen: set[tuple[str, str, int | None]] = set()
    for cit in citations:
        target = by_target.get(cit.target) or folded.get(cit.target.casefold())
        if target is None:
            findings.append(
                Finding(
                    kind="unmatched-marker",
                    message=f"marker {_clip(cit.marker)!r} cites {_clip(cit.target)!r}, which is "
                    "not in the reference list",
                    severity=Severity.MAJOR,
                    span=cit.span,
                    claim_id=cit.claim_id,
                    raw=_clip(cit.marker, 1000),
                )
            )
            continue
        cited.add(target.id)
        key = (cit.claim_id, target.id, cit.span.start if cit.span else None)
        if key in seen:
            continue
        seen.add(key)
        links.append(
            Link(
                claim_id=cit.claim_id,
                reference_id=target.id,
                kind=LinkKind.DIRECT,
                marker=cit.marker,
                span=cit.span,
                locator=cit.locator,
            )
        )

    for ref in references:
        if ref.page_level:
            cited.add(ref.id)
            links.extend(
                Link(claim_id=claim.id, reference_id=ref.id, kind=LinkKind.PAGE) for claim in claims
            )

    if claims:
        for ref in references:
            if ref.id not in cited:
                findings.append(
                    Finding(
                        kind="uncited-reference",
                        message=f"reference {ref.id} is not cited by any claim",
                        severity=Severity.INFO,
                        span=ref.span,
                        reference_id=ref.id,
                        raw=ref.raw,
                    )
                )
    return tuple(links), tuple(findings)


def _clip(text: str, width: int = 80) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
