"""Markdown with pandoc citations and manubot identifier keys."""

from __future__ import annotations

from pathlib import Path

from refkeeper.extract import extract_file, extract_string
from refkeeper.extract.markdown import identifier_fields
from refkeeper.models import Extraction

DATA = Path(__file__).parent / "data" / "extract"


def _links(x: Extraction) -> list[tuple[str, str, str | None]]:
    return [(lk.claim_id, lk.reference_id, lk.locator) for lk in x.links]


def test_front_matter_bibliography_and_identifier_keys() -> None:
    x = extract_file(DATA / "paper.md")
    assert x.kind == "markdown"
    ids = [r.id for r in x.references]
    assert ids == [
        "timmons1995",
        "bonatti2005",
        "who2010",
        "pmid:8620427",
        "doi:10.1097/00000478-200004000-00018",
        "pmcid:PMC1234567",
        "isbn:978-92-832-2432-7",
        "pmid:abc",
    ]
    by_id = {r.id: r for r in x.references}
    assert by_id["pmid:8620427"].fields == {"id": "pmid:8620427", "PMID": "8620427"}
    assert by_id["doi:10.1097/00000478-200004000-00018"].fields["DOI"] == (
        "10.1097/00000478-200004000-00018"
    )
    assert by_id["pmcid:PMC1234567"].fields["PMCID"] == "PMC1234567"
    assert by_id["isbn:978-92-832-2432-7"].fields["ISBN"] == "9789283224327"
    assert by_id["timmons1995"].fields["PMID"] == "8620427"  # from the .bib pmid field
    assert by_id["timmons1995"].fields["page"] == "1481-1489"


def test_citation_forms_and_locators() -> None:
    x = extract_file(DATA / "paper.md")
    links = _links(x)
    assert ("c1", "timmons1995", None) in links
    assert ("c1", "bonatti2005", "p. 1840") in links
    assert ("c2", "timmons1995", "p. 1482") in links  # in-text @key [p. 1482]
    assert ("c3", "who2010", "chap. 3") in links
    assert x.claims[2].text == "The WHO book describes the entity."  # no markers in claims


def test_unknown_and_malformed_keys_are_findings() -> None:
    x = extract_file(DATA / "paper.md")
    kinds = {(f.kind, f.raw) for f in x.findings}
    assert ("unmatched-marker", "[@nobody2020]") in kinds
    assert ("bad-identifier", "@pmid:abc") in kinds
    assert any(
        f.kind == "uncited-bibliography" and "koenigsrainer2001" in f.message for f in x.findings
    )


def test_emails_code_and_fenced_blocks_are_not_citations() -> None:
    x = extract_file(DATA / "paper.md")
    keys = {lk.reference_id for lk in x.links}
    assert not {"example", "decorator", "notacite"} & keys
    assert all("notacite" not in c.text for c in x.claims)


def test_bibliography_option_and_inline_references(tmp_path: Path) -> None:
    doc = "Leiomyosarcomas occur after transplantation [@timmons1995].\n"
    x = extract_string(doc, kind="markdown", bibliography=DATA / "refs.json")
    assert x.references[0].fields["container-title"] == "Cancer"
    assert [(lk.claim_id, lk.reference_id) for lk in x.links] == [("c1", "timmons1995")]
    inline = (
        "---\nreferences:\n- id: smith2020\n  title: A study\n  type: article-journal\n---\n\n"
        "A claim [@smith2020].\n"
    )
    y = extract_string(inline, kind="markdown")
    assert y.references[0].fields["title"] == "A study"
    assert not [f for f in y.findings if f.kind == "unmatched-marker"]


def test_missing_bibliography_named_in_front_matter_is_a_finding(tmp_path: Path) -> None:
    doc = tmp_path / "doc.md"
    doc.write_text("---\nbibliography: nowhere.bib\n---\n\nA claim [@a].\n", encoding="utf-8")
    x = extract_file(doc)
    kinds = [f.kind for f in x.findings]
    assert "missing-bibliography" in kinds and "unmatched-marker" in kinds


def test_bad_front_matter_is_a_finding() -> None:
    x = extract_string("---\ntitle: [unclosed\n---\n\nA claim [@a].\n", kind="markdown")
    assert x.findings[0].kind == "bad-front-matter"


def test_identifier_fields() -> None:
    assert identifier_fields("pmid:08620427") == {"PMID": "8620427"}
    assert identifier_fields("doi:10.1002/ABC.1") == {"DOI": "10.1002/abc.1"}
    assert identifier_fields("pmcid:123") == {"PMCID": "PMC123"}
    assert identifier_fields("isbn:92-832-2432-X") == {}
    assert identifier_fields("smith2020") is None
