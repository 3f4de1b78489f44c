"""Markdown with pandoc citations.

Citations: ``[@key]``, ``[see @key1, p. 4; @key2]``, ``[-@key]`` and ``@key`` in running text
(``@key [p. 4]``). Keys in the manubot convention name the work directly: ``@pmid:8620427``,
``@doi:10.1002/...``, ``@pmcid:PMC123``, ``@isbn:9789283224327``; such a reference needs no
bibliography and its fields carry the identifier (``PMID``, ``DOI``, ``PMCID``, ``ISBN``). Other
keys are looked up in the bibliography: the front matter's ``bibliography:`` (one path or a list;
.bib, .json, .ris, .nbib) and ``references:`` (inline CSL-JSON items), or the file given by the
caller. A key found nowhere is an ``unmatched-marker`` finding.

References are the cited works in order of first citation (plus ``nocite`` ones); their id is
the citation key.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from refkeeper.extract.assembly import assemble
from refkeeper.extract.libraries import LibraryResult, named_library
from refkeeper.extract.markdown_syntax import front_matter, prose_mask_regions
from refkeeper.extract.sentences import LineIndex, containing, mask, split_sentences
from refkeeper.identifiers import identifier_key_fields
from refkeeper.link import Citation
from refkeeper.models import Claim, CSLItem, Extraction, Finding, Reference, Severity, Span

_KEY = r"(?:\{[^{}\n]{1,300}\}|[\w][\w:.#$%&\-+?<>~/()]*)"
# Look-behinds after the first character: the engine then searches for that character.
BRACKETED = re.compile(r"\[(?<![\\!]\[)(?P<body>[^\[\]\n]*?@[^\[\]\n]*)\](?![(\[])")
ITEM = re.compile(rf"^(?P<prefix>.*?)(?P<suppress>-?)@(?P<key>{_KEY})(?P<suffix>.*)$", re.S)
IN_TEXT = re.compile(rf"@(?<![\w@\\`]@)(?P<key>{_KEY})(?:\s*\[(?P<locator>[^\[\]\n@]*)\])?")
UNCLOSED = re.compile(r"\[(?<![\\!]\[)[^\[\]\n]*?-?@\w[^\[\]\n]*$", re.M)
IDENTIFIER_KEY = re.compile(
    r"^(?P<prefix>doi|pmid|pubmed|pmcid|pmc|isbn|arxiv|biorxiv|medrxiv|clinicaltrials|url|https?)"
    r":(?P<value>.+)$",
    re.IGNORECASE,
)
# pandoc-crossref labels: cross-references to figures, tables, sections, equations, listings.
CROSSREF = re.compile(r"^(?:fig|tbl|sec|eq|lst):", re.IGNORECASE)
# Manubot citation tags: "[@tag:x]: doi:10.1/..." (or "[@x]: pmid:1") defines a key; not prose.
TAG_DEFINITION = re.compile(
    r"^[ \t]{0,3}\[@?(?P<key>[^\[\]\s]+)\]:[ \t]*(?P<target>\S+)[ \t]*$", re.M
)
_TRAILING = ".,;:!?)"


def _clean_key(key: str) -> tuple[str, str]:
    """Key without braces or trailing punctuation, and what was cut off."""
    if key.startswith("{") and key.endswith("}"):
        return key[1:-1].strip(), ""
    cut = ""
    while key and key[-1] in _TRAILING:
        if key[-1] == ")" and key.count("(") >= key.count(")"):
            break
        cut = key[-1] + cut
        key = key[:-1]
    return key, cut


def identifier_fields(key: str) -> CSLItem | None:
    """Fields for a manubot identifier key; ``{}`` when the identifier is malformed; None when
    the key is not an identifier key."""
    m = IDENTIFIER_KEY.match(key)
    if not m:
        return None
    return identifier_key_fields(m.group("prefix"), m.group("value"))


def _bibliography_paths(meta: dict[str, Any]) -> list[str]:
    value = meta.get("bibliography")
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(v) for v in value if isinstance(v, str | int | float)]
    return []


def bibliography_names(text: str) -> list[tuple[str, int]]:
    """The bibliography files the front matter names, with the offset of the front matter."""
    if not text.startswith(("---", "\ufeff---")) or "bibliography" not in text[:100_000]:
        return []  # no front matter, or one that names no bibliography: nothing to parse
    meta, _, _ = front_matter(text)
    return [(name, 0) for name in _bibliography_paths(meta)]


def extract_markdown(
    text: str,
    source: str = "<string>",
    *,
    library: Sequence[Reference] = (),
    named: Mapping[str, LibraryResult] | None = None,
) -> Extraction:
    """Claims, references and links of a Markdown document with pandoc citations.

    Pure: the bibliographies the front matter names (:func:`bibliography_names`) are read by
    the caller and passed in ``named`` (name as written -> references and findings)."""
    from refkeeper.extract.libraries import parse_csl_json

    index = LineIndex(text)
    findings: list[Finding] = []
    meta, fm_region, problem = front_matter(text)
    if problem:
        findings.append(
            Finding(
                kind="bad-front-matter",
                message=problem,
                severity=Severity.MAJOR,
                span=index.span(0, fm_region[1]) if fm_region else None,
            )
        )

    # Bibliography: the caller's, then the front matter's files, then inline references.
    known: dict[str, Reference] = {}

    def add(refs: Sequence[Reference]) -> None:
        for ref in refs:
            known.setdefault(ref.key or ref.id, ref)

    add(library)
    for name in _bibliography_paths(meta):
        refs, lib_findings = named_library(name, named, "bibliography named in the front matter")
        add(refs)
        findings.extend(lib_findings)
    inline = meta.get("references")
    if isinstance(inline, list):
        import json

        refs, lib_findings = parse_csl_json(json.dumps(inline, default=str))
        add([Reference(r.id, r.raw, None, r.fields, key=r.key) for r in refs])
        findings.extend(lib_findings)

    # Manubot tag definitions.
    definitions: dict[str, tuple[str, int, int]] = {}  # key -> (target, start, end)
    regions = prose_mask_regions(text)
    from refkeeper.extract.blocks import not_text_regions

    defining = "]:" in text and TAG_DEFINITION.search(text) is not None
    outside_code = mask(text, not_text_regions(text, "markdown")) if defining else ""
    for dm in TAG_DEFINITION.finditer(outside_code):
        definitions.setdefault(dm.group("key"), (dm.group("target"), dm.start(), dm.end()))
        regions.append((dm.start(), dm.end()))

    # Prose and citations.
    masked = mask(text, regions)
    found: list[tuple[int, int, str, str | None, bool]] = []  # start, end, key, locator, bracketed
    bracket_regions: list[tuple[int, int]] = []
    for m in BRACKETED.finditer(masked):
        bracket_regions.append((m.start(), m.end()))
        for part in m.group("body").split(";"):
            im = ITEM.match(part)
            if not im:
                continue
            key, cut = _clean_key(im.group("key"))
            if not key:
                continue
            locator = (cut + im.group("suffix")).strip().lstrip(",").strip() or None
            found.append((m.start(), m.end(), key, locator, True))
    outside = mask(masked, bracket_regions)
    for m in UNCLOSED.finditer(outside):
        findings.append(
            Finding(
                kind="unbalanced-citation",
                message=f"line {index.line(m.start())}: citation bracket '[' is not closed",
                severity=Severity.MAJOR,
                span=index.span(m.start(), m.end()),
                raw=text[m.start() : m.end()],
            )
        )
    for m in IN_TEXT.finditer(outside):
        key, _ = _clean_key(m.group("key"))
        if key:
            found.append(
                (m.start(), m.end(), key, (m.group("locator") or "").strip() or None, False)
            )
    found.sort(key=lambda f: f[0])

    # Claims: sentences, with in-text citations left in place.
    filled = _fill(masked, bracket_regions)
    spans = split_sentences(filled)
    claims = [Claim(f"c{n}", masked[s:e], index.span(s, e)) for n, (s, e) in enumerate(spans, 1)]

    references: dict[str, Reference] = {}
    citations: list[Citation] = []

    def reference_for(key: str, span: Span | None) -> None:
        if key in references:
            return
        ref = known.get(key)
        ident = identifier_fields(key)
        if key in definitions and ref is None:
            target, dstart, dend = definitions[key]
            ident = identifier_fields(target.removeprefix("@"))
            raw = text[dstart:dend].strip()
            dspan = index.span(dstart, dend)
            if ident is None:
                ident = {}
            references[key] = Reference(key, raw, dspan, {"id": key, **ident}, key=key)
            if not ident:
                findings.append(
                    Finding(
                        kind="bad-identifier",
                        message=f"tag @{key} is defined as {target!r}, not a valid identifier",
                        severity=Severity.MAJOR,
                        span=dspan,
                        reference_id=key,
                        raw=raw,
                    )
                )
            return
        if ref is not None:
            fields = dict(ref.fields)
            if ident:
                fields.update(ident)
            fields["id"] = key
            references[key] = Reference(key, ref.raw, None, fields, key=key)  # span: its file
        elif ident is not None:
            references[key] = Reference(key, f"@{key}", span, {"id": key, **ident}, key=key)
            if not ident:
                findings.append(
                    Finding(
                        kind="bad-identifier",
                        message=f"citation key @{key} is not a valid identifier",
                        severity=Severity.MAJOR,
                        span=span,
                        reference_id=key,
                        raw=f"@{key}",
                    )
                )

    for start, end, key, locator, _bracketed in found:
        if CROSSREF.match(key):
            continue  # a pandoc-crossref label, not a citation
        span = index.span(start, end)
        reference_for(key, span)
        ci = containing(spans, start)
        if ci is None:
            findings.append(
                Finding(
                    kind="marker-outside-claim",
                    message=f"citation @{key} stands outside any sentence",
                    severity=Severity.MINOR,
                    span=span,
                    raw=text[start:end],
                )
            )
            continue
        citations.append(Citation(claims[ci].id, key, text[start:end], span, locator))

    for key in _nocite(meta, known):
        reference_for(key, None)

    cited_known = set(references)
    uncited = [k for k in known if k not in cited_known]
    if uncited and claims:
        shown = ", ".join(uncited[:10]) + (" ..." if len(uncited) > 10 else "")
        findings.append(
            Finding(
                kind="uncited-bibliography",
                message=f"{len(uncited)} bibliography entries are not cited: {shown}",
                severity=Severity.INFO,
            )
        )
    return assemble(
        source=source,
        kind="markdown",
        text=text,
        masked=masked,
        claims=claims,
        references=list(references.values()),
        citations=citations,
        findings=findings,
        keep=lambda c: c.marker.startswith("@"),  # "As @key showed": the key stays, as a word
        link_filter=lambda f: f.kind != "uncited-reference",
    )


def _nocite(meta: dict[str, Any], known: dict[str, Reference]) -> list[str]:
    value = meta.get("nocite")
    if not isinstance(value, str):
        return []
    keys = list(re.findall(r"@([^\s,;]+)", value))
    if "*" in keys:
        return list(known)
    return keys


def _fill(text: str, regions: list[tuple[int, int]]) -> str:
    """``text`` with ``regions`` replaced by as many ``_`` (no punctuation for the splitter)."""
    parts: list[str] = []
    pos = 0
    for start, end in regions:
        parts.append(text[pos:start])
        parts.append("_" * (end - start))
        pos = end
    parts.append(text[pos:])
    return "".join(parts)
