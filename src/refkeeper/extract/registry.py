"""The registry of input kinds: one format adapter per kind, in one place.

An adapter turns one kind of document into what the shared assembly
(:func:`refkeeper.extract.assembly.assemble`) needs -- the prose text with everything else
masked, the sentence spans, the citation markers, the reference blocks -- or, for a library
file, the references alone. Adapters are pure: the bibliography files a document names
(``names``) are read at the edge (:func:`refkeeper.extract.extract_file`) and handed in.

Detection tries the extension first, then each adapter's ``sniff`` in registry order.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from refkeeper.models import Extraction, Reference

if TYPE_CHECKING:
    from refkeeper.extract.libraries import LibraryResult


@dataclass(frozen=True)
class Inputs:
    """What an adapter is given besides the text: an extra library (``--bibliography``) and
    the bibliographies the document names, already read (name as written -> result)."""

    library: Sequence[Reference] = ()
    named: Mapping[str, LibraryResult] = field(default_factory=dict)


Run = Callable[[str, str, Inputs], Extraction]
Sniff = Callable[[str, str], bool]  # (text, lower-case suffix) -> is it this kind?
Names = Callable[[str], list[tuple[str, int]]]  # text -> [(bibliography name, offset)]


@dataclass(frozen=True)
class Adapter:
    kind: str
    form: str  # text | spans | markers | reference blocks | fields | library
    description: str
    run: Run
    extensions: tuple[str, ...] = ()
    sniff: Sniff | None = None
    names: Names | None = None
    named_in: str = "bibliography"
    binary: Callable[[bytes, str], Extraction] | None = None  # reads the file's bytes itself

    @property
    def library(self) -> bool:
        return self.form == "library"


# ---------------------------------------------------------------------------- adapters


def _library(kind: str) -> Run:
    def run(text: str, source: str, inputs: Inputs) -> Extraction:
        from refkeeper.extract.libraries import extract_library

        return extract_library(text, kind, source)

    return run


def _who(text: str, source: str, inputs: Inputs) -> Extraction:
    from refkeeper.extract.who import extract_who

    return extract_who(text, source)


def _numbered(text: str, source: str, inputs: Inputs) -> Extraction:
    from refkeeper.extract.numbered import extract_numbered

    return extract_numbered(text, source)


def _markdown(text: str, source: str, inputs: Inputs) -> Extraction:
    from refkeeper.extract.markdown import extract_markdown

    return extract_markdown(text, source, library=inputs.library, named=inputs.named)


def _latex(text: str, source: str, inputs: Inputs) -> Extraction:
    from refkeeper.extract.latex import extract_latex

    return extract_latex(text, source, library=inputs.library, named=inputs.named)


def _word_text(text: str, source: str, inputs: Inputs) -> Extraction:
    from refkeeper.extract.word import WordDocument, extract_word

    return extract_word(WordDocument(text), source)  # paragraphs as text, without fields


def _word_bytes(data: bytes, source: str) -> Extraction:
    from refkeeper.extract.word import extract_word, read_docx

    return extract_word(read_docx(data, source), source)


def _markdown_names(text: str) -> list[tuple[str, int]]:
    from refkeeper.extract.markdown import bibliography_names

    return bibliography_names(text)


def _latex_names(text: str) -> list[tuple[str, int]]:
    from refkeeper.extract.latex import bibliography_names

    return bibliography_names(text)


# ---------------------------------------------------------------------------- sniffing

_WHO = re.compile(
    r"^\s*(?:Click to access Pubmed|Click for details|logo logo|WHO Classification of Tumours)\s*$",
    re.M | re.I,
)
# A WHO/IARC reference block without its "Click to access" line (the codes.iarc.fr layout):
# "Authors (Year)", a title line, "Journal Volume(Issue): pages".
_WHO_BLOCK = re.compile(
    r"^[^\n\d][^\n]{2,300}\((?:1[5-9]|20)\d\d[a-z]?\)\.?[ \t]*\n[^\n]{5,1000}\n"
    r"[^\n\d:][^\n:]{0,200}?\d+[A-Za-z]?[ \t]*(?:\([^()\n]{1,20}\))?[ \t]*:[ \t]*"
    r"[A-Za-z]{0,2}\d+[A-Za-z]?(?:[ \t]*[-–][ \t]*[A-Za-z]{0,2}\d+[A-Za-z]?)?\.?[ \t]*$",
    re.M,
)
_PANDOC_CITE = re.compile(
    r"\[[^\[\]\n]*?(?<![\w])-?@[\w{][^\[\]\n]*\](?!\()|(?<![\w@\\`])@[A-Za-z_][\w:.#$%&\-+?<>~/]*\w"
)
_LATEX = re.compile(
    r"\\(?:documentclass|begin\{document\}|[A-Za-z]*cite[A-Za-z]*\*?\s*[\[{]|bibliography\{|addbibresource)"
)
_SAMPLE = 200_000
_MARKDOWN_SUFFIXES = (".md", ".markdown", ".rmd", ".qmd")


def _head(text: str) -> str:
    return text.lstrip("\ufeff \t\n")[:4096]


def _sniff_bibtex(text: str, suffix: str) -> bool:
    return bool(re.match(r"@\w+\s*[{(]", _head(text)))


def _sniff_csl_json(text: str, suffix: str) -> bool:
    return _head(text)[:1] in ("[", "{") and suffix not in (*_MARKDOWN_SUFFIXES, ".txt")


def _sniff_pmid_list(text: str, suffix: str) -> bool:
    from refkeeper.extract.libraries import looks_like_pmid_list

    return looks_like_pmid_list(text)


def _sniff_who(text: str, suffix: str) -> bool:
    sample = text[:_SAMPLE]
    if _WHO.search(sample):
        return True
    return suffix not in (*_MARKDOWN_SUFFIXES, ".tex") and bool(_WHO_BLOCK.search(sample))


def _sniff_latex(text: str, suffix: str) -> bool:
    return suffix not in (".md", ".markdown") and bool(_LATEX.search(text[:_SAMPLE]))


def _sniff_numbered(text: str, suffix: str) -> bool:
    from refkeeper.extract.numbered import has_numbered_list

    return has_numbered_list(text)


def _sniff_markdown(text: str, suffix: str) -> bool:
    return suffix in _MARKDOWN_SUFFIXES or bool(_PANDOC_CITE.search(text[:_SAMPLE]))


# Registry order is detection order (after extensions); with no match, the fallback.
ADAPTERS: tuple[Adapter, ...] = (
    Adapter(
        "bibtex", "library", "BibTeX/BibLaTeX library", _library("bibtex"),
        (".bib", ".bibtex"), _sniff_bibtex,
    ),
    Adapter(
        "csl-json", "library", "CSL-JSON library", _library("csl-json"),
        (".json", ".csljson"), _sniff_csl_json,
    ),
    Adapter(
        "ris", "library", "RIS library", _library("ris"), (".ris",),
        lambda text, suffix: _head(text).startswith("TY  - "),
    ),
    Adapter(
        "medline", "library", "PubMed MEDLINE export (.nbib)", _library("medline"),
        (".nbib", ".medline"), lambda text, suffix: _head(text).startswith("PMID- "),
    ),
    Adapter(
        "pmid-list", "library", "PubMed PMID export: one PMID per line", _library("pmid-list"),
        (".pmid", ".pmids"), _sniff_pmid_list,
    ),
    Adapter(
        "docx", "fields", "Word manuscript: Zotero, Mendeley, EndNote fields; numbered lists",
        _word_text, (".docx",), None, binary=_word_bytes,
    ),
    Adapter(
        "who", "reference blocks", "WHO Classification of Tumours / IARC web text", _who,
        (), _sniff_who,
    ),
    Adapter(
        "latex", "markers", "LaTeX with \\cite and .bib files or thebibliography", _latex,
        (".tex", ".ltx", ".latex"), _sniff_latex, _latex_names, "bibliography",
    ),
    Adapter(
        "numbered", "spans", "numbered reference list (Vancouver, AMA)", _numbered,
        (), _sniff_numbered,
    ),
    Adapter(
        "markdown", "markers", "Markdown with pandoc/manubot citations", _markdown,
        (), _sniff_markdown, _markdown_names, "bibliography named in the front matter",
    ),
)  # fmt: skip
REGISTRY: dict[str, Adapter] = {a.kind: a for a in ADAPTERS}
KINDS: tuple[str, ...] = tuple(REGISTRY)
LIBRARY_KINDS = frozenset(a.kind for a in ADAPTERS if a.library)
_FALLBACK = "numbered"


def detect_kind(text: str, path: str | Path | None = None) -> str:
    """The kind of a document from its extension, then its content."""
    suffix = Path(path).suffix.lower() if path is not None else ""
    for adapter in ADAPTERS:
        if suffix in adapter.extensions:
            return adapter.kind
    for adapter in ADAPTERS:
        if adapter.sniff is not None and adapter.sniff(text, suffix):
            return adapter.kind
    return _FALLBACK
