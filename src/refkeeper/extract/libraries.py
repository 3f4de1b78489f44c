"""Reference libraries as input: BibTeX/BibLaTeX (bibtexparser v2), CSL-JSON, RIS and PubMed's
MEDLINE text export (.nbib, read with Bio.Medline).

Each entry becomes a :class:`~refkeeper.models.Reference` whose id is its citation key (BibTeX
key, CSL-JSON ``id``; RIS ``ID`` or ``r<n>``; MEDLINE ``pmid:<n>`` ...), with the raw entry and
its span in the file. Entries that do not parse stay visible as findings with their line.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from refkeeper.bibfields import expand_pages
from refkeeper.errors import DocumentError
from refkeeper.extract.cslutil import (
    date_parts,
    isbn_or_issn,
    latex_to_text,
    name_from_sorted,
)
from refkeeper.extract.documents import read_text
from refkeeper.extract.sentences import LineIndex
from refkeeper.identifiers import normalize_doi, normalize_isbn, normalize_pmcid, normalize_pmid
from refkeeper.models import CSLItem, Extraction, Finding, Reference, Severity, Span

LibraryResult = tuple[list[Reference], list[Finding]]


class _Ids:
    """Hands out unique reference ids; a repeated key gets a suffix and a finding."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def take(
        self, wanted: str, findings: list[Finding], raw: str, index: LineIndex, start: int
    ) -> str:
        if wanted not in self.used:
            self.used.add(wanted)
            return wanted
        n = 2
        while f"{wanted}~{n}" in self.used:
            n += 1
        new = f"{wanted}~{n}"
        self.used.add(new)
        findings.append(
            Finding(
                kind="duplicate-key",
                message=f"key {wanted!r} is used twice; the second entry is kept as {new!r}",
                severity=Severity.MAJOR,
                span=index.span(start, start + len(raw)),
                reference_id=new,
                raw=raw,
            )
        )
        return new


# --------------------------------------------------------------------------- BibTeX

BIB_TYPES = {
    "article": "article-journal",
    "book": "book",
    "mvbook": "book",
    "booklet": "pamphlet",
    "inbook": "chapter",
    "incollection": "chapter",
    "bookinbook": "chapter",
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "proceedings": "book",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "thesis": "thesis",
    "techreport": "report",
    "report": "report",
    "manual": "report",
    "online": "webpage",
    "electronic": "webpage",
    "www": "webpage",
    "dataset": "dataset",
    "data": "dataset",
    "software": "software",
    "patent": "patent",
    "unpublished": "manuscript",
    "misc": "document",
}
_BIB_PLAIN = {
    "title": "title",
    "volume": "volume",
    "number": "issue",
    "issue": "issue",
    "publisher": "publisher",
    "address": "publisher-place",
    "location": "publisher-place",
    "edition": "edition",
    "url": "URL",
    "note": "note",
    "abstract": "abstract",
    "series": "collection-title",
    "chapter": "chapter-number",
    "issn": "ISSN",
    "language": "language",
    "shortjournal": "container-title-short",
    "journalabbrev": "container-title-short",
}


def _latex_text(value: str) -> str:
    return latex_to_text(value)


def _bib_names(value: str) -> list[dict[str, str]]:
    from bibtexparser.middlewares.names import (
        parse_single_name_into_parts,
        split_multiple_persons_names,
    )

    out: list[dict[str, str]] = []
    for person in split_multiple_persons_names(value):
        person = person.strip()
        if person.lower() == "others":
            continue
        if person.startswith("{") and person.endswith("}"):
            out.append({"literal": _latex_text(person)})
            continue
        try:
            parts = parse_single_name_into_parts(person, strict=False)
        except Exception:  # InvalidNameError and friends: keep the name as written
            out.append({"literal": _latex_text(person)})
            continue
        name: dict[str, str] = {"family": _latex_text(" ".join(parts.last))}
        if parts.first:
            name["given"] = _latex_text(" ".join(parts.first))
        if parts.von:
            name["non-dropping-particle"] = _latex_text(" ".join(parts.von))
        if parts.jr:
            name["suffix"] = _latex_text(" ".join(parts.jr))
        out.append(name)
    return out


