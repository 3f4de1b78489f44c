"""Word manuscripts (.docx): paragraphs, numbered lists, superscript markers, and the citations
reference managers insert as field codes.

:func:`read_docx` (bytes -> :class:`WordDocument`, python-docx) lays the document out as text,
one paragraph per line, so a span's line is the paragraph's number: automatic list numbers
become ``1. `` labels, superscript runs ``<sup>...</sup>``. Each ``ADDIN`` field is kept with
the offsets of its result text, its paragraph and the run that starts it:

* Zotero ``ADDIN ZOTERO_ITEM CSL_CITATION {json}`` and Mendeley ``ADDIN CSL_CITATION {json}``:
  the cited items' CSL-JSON (``itemData``) and URIs;
* EndNote ``ADDIN EN.CITE <EndNote><Cite>...<record>...`` with the record as XML;
* their bibliography fields (``ZOTERO_BIBL``, ``CSL_BIBLIOGRAPHY``, ``EN.REFLIST``) hold no
  claims.

:func:`extract_word` (pure) makes the cited items references and each field a marker of the
sentence holding it. A document without citation fields is read as the text kinds are (a
numbered list with ``[1]``/superscript markers, say).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from refkeeper.errors import DocumentError
from refkeeper.models import CSLItem, Extraction, Finding, Reference, Severity

_CSL_FIELD = re.compile(r"^\s*ADDIN\s+(?:ZOTERO_ITEM\s+)?CSL_CITATION\s*(?P<json>\{.*\})\s*$", re.S)
_ENDNOTE_FIELD = re.compile(r"^\s*ADDIN\s+EN\.CITE\s*(?P<xml><EndNote>.*</EndNote>)\s*$", re.S)
_BIBLIOGRAPHY_FIELD = re.compile(
    r"^\s*ADDIN\s+(?:ZOTERO_BIBL|(?:Mendeley\s+Bibliography\s+)?CSL_BIBLIOGRAPHY|EN\.REFLIST)\b"
)


@dataclass(frozen=True)
class WordField:
    """An ``ADDIN`` field: its instruction and the offsets of its result in the text."""

    instruction: str
    start: int
    end: int
    paragraph: int  # 1-based, = the line of the text
    run: int  # 0-based index of the run that begins the field in its paragraph


@dataclass
class WordDocument:
    text: str
    fields: list[WordField] = field(default_factory=list)
    headings: list[tuple[int, int]] = field(default_factory=list)  # offsets of heading lines


def read_docx(data: bytes, source: str = "<docx>") -> WordDocument:
    """The text and fields of a .docx file's body. DocumentError when it is not one."""
    from io import BytesIO
    from zipfile import BadZipFile

    import docx
    from docx.oxml.ns import qn

    try:
        document = docx.Document(BytesIO(data))
    except (BadZipFile, KeyError, ValueError) as exc:
        raise DocumentError(f"not a readable .docx file ({exc})", source) from None
    parts: list[str] = []
    fields: list[WordField] = []
    headings: list[tuple[int, int]] = []
    stack: list[dict[str, Any]] = []  # open complex fields (they may span paragraphs)
    counters: dict[tuple[str, str], int] = {}
    pos = 0
    w_r, w_t, w_tab, w_br = qn("w:r"), qn("w:t"), qn("w:tab"), qn("w:br")
    w_fld, w_instr, w_simple = qn("w:fldChar"), qn("w:instrText"), qn("w:fldSimple")
    for number, paragraph in enumerate(document.paragraphs, 1):
        if number > 1:
            parts.append("\n")
            pos += 1
        line_start = pos
        label = _list_label(paragraph, counters)
        if label:
            parts.append(label)
            pos += len(label)
        run_index = -1
        for element in paragraph._p.iter(w_r, w_simple):
            if element.tag == w_simple:
                stack.append(
                    {
                        "instr": element.get(qn("w:instr")) or "",
                        "start": pos,
                        "paragraph": number,
                        "run": run_index + 1,
                        "simple": element,
                    }
                )
                continue
            run_index += 1
            superscript = _is_superscript(element)
            for child in element:
                if child.tag == w_fld:
                    kind = child.get(qn("w:fldCharType"))
                    if kind == "begin":
                        stack.append(
                            {"instr": "", "start": None, "paragraph": number, "run": run_index}
                        )
                    elif kind == "separate" and stack:
                        stack[-1]["start"] = pos
                    elif kind == "end" and stack:
                        opened = stack.pop()
                        _close(opened, pos, fields)
                elif child.tag == w_instr and stack:
                    stack[-1]["instr"] += child.text or ""
                elif child.tag == w_t:
                    piece = child.text or ""
                    if superscript and piece.strip():
                        piece = f"<sup>{piece}</sup>"
                    parts.append(piece)
                    pos += len(piece)
                elif child.tag in (w_tab, w_br):
                    parts.append(" ")
                    pos += 1
            # a simple field closes after its last run
            while stack and "simple" in stack[-1] and element is _last_run(stack[-1]["simple"]):
                _close(stack.pop(), pos, fields)
        while stack and "simple" in stack[-1]:
            _close(stack.pop(), pos, fields)
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        if style.lower().startswith(("heading", "title")) and pos > line_start:
            headings.append((line_start, pos))
    return WordDocument("".join(parts), fields, headings)


