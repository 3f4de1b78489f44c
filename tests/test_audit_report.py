"""The audit of a document: claims, support, structure, retractions and the four renderers.

The extraction is built by hand here (spans found in the example's text) so these tests
depend only on the models and the record parsers; tests/test_audit_example.py runs the real
extractor on the example.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import jsonschema
import pytest

from refkeeper.audit import (
    AuditReport,
    ClaimStatus,
    audit,
)
from refkeeper.audit.report_html import render_html
from refkeeper.audit.report_json import render_json, render_json_many
from refkeeper.audit.report_markdown import render_markdown
from refkeeper.audit.report_table import render_table
from refkeeper.audit.schema import AUDIT_SCHEMA
from refkeeper.models import (
    Candidate,
    Claim,
    Comment,
    Extraction,
    Finding,
    Link,
    LinkKind,
    Reference,
    Resolution,
    Severity,
    Span,
    Status,
    Work,
)
from refkeeper.resolve.nlmcatalog import parse_nlmcatalog_xml
from refkeeper.resolve.pubmed import parse_pubmed_xml

ROOT = Path(__file__).resolve().parent.parent
NCBI = ROOT / "tests" / "data" / "ncbi"
DOCUMENT = ROOT / "data" / "examples" / "leiomyosarcoma-liver" / "document.txt"

MULTIFOCAL = (
    "Tumour behaviour is unpredictable, and multifocal lesions do not necessarily indicate "
    "metastasis, but are a feature of this tumour"
)
ANTIVIRAL = (
    "In some cases, antiviral treatment and restoration of immune response have resulted in "
    "tumour regression and long-term survival"
)
HEPATIC = "EBV-associated leiomyosarcomas/smooth-muscle tumours can form primary hepatic masses."


def span_of(text: str, part: str) -> Span:
    start = text.index(part)
    return Span(text.count("\n", 0, start) + 1, start, start + len(part))


def works() -> dict[str, Work]:
    timmons = parse_pubmed_xml((NCBI / "pubmed-8620427.xml").read_bytes())[0]
    bonatti = parse_pubmed_xml((NCBI / "pubmed-15919482.xml").read_bytes())[0]
    book = parse_nlmcatalog_xml((NCBI / "nlmcatalog-who-digestive-4th.xml").read_bytes())[0]
    return {"r1": timmons, "r2": bonatti, "r3": book}


def example_extraction() -> Extraction:
    text = DOCUMENT.read_text(encoding="utf-8")

    def ref(rid: str, raw: str, fields: dict[str, object], page: bool = False) -> Reference:
        return Reference(rid, raw, span_of(text, raw), fields, page_level=page)

    def names(s: str) -> list[dict[str, str]]:
        return [
            {"family": n.rsplit(" ", 1)[0], "given": n.rsplit(" ", 1)[1]} for n in s.split(", ")
        ]

    r1 = ref(
        "r1",
        "Timmons CF, Dawson DB, Richards CS, Andrews WS, Katz JA (1995)",
        {
            "type": "article-journal",
            "author": names("Timmons CF, Dawson DB, Richards CS, Andrews WS, Katz JA"),
            "issued": {"date-parts": [[1995]]},
            "container-title": "Cancer",
            "volume": "76",
            "page": "1481-1489",
            "title": "Epstein-Barr virus-associated leiomyosarcomas in liver "
            "transplantation recipients. Origin from either donor or recipient tissue.",
        },
    )
    r2 = ref(
        "r2",
        "Bonatti H, Hoefer D, Rogatsch H, Margreiter R, Larcher C, Antretter H (2005)",
        {
            "type": "article-journal",
            "author": names(
                "Bonatti H, Hoefer D, Rogatsch H, Margreiter R, Larcher C, Antretter H"
            ),
            "issued": {"date-parts": [[2005]]},
            "container-title": "Transplant Proc",
            "container-title-short": "Transplant Proc",
            "volume": "37",
            "page": "1839-1844",
            "title": "Successful management of recurrent Epstein-Barr virus-associated "
            "multilocular leiomyosarcoma after cardiac transplantation.",
        },
    )
    r3 = ref(
        "r3",
        "Bosman FT, Carneiro F, Hruban RH, Theise ND (Eds.)",
        {
            "type": "book",
            "editor": names("Bosman FT, Carneiro F, Hruban RH, Theise ND"),
            "title": "WHO Classification of Tumours of the Digestive System.",
            "edition": "4",
            "publisher": "International Agency for Research on Cancer",
            "publisher-place": "Lyon",
            "issued": {"date-parts": [[2010]]},
        },
        page=True,
    )
    claims = (
        Claim("c1", HEPATIC, span_of(text, HEPATIC)),
        Claim("c2", MULTIFOCAL, span_of(text, MULTIFOCAL)),
        Claim("c3", ANTIVIRAL, span_of(text, ANTIVIRAL)),
    )
    links = (
        Link("c2", "r1"),
        Link("c3", "r2"),
        *(Link(c.id, "r3", LinkKind.PAGE) for c in claims),
    )
    return Extraction(str(DOCUMENT), "who", text, claims, (r1, r2, r3), links)


def example_report() -> AuditReport:
    ws = works()
    resolutions = {
        rid: Resolution(Status.RESOLVED, work, strategy="test") for rid, work in ws.items()
    }
    return audit(example_extraction(), resolutions)


def test_example_claims_evidence_and_no_citation_error() -> None:
    report = example_report()
    rows = {row.claim.id: row for row in report.claims}
    c2 = rows["c2"]
    direct = [c for c in c2.citations if c.kind == LinkKind.DIRECT]
    assert [c.reference_id for c in direct] == ["r1"]
    assert report.source_by_id("r1").work.pmid == "8620427"  # type: ignore[union-attr]
    evidence = direct[0].support.evidence  # type: ignore[union-attr]
    assert evidence and evidence in works()["r1"].abstract_text
    c3 = rows["c3"]
    best = c3.best
    assert best is not None and best.reference_id == "r2" and best.support is not None
    assert best.support.evidence and best.support.evidence.startswith("Long-term survival")
    assert c3.status == ClaimStatus.SUPPORTED
    # the page-level source is the WHO book, which has no abstract: unverifiable
    page = [c for c in rows["c1"].citations if c.kind == LinkKind.PAGE]
    assert [c.reference_id for c in page] == ["r3"]
    assert rows["c1"].status == ClaimStatus.UNVERIFIABLE
    assert report.source_by_id("r3").work.isbn == "9789283224327"  # type: ignore[union-attr]
    assert [f for f in report.findings if f.kind == "citation-error"] == []
    assert report.counts["citation_errors"] == 0
    assert not report.fails("major")


def test_json_report_follows_schema() -> None:
    report = example_report()
    data = json.loads(render_json(report))
    jsonschema.validate(data, AUDIT_SCHEMA)
    assert data["schema"] == "refkeeper.audit/2"
    assert data["counts"]["claims"] == 3
    assert data["references"][0]["pmid"] == "8620427"
    many = json.loads(render_json_many([report, report]))
    assert len(many["documents"]) == 2


def test_unresolved_and_retracted_and_errors() -> None:
    ws = works()
    retracted = Work(
        ws["r2"].id,
        "pubmed",
        ws["r2"].csl,
        pmid=ws["r2"].pmid,
        abstract=ws["r2"].abstract,
        publication_types=("Journal Article", "Retracted Publication"),
        comments=(
            Comment("RetractionIn", "99999999", "Transplant Proc. 2006;38:1"),
            Comment("ErratumIn", None, "Transplant Proc. 2005;37:2000"),
        ),
    )
    resolutions = {
        "r1": Resolution(
            Status.NOT_FOUND,
            None,
            reason="no candidate above threshold",
            tried=("ecitmatch", "esearch"),
        ),
        "r2": Resolution(Status.RESOLVED, retracted),
        "r3": Resolution(Status.RESOLVED, ws["r3"]),
    }
    report = audit(example_extraction(), resolutions)
    kinds = {(f.kind, f.severity) for f in report.findings}
    assert ("unresolved-reference", Severity.MAJOR) in kinds
    assert ("retracted", Severity.MAJOR) in kinds
    assert ("erratum", Severity.MINOR) in kinds
    rows = {row.claim.id: row for row in report.claims}
    assert rows["c2"].status == ClaimStatus.UNRESOLVED
    assert rows["c3"].status == ClaimStatus.RETRACTED
    assert report.fails("retracted") and report.fails("unresolved") and report.fails("major")
    assert report.counts["retracted"] == 1 and report.counts["references_unresolved"] == 1
    unresolved = next(f for f in report.findings if f.kind == "unresolved-reference")
    assert unresolved.evidence["tried"] == ["ecitmatch", "esearch"]
    assert unresolved.raw and unresolved.raw.startswith("Timmons CF")
    with pytest.raises(ValueError, match="choose from"):
        report.fails("everything")


def test_weak_support_flagged_when_source_is_off_topic() -> None:
    ws = works()
    extraction = example_extraction()
    # cite Timmons for the antiviral claim and Bonatti for a sentence about something else
    off = "usually occurring in post-menopausal women"
    text = extraction.text
    claim = Claim("c9", off, span_of(text, off))
    swapped = Extraction(
        extraction.source,
        extraction.kind,
        text,
        (*extraction.claims, claim),
        extraction.references,
        (Link("c3", "r1"), Link("c9", "r2")),
    )
    resolutions = {rid: Resolution(Status.RESOLVED, w) for rid, w in ws.items()}
    report = audit(swapped, resolutions)
    weak = [f for f in report.findings if f.kind == "weak-support"]
    assert {f.claim_id for f in weak} == {"c3", "c9"}
    assert all(f.evidence["score"] < report.threshold for f in weak)
    assert report.fails("weak")


def test_structure_orphans_duplicates_dangling_uncited() -> None:
    ws = works()
    base = example_extraction()
    text = base.text
    dup = Reference(
        "r4",
        "Timmons CF et al. Cancer 1995;76(8):1481-9",
        None,
        {
            "author": [{"family": "Timmons", "given": "C"}],
            "_et_al": True,
            "issued": {"date-parts": [[1995]]},
            "volume": "76",
            "page": "1481-1489",
            "container-title": "Cancer",
        },
    )
    orphan = Reference(
        "r5",
        "Rogatsch H (2000) Am J Surg Pathol 24: 614-21",
        None,
        {"author": [{"family": "Rogatsch", "given": "H"}], "issued": {"date-parts": [[2000]]}},
    )
    uncited_text = (
        "These tumours occur in patients with immunosuppression, either acquired "
        "(HIV/AIDS-associated) or iatrogenic (usually transplant-associated)."
    )
    claims = (*base.claims, Claim("c4", uncited_text, span_of(text, uncited_text)))
    # make c4 sit between two cited claims
    claims = (claims[0], claims[3], claims[1], claims[2])
    links = (*base.links, Link("c1", "r4"), Link("c2", "r9", marker="[9]"))
    extraction = Extraction(
        base.source,
        base.kind,
        text,
        claims,
        (*base.references, dup, orphan),
        links,
        (Finding("unparsed-reference", "could not parse", Severity.MINOR),),
    )
    resolutions = {rid: Resolution(Status.RESOLVED, w) for rid, w in ws.items()}
    resolutions["r4"] = Resolution(Status.RESOLVED, ws["r1"])
    resolutions["r5"] = Resolution(Status.IGNORED)
    report = audit(extraction, resolutions)
    by_kind = {f.kind: f for f in report.findings}
    assert by_kind["duplicate-reference"].reference_id == "r4"
    assert by_kind["duplicate-reference"].evidence["duplicate_of"] == "r1"
    assert by_kind["orphan-reference"].reference_id == "r5"
    assert by_kind["dangling-marker"].raw == "[9]"
    assert by_kind["uncited-claim"].claim_id == "c4"
    assert "unparsed-reference" in by_kind  # extraction findings pass through
    # an ignored reference is neither unresolved nor audited
    assert not any(f.kind == "unresolved-reference" for f in report.findings)


def test_renderers_show_claims_and_escape() -> None:
    report = example_report()
    table = render_table(report, width=200)
    assert "c3" in table and "supported" in table and "Long-term survival" in table
    md = render_markdown(report)
    assert "| claim | status |" in md
    assert "[Timmons 1995](https://pubmed.ncbi.nlm.nih.gov/8620427/)" in md
    html = render_html(report)
    assert html.count('<mark class="claim') == 3
    assert 'data-count="claims">3<' in html
    assert "https://pubmed.ncbi.nlm.nih.gov/15919482/" in html
    assert "<script" not in html and "http://" not in html


def test_html_escapes_hostile_text() -> None:
    hostile = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'
    text = f"{hostile} is a claim that cites nothing at all here."
    extraction = Extraction(
        "<evil>.txt",
        "markdown",
        text,
        (Claim("c1", text, Span(1, 0, len(text))),),
        (Reference("r1", hostile, None, {"title": hostile}),),
        (),
    )
    candidate = Candidate("pmid:1", 0.5, {}, hostile)
    report = audit(
        extraction,
        {
            "r1": Resolution(
                Status.AMBIGUOUS, reason=hostile, candidates=(candidate,), tried=("esearch",)
            )
        },
    )
    html = render_html(report)
    assert "candidates: " in html and "tried: esearch" in html
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html
    md = render_markdown(report)
    assert "<script>" not in md


def test_orphan_not_reported_twice_and_duplicates_by_fingerprint() -> None:
    base = example_extraction()
    a = Reference(
        "r4",
        "Smith J (2001) Some title. J Test 3: 10-12",
        None,
        {
            "author": [{"family": "Smith", "given": "J"}],
            "issued": {"date-parts": [[2001]]},
            "volume": "3",
            "page": "10-12",
        },
    )
    b = Reference(
        "r5",
        "Smith J. J Test. 2001;10-2.",
        None,
        {
            "author": [{"family": "Smith", "given": "J"}],
            "issued": {"date-parts": [[2001]]},
            "page": "10-12",
        },
    )
    extraction = Extraction(
        base.source,
        base.kind,
        base.text,
        base.claims,
        (*base.references, a, b),
        (*(x for x in base.links if x.reference_id != "r1"), Link("c2", "r4"), Link("c3", "r5")),
        (
            Finding(
                "uncited-reference", "reference r1 is not cited", Severity.INFO, reference_id="r1"
            ),
        ),
    )
    report = audit(extraction, {})
    kinds = [(f.kind, f.reference_id) for f in report.findings]
    assert ("duplicate-reference", "r5") in kinds
    # r1 is cited nowhere now; the extraction said so already, the audit does not repeat it
    assert ("orphan-reference", "r1") not in kinds and ("uncited-reference", "r1") in kinds
    without = audit(replace(extraction, findings=()), {})
    assert ("orphan-reference", "r1") in [(f.kind, f.reference_id) for f in without.findings]
