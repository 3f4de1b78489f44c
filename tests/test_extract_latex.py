"""LaTeX: the \\cite family, bibliographies, thebibliography, unbalanced braces."""

from __future__ import annotations

from pathlib import Path

from refkeeper.extract import detect_kind, extract_file, extract_string

DATA = Path(__file__).parent / "data" / "extract"


def test_cite_family_with_optional_arguments_and_several_keys() -> None:
    x = extract_file(DATA / "paper.tex")
    assert x.kind == "latex"
    links = {(lk.claim_id, lk.reference_id, lk.locator) for lk in x.links}
    assert {
        ("c1", "timmons1995", None),
        ("c1", "bonatti2005", None),
        ("c2", "timmons1995", "p.~1482"),
        ("c3", "who2010", "chap.~3"),
        ("c4", "timmons1995", None),
        ("c4", "bonatti2005", None),
    } <= links
    assert {(lk.reference_id, lk.locator) for lk in x.links if lk.claim_id == "c6"} == {
        ("timmons1995", "10"),
        ("bonatti2005", "20"),
    }


def test_cite_argument_forms() -> None:
    doc = (
        "\\begin{document}\nOne \\cite{a} [1] stays text. Two \\citep[][p. 3]{b}.\n"
        "Three \\Textcite*{c, d}. Four \\cite without keys.\n\\end{document}\n"
    )
    x = extract_string(doc, kind="latex")
    cites = [(lk.reference_id, lk.locator) for lk in x.links]
    assert cites == []  # no bibliography: every key is an unmatched marker
    unmatched = [(f.raw, f.claim_id) for f in x.findings if f.kind == "unmatched-marker"]
    assert unmatched == [
        ("\\cite{a}", "c1"),
        ("\\citep[][p. 3]{b}", "c2"),
        ("\\Textcite*{c, d}", "c3"),
        ("\\Textcite*{c, d}", "c3"),
    ]
    bad = [f.message for f in x.findings if f.kind == "unbalanced-cite"]
    assert bad == ["line 3: \\cite has no {key} argument"]


def test_bibliography_from_addbibresource_and_nocite() -> None:
    x = extract_file(DATA / "paper.tex")
    ids = [r.id for r in x.references]
    assert ids == ["timmons1995", "bonatti2005", "who2010", "koenigsrainer2001"]
    koenig = x.references[-1]
    assert koenig.fields["author"][0] == {"family": "Königsrainer", "given": "A."}
    assert koenig.fields["author"][1]["non-dropping-particle"] == "van der"
    assert not [f for f in x.findings if f.kind == "uncited-reference"]  # \nocite is deliberate


def test_comments_and_preamble_hold_no_claims_or_citations() -> None:
    x = extract_file(DATA / "paper.tex")
    assert all("commented_out" not in c.text for c in x.claims)
    assert all("usepackage" not in c.text and "section" not in c.text for c in x.claims)
    assert x.claims[1].text.endswith("e.g. in children.")  # e.g. does not end a sentence


def test_unbalanced_cite_and_unknown_key_are_findings_with_lines() -> None:
    x = extract_file(DATA / "paper.tex")
    unbalanced = [f for f in x.findings if f.kind == "unbalanced-cite"]
    assert len(unbalanced) == 1 and unbalanced[0].span is not None
    assert unbalanced[0].span.line == 14
    assert unbalanced[0].message == "line 14: \\cite has no closing brace"
    unmatched = [f for f in x.findings if f.kind == "unmatched-marker"]
    assert [f.raw for f in unmatched] == ["\\cite{missing2020}"]


def test_thebibliography_items_are_parsed_as_free_text() -> None:
    x = extract_file(DATA / "bibitems.tex")
    t95, b05 = x.references
    assert (t95.id, t95.fields["container-title"], t95.fields["page"]) == (
        "t95",
        "Cancer",
        "1481-1489",
    )
    assert t95.fields["author"][0]["family"] == "Timmons"
    assert b05.fields["volume"] == "37" and b05.fields["page"] == "1839-1844"
    assert [(lk.claim_id, lk.reference_id) for lk in x.links] == [("c1", "t95"), ("c2", "b05")]
    assert t95.span is not None and t95.span.line == 6


def test_bibliography_command_adds_bib_extension(tmp_path: Path) -> None:
    (tmp_path / "lib.bib").write_text("@article{k, title={T}, year={2001}}\n", encoding="utf-8")
    doc = "\\begin{document}\nA claim \\citep{k}.\n\\bibliography{lib}\n\\end{document}\n"
    x = extract_string(doc, kind="latex", base_dir=tmp_path)
    assert [r.id for r in x.references] == ["k"]
    assert x.references[0].fields["issued"] == {"date-parts": [[2001]]}
    missing = extract_string(doc.replace("lib}", "nothere}"), kind="latex", base_dir=tmp_path)
    assert [f.kind for f in missing.findings][:1] == ["missing-bibliography"]


def test_detects_latex() -> None:
    assert detect_kind("\\documentclass{article}", None) == "latex"
    assert detect_kind("", "x.tex") == "latex"