def _close(opened: dict[str, Any], pos: int, fields: list[WordField]) -> None:
    instruction = str(opened["instr"]).strip()
    start = opened["start"] if opened["start"] is not None else pos
    if instruction.upper().startswith("ADDIN"):
        fields.append(WordField(instruction, start, pos, opened["paragraph"], opened["run"]))


def _last_run(simple: Any) -> Any:
    from docx.oxml.ns import qn

    runs = list(simple.iter(qn("w:r")))
    return runs[-1] if runs else None


def _is_superscript(run: Any) -> bool:
    from docx.oxml.ns import qn

    props = run.find(qn("w:rPr"))
    if props is None:
        return False
    align = props.find(qn("w:vertAlign"))
    return align is not None and align.get(qn("w:val")) == "superscript"


def _list_label(paragraph: Any, counters: dict[tuple[str, str], int]) -> str:
    """``'3. '`` for the third item of an automatically numbered list, else ``''``."""
    from docx.oxml.ns import qn

    props = paragraph._p.pPr
    num = props.find(qn("w:numPr")) if props is not None else None
    style = paragraph.style
    for _ in range(10):  # or from its style ("List Number") and the styles it is based on
        if num is not None or style is None:
            break
        style_props = style.element.pPr
        num = style_props.find(qn("w:numPr")) if style_props is not None else None
        style = style.base_style
    if num is None:
        return ""
    num_id = num.find(qn("w:numId"))
    level = num.find(qn("w:ilvl"))
    key = (
        num_id.get(qn("w:val")) if num_id is not None else "0",
        level.get(qn("w:val")) if level is not None else "0",
    )
    if key[0] == "0":
        return ""  # numbering switched off
    counters[key] = counters.get(key, 0) + 1
    return f"{counters[key]}. "


# --------------------------------------------------------------------------- citations


@dataclass(frozen=True)
class CitedItem:
    key: str  # reference id
    fields: CSLItem
    raw: str


def field_items(instruction: str) -> tuple[list[CitedItem], str | None]:
    """The items a citation field cites, and a problem when it cannot be read."""
    m = _CSL_FIELD.match(instruction)
    if m:
        try:
            data = json.loads(m.group("json"))
        except json.JSONDecodeError as exc:
            return [], f"citation field JSON does not parse: {exc.msg} at {exc.pos}"
        items = data.get("citationItems") if isinstance(data, dict) else None
        if not isinstance(items, list):
            return [], "citation field has no citationItems"
        return [_csl_item(item, n) for n, item in enumerate(items) if isinstance(item, dict)], None
    m = _ENDNOTE_FIELD.match(instruction)
    if m:
        return _endnote_items(m.group("xml"))
    return [], None


def _csl_item(item: dict[str, Any], n: int) -> CitedItem:
    data = item.get("itemData")
    fields: CSLItem = dict(data) if isinstance(data, dict) else {}
    uris = [u for u in item.get("uris") or item.get("uri") or [] if isinstance(u, str)]
    key = ""
    for uri in uris:
        if m := re.search(r"zotero\.org/(?:users|groups)/(?:local/)?[^/]+/items/(\w+)", uri):
            key = f"zotero:{m.group(1)}"
            break
        if m := re.search(r"mendeley\.com/documents/\?uuid=([\w-]+)", uri):
            key = f"mendeley:{m.group(1)}"
            break
    if not key:
        key = f"item:{item.get('id', fields.get('id', n))}"
    fields.pop("id", None)
    raw = json.dumps(data if isinstance(data, dict) else item, ensure_ascii=False)
    return CitedItem(key, fields, raw)


def _endnote_items(xml: str) -> tuple[list[CitedItem], str | None]:
    from lxml import etree

    try:
        root = etree.fromstring(xml.encode("utf-8"), etree.XMLParser(resolve_entities=False))
    except etree.XMLSyntaxError as exc:
        return [], f"EndNote field XML does not parse: {exc}"
    out: list[CitedItem] = []
    for cite in root.iter("Cite"):
        record = cite.find("record")
        if record is None:
            continue
        out.append(_endnote_record(record, cite))
    return out, None


def _text(node: Any, path: str) -> str | None:
    found = node.find(path)
    if found is None:
        return None
    text = "".join(found.itertext()).strip()
    return text or None


