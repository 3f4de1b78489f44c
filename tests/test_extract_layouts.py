"""Golden tests: each document layout and key form, on documents written for the purpose.

The documents and their expected figures are in tests/data/extract/layouts/ (expected.json).
Documents under heldout/ were never used to tune the extractors; bench/bench_layouts.py reports
their figures apart and they are not asserted here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from refkeeper.extract import extract_file
from refkeeper.models import LinkKind

LAYOUTS = Path(__file__).parent / "data" / "extract" / "layouts"
EXPECTED: dict[str, dict[str, Any]] = json.loads(
    (LAYOUTS / "expected.json").read_text(encoding="utf-8")
)
TUNED = [name for name, want in EXPECTED.items() if not want.get("heldout")]
READY = {
    "references-dot.md",
    "literature-cited-paren.txt",
    "bibliography-bracket.txt",
    "works-cited-sup.md",
    "list-of-references-lazy.md",
    "trailing-no-heading.txt",
    "unread-block.txt",
    "manubot-keys.md",
    "claims-clean.md",
    "who-numbered-reused.txt",
    "latex-tables-math.tex",
    "iarc-codes-noise.txt",
    "ris-names.ris",
    "pmids.txt",
}


@pytest.mark.parametrize("name", [n for n in TUNED if n in READY])
def test_layout_document_is_read_as_written(name: str) -> None:
    want = EXPECTED[name]
    x = extract_file(LAYOUTS / name)
    assert len(x.references) == want["references"], [r.raw[:40] for r in x.references]
    by_id = {r.id: r for r in x.references}
    cited = {
        by_id[lk.reference_id].label or by_id[lk.reference_id].key or lk.reference_id
        for lk in x.links
        if lk.kind == LinkKind.DIRECT
    }
    assert cited == set(want["cited"])
    unmatched = [f.message for f in x.findings if f.kind == "unmatched-marker"]
    assert len(unmatched) == want.get("unmatched", 0), unmatched
    if "links" in want:
        direct = {(lk.claim_id, lk.reference_id) for lk in x.links if lk.kind == LinkKind.DIRECT}
        assert len(direct) == want["links"], sorted(direct)
    texts = [c.text for c in x.claims]
    for claim in want.get("claims", []):
        assert claim in texts
    kinds = {f.kind for f in x.findings}
    for kind in want.get("findings", []):
        assert kind in kinds
    if "unread-reference-block" not in want.get("findings", []):
        assert "unread-reference-block" not in kinds
        assert x.blocks_read == x.blocks_seen


def test_every_heading_form_and_label_form_is_a_list() -> None:
    entry = "Avery SV. Microbial cell individuality. Nat Rev Microbiol. 2006;4:577-587."
    headings = [
        "References", "## References", "**Literature cited**", "Bibliography", "WORKS CITED",
        "### List of references", "Reference list", "Literature Cited:",
    ]  # fmt: skip
    labels = ["1.", "[1]", "1)", "<sup>1</sup>", "^1^"]
    for heading in headings:
        for label in labels:
            doc = f"Cells differ from one another [1].\n\n{heading}\n\n{label} {entry}\n"
            x = extract_file_text(doc)
            assert x.kind == "numbered", (heading, label)
            assert [r.label for r in x.references] == ["1"], (heading, label)
            assert [lk.reference_id for lk in x.links] == ["r1"], (heading, label)


def test_unread_block_is_a_finding_with_counts() -> None:
    x = extract_file(LAYOUTS / "unread-block.txt")
    assert (x.blocks_seen, x.blocks_read) == (1, 0)
    (finding,) = [f for f in x.findings if f.kind == "unread-reference-block"]
    assert finding.span is not None and finding.span.line == 8
    assert x.to_json()["reference_blocks"] == {"seen": 1, "read": 0}


def extract_file_text(text: str) -> Any:
    from refkeeper.extract import extract_string

    return extract_string(text, source="doc.md")


def test_manubot_keys_keep_their_identifiers_and_crossrefs_are_not_citations() -> None:
    from refkeeper.identifiers import identifier_source

    x = extract_file(LAYOUTS / "manubot-keys.md")
    fields = {r.id: r.fields for r in x.references}
    assert fields["tag:shao2008"]["DOI"] == "10.1534/genetics.108.090100"
    assert fields["doi:10/fj6bq4"]["shortDOI"] == "10/fj6bq4"
    assert fields["arxiv:2101.00001"]["arXiv"] == "2101.00001"
    assert fields["clinicaltrials:NCT04636554"]["NCT"] == "NCT04636554"
    assert fields["pubmed:11459934"]["PMID"] == "11459934"
    assert fields["https://www.protocols.io/"]["URL"] == "https://www.protocols.io/"
    sources = {r.id: identifier_source(r.fields) for r in x.references}
    assert sources["arxiv:2101.00001"] == "arxiv"
    assert sources["doi:10/fj6bq4"] == "doi.org"
    assert sources["clinicaltrials:NCT04636554"] == "clinicaltrials.gov"
    assert sources["url:https://phagesdb.org"] == "web"
    assert sources["biorxiv:10.1101/2021.02.03.429543"] == "pubmed"  # a DOI PubMed may hold
    assert not any(k.startswith(("fig:", "tbl:", "sec:", "eq:")) for k in fields)
    (definition,) = [r for r in x.references if r.id == "tag:shao2008"]
    assert definition.raw.startswith("[@tag:shao2008]: doi:")
    assert all("[@tag" not in c.text for c in x.claims)  # a definition line is not a claim
    crossref = [c.text for c in x.claims if "latent" in c.text and "listed" in c.text]
    assert crossref == [
        "Latent periods are listed in tbl:latent and drawn in fig:curve; the model is in "
        "sec:model and eq:latent."
    ]


def test_heading_over_its_paragraph_is_not_glued_to_the_sentence() -> None:
    doc = (
        "Background\nCells of one genotype differ [1]. The mean was 0.37 mg/kg vs. 0.5 mg/kg "
        "in Fig. 2 (Smith et al. 2001) [2].\n\nReferences\n\n"
        "1. Avery SV. Microbial cell individuality. Nat Rev Microbiol. 2006;4:577-587.\n"
        "2. Losick R, Desplan C. Stochasticity and cell fate. Science. 2008;320:65-68.\n"
    )
    x = extract_file_text(doc)
    assert [c.text for c in x.claims] == [
        "Cells of one genotype differ.",
        "The mean was 0.37 mg/kg vs. 0.5 mg/kg in Fig. 2 (Smith et al. 2001).",
    ]


def test_latex_cites_in_table_cells_and_after_display_math() -> None:
    x = extract_file(LAYOUTS / "latex-tables-math.tex")
    claim_of = {lk.reference_id: lk.claim_id for lk in x.links}
    texts = {c.id: c.text for c in x.claims}
    assert texts[claim_of["slade1994development"]] == "English; 49"  # a table row is a claim
    assert texts[claim_of["szentpetery2006hungarian"]] == "Hungarian; 49"
    # "\\[ ... \\] \\cite{k}" and "$$ ... $$ \\citep{k}": the sentence the math stands in
    assert texts[claim_of["streiner2003starting"]].startswith("The internal consistency")
    assert texts[claim_of["bland1986statistical"]].endswith("Bland–Altman plots.")
    assert not [f for f in x.findings if f.kind == "marker-outside-claim"]
    assert all("\\" not in t and "cite" not in t for t in texts.values())


def test_iarc_blocks_take_the_number_that_ends_their_sentence() -> None:
    x = extract_file(LAYOUTS / "iarc-codes-noise.txt")
    assert x.kind == "who"
    assert [r.label for r in x.references] == ["1", "2", "3"]
    texts = {c.id: c.text for c in x.claims}
    links = sorted((texts[lk.claim_id][:30], lk.reference_id) for lk in x.links)
    assert links == [
        ("Gene expression in single cell", "r1"),
        ("In Bacillus subtilis, noise de", "r3"),
        ("Noise in the expression of a s", "r2"),
        ("The noise is tunable", "r2"),  # a reused number with no block after it
        ("Two noise sources can be separ", "r1"),
    ]
    assert all(not t[-1].isdigit() for t in texts.values())  # the marker is not claim text


def test_ris_initials_with_stops_and_spaces_are_structured_names() -> None:
    x = extract_file(LAYOUTS / "ris-names.ris")
    names = [[(a.get("family"), a.get("given")) for a in r.fields["author"]] for r in x.references]
    assert names == [
        [("Liu", "R"), ("Lo", "LJ"), ("Chan", "WK")],
        [("Forrest", "D."), ("Reh", "TA"), ("Rüsch", "A")],
    ]


def test_pubmed_pmid_export_is_read_as_identifiers() -> None:
    x = extract_file(LAYOUTS / "pmids.txt")
    assert x.kind == "pmid-list"
    assert [(r.id, r.fields["PMID"]) for r in x.references] == [
        ("pmid:16845428", "16845428"),
        ("pmid:18388284", "18388284"),
        ("pmid:12432408", "12432408"),
        ("pmid:16179466", "16179466"),
    ]
    assert [r.span.line for r in x.references if r.span] == [1, 2, 3, 5]


def test_one_registry_of_pure_adapters() -> None:
    """Every kind has one adapter in the registry; the adapters read no files (the edge,
    extract_file, reads the bibliographies a document names and hands them in)."""
    import ast

    from refkeeper.extract import KINDS
    from refkeeper.extract.registry import ADAPTERS, REGISTRY

    assert KINDS == tuple(a.kind for a in ADAPTERS) == tuple(REGISTRY)
    src = Path(__file__).parent.parent / "src" / "refkeeper" / "extract"
    io_names = {"load_bibliography", "read_library", "read_text", "open", "read_bytes"}
    for module in ("who", "numbered", "markdown", "latex", "assembly", "blocks", "registry"):
        tree = ast.parse((src / f"{module}.py").read_text(encoding="utf-8"))
        used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
        used |= {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
        assert not used & io_names, (module, used & io_names)


def test_named_bibliography_is_read_at_the_edge(tmp_path: Path) -> None:
    from refkeeper.extract.markdown import extract_markdown

    doc = "---\nbibliography: refs.json\n---\n\nA claim [@k].\n"
    (tmp_path / "paper.md").write_text(doc, encoding="utf-8")
    (tmp_path / "refs.json").write_text('[{"id": "k", "title": "T"}]', encoding="utf-8")
    assert [r.id for r in extract_file(tmp_path / "paper.md").references] == ["k"]
    pure = extract_markdown(doc)  # the adapter alone reads nothing: a finding says so
    assert [f.kind for f in pure.findings if f.kind == "missing-bibliography"]
