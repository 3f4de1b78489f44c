""".docx manuscripts: the citations Zotero, Mendeley and EndNote insert as field codes, numbered
lists and superscript markers. The documents are built here with python-docx, the field codes
written as those tools write them (an instruction split over several runs, the result text
between ``separate`` and ``end``, a bibliography field spanning paragraphs); the works are real
(tests/data/extract/layouts use the same corpus)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest

from refkeeper.errors import DocumentError
from refkeeper.extract import detect_kind, extract_file
from refkeeper.models import Extraction, LinkKind

docx = pytest.importorskip("docx")
from docx.oxml import parse_xml  # noqa: E402
from docx.oxml.ns import nsdecls  # noqa: E402

AVERY = {
    "type": "article-journal",
    "title": "Microbial cell individuality and the underlying sources of heterogeneity",
    "container-title": "Nature Reviews Microbiology",
    "volume": "4",
    "issue": "8",
    "page": "577-587",
    "DOI": "10.1038/nrmicro1460",
    "author": [{"family": "Avery", "given": "Simon V."}],
    "issued": {"date-parts": [["2006", 8]]},
}
LOSICK = {
    "type": "article-journal",
    "title": "Stochasticity and cell fate",
    "container-title": "Science",
    "volume": "320",
    "issue": "5872",
    "page": "65-68",
    "DOI": "10.1126/science.1147888",
    "PMID": "18388284",
    "author": [
        {"family": "Losick", "given": "Richard", "parse-names": False, "dropping-particle": ""},
        {"family": "Desplan", "given": "Claude", "parse-names": False, "dropping-particle": ""},
    ],
    "issued": {"date-parts": [[2008]]},
}
SCHEMA = "https://github.com/citation-style-language/schema/raw/master/csl-citation.json"


def zotero(item: dict[str, Any], item_key: str, shown: str) -> str:
    data = {
        "citationID": "kV3n2sQ1",
        "properties": {"formattedCitation": shown, "plainCitation": shown, "noteIndex": 0},
        "citationItems": [
            {
                "id": 12,
                "uris": [f"http://zotero.org/users/local/AbCdEf/items/{item_key}"],
                "itemData": {"id": 12, **item},
            }
        ],
        "schema": SCHEMA,
    }
    return "ADDIN ZOTERO_ITEM CSL_CITATION " + json.dumps(data)


def mendeley(item: dict[str, Any], uuid: str) -> str:
    data = {
        "citationItems": [
            {
                "id": "ITEM-1",
                "itemData": {"id": "ITEM-1", **item},
                "uris": [f"http://www.mendeley.com/documents/?uuid={uuid}"],
            }
        ],
        "mendeley": {"formattedCitation": "(2)", "plainTextFormattedCitation": "(2)"},
        "properties": {"noteIndex": 0},
        "schema": SCHEMA,
    }
    return "ADDIN CSL_CITATION " + json.dumps(data, indent=1)


ENDNOTE = (
    "ADDIN EN.CITE <EndNote><Cite><Author>Raser</Author><Year>2005</Year><RecNum>3</RecNum>"
    "<DisplayText>(3)</DisplayText><record><rec-number>3</rec-number><foreign-keys>"
    '<key app="EN" db-id="f2sdw0zs">3</key></foreign-keys>'
    '<ref-type name="Journal Article">17</ref-type><contributors><authors>'
    "<author>Raser, J. M.</author><author>O'Shea, E. K.</author></authors></contributors>"
    "<titles><title>Noise in gene expression: origins, consequences, and control</title>"
    "<secondary-title>Science</secondary-title></titles><periodical><full-title>Science"
    "</full-title></periodical><pages>2010-3</pages><volume>309</volume><number>5743</number>"
    "<dates><year>2005</year></dates><accession-num>16179466</accession-num>"
    "<electronic-resource-num>10.1126/science.1105891</electronic-resource-num></record>"
    "</Cite></EndNote>"
)


def _run(paragraph: Any, inner: str) -> None:
    paragraph._p.append(parse_xml(f"<w:r {nsdecls('w')}>{inner}</w:r>"))


def add_field(paragraph: Any, instruction: str, result: str, *, close: bool = True) -> None:
    """A complex field as Word stores it; the instruction split over runs of 60 characters."""
    _run(paragraph, '<w:fldChar w:fldCharType="begin"/>')
    for i in range(0, len(instruction), 60):
        piece = escape(instruction[i : i + 60])
        _run(paragraph, f'<w:instrText xml:space="preserve">{piece}</w:instrText>')
    _run(paragraph, '<w:fldChar w:fldCharType="separate"/>')
    _run(paragraph, f'<w:rPr><w:noProof/></w:rPr><w:t xml:space="preserve">{escape(result)}</w:t>')
    if close:
        _run(paragraph, '<w:fldChar w:fldCharType="end"/>')


def write_manuscript(path: Path) -> None:
    doc = docx.Document()
    doc.add_heading("Noise in gene expression", level=1)
    p = doc.add_paragraph("Cells of one genotype in one environment still differ ")
    add_field(p, zotero(AVERY, "7XQ2KD9M", "(1)"), "(1)")
    p.add_run(". Their fate can be decided by chance ")
    add_field(p, mendeley(LOSICK, "4f1c2a9e-1b2c-4d5e-8f90-123456789abc"), "(2)")
    p.add_run(", and part of the noise comes from the gene itself ")
    add_field(p, ENDNOTE, "(3)")
    p.add_run(".")
    q = doc.add_paragraph("The mean burst size was 0.37 proteins per cell vs. 1.2 in Fig. 2 ")
    add_field(q, zotero(AVERY, "7XQ2KD9M", "(1)"), "(1)")
    q.add_run(".")
    doc.add_heading("References", level=1)
    bib = doc.add_paragraph()
    instruction = 'ADDIN ZOTERO_BIBL {"uncited":[],"omitted":[],"custom":[]} CSL_BIBLIOGRAPHY'
    add_field(bib, instruction, "1. Avery SV. Microbial cell individuality. 2006.", close=False)
    last = doc.add_paragraph("2. Losick R, Desplan C. Stochasticity and cell fate. 2008.")
    _run(last, '<w:fldChar w:fldCharType="end"/>')
    doc.save(str(path))


MARKDOWN_TWIN = """\
---
bibliography: twin.json
---