def _endnote_record(record: Any, cite: Any) -> CitedItem:
    from lxml import etree

    from refkeeper.extract.cslutil import name_from_sorted
    from refkeeper.identifiers import normalize_doi, normalize_isbn, normalize_pmid

    fields: CSLItem = {"type": "article-journal"}
    ref_type = record.find("ref-type")
    if ref_type is not None and (ref_type.get("name") or "").lower() in ("book", "edited book"):
        fields["type"] = "book"
    authors = [
        name_from_sorted("".join(a.itertext()))
        for a in record.iterfind("contributors/authors/author")
    ]
    if authors:
        fields["author"] = authors
    for path, name in (
        ("titles/title", "title"),
        ("titles/secondary-title", "container-title"),
        ("volume", "volume"),
        ("number", "issue"),
        ("pages", "page"),
        ("publisher", "publisher"),
        ("pub-location", "publisher-place"),
    ):
        if value := _text(record, path):
            fields[name] = value
    if (year := _text(record, "dates/year")) and year[:4].isdigit():
        fields["issued"] = {"date-parts": [[int(year[:4])]]}
    if (doi := _text(record, "electronic-resource-num")) and (d := normalize_doi(doi)):
        fields["DOI"] = d
    if (acc := _text(record, "accession-num")) and (p := normalize_pmid(acc)):
        fields["PMID"] = p
    if (isbn := _text(record, "isbn")) and (i := normalize_isbn(isbn)):
        fields["ISBN"] = i
    number = _text(record, "rec-number") or _text(cite, "RecNum") or "?"
    raw = etree.tostring(record, encoding="unicode")
    return CitedItem(f"endnote:{number}", fields, raw)


def extract_word(doc: WordDocument, source: str = "<docx>") -> Extraction:
    """Claims, references and links of a Word document (pure, on what read_docx found)."""
    from refkeeper.extract.assembly import assemble
    from refkeeper.extract.sentences import LineIndex, containing, mask, split_sentences
    from refkeeper.link import Citation
    from refkeeper.models import Claim

    text = doc.text
    citing = [f for f in doc.fields if not _BIBLIOGRAPHY_FIELD.match(f.instruction)]
    if not citing:
        from refkeeper.extract.registry import REGISTRY, Inputs, detect_kind

        kind = detect_kind(text) if text.strip() else "numbered"
        if kind not in ("numbered", "markdown", "who"):
            kind = "numbered"
        inner = REGISTRY[kind].run(text or " ", source, Inputs())
        return _with_blocks(
            Extraction(
                source, "docx", text, inner.claims, inner.references, inner.links, inner.findings
            ),
            doc.headings,
        )
    index = LineIndex(text)
    findings: list[Finding] = []
    regions = [(f.start, f.end) for f in doc.fields if _BIBLIOGRAPHY_FIELD.match(f.instruction)]
    regions += doc.headings
    masked = mask(text, regions)
    spans = split_sentences(masked, paragraph=re.compile(r"\n"))
    claims = [Claim(f"c{n}", masked[s:e], index.span(s, e)) for n, (s, e) in enumerate(spans, 1)]
    references: dict[str, Reference] = {}
    citations: list[Citation] = []
    for f in citing:
        span = index.span(f.start, f.end)
        where = f"paragraph {f.paragraph}, run {f.run}"
        items, problem = field_items(f.instruction)
        if problem or not items:
            findings.append(
                Finding(
                    kind="unreadable-citation-field",
                    message=f"{where}: {problem or 'field cites no item'}",
                    severity=Severity.MAJOR,
                    span=span,
                    raw=f.instruction[:1000],
                )
            )
            continue
        ci = containing(spans, f.start)
        if ci is None and f.start > 0:
            ci = containing(spans, f.start - 1)
        for item in items:
            if item.key not in references:
                fields = {"id": item.key, **item.fields}
                references[item.key] = Reference(item.key, item.raw, span, fields, key=item.key)
            if ci is None:
                findings.append(
                    Finding(
                        kind="marker-outside-claim",
                        message=f"{where}: citation {item.key} stands outside any sentence",
                        severity=Severity.MINOR,
                        span=span,
                        raw=text[f.start : f.end],
                    )
                )
                continue
            citations.append(Citation(claims[ci].id, item.key, text[f.start : f.end], span))
    extraction = assemble(
        source=source,
        kind="docx",
        text=text,
        masked=masked,
        claims=claims,
        references=list(references.values()),
        citations=citations,
        findings=findings,
    )
    return _with_blocks(extraction, regions)  # a reference manager's bibliography is output


def _with_blocks(extraction: Extraction, regions: list[tuple[int, int]]) -> Extraction:
    """The reference-like blocks outside ``regions`` (this adapter counts them itself)."""
    from dataclasses import replace

    from refkeeper.extract.blocks import block_findings

    seen, read, unread = block_findings(
        extraction.text, extraction.references, regions, extraction.claims
    )
    return replace(
        extraction,
        findings=extraction.findings + tuple(unread),
        blocks_seen=seen,
        blocks_read=read,
    )
