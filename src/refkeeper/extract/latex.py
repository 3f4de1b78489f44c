r"""LaTeX documents: ``\cite``, ``\citep``, ``\citet``, ``\parencite``, ``\autocite``,
``\textcite`` (and the rest of the natbib/biblatex ``*cite*`` family, starred or capitalised)
with up to two optional arguments and several keys; ``\nocite``; bibliographies from
``\bibliography{a,b}`` (``.bib`` added) and ``\addbibresource{refs.bib}``, or a
``thebibliography`` environment whose ``\bibitem`` entries are parsed as free text.

An unbalanced ``\cite{`` (no closing brace before the paragraph ends) is a finding with its
line; so is a key found in no bibliography.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from refkeeper.extract.assembly import assemble
from refkeeper.extract.cslutil import latex_to_text
from refkeeper.extract.libraries import LibraryResult, named_library
from refkeeper.extract.refs import build_reference
from refkeeper.extract.sentences import LineIndex, containing, mask, split_sentences
from refkeeper.link import Citation
from refkeeper.models import Claim, Extraction, Finding, Reference, Severity

CITE_COMMAND = re.compile(r"\\(?P<cmd>[A-Za-z]*cite[A-Za-z]*)(?P<star>\*?)(?![A-Za-z])")
TEXTUAL_CITE = re.compile(r"\\(?:[Cc]itet|[Tt]extcite|[Cc]iteauthor)\b")
NOT_CITES = frozenset({"citestyle", "citation", "citeindextrue", "citeindexfalse", "citesetup"})
_COMMENT = re.compile(r"%(?<!\\%)[^\n]*")  # "%" first: the engine searches for it
_BEGIN_DOC = re.compile(r"\\begin\{document\}")
_END_DOC = re.compile(r"\\end\{document\}")
_COMMAND_LINE = re.compile(
    r"^[ \t]*\\(?:(?:sub)*section|chapter|part|paragraph|caption|label|begin|end|maketitle|"
    r"title|author|date|bibliography|bibliographystyle|addbibresource|printbibliography|"
    r"include|input|usepackage|documentclass|newcommand|renewcommand|item\b(?!\s*\w))"
    r"\b.*$",
    re.M,
)
_ENVIRONMENTS = re.compile(
    r"\\begin\{(?P<env>equation|align|figure|table|tabular|verbatim|lstlisting|thebibliography|"
    r"displaymath|eqnarray|tikzpicture)\*?\}.*?(?:\\end\{(?P=env)\*?\}|\Z)",
    re.S,
)
_MATH = re.compile(r"\$\$.*?\$\$|\\\[.*?\\\]", re.S)
BIBLIOGRAPHY = re.compile(r"\\bibliography\{(?P<names>[^{}]*)\}")
ADDBIBRESOURCE = re.compile(r"\\addbibresource(?:\[[^\]]*\])?\{(?P<name>[^{}]*)\}")
THEBIBLIOGRAPHY = re.compile(
    r"\\begin\{thebibliography\}(?:\{[^{}]*\})?(?P<body>.*?)(?:\\end\{thebibliography\}|\Z)", re.S
)
BIBITEM = re.compile(r"\\bibitem(?:\[(?P<label>[^\]]*)\])?\{(?P<key>[^{}]*)\}")
_NOCITE = re.compile(r"\\nocite\{[^{}]*\}")
_MAX_ARG = 500


def _parse_cite(
    masked: str, pos: int, plural: bool
) -> tuple[list[tuple[str, str | None]], int] | None:
    """After a cite command at ``pos``: up to two optional ``[...]`` arguments and a ``{keys}``
    group (or several such groups for the biblatex ``\\cites`` family). Returns the keys with
    the locator (the last optional argument) of their group, and the end offset; None when a
    group does not close."""
    n = len(masked)
    out: list[tuple[str, str | None]] = []
    optional: list[str] = []
    groups = 0
    i = pos
    while plural or not groups:
        j = i
        while j < n and masked[j] in " \t":
            j += 1
        if j < n and masked[j] == "[" and len(optional) < 2:
            close = masked.find("]", j, j + _MAX_ARG)
            if close < 0:
                break
            optional.append(masked[j + 1 : close])
            i = close + 1
            continue
        if j < n and masked[j] == "{":
            close = masked.find("}", j, j + _MAX_ARG)
            inner_open = masked.find("{", j + 1, close if close >= 0 else j + _MAX_ARG)
            if close < 0 or inner_open >= 0 or "\n\n" in masked[j:close]:
                return None
            locator = optional[-1].strip() or None if optional else None
            out.extend((k.strip(), locator) for k in masked[j + 1 : close].split(",") if k.strip())
            optional = []
            groups += 1
            i = close + 1
            continue
        break
    if not groups:
        return None
    return out, i


def bibliography_names(text: str) -> list[tuple[str, int]]:
    """The ``.bib`` files named by ``\\bibliography{a,b}`` (``.bib`` added) and
    ``\\addbibresource{refs.bib}`` outside comments, with the offset of the command."""

    def commented(at: int) -> bool:
        line_start = text.rfind("\n", 0, at) + 1
        return _COMMENT.search(text, line_start, at) is not None

    names: list[tuple[str, int]] = []
    for m in BIBLIOGRAPHY.finditer(text):
        if commented(m.start()):
            continue
        for name in m.group("names").split(","):
            name = name.strip()
            if name:
                names.append((name if name.endswith(".bib") else name + ".bib", m.start()))
    names.extend(
        (m.group("name").strip(), m.start())
        for m in ADDBIBRESOURCE.finditer(text)
        if not commented(m.start())
    )
    return names


def extract_latex(
    text: str,
    source: str = "<string>",
    *,
    library: Sequence[Reference] = (),
    named: Mapping[str, LibraryResult] | None = None,
) -> Extraction:
    """Claims, references and links of a LaTeX document.

    Pure: the ``.bib`` files the document names (:func:`bibliography_names`) are read by the
    caller and passed in ``named`` (name -> references and findings)."""

    index = LineIndex(text)
    findings: list[Finding] = []
    comments = [(m.start(), m.end()) for m in _COMMENT.finditer(text)]
    nocomment = mask(text, comments)
    body_start = 0
    if bm := _BEGIN_DOC.search(nocomment):
        body_start = bm.end()
    body_end = len(text)
    if em := _END_DOC.search(nocomment, body_start):
        body_end = em.start()

    # Bibliographies.
    known: dict[str, Reference] = {}
    for ref in library:
        known.setdefault(ref.key or ref.id, ref)
    for name, _ in bibliography_names(text):
        refs, lib_findings = named_library(name, named, "bibliography")
        for ref in refs:
            known.setdefault(ref.key or ref.id, ref)
        findings.extend(lib_findings)
    bibitems: dict[str, Reference] = {}
    for tb in THEBIBLIOGRAPHY.finditer(nocomment):
        items = list(BIBITEM.finditer(nocomment, tb.start("body"), tb.end("body")))
        for k, item in enumerate(items):
            end = items[k + 1].start() if k + 1 < len(items) else tb.end("body")
            raw = text[item.start() : end].rstrip()
            key = item.group("key").strip()
            body = _plain(nocomment[item.end() : end])
            ref, problems = build_reference(
                key,
                raw,
                index.span(item.start(), item.start() + len(raw)),
                parse_text=body,
                key=key,
                label=item.group("label"),
            )
            bibitems.setdefault(key, ref)
            findings.extend(problems)

    # Prose.
    regions = comments + [(0, body_start), (body_end, len(text))]
    regions += [(m.start(), m.end()) for m in _ENVIRONMENTS.finditer(nocomment)]
    regions += [(m.start(), m.end()) for m in _MATH.finditer(nocomment)]
    regions += [(m.start(), m.end()) for m in _COMMAND_LINE.finditer(nocomment)]
    regions += [(m.start(), m.end()) for m in _NOCITE.finditer(nocomment)]
    masked = mask(text, regions)
    spans = split_sentences(masked)
    masked, row_spans = _table_rows(nocomment, masked)
    spans = sorted(spans + row_spans)
    claims = [Claim(f"c{n}", masked[s:e], index.span(s, e)) for n, (s, e) in enumerate(spans, 1)]

    # Citations.
    cited: dict[str, None] = {}
    citations: list[Citation] = []
    nocite_all = False
    nocited: set[str] = set()
    search_text = mask(nocomment, [(0, body_start), (body_end, len(text))])
    for m in CITE_COMMAND.finditer(search_text):
        cmd = m.group("cmd")
        if cmd.lower() in NOT_CITES:
            continue
        parsed = _parse_cite(search_text, m.end(), plural=cmd.lower().endswith("cites"))
        if parsed is None:
            line = index.line(m.start())
            opened = search_text[m.end() : m.end() + _MAX_ARG].lstrip(" \t")[:1] in ("{", "[")
            problem = "has no closing brace" if opened else "has no {key} argument"
            findings.append(
                Finding(
                    kind="unbalanced-cite",
                    message=f"line {line}: \\{cmd}{m.group('star')} {problem}",
                    severity=Severity.MAJOR,
                    span=index.span(m.start(), m.end()),
                    raw=text[m.start() : min(index.line_end(m.start()), m.start() + 200)],
                )
            )
            continue
        pairs, end = parsed
        keys = [key for key, _ in pairs]
        raw = text[m.start() : end]
        span = index.span(m.start(), end)
        if cmd == "nocite":
            nocited.update(keys)
            for key in keys:
                if key == "*":
                    nocite_all = True
                else:
                    cited.setdefault(key, None)
            continue
        ci = containing(spans, m.start())
        for key, locator in pairs:
            cited.setdefault(key, None)
            if ci is None:
                findings.append(
                    Finding(
                        kind="marker-outside-claim",
                        message=f"\\{cmd}{{{key}}} stands outside any sentence",
                        severity=Severity.MINOR,
                        span=span,
                        raw=raw,
                    )
                )
                continue
            citations.append(Citation(claims[ci].id, key, raw, span, locator))
    if nocite_all:
        for key in list(known) + list(bibitems):
            cited.setdefault(key, None)

    references: list[Reference] = []
    for key in cited:
        found: Reference | None = known.get(key) or bibitems.get(key)
        if found is None:
            continue  # link() reports the unmatched marker
        fields = dict(found.fields)
        fields["id"] = key
        from_bibitem = key not in known and key in bibitems
        where = found.span if from_bibitem else None
        references.append(Reference(key, found.raw, where, fields, key=key, label=found.label))
    for key, ref in bibitems.items():
        if key not in cited:
            references.append(ref)
    return assemble(
        source=source,
        kind="latex",
        text=text,
        masked=masked,
        claims=claims,
        references=references,
        citations=citations,
        findings=findings,
        latex=True,
        keep=lambda c: bool(TEXTUAL_CITE.match(c.marker)),  # "\\citet{k} showed": the subject
        link_filter=lambda f: (
            not (f.kind == "uncited-reference" and (nocite_all or f.reference_id in nocited))
        ),
    )


_TABULAR = re.compile(
    r"\\begin\{(?P<env>tabular[x*]?|longtable|tabulary)\}(?:\[[^\]]*\])?(?:\{[^{}]*\})*"
    r"(?P<body>.*?)\\end\{(?P=env)\}",
    re.S,
)
_ROW_END = re.compile(r"\\\\(?:\[[^\]]*\])?")


def _table_rows(nocomment: str, masked: str) -> tuple[str, list[tuple[int, int]]]:
    """Table rows that cite: each becomes a claim of its own (cells joined by ``;``). Returns
    the masked text with those rows put back, and their spans."""
    spans: list[tuple[int, int]] = []
    chars: list[str] | None = None
    for tm in _TABULAR.finditer(nocomment):
        pos = tm.start("body")
        end = tm.end("body")
        for row_end in [*_ROW_END.finditer(nocomment, pos, end), None]:
            stop = row_end.start() if row_end else end
            row = nocomment[pos:stop]
            if CITE_COMMAND.search(row):
                lead = len(row) - len(row.lstrip())
                a, b = pos + lead, pos + len(row.rstrip())
                if b > a:
                    if chars is None:
                        chars = list(masked)
                    for k in range(a, b):
                        chars[k] = ";" if nocomment[k] == "&" else nocomment[k]
                    spans.append((a, b))
            if row_end is None:
                break
            pos = row_end.end()
    return ("".join(chars) if chars is not None else masked), spans


def _plain(latex: str) -> str:
    """A bibitem's text with the markup removed, for the free-text parser."""
    if "\\newblock" in latex:
        latex = _NEWBLOCK.sub(" ", latex)
    return latex_to_text(latex)


_NEWBLOCK = re.compile(r"\\newblock\b")
