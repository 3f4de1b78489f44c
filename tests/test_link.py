"""link(): claims x references -> links and findings."""

from __future__ import annotations

from refkeeper.link import Citation, link
from refkeeper.models import Claim, LinkKind, Reference, Severity, Span


def _claim(n: int) -> Claim:
    return Claim(f"c{n}", f"claim {n}", Span(n, n * 10, n * 10 + 5))


def _ref(ref_id: str, **kw: object) -> Reference:
    return Reference(ref_id, f"raw {ref_id}", None, {"id": ref_id}, **kw)  # type: ignore[arg-type]


def test_matches_by_id_key_and_label_and_reports_unmatched() -> None:
    claims = [_claim(1), _claim(2)]
    refs = [_ref("r1", label="1"), _ref("smith2020", key="Smith2020"), _ref("r3")]
    cits = [
        Citation("c1", "1", "[1]", Span(1, 12, 15)),
        Citation("c1", "smith2020", "@smith2020", Span(1, 16, 20)),  # case-folded key
        Citation("c2", "9", "[9]", Span(2, 22, 25)),
    ]
    links, findings = link(claims, refs, cits)
    assert [(lk.claim_id, lk.reference_id, lk.kind) for lk in links] == [
        ("c1", "r1", LinkKind.DIRECT),
        ("c1", "smith2020", LinkKind.DIRECT),
    ]
    unmatched = [f for f in findings if f.kind == "unmatched-marker"]
    assert len(unmatched) == 1 and unmatched[0].severity == Severity.MAJOR
    assert unmatched[0].claim_id == "c2" and unmatched[0].raw == "[9]"
    uncited = [f for f in findings if f.kind == "uncited-reference"]
    assert [f.reference_id for f in uncited] == ["r3"]


def test_page_level_reference_links_every_claim() -> None:
    claims = [_claim(1), _claim(2)]
    links, findings = link(claims, [_ref("book", page_level=True)], [])
    assert [(lk.claim_id, lk.kind) for lk in links] == [
        ("c1", LinkKind.PAGE),
        ("c2", LinkKind.PAGE),
    ]
    assert findings == ()


def test_no_claims_no_uncited_findings_and_duplicate_markers_once() -> None:
    assert link([], [_ref("r1")], []) == ((), ())
    cit = Citation("c1", "r1", "[1]", Span(1, 1, 2))
    links, _ = link([_claim(1)], [_ref("r1")], [cit, cit])
    assert len(links) == 1
