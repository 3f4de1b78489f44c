"""Structure of the citations: orphans, duplicates, dangling markers, uncited claims.

Pure functions over an ``Extraction`` (and the resolutions, to see that two differently
written references are the same work). Each returns ``Finding``s with the place in the
document and the raw text, never raising on odd input.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping

from refkeeper.audit.compare import page_range, title_words
from refkeeper.audit.text import fold
from refkeeper.bibfields import year_of
from refkeeper.models import Extraction, Finding, LinkKind, Reference, Resolution, Severity


def orphan_references(extraction: Extraction) -> list[Finding]:
    """References that no claim cites (page-level sources are cited by the page itself)."""
    cited = {link.reference_id for link in extraction.links}
    return [
        Finding(
            kind="orphan-reference",
            message=f"reference {ref.label or ref.key or ref.id} is cited nowhere in the text",
            severity=Severity.MINOR,
            span=ref.span,
            reference_id=ref.id,
            raw=ref.raw,
        )
        for ref in extraction.references
        if ref.id not in cited and not ref.page_level
    ]


def dangling_markers(extraction: Extraction) -> list[Finding]:
    """Links whose reference does not exist: a marker pointing to nothing."""
    known = {ref.id for ref in extraction.references}
    return [
        Finding(
            kind="dangling-marker",
            message=f"citation marker {link.marker or link.reference_id!r} points to no reference",
            severity=Severity.MAJOR,
            span=link.span,
            claim_id=link.claim_id,
            raw=link.marker,
            evidence={"reference_id": link.reference_id},
        )
        for link in extraction.links
        if link.reference_id not in known
    ]


def same_work_key(ref: Reference) -> str | None:
    """A loose key of a written reference (first author, year, first page or title) that two
    forms of one work share. Looser than ``refkeeper.keys.fingerprint``, which identifies a
    reference as written for the lock: this one is for spotting duplicates."""
    fields = ref.fields
    people = fields.get("author") or fields.get("editor") or []
    first = ""
    if isinstance(people, list) and people and isinstance(people[0], Mapping):
        first = fold(str(people[0].get("family") or people[0].get("literal") or ""))
        first = re.sub(r"[^a-z]", "", first)
    year = year_of(fields)
    page = page_range(str(fields.get("page") or ""))
    words = title_words(str(fields.get("title") or ""))[:8]
    if not first or year is None:
        return None
    if page is not None:
        return f"{first}|{year}|p{page[0]}"
    if len(words) >= 3:
        return f"{first}|{year}|{' '.join(words)}"
    return None


def duplicate_references(
    extraction: Extraction, resolutions: Mapping[str, Resolution]
) -> list[Finding]:
    """The same work cited under different reference entries."""
    groups: dict[str, list[Reference]] = defaultdict(list)
    for ref in extraction.references:
        res = resolutions.get(ref.id)
        if res is not None and res.work is not None:
            groups[f"work:{res.work.id}"].append(ref)
            continue
        key = same_work_key(ref)
        if key is not None:
            groups[f"fp:{key}"].append(ref)
    findings: list[Finding] = []
    for key, refs in groups.items():
        if len(refs) < 2:
            continue
        first = refs[0]
        for dup in refs[1:]:
            same = key.removeprefix("work:") if key.startswith("work:") else None
            how = f"both resolve to {same}" if same else "same first author, year and pages/title"
            findings.append(
                Finding(
                    kind="duplicate-reference",
                    message=(
                        f"reference {dup.label or dup.key or dup.id} is the same work as "
                        f"{first.label or first.key or first.id} ({how})"
                    ),
                    severity=Severity.MINOR,
                    span=dup.span,
                    reference_id=dup.id,
                    raw=dup.raw,
                    evidence={"duplicate_of": first.id, "work_id": same},
                )
            )
    return findings


_CLAIM_CUE = re.compile(
    r"\b(?:is|are|was|were|has|have|had|shows?|showed|shown|found|reported|associated|"
    r"increase[sd]?|decrease[sd]?|reduce[sd]?|caus\w+|lead\w*|result\w*|occur\w*|"
    r"demonstrat\w+|suggest\w*|indicat\w+|risk|rate|\d+(?:\.\d+)?\s*%)\b",
    re.IGNORECASE,
)


def uncited_claims(extraction: Extraction) -> list[Finding]:
    """Claim-like sentences that cite nothing while a neighbouring claim cites a source."""
    direct = {link.claim_id for link in extraction.links if link.kind == LinkKind.DIRECT}
    linked = {link.claim_id for link in extraction.links}  # page-level sources count
    claims = extraction.claims
    findings: list[Finding] = []
    for i, claim in enumerate(claims):
        if claim.id in linked:
            continue
        neighbours = [claims[j].id for j in (i - 1, i + 1) if 0 <= j < len(claims)]
        if not any(n in direct for n in neighbours):
            continue
        if len(claim.text.split()) < 8 or not _CLAIM_CUE.search(claim.text):
            continue
        findings.append(
            Finding(
                kind="uncited-claim",
                message="sentence reads like a claim but cites no source, unlike its neighbours",
                severity=Severity.INFO,
                span=claim.span,
                claim_id=claim.id,
                raw=claim.text,
            )
        )
    return findings
