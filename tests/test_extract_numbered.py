"""Numbered reference lists (Vancouver, AMA) and their markers."""

from __future__ import annotations

from pathlib import Path

from refkeeper.extract import detect_kind, extract_file, extract_string
from refkeeper.extract.numbered import expand_numbers

DATA = Path(__file__).parent / "data" / "extract"


def test_vancouver_list_and_marker_forms() -> None:
    x = extract_file(DATA / "vancouver.txt")
    assert x.kind == "numbered"
    assert [r.label for r in x.references] == ["1", "2", "3"]
    t, b, book = x.references
    assert t.fields["author"][0] == {"family": "Timmons", "given": "CF"}
    assert (t.fields["volume"], t.fields["issue"], t.fields["page"]) == ("76", "8", "1481-1489")
    assert b.fields["page"] == "1839-1844"
    assert book.fields["type"] == "book" and book.fields["publisher-place"] == "Lyon"
    assert t.span is not None and t.span.line == 8
    assert t.raw.startswith("1. Timmons CF") and t.raw.endswith("1995 Oct 15;76(8):1481-9.")
    links = sorted((lk.claim_id, lk.reference_id, lk.marker) for lk in x.links)
    assert links == [
        ("c1", "r1", "[1]"),
        ("c2", "r1", "[1,2]"),
        ("c2", "r2", "(2)"),
        ("c2", "r2", "[1,2]"),
        ("c3", "r1", "[1-3]"),
        ("c3", "r2", "[1-3]"),
        ("c3", "r3", "[1-3]"),
    ]
    assert x.claims[0].text.startswith("Smooth muscle tumours")  # the title is not a claim


def test_marker_with_no_reference_is_a_finding() -> None:
    x = extract_file(DATA / "vancouver.txt")
    unmatched = [f for f in x.findings if f.kind == "unmatched-marker"]
    assert [(f.raw, f.span.line if f.span else None) for f in unmatched] == [("[7]", 5)]


def test_ama_markdown_with_superscripts() -> None:
    x = extract_file(DATA / "ama.md")
    assert x.kind == "numbered"
    assert [c.text for c in x.claims] == [
        "Epstein-Barr virus drives some leiomyosarcomas.",
        "Donor origin is documented.",
    ]
    assert sorted((lk.claim_id, lk.reference_id) for lk in x.links) == [
        ("c1", "r1"),
        ("c2", "r1"),
        ("c2", "r2"),
    ]
    assert x.references[1].fields.get("_et_al") is True


def test_list_without_heading_and_document_without_list() -> None:
    doc = "A claim [1].\n\n[1] Smith A. A title. J Test. 2001;1:1-2.\n"
    x = extract_string(doc, kind="numbered")
    assert [(lk.claim_id, lk.reference_id) for lk in x.links] == [("c1", "r1")]
    y = extract_string("Just prose with a marker [3].\n", kind="numbered")
    assert {f.kind for f in y.findings} == {"no-reference-list", "unmatched-marker"}


def test_expand_numbers() -> None:
    assert expand_numbers("1,3-5") == [1, 3, 4, 5]
    assert expand_numbers("2–4") == [2, 3, 4]
    assert expand_numbers("5-2") == [5, 2]
    assert expand_numbers("1-999") == [1, 999]


def test_detects_numbered() -> None:
    text = (DATA / "vancouver.txt").read_text(encoding="utf-8")
    assert detect_kind(text, "paper.txt") == "numbered"
    assert detect_kind(text, "paper.md") == "numbered"


def test_flattened_superscripts_glued_to_punctuation() -> None:
    doc = (
        "Leiomyosarcomas occur after transplantation.1,2 Most are EBV-positive.3\n"
        "Version 2.1 of the criteria, p.4 and Fig.5 are not markers.\n\n"
        "References\n"
        "1. Timmons CF. A title. Cancer. 1995;76(8):1481-9.\n"
        "2. Bonatti H. A title. Transplant Proc. 2005;37:1839-44.\n"
        "3. Smith A. A title. J Test. 2001;1:1-2.\n"
    )
    x = extract_string(doc, kind="numbered")
    assert [c.text for c in x.claims][:2] == [
        "Leiomyosarcomas occur after transplantation.",
        "Most are EBV-positive.",
    ]
    assert sorted((lk.claim_id, lk.reference_id) for lk in x.links) == [
        ("c1", "r1"),
        ("c1", "r2"),
        ("c2", "r3"),
    ]
    assert not [f for f in x.findings if f.kind == "unmatched-marker"]


def test_real_reference_lists_from_the_corpus(shared_dir: Path) -> None:
    """Every reference of the six PMC articles, written as a Vancouver list, is found once, in
    order, with its raw text; markers [1-N] link them all."""
    import json
    from collections import defaultdict

    by_article: dict[str, list[dict[str, object]]] = defaultdict(list)
    with (shared_dir / "corpus" / "jats" / "references.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            ref = json.loads(line)
            by_article[str(ref["file"])].append(ref)
    assert len(by_article) == 6
    for refs in by_article.values():
        n = len(refs)
        entries = "".join(f"{i}. {r['rendered_without_ids']}\n" for i, r in enumerate(refs, 1))
        doc = f"These findings are well documented [1-{n}].\n\nReferences\n{entries}"
        x = extract_string(doc, kind="numbered")
        assert [r.label for r in x.references] == [str(i) for i in range(1, n + 1)]
        assert [r.raw.split(". ", 1)[1] for r in x.references] == [
            r["rendered_without_ids"] for r in refs
        ]
        assert len(x.links) == n
        assert not [f for f in x.findings if f.kind == "unmatched-marker"]
