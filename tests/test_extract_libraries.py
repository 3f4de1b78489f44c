"""Libraries as input: BibTeX/BibLaTeX, CSL-JSON, RIS, MEDLINE (.nbib)."""

from __future__ import annotations

from pathlib import Path

import pytest

from refkeeper.errors import DocumentError
from refkeeper.extract import extract_file, extract_string

DATA = Path(__file__).parent / "data" / "extract"


def test_bibtex_to_csl() -> None:
    x = extract_file(DATA / "refs.bib")
    assert x.kind == "bibtex" and not x.claims and not x.findings
    t, b, book, k = x.references
    assert t.id == t.key == "timmons1995"
    assert t.fields["container-title"] == "Cancer"  # @string resolved
    assert t.fields["page"] == "1481-1489"
    assert t.fields["issued"] == {"date-parts": [[1995, 10]]}
    assert t.fields["PMID"] == "8620427"
    assert t.fields["title"].startswith("Epstein-Barr virus-associated")
    assert b.fields["container-title"] == "Transplant Proc"  # biblatex journaltitle
    assert b.fields["issued"] == {"date-parts": [[2005]]}
    assert book.fields["type"] == "book" and book.fields["ISBN"] == "9789283224327"
    assert book.fields["edition"] == "4" and book.fields["publisher-place"] == "Lyon"
    assert k.fields["author"][2] == {"literal": "International Liver Transplantation Society"}
    assert k.fields["title"] == "A title with an & ampersand"
    assert k.fields["DOI"] == "10.1097/00007890-200101150-00001"
    assert t.span is not None and t.span.line == 4
    assert x.text[t.span.start : t.span.end] == t.raw


def test_bibtex_duplicate_and_broken_entries() -> None:
    text = (
        "@article{a, title={One}, year={2001}}\n"
        "@article{a, title={Two}, year={2002}}\n"
        "@article{b, title={Broken, year={2003}\n"
    )
    x = extract_string(text, kind="bibtex")
    assert [r.id for r in x.references] == ["a", "a~2"]
    assert x.references[1].fields["title"] == "Two"
    kinds = [f.kind for f in x.findings]
    assert "duplicate-key" in kinds and "unparsable-entry" in kinds
    broken = next(f for f in x.findings if f.kind == "unparsable-entry")
    assert broken.span is not None and broken.span.line == 3


def test_csl_json_keeps_items_and_spans() -> None:
    x = extract_file(DATA / "refs.json")
    assert [r.id for r in x.references] == ["timmons1995", "bonatti2005"]
    t = x.references[0]
    assert t.span is not None and t.span.line == 2
    assert t.raw.lstrip().startswith("{") and '"timmons1995"' in t.raw
    assert t.fields["PMID"] == "8620427"


def test_csl_json_errors() -> None:
    with pytest.raises(DocumentError, match=r"^x.json:3: not valid JSON"):
        extract_string('[\n {"id": "a"},\n oops\n]', kind="csl-json", source="x.json")
    x = extract_string('[{"title": "no id"}, 3]', kind="csl-json")
    assert [r.id for r in x.references] == ["r1"]
    assert [f.kind for f in x.findings] == ["unparsable-entry"]


def test_ris() -> None:
    x = extract_file(DATA / "refs.ris")
    t, book, b = x.references
    assert t.id == "timmons1995"
    assert t.fields["author"][0] == {"family": "Timmons", "given": "Charles F"}
    assert t.fields["title"].endswith("Origin from either donor or recipient tissue.")
    assert t.fields["page"] == "1481-1489" and t.fields["PMID"] == "8620427"
    assert t.fields["issued"] == {"date-parts": [[1995, 10, 15]]}
    assert book.fields["type"] == "book" and book.fields["ISBN"] == "9789283224327"
    assert b.fields["page"] == "1839-1844" and b.fields["container-title"] == "Transplant Proc"
    # The last record lacks its 'ER  -' line: kept, with a finding.
    assert [f.kind for f in x.findings] == ["truncated-reference"]


def test_medline_nbib() -> None:
    x = extract_file(DATA / "pubmed.nbib")
    t, b = x.references
    assert (t.id, b.id) == ("pmid:8620427", "pmid:15919482")
    assert t.fields["author"][0] == {"family": "Timmons", "given": "Charles F"}
    assert t.fields["title"] == (
        "Epstein-Barr virus-associated leiomyosarcomas in liver transplantation recipients. "
        "Origin from either donor or recipient tissue."
    )
    assert t.fields["issued"] == {"date-parts": [[1995, 10, 15]]}
    assert (t.fields["container-title"], t.fields["container-title-short"]) == ("Cancer", "Cancer")
    assert b.fields["container-title"] == "Transplantation proceedings"
    assert b.fields["author"][0] == {"family": "Bonatti", "given": "H"}
    assert b.fields["page"] == "1839-1844"
    assert b.span is not None and b.span.line == 27


def test_medline_without_records_is_a_document_error() -> None:
    with pytest.raises(DocumentError, match="no MEDLINE record found"):
        extract_string("hello\n", kind="medline", source="x.nbib")
