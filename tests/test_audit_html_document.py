"""The HTML report as a reader meets it: the document pane shows LaTeX and Markdown as
readable text (markup removed, citations as chips, no preamble), a legend explains every
status, the findings can be filtered by severity and kind, and a contradicted claim shows
its conflicting cue pair."""

from __future__ import annotations

import re
from pathlib import Path

from refkeeper.audit import ClaimStatus, audit, render_html
from refkeeper.audit.report_markdown import render_markdown
from refkeeper.audit.report_table import render_table
from refkeeper.extract import extract_file
from refkeeper.models import Resolution, Status, Work
from refkeeper.resolve.pubmed import parse_pubmed_xml

NCBI = Path(__file__).resolve().parent / "data" / "ncbi"


def bonatti() -> Work:
    return parse_pubmed_xml((NCBI / "pubmed-15919482.xml").read_bytes())[0]


SUPPORTED = (
    "Combining surgery with lower immunosuppression and a switch to sirolimus can give "
    "long-term survival in EBV-associated leiomyosarcoma after transplantation"
)
CONTRADICTED = (
    "Long-term survival in EBV-associated leiomyosarcoma after transplantation needs "
    "increased immunosuppression"
)


def report_for(path: Path):  # type: ignore[no-untyped-def]
    extraction = extract_file(path)
    work = bonatti()
    return audit(
        extraction, {r.id: Resolution(Status.RESOLVED, work) for r in extraction.references}
    )


def doc_pane(html: str) -> str:
    match = re.search(r'<div class="doc" id="document">(.*?)</div><div class="cards"', html, re.S)
    assert match, "no document pane"
    return match.group(1)


def test_markdown_document_is_readable_with_chips(tmp_path: Path) -> None:
    path = tmp_path / "paper.md"
    path.write_text(
        "---\ntitle: A paper\nbibliography: refs.bib\n---\n\n# Background\n\n"
        f"**{SUPPORTED}** [@pmid:15919482]. {CONTRADICTED} [@pmid:15919482].\n",
        encoding="utf-8",
    )
    report = report_for(path)
    statuses = {row.claim.text[:20]: row.status for row in report.claims}
    assert ClaimStatus.SUPPORTED in statuses.values()
    assert ClaimStatus.CONTRADICTED in statuses.values()
    html = render_html(report)
    pane = doc_pane(html)
    assert "[@" not in pane and "**" not in pane and "bibliography:" not in pane
    assert "# Background" not in pane and "Background" in pane
    assert pane.count('<span class="chip">@pmid:15919482</span>') == 2
    assert not pane.startswith("\n")
    # the contradicted claim carries its cue pair in every report
    conflict = "claim: increased; source: reduction"
    assert conflict in html
    assert conflict in render_markdown(report)
    assert conflict in " ".join(render_table(report, width=400).split())


def test_latex_document_is_readable_without_preamble(tmp_path: Path) -> None:
    path = tmp_path / "paper.tex"
    path.write_text(
        "\\documentclass{article}\n\\usepackage{natbib}\n% a comment\n\\begin{document}\n"
        f"\\section{{Background}}\n\\emph{{{SUPPORTED}}}~\\citep{{bonatti2005}}.\n"
        "\\bibliography{refs}\n\\end{document}\n",
        encoding="utf-8",
    )
    (tmp_path / "refs.bib").write_text(
        "@article{bonatti2005, title={Successful management of recurrent Epstein-Barr "
        "virus-associated multilocular leiomyosarcoma after cardiac transplantation}, "
        "author={Bonatti, H.}, journal={Transplant Proc}, year={2005}, pmid={15919482}}\n",
        encoding="utf-8",
    )
    report = report_for(path)
    pane = doc_pane(render_html(report))
    assert "documentclass" not in pane and "usepackage" not in pane and "%" not in pane
    assert "\\" not in pane and "{" not in pane and "~" not in pane
    assert '<span class="heading">Background</span>' in pane
    assert '<span class="chip">bonatti2005</span>' in pane


def test_legend_and_filters(tmp_path: Path) -> None:
    path = tmp_path / "paper.md"
    path.write_text(f"{CONTRADICTED} [@pmid:15919482]. An uncited sentence here.\n")
    html = render_html(report_for(path))
    legend = html[html.index('id="legend"') : html.index("</details>")]
    for status in ("supported", "contradicted", "related", "unverifiable"):
        assert f"st-{status}" in legend
    assert "cue pair" in legend and "threshold" in legend
    assert 'id="f-sev-major"' in html and 'id="f-kind-contradicted-claim"' in html
    assert (
        'body:has(#f-kind-contradicted-claim:not(:checked)) li.finding[data-kind="contradicted-'
        'claim"] { display: none; }' in html
    )
    assert "<script" not in html


def test_library_input_has_no_empty_document_pane(tmp_path: Path) -> None:
    path = tmp_path / "refs.bib"
    path.write_text(
        "@article{bonatti2005, title={Successful management}, author={Bonatti, H.}, "
        "year={2005}, pmid={15919482}}\n"
    )
    html = render_html(report_for(path))
    if not report_for(path).text.strip():
        assert 'id="document"' not in html and '<main class="nodoc">' in html
    else:
        assert doc_pane(html).strip()
