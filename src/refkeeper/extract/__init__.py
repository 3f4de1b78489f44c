"""Extraction: document text -> claims, references and links (pure, with file-reading twins).

    >>> from refkeeper.extract import extract_string
    >>> extraction = extract_string(text, kind="who")

One extractor per input kind (``KINDS``); :func:`detect_kind` picks one from the file extension
and the content, and every entry point lets the caller force it. Every claim and reference keeps
its raw text and its :class:`~refkeeper.models.Span` (1-based line, 0-based character offsets into
``Extraction.text``, the decoded text with ``\\n`` line endings).

Reference ids are unique within a document: ``r1``, ``r2``, ... in document order for free-text
references (WHO blocks, numbered lists); the citation key for Markdown, LaTeX and library input
(a repeated key gets ``~2``, with a finding).

Errors: :class:`~refkeeper.errors.DocumentError` (one line naming the file, the line and the
problem) when the input cannot be used at all -- missing, a directory, binary, not UTF-8, empty,
an unknown kind, a library file that is not valid JSON or MEDLINE. Everything else that is odd
(a truncated reference block, a marker with no reference, an unbalanced ``\\cite{``) is a
:class:`~refkeeper.models.Finding` in the result.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from refkeeper.errors import DocumentError
from refkeeper.models import Extraction, Reference

KINDS: tuple[str, ...] = (
    "who",
    "markdown",
    "latex",
    "numbered",
    "bibtex",
    "csl-json",
    "ris",
    "medline",
)
LIBRARY_KINDS = frozenset({"bibtex", "csl-json", "ris", "medline"})

_EXTENSIONS = {
    ".bib": "bibtex",
    ".bibtex": "bibtex",
    ".json": "csl-json",
    ".csljson": "csl-json",
    ".ris": "ris",
    ".nbib": "medline",
    ".medline": "medline",
    ".tex": "latex",
    ".ltx": "latex",
    ".latex": "latex",
}
_WHO = re.compile(
    r"^\s*(?:Click to access Pubmed|Click for details|logo logo|WHO Classification of Tumours)\s*$",
    re.M | re.I,
)
_PANDOC_CITE = re.compile(
    r"\[[^\[\]\n]*?(?<![\w])-?@[\w{][^\[\]\n]*\](?!\()|(?<![\w@\\`])@[A-Za-z_][\w:.#$%&\-+?<>~/]*\w"
)
_LATEX = re.compile(
    r"\\(?:documentclass|begin\{document\}|[A-Za-z]*cite[A-Za-z]*\*?\s*[\[{]|bibliography\{|addbibresource)"
)


def detect_kind(text: str, path: str | Path | None = None) -> str:
    """The kind of a document from its extension, then its content."""
    suffix = Path(path).suffix.lower() if path is not None else ""
    if suffix in _EXTENSIONS:
        return _EXTENSIONS[suffix]
    head = text.lstrip("\ufeff \t\n")[:4096]
    if head.startswith("@") and re.match(r"@\w+\s*[{(]", head):
        return "bibtex"
    if head[:1] in "[{" and suffix not in (".md", ".markdown", ".txt"):
        return "csl-json"
    if re.match(r"TY  - ", head):
        return "ris"
    if re.match(r"PMID- ", head):
        return "medline"
    sample = text[:200_000]
    if _WHO.search(sample):
        return "who"
    if _LATEX.search(sample) and suffix not in (".md", ".markdown"):
        return "latex"
    from refkeeper.extract.numbered import has_numbered_list

    if has_numbered_list(text):
        return "numbered"
    if _PANDOC_CITE.search(sample) or suffix in (".md", ".markdown", ".rmd", ".qmd"):
        return "markdown"
    return "numbered"


def extract_string(
    text: str,
    *,
    kind: str | None = None,
    source: str = "<string>",
    base_dir: Path | None = None,
    bibliography: Path | None = None,
) -> Extraction:
    """Claims, references, links and findings of ``text``.

    ``kind`` forces the extractor (one of ``KINDS``); ``base_dir`` is where relative
    bibliography paths named in the document are looked up (default: the working directory);
    ``bibliography`` is an extra library file for Markdown and LaTeX citations.
    """
    if kind is not None and kind not in KINDS:
        raise DocumentError(f"unknown kind {kind!r}; choose from {', '.join(KINDS)}", source)
    if not text.strip():
        raise DocumentError("empty document", source)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    kind = kind or detect_kind(text, source if source != "<string>" else None)
    extraction = _extract_kind(text, kind, source, base_dir, bibliography)
    if kind in LIBRARY_KINDS:
        n = len(extraction.references)
        return replace(extraction, blocks_seen=n, blocks_read=n)
    from refkeeper.extract.blocks import block_findings, not_text_regions

    seen, read, unread = block_findings(text, extraction.references, not_text_regions(text, kind))
    return replace(
        extraction,
        findings=extraction.findings + tuple(unread),
        blocks_seen=seen,
        blocks_read=read,
    )


def _extract_kind(
    text: str, kind: str, source: str, base_dir: Path | None, bibliography: Path | None
) -> Extraction:
    if kind in LIBRARY_KINDS:
        from refkeeper.extract.libraries import extract_library

        return extract_library(text, kind, source)
    if kind == "who":
        from refkeeper.extract.who import extract_who

        return extract_who(text, source)
    if kind == "numbered":
        from refkeeper.extract.numbered import extract_numbered

        return extract_numbered(text, source)
    library: tuple[Reference, ...] = ()
    if bibliography is not None:
        from refkeeper.extract.libraries import read_library

        refs, _ = read_library(bibliography)
        library = tuple(refs)
    if kind == "markdown":
        from refkeeper.extract.markdown import extract_markdown

        return extract_markdown(text, source, base_dir=base_dir, library=library)
    from refkeeper.extract.latex import extract_latex

    return extract_latex(text, source, base_dir=base_dir, library=library)


def extract_file(
    path: str | Path, *, kind: str | None = None, bibliography: Path | None = None
) -> Extraction:
    """:func:`extract_string` on the file at ``path``; relative bibliographies named in the
    document are looked up next to it. DocumentError when the file cannot be read."""
    from refkeeper.extract.documents import read_text

    p = Path(path)
    if kind is not None and kind not in KINDS:
        raise DocumentError(f"unknown kind {kind!r}; choose from {', '.join(KINDS)}", str(path))
    text = read_text(p)
    kind = kind or detect_kind(text, p)
    return extract_string(
        text, kind=kind, source=str(path), base_dir=p.parent, bibliography=bibliography
    )


__all__ = ["KINDS", "detect_kind", "extract_file", "extract_string"]