# Noise in gene expression

Cells of one genotype in one environment still differ [@avery]. Their fate can be decided by
chance [@losick], and part of the noise comes from the gene itself [@raser].
The mean burst size was 0.37 proteins per cell vs. 1.2 in Fig. 2 [@avery].
"""


def _links(x: Extraction) -> set[tuple[str, str]]:
    titles = {r.id: str(r.fields.get("title", "")).lower() for r in x.references}
    claims = {c.id: c.text for c in x.claims}
    return {
        (claims[lk.claim_id], titles[lk.reference_id])
        for lk in x.links
        if lk.kind == LinkKind.DIRECT
    }


def test_zotero_mendeley_endnote_fields_read_like_the_markdown_twin(tmp_path: Path) -> None:
    write_manuscript(tmp_path / "paper.docx")
    x = extract_file(tmp_path / "paper.docx")
    assert x.kind == "docx"
    assert [r.id for r in x.references] == [
        "zotero:7XQ2KD9M",
        "mendeley:4f1c2a9e-1b2c-4d5e-8f90-123456789abc",
        "endnote:3",
    ]
    avery, losick, raser = (r.fields for r in x.references)
    assert avery["DOI"] == "10.1038/nrmicro1460" and avery["author"][0]["family"] == "Avery"
    assert losick["PMID"] == "18388284"
    assert raser["PMID"] == "16179466" and raser["DOI"] == "10.1126/science.1105891"
    assert [a["family"] for a in raser["author"]] == ["Raser", "O'Shea"]
    assert raser["issued"] == {"date-parts": [[2005]]} and raser["page"] == "2010-3"
    # the field's span: its result text, on the line of its paragraph (the heading is line 1)
    first = x.references[0]
    assert first.span is not None and first.span.line == 2
    assert x.text[first.span.start : first.span.end] == "(1)"

    twin_dir = tmp_path / "twin"
    twin_dir.mkdir()
    (twin_dir / "twin.md").write_text(MARKDOWN_TWIN, encoding="utf-8")
    items = [
        {"id": "avery", **AVERY},
        {"id": "losick", **LOSICK},
        {"id": "raser", "type": "article-journal", "title": raser["title"]},
    ]
    (twin_dir / "twin.json").write_text(json.dumps(items), encoding="utf-8")
    twin = extract_file(twin_dir / "twin.md")
    assert [c.text for c in x.claims] == [c.text for c in twin.claims]
    assert _links(x) == _links(twin)
    assert not [f for f in x.findings if f.severity == "major"]
    assert all("References" not in c.text and "2008." not in c.text for c in x.claims)


def test_word_numbered_list_and_superscript_markers(tmp_path: Path) -> None:
    doc = docx.Document()
    p = doc.add_paragraph("Genetically identical cells often behave differently.")
    sup = p.add_run("1")
    sup.font.superscript = True
    p.add_run(" Noise in gene expression has intrinsic and extrinsic sources.")
    sup = p.add_run("2")
    sup.font.superscript = True
    doc.add_heading("References", level=1)
    doc.add_paragraph(
        "Avery SV. Microbial cell individuality and the underlying sources of heterogeneity. "
        "Nat Rev Microbiol. 2006;4:577-587.",
        style="List Number",
    )
    doc.add_paragraph(
        "Swain PS, Elowitz MB, Siggia ED. Intrinsic and extrinsic contributions to "
        "stochasticity in gene expression. Proc Natl Acad Sci USA. 2002;99:12795-12800.",
        style="List Number",
    )
    doc.save(str(tmp_path / "list.docx"))
    x = extract_file(tmp_path / "list.docx")
    assert x.kind == "docx"
    assert [r.label for r in x.references] == ["1", "2"]
    assert sorted((lk.claim_id, lk.reference_id) for lk in x.links) == [("c1", "r1"), ("c2", "r2")]
    assert [c.text for c in x.claims] == [
        "Genetically identical cells often behave differently.",
        "Noise in gene expression has intrinsic and extrinsic sources.",
    ]


def test_a_broken_field_is_a_finding_and_binary_doc_gets_a_hint(tmp_path: Path) -> None:
    doc = docx.Document()
    p = doc.add_paragraph("A claim with a damaged citation ")
    add_field(p, 'ADDIN ZOTERO_ITEM CSL_CITATION {"citationItems": [', "(1)")
    p.add_run(".")
    doc.save(str(tmp_path / "broken.docx"))
    x = extract_file(tmp_path / "broken.docx")
    (finding,) = [f for f in x.findings if f.kind == "unreadable-citation-field"]
    assert finding.message.startswith("paragraph 1, run 1: ")
    (tmp_path / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00binary")
    with pytest.raises(DocumentError, match=r"a binary \.doc file: save it as \.docx"):
        extract_file(tmp_path / "old.doc")
    (tmp_path / "fake.docx").write_bytes(b"not a zip at all")
    with pytest.raises(DocumentError, match="not a readable .docx file"):
        extract_file(tmp_path / "fake.docx")
    assert detect_kind("", "paper.docx") == "docx"
