"""WHO Classification web pages: the seed (golden), and other page shapes of the same site."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from refkeeper.cli import main
from refkeeper.extract import detect_kind, extract_file, extract_string
from refkeeper.models import Extraction, LinkKind

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data" / "extract"
GOLDEN = Path(__file__).parent / "data" / "golden" / "leiomyosarcoma-liver" / "extract.json"
SEED = "data/examples/leiomyosarcoma-liver/document.txt"


def _claim(extraction: Extraction, ending: str) -> str:
    matches = [c.id for c in extraction.claims if c.text.endswith(ending)]
    assert len(matches) == 1, [c.text for c in extraction.claims]
    return matches[0]


def _direct(extraction: Extraction) -> set[tuple[str, str]]:
    return {(lk.claim_id, lk.reference_id) for lk in extraction.links if lk.kind == LinkKind.DIRECT}


def test_golden_cli_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(main, ["extract", SEED, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == json.loads(GOLDEN.read_text(encoding="utf-8"))


def test_seed_three_references_with_their_fields(example_dir: Path) -> None:
    x = extract_file(example_dir / "document.txt")
    assert x.kind == "who"
    assert len(x.references) == 3
    timmons, bonatti, book = x.references
    assert [a["family"] for a in timmons.fields["author"]] == [
        "Timmons", "Dawson", "Richards", "Andrews", "Katz"
    ]  # fmt: skip
    assert timmons.fields["issued"] == {"date-parts": [[1995]]}
    assert timmons.fields["container-title"] == "Cancer"
    assert (timmons.fields["volume"], timmons.fields["page"]) == ("76", "1481-1489")
    assert bonatti.fields["author"][0] == {"family": "Bonatti", "given": "H"}
    assert len(bonatti.fields["author"]) == 6
    assert bonatti.fields["container-title"] == "Transplant Proc"
    assert (bonatti.fields["volume"], bonatti.fields["page"]) == ("37", "1839-1844")
    assert bonatti.fields["issued"] == {"date-parts": [[2005]]}
    assert book.page_level and not timmons.page_level and not bonatti.page_level
    assert book.fields["type"] == "book"
    assert [e["family"] for e in book.fields["editor"]] == [
        "Bosman",
        "Carneiro",
        "Hruban",
        "Theise",
    ]
    assert book.fields["title"] == "WHO Classification of Tumours of the Digestive System"
    assert book.fields["edition"] == "4"
    assert book.fields["publisher"] == "International Agency for Research on Cancer"
    assert book.fields["publisher-place"] == "Lyon"
    assert book.fields["issued"] == {"date-parts": [[2010]]}


def test_seed_links_and_spans(example_dir: Path) -> None:
    x = extract_file(example_dir / "document.txt")
    timmons_claim = _claim(x, "but are a feature of this tumour")
    bonatti_claim = _claim(x, "resulted in tumour regression and long-term survival")
    assert _direct(x) == {(timmons_claim, "r1"), (bonatti_claim, "r2")}
    page = [lk for lk in x.links if lk.kind == LinkKind.PAGE]
    assert {lk.claim_id for lk in page} == {c.id for c in x.claims}
    assert {lk.reference_id for lk in page} == {"r3"}
    # Spans point into the text; the continuation claim starts after ". ".
    for c in x.claims:
        assert " ".join(x.text[c.span.start : c.span.end].split()) == c.text
    for r in x.references:
        assert r.span is not None and x.text[r.span.start : r.span.end] == r.raw
    claim = next(c for c in x.claims if c.id == bonatti_claim)
    assert x.text[claim.span.start :].startswith("In some cases")
    assert claim.span.line == 22
    assert x.references[0].span is not None and x.references[0].span.line == 18


def test_ui_and_header_lines_are_not_claims(example_dir: Path) -> None:
    x = extract_file(example_dir / "document.txt")
    texts = " ".join(c.text for c in x.claims)
    for ui in (
        "logo logo",
        "Search:",
        "Click to access Pubmed",
        "Click for details",
        "Hepatic leiomyosarcoma",
    ):
        assert ui not in texts
    assert x.claims[0].text.startswith("An uncommon, aggressive malignant smooth muscle neoplasm")
    assert not x.findings


def test_split_claim_and_markerless_blocks() -> None:
    x = extract_file(DATA / "who-split-claim.txt")
    split = _claim(x, "young adults, with a slight female predominance.")
    text = next(c for c in x.claims if c.id == split)
    assert text.span.line == 11
    assert "Coffin" not in text.text  # the block inside the span is left out of the text
    alk = _claim(x, "ALK rearrangements are found in about half of the tumours")
    assert _direct(x) >= {(split, "r1"), (alk, "r2"), (alk, "r3")}
    markerless = x.references[2]
    assert markerless.fields["author"][0]["family"] == "Antonescu"
    assert markerless.fields.get("_et_al") is True
    collective = x.references[3]
    assert collective.fields["author"] == [
        {"literal": "WHO Classification of Tumours Editorial Board"}
    ]
    assert collective.fields["type"] == "book"
    book = x.references[-1]
    assert book.page_level and book.fields["edition"] == "5"


def test_truncated_block_is_a_finding_and_keeps_raw() -> None:
    x = extract_file(DATA / "who-split-claim.txt")
    truncated = [f for f in x.findings if f.kind == "truncated-reference"]
    assert len(truncated) == 1
    assert truncated[0].raw == "Mariño-Enríquez A (2011)"
    assert truncated[0].span is not None and truncated[0].span.line == 35
    ref = next(r for r in x.references if r.id == truncated[0].reference_id)
    assert ref.fields["author"][0]["family"] == "Mariño-Enríquez"


def test_numbered_markers_on_a_who_page() -> None:
    x = extract_file(DATA / "who-numbered.txt")
    assert [r.label for r in x.references] == ["1", "2", "3"]
    years = _claim(x, "for many years")
    beta = _claim(x, "beta-catenin-activated subtype.")
    bleed = _claim(x, "a quarter of patients.")
    assert _direct(x) == {(years, "r1"), (beta, "r2"), (bleed, "r1"), (bleed, "r3")}
    unmatched = [f for f in x.findings if f.kind == "unmatched-marker"]
    assert [f.raw for f in unmatched] == ["[9]"]
    assert unmatched[0].span is not None and unmatched[0].span.line == 13
    assert x.references[2].fields["author"][0]["family"] == "van Aalten"


def test_empty_marker_block_at_the_end() -> None:
    page = "logo logo\n\nTumours are rare in children.\nClick to access Pubmed\n"
    x = extract_string(page)
    assert x.kind == "who"
    assert [f.kind for f in x.findings] == ["truncated-reference"]
    assert x.references == ()


def test_detects_who_from_content() -> None:
    assert detect_kind((ROOT / SEED).read_text(encoding="utf-8"), "page.txt") == "who"


def test_lowercase_continuation_and_block_followed_directly_by_prose() -> None:
    page = (
        "Tumours arise in the liver of transplant recipients\n"
        "Click to access Pubmed\n"
        "Timmons CF, Dawson DB (1995)\n"
        "A title.\n"
        "Cancer 76: 1481-9\n"
        "and in children after chemotherapy.\n"
        "They are rare.\n"
    )
    x = extract_string(page, kind="who")
    assert [c.text for c in x.claims] == [
        "Tumours arise in the liver of transplant recipients and in children after chemotherapy.",
        "They are rare.",
    ]
    first = x.claims[0]
    assert (first.span.line, first.span.start) == (1, 0)
    assert x.text[first.span.end - 1] == "."  # the span runs over the block to the full stop
    assert _direct(x) == {("c1", "r1")}
    assert x.references[0].fields["page"] == "1481-1489"