def bib_entry_to_csl(entry_type: str, fields: dict[str, str]) -> CSLItem:
    """A BibTeX/BibLaTeX entry's fields (raw values) as a CSL-JSON item (without ``id``)."""
    f = {k.lower(): v for k, v in fields.items()}
    kind = entry_type.lower()
    item: CSLItem = {"type": BIB_TYPES.get(kind, "document")}
    for role in ("author", "editor", "translator"):
        if role in f and f[role].strip():
            item[role] = _bib_names(f[role])
    for key, csl in _BIB_PLAIN.items():
        if key in f and csl not in item and f[key].strip():
            item[csl] = _latex_text(f[key])
    container = f.get("journal") or f.get("journaltitle") or f.get("booktitle")
    if container:
        item["container-title"] = _latex_text(container)
    if "pages" in f:
        item["page"] = expand_pages(_latex_text(f["pages"]))
    if kind in ("phdthesis", "mastersthesis") and "school" in f:
        item["publisher"] = _latex_text(f["school"])
    if "institution" in f and "publisher" not in item:
        item["publisher"] = _latex_text(f["institution"])
    date = f.get("date") or f.get("year")
    if date:
        parsed = date_parts(
            _latex_text(date) + (" " + f["month"] if "month" in f and "date" not in f else "")
        )
        if parsed:
            item["issued"] = parsed
    accessed = f.get("urldate") and date_parts(_latex_text(f["urldate"]))
    if accessed:
        item["accessed"] = accessed
    _identifiers(item, f.get("doi"), f.get("pmid"), f.get("pmcid"), f.get("isbn"))
    eprinttype = f.get("eprinttype", "").lower()
    if "eprint" in f and eprinttype in ("pubmed", "pmid"):
        _identifiers(item, None, f["eprint"], None, None)
    elif "eprint" in f and eprinttype in ("pmc", "pmcid"):
        _identifiers(item, None, None, f["eprint"], None)
    return item


def _identifiers(
    item: CSLItem, doi: str | None, pmid: str | None, pmcid: str | None, isbn: str | None
) -> None:
    if doi and (v := normalize_doi(doi)):
        item["DOI"] = v
    if pmid and (v := normalize_pmid(pmid)):
        item["PMID"] = v
    if pmcid and (
        v := normalize_pmcid(pmcid if pmcid.upper().startswith("PMC") else "PMC" + pmcid)
    ):
        item["PMCID"] = v
    if isbn:
        item["ISBN"] = normalize_isbn(isbn) or isbn.strip()


@contextmanager
def _quiet_bibtexparser() -> Iterator[None]:
    """bibtexparser logs every broken block on stderr; refkeeper reports them as findings."""
    logger = logging.getLogger("bibtexparser")
    previous = logger.level
    logger.setLevel(logging.CRITICAL + 1)  # its modules' loggers inherit this level
    try:
        yield
    finally:
        logger.setLevel(previous)


def _block_error(block: Any) -> str:
    """bibtexparser's reason a block failed, on one line."""
    error = getattr(block, "error", None)
    reason = getattr(error, "abort_reason", None) or str(error or "") or "cannot parse"
    return " ".join(str(reason).split())


def parse_bibtex(text: str) -> LibraryResult:
    from bibtexparser.entrypoint import parse_string
    from bibtexparser.model import Entry

    index = LineIndex(text)
    with _quiet_bibtexparser():
        library = parse_string(text)
    refs: list[Reference] = []
    findings: list[Finding] = []
    ids = _Ids()
    for entry in library.entries:
        raw = entry.raw or ""
        start = _locate(text, index, entry.start_line, raw)
        fields = {k: str(v.value) for k, v in entry.fields_dict.items()}
        item = bib_entry_to_csl(entry.entry_type, fields)
        ref_id = ids.take(entry.key, findings, raw, index, start)
        item["id"] = ref_id
        refs.append(
            Reference(ref_id, raw, index.span(start, start + len(raw)), item, key=entry.key)
        )
    for block in library.failed_blocks:
        raw = block.raw or ""
        start = _locate(text, index, block.start_line, raw)
        line = index.line(start)
        span = index.span(start, start + len(raw))
        dup = getattr(block, "ignore_error_block", None)
        if type(block).__name__ == "DuplicateBlockKeyBlock" and isinstance(dup, Entry):
            key = str(getattr(block, "key", "?"))
            fields = {k: _unenclose(str(v.value)) for k, v in dup.fields_dict.items()}
            ref_id = ids.take(key, findings, raw, index, start)
            item = bib_entry_to_csl(str(dup.entry_type), fields)
            item["id"] = ref_id
            refs.append(Reference(ref_id, raw, span, item, key=key))
            continue
        if type(block).__name__ == "DuplicateBlockKeyBlock":
            key = str(getattr(block, "key", "?"))
            message = (
                f"@string macro {key!r} at line {line} is defined before; "
                "the first definition is used"
            )
            findings.append(
                Finding(
                    kind="duplicate-string",
                    message=message,
                    severity=Severity.MINOR,
                    span=span,
                    raw=raw,
                )
            )
            continue
        findings.append(
            Finding(
                kind="unparsable-entry",
                message=f"BibTeX entry at line {line} cannot be parsed: {_block_error(block)}",
                severity=Severity.MAJOR,
                span=span,
                raw=raw,
            )
        )
    return refs, findings


def _unenclose(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and (value[0], value[-1]) in (("{", "}"), ('"', '"')):
        return value[1:-1]
    return value


def _locate(text: str, index: LineIndex, start_line: int | None, raw: str) -> int:
    """Offset of ``raw`` in ``text``, searched from its 0-based ``start_line``."""
    base = index.line_start((start_line or 0) + 1)
    found = text.find(raw[:200], base) if raw else -1
    return found if found >= 0 else base


# --------------------------------------------------------------------------- CSL-JSON


def parse_csl_json(text: str) -> LibraryResult:
    index = LineIndex(text)
    decoder = json.JSONDecoder()
    try:
        data = json.loads(text)
    except RecursionError:
        raise DocumentError("JSON nested too deeply", None, 1) from None
    except json.JSONDecodeError as exc:
        raise DocumentError(
            f"not valid JSON: {exc.msg} (column {exc.colno})", None, exc.lineno
        ) from None
    items: list[tuple[Any, int, int]] = []
    if isinstance(data, dict) and isinstance(data.get("items"), list):
        data = data["items"]
    if isinstance(data, dict):
        start = len(text) - len(text.lstrip())
        items.append((data, start, len(text.rstrip())))
    elif isinstance(data, list):
        pos = text.index("[") + 1
        for _ in data:
            pos = _skip(text, pos, ",")
            obj, end = decoder.raw_decode(text, pos)
            items.append((obj, pos, end))
            pos = end
    else:
        raise DocumentError("CSL-JSON must be a list of items or one item", None, 1)
    refs: list[Reference] = []
    findings: list[Finding] = []
    ids = _Ids()
    for n, (obj, start, end) in enumerate(items, 1):
        raw = text[start:end]
        span = index.span(start, end)
        if not isinstance(obj, dict):
            findings.append(
                Finding(
                    kind="unparsable-entry",
                    message=f"CSL-JSON item {n} is not an object",
                    severity=Severity.MAJOR,
                    span=span,
                    raw=raw,
                )
            )
            continue
        item: CSLItem = dict(obj)
        key = str(item.get("id", "") or f"r{n}")
        ref_id = ids.take(key, findings, raw, index, start)
        item["id"] = ref_id
        refs.append(Reference(ref_id, raw, span, item, key=key))
    return refs, findings


def _skip(text: str, pos: int, chars: str) -> int:
    n = len(text)
    while pos < n and (text[pos].isspace() or text[pos] in chars):
        pos += 1
    return pos


# --------------------------------------------------------------------------- RIS

RIS_TYPES = {
    "JOUR": "article-journal",
    "JFULL": "article-journal",
    "ABST": "article-journal",
    "EJOUR": "article-journal",
    "MGZN": "article-magazine",
    "NEWS": "article-newspaper",
    "BOOK": "book",
    "EBOOK": "book",
    "EDBOOK": "book",
    "CHAP": "chapter",
    "ECHAP": "chapter",
    "CONF": "paper-conference",
    "CPAPER": "paper-conference",
    "THES": "thesis",
    "RPRT": "report",
    "ELEC": "webpage",
    "WEB": "webpage",
    "DATA": "dataset",
    "PAT": "patent",
    "UNPB": "manuscript",
    "GEN": "document",
}
_RIS_LINE = re.compile(r"^(?P<tag>[A-Z][A-Z0-9])  -(?: (?P<value>.*))?$")


def ris_record_to_csl(tags: dict[str, list[str]]) -> CSLItem:
    def first(*names: str) -> str | None:
        for name in names:
            for value in tags.get(name, ()):
                if value.strip():
                    return value.strip()
        return None

    kind = (first("TY") or "GEN").upper()
    item: CSLItem = {"type": RIS_TYPES.get(kind, "document")}
    authors = [name_from_sorted(a) for t in ("AU", "A1") for a in tags.get(t, ()) if a.strip()]
    if authors:
        item["author"] = authors
    editors = [
        name_from_sorted(a) for t in ("A2", "ED", "A3") for a in tags.get(t, ()) if a.strip()
    ]
    if editors and kind in ("CHAP", "ECHAP", "EDBOOK", "BOOK", "CONF", "CPAPER"):
        item["editor"] = editors
    title = first("TI", "T1", "CT")
    if title:
        item["title"] = title
    container = first("T2", "JF", "JO", "BT") if kind not in ("BOOK", "EBOOK") else None
    if container:
        item["container-title"] = container
    short = first("J2", "JA")
    if short:
        item["container-title-short"] = short
        item.setdefault("container-title", short)
    for tag, csl in (
        ("VL", "volume"),
        ("IS", "issue"),
        ("PB", "publisher"),
        ("CY", "publisher-place"),
        ("ET", "edition"),
        ("UR", "URL"),
        ("AB", "abstract"),
        ("N1", "note"),
    ):
        value = first(tag)
        if value:
            item[csl] = value
    sp, ep = first("SP"), first("EP")
    if sp:
        item["page"] = expand_pages(f"{sp}-{ep}") if ep and ep != sp else sp
    date = first("PY", "Y1", "DA")
    if date and (parsed := date_parts(date)):
        item["issued"] = parsed
    sn = first("SN")
    if sn:
        name, value = isbn_or_issn(sn)
        item[name] = value
    _identifiers(item, first("DO"), None, None, None)
    for value in tags.get("AN", []) + tags.get("C2", []) + tags.get("M2", []):
        v = value.strip()
        if v.upper().startswith("PMC") and (pmcid := normalize_pmcid(v)):
            item["PMCID"] = pmcid
        elif (pmid := normalize_pmid(v)) and "PMID" not in item:
            item["PMID"] = pmid
    return item


def parse_ris(text: str) -> LibraryResult:
    index = LineIndex(text)
    refs: list[Reference] = []
    findings: list[Finding] = []
    ids = _Ids()
    tags: dict[str, list[str]] = {}
    start: int | None = None
    last: str | None = None
    pos = 0
    n = 0

    def close(end: int) -> None:
        nonlocal n
        if start is None:
            return
        n += 1
        raw = text[start:end]
        item = ris_record_to_csl(tags)
        key = (tags.get("ID") or [f"r{n}"])[0].strip() or f"r{n}"
        ref_id = ids.take(key, findings, raw, index, start)
        item["id"] = ref_id
        refs.append(Reference(ref_id, raw, index.span(start, end), item, key=key))

    for line in text.split("\n"):
        line_end = pos + len(line)
        m = _RIS_LINE.match(line.rstrip())
        if m:
            tag, value = m.group("tag"), m.group("value") or ""
            if tag == "TY":
                if start is not None:
                    close(pos)
                    _truncated(findings, index, start, pos, text, "RIS record has no 'ER  -' line")
                start, tags = pos, {}
            elif start is None:
                findings.append(
                    Finding(
                        kind="unparsable-entry",
                        message=f"RIS line {index.line(pos)} stands outside a record (no 'TY  -')",
                        severity=Severity.MINOR,
                        span=index.span(pos, line_end),
                        raw=line,
                    )
                )
                pos = line_end + 1
                continue
            if tag == "ER":
                if start is not None:
                    close(line_end)
                start, tags, last = None, {}, None
            else:
                tags.setdefault(tag, []).append(value)
                last = tag
        elif start is not None and line.strip() and last is not None:
            tags[last][-1] += " " + line.strip()  # a wrapped value
        pos = line_end + 1
    if start is not None:
        close(len(text.rstrip()))
        _truncated(
            findings, index, start, len(text.rstrip()), text, "RIS record has no 'ER  -' line"
        )
    return refs, findings


def _truncated(
    findings: list[Finding], index: LineIndex, start: int, end: int, text: str, why: str
) -> None:
    findings.append(
        Finding(
            kind="truncated-reference",
            message=f"{why} (record at line {index.line(start)})",
            severity=Severity.MINOR,
            span=index.span(start, end),
            raw=text[start:end],
        )
    )


# --------------------------------------------------------------------------- MEDLINE

_MEDLINE_START = re.compile(r"^PMID- ", re.M)


def medline_record_to_csl(rec: dict[str, Any]) -> CSLItem:
    def one(name: str) -> str | None:
        value = rec.get(name)
        if isinstance(value, list):
            value = value[0] if value else None
        return str(value).strip() if value else None

    def many(name: str) -> list[str]:
        value = rec.get(name, [])
        return [str(v) for v in (value if isinstance(value, list) else [value])]

    book = bool(rec.get("BTI")) or "Book" in " ".join(many("PT"))
    item: CSLItem = {"type": "book" if book else "article-journal"}
    fau, au = many("FAU"), many("AU")
    names = [name_from_sorted(a) for a in (fau if len(fau) >= len(au) else au)]
    names += [{"literal": c} for c in many("CN")]
    if names:
        item["author"] = names
    editors = many("FED") or many("ED")
    if editors:
        item["editor"] = [name_from_sorted(e) for e in editors]
    title = one("TI") or one("BTI")
    if title:
        item["title"] = title
    if not book:
        if one("JT"):
            item["container-title"] = one("JT")
        if one("TA"):
            item["container-title-short"] = one("TA")
            item.setdefault("container-title", one("TA"))
    for tag, csl in (
        ("VI", "volume"),
        ("IP", "issue"),
        ("PB", "publisher"),
        ("PL", "publisher-place"),
        ("EN", "edition"),
    ):
        if one(tag):
            item[csl] = one(tag)
    if one("PG"):
        item["page"] = expand_pages(one("PG") or "")
    if one("DP") and (parsed := date_parts(one("DP") or "")):
        item["issued"] = parsed
    if one("PMID") and (pmid := normalize_pmid(one("PMID") or "")):
        item["PMID"] = pmid
    if one("PMC") and (pmcid := normalize_pmcid(one("PMC") or "")):
        item["PMCID"] = pmcid
    for aid in many("AID") + many("LID"):
        if aid.endswith("[doi]") and (doi := normalize_doi(aid[:-5])):
            item["DOI"] = doi
            break
    for isbn in many("ISBN"):
        if v := normalize_isbn(isbn):
            item["ISBN"] = v
            break
    return item


def parse_medline(text: str) -> LibraryResult:
    from io import StringIO

    from Bio import Medline

    index = LineIndex(text)
    refs: list[Reference] = []
    findings: list[Finding] = []
    ids = _Ids()
    starts = [m.start() for m in _MEDLINE_START.finditer(text)]
    if not starts:
        raise DocumentError("no MEDLINE record found (records start with 'PMID- ')", None, 1)
    lead = text[: starts[0]]
    if lead.strip():
        findings.append(
            Finding(
                kind="unparsable-entry",
                message="text before the first MEDLINE record is ignored",
                severity=Severity.MINOR,
                span=index.span(0, len(lead.rstrip())),
                raw=lead.strip(),
            )
        )
    for k, start in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(text)
        raw = text[start:end].rstrip()
        try:
            rec = dict(Medline.read(StringIO(raw + "\n")))  # type: ignore[no-untyped-call]
        except Exception as exc:  # Bio.Medline raises ValueError and others on damaged records
            findings.append(
                Finding(
                    kind="unparsable-entry",
                    message=f"MEDLINE record at line {index.line(start)} cannot be read: {exc}",
                    severity=Severity.MAJOR,
                    span=index.span(start, start + len(raw)),
                    raw=raw,
                )
            )
            continue
        item = medline_record_to_csl(rec)
        key = f"pmid:{item['PMID']}" if "PMID" in item else f"r{k + 1}"
        ref_id = ids.take(key, findings, raw, index, start)
        item["id"] = ref_id
        refs.append(Reference(ref_id, raw, index.span(start, start + len(raw)), item, key=key))
    return refs, findings


# --------------------------------------------------------------------------- PMID lists

PMID_LINE = re.compile(r"^[ \t]*(?:PMID:?[ \t]*)?(?P<pmid>\d{1,9})[ \t]*$", re.IGNORECASE)


def parse_pmid_list(text: str) -> LibraryResult:
    """PubMed's "PMID" export (Send to > File > PMID): one PMID per line. Each becomes a
    reference ``pmid:<n>`` holding the identifier; a line that is not a PMID is a finding."""
    index = LineIndex(text)
    refs: list[Reference] = []
    findings: list[Finding] = []
    ids = _Ids()
    pos = 0
    for line in text.split("\n"):
        start, pos = pos, pos + len(line) + 1
        if not line.strip():
            continue
        m = PMID_LINE.match(line)
        pmid = normalize_pmid(m.group("pmid")) if m else None
        span = index.span(start, start + len(line))
        if pmid is None:
            findings.append(
                Finding(
                    kind="unparsable-entry",
                    message=f"line {span.line}: {line.strip()[:60]!r} is not a PMID",
                    severity=Severity.MAJOR,
                    span=span,
                    raw=line,
                )
            )
            continue
        key = f"pmid:{pmid}"
        ref_id = ids.take(key, findings, line, index, start)
        refs.append(Reference(ref_id, line.strip(), span, {"id": ref_id, "PMID": pmid}, key=key))
    if not refs:
        raise DocumentError("no PMID found (one PMID per line)", None, 1)
    return refs, findings


def looks_like_pmid_list(text: str) -> bool:
    """Is every non-blank line of ``text`` a PMID (and there is one)?"""
    lines = [s for s in text.split("\n", 5000) if s.strip()]
    return bool(lines) and len(lines) < 5000 and all(PMID_LINE.match(s) for s in lines)


# --------------------------------------------------------------------------- entry points

PARSERS: dict[str, Callable[[str], LibraryResult]] = {
    "bibtex": parse_bibtex,
    "csl-json": parse_csl_json,
    "ris": parse_ris,
    "medline": parse_medline,
    "pmid-list": parse_pmid_list,
}
EXTENSIONS = {
    ".bib": "bibtex",
    ".json": "csl-json",
    ".ris": "ris",
    ".nbib": "medline",
    ".medline": "medline",
}


def extract_library(text: str, kind: str, source: str = "<string>") -> Extraction:
    """A library file as an extraction: references only, no claims or links."""
    try:
        refs, findings = PARSERS[kind](text)
    except DocumentError as exc:
        raise DocumentError(exc.problem, source, exc.line) from None
    return Extraction(
        source=source, kind=kind, text=text, references=tuple(refs), findings=tuple(findings)
    )


def read_library(path: Path, kind: str | None = None) -> LibraryResult:
    """References of a bibliography file (kind from its extension unless given)."""
    kind = kind or EXTENSIONS.get(path.suffix.lower())
    if kind is None:
        raise DocumentError(
            f"unknown bibliography format {path.suffix or '(no extension)'!r}; "
            f"use one of {', '.join(sorted(EXTENSIONS))}",
            str(path),
        )
    text = read_text(path)
    extraction = extract_library(text, kind, str(path))
    return list(extraction.references), list(extraction.findings)


def load_bibliography(
    name: str, base_dir: Path | None, *, named_in: str, span: Span | None = None
) -> LibraryResult:
    """The references of a bibliography a document names (relative to ``base_dir``); one it
    cannot read becomes a ``missing-bibliography`` finding instead of an error."""
    path = Path(name).expanduser()
    if not path.is_absolute():
        path = (base_dir or Path.cwd()) / path
    try:
        return read_library(path)
    except DocumentError as exc:
        finding = Finding(
            kind="missing-bibliography",
            message=f"{named_in}: {exc}",
            severity=Severity.MAJOR,
            span=span,
            raw=name,
        )
        return [], [finding]


def named_library(
    name: str, named: Mapping[str, LibraryResult] | None, named_in: str
) -> LibraryResult:
    """The references of bibliography ``name`` as the caller read them into ``named``; a
    ``missing-bibliography`` finding when the caller did not read it."""
    if named is not None and name in named:
        return named[name]
    finding = Finding(
        kind="missing-bibliography",
        message=f"{named_in}: {name!r} was not read (extract the file with extract_file)",
        severity=Severity.MAJOR,
        raw=name,
    )
    return [], [finding]
