"""Extraction: document text -> claims, references and links (pure, with file-reading twins).

    >>> from refkeeper.extract import extract_string
    >>> extraction = extract_string(text, kind="who")

One format adapter per input kind, registered in :mod:`refkeeper.extract.registry` (``KINDS``),
over one shared assembly (:mod:`refkeeper.extract.assembly`: sentences -> clean claims -> links
-> findings); :func:`detect_kind` picks a kind from the file extension and the content, and
every entry point lets the caller force it. Adapters are pure; the bibliography files a
document names are read here, at the edge, and handed to them. Every claim and reference keeps
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

from dataclasses import replace
from pathlib import Path

from refkeeper.errors import DocumentError
from refkeeper.extract.registry import (
    KINDS,
    LIBRARY_KINDS,
    REGISTRY,
    Adapter,
    Inputs,
    detect_kind,
)
from refkeeper.models import Extraction, Finding, Reference


def extract_string(
    text: str,
    *,
    kind: str | None = None,
    source: str = "<string>",
    base_dir: Path | None = None,
    bibliography: Path | None = None,
) -> Extraction:
    """Claims, references, links and findings of ``text``.

    ``kind`` forces the adapter (one of ``KINDS``); ``base_dir`` is where relative
    bibliography paths named in the document are looked up (default: the working directory);
    ``bibliography`` is an extra library file for Markdown and LaTeX citations.
    """
    if kind is not None and kind not in KINDS:
        raise DocumentError(f"unknown kind {kind!r}; choose from {', '.join(KINDS)}", source)
    if not text.strip():
        raise DocumentError("empty document", source)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    adapter = REGISTRY[kind or detect_kind(text, source if source != "<string>" else None)]
    return extract_with(adapter, text, source, read_inputs(adapter, text, base_dir, bibliography))


def read_inputs(
    adapter: Adapter, text: str, base_dir: Path | None, bibliography: Path | None
) -> Inputs:
    """The I/O of extraction: the extra library and the bibliographies the document names
    (relative to ``base_dir``), read before the pure adapter runs."""
    if adapter.library or adapter.names is None:
        return Inputs()
    from refkeeper.extract.libraries import load_bibliography, read_library
    from refkeeper.extract.sentences import LineIndex

    library: tuple[Reference, ...] = ()
    if bibliography is not None:
        refs, _ = read_library(bibliography)
        library = tuple(refs)
    named: dict[str, tuple[list[Reference], list[Finding]]] = {}
    names = adapter.names(text)
    index = LineIndex(text) if names else None
    for name, at in names:
        if name not in named and index is not None:
            span = index.span(at, at) if adapter.kind == "latex" else None
            named[name] = load_bibliography(name, base_dir, named_in=adapter.named_in, span=span)
    return Inputs(library, named)


def extract_with(adapter: Adapter, text: str, source: str, inputs: Inputs) -> Extraction:
    """Run ``adapter`` (pure) and count the document's reference-like blocks: those no
    reference covers become ``unread-reference-block`` findings."""
    return _count_blocks(adapter, adapter.run(text, source, inputs))


def _count_blocks(adapter: Adapter, extraction: Extraction) -> Extraction:
    text = extraction.text
    if adapter.form == "fields":
        return extraction  # it knows which of its blocks are generated output and counts them
    if adapter.library:
        n = len(extraction.references)
        return replace(extraction, blocks_seen=n, blocks_read=n)
    from refkeeper.extract.blocks import block_findings, not_text_regions

    seen, read, unread = block_findings(
        text, extraction.references, lambda: not_text_regions(text, adapter.kind), extraction.claims
    )
    return replace(
        extraction,
        findings=extraction.findings + tuple(unread),
        blocks_seen=seen,
        blocks_read=read,
    )


def extract_file(
    path: str | Path, *, kind: str | None = None, bibliography: Path | None = None
) -> Extraction:
    """:func:`extract_string` on the file at ``path``; relative bibliographies named in the
    document are read from next to it. DocumentError when the file cannot be read."""
    from refkeeper.extract.documents import MAX_DOCUMENT_MB, read_text

    p = Path(path)
    if kind is not None and kind not in KINDS:
        raise DocumentError(f"unknown kind {kind!r}; choose from {', '.join(KINDS)}", str(path))
    from refkeeper.extract.libraries import EXTENSIONS as LIBRARY_EXTENSIONS

    adapter = REGISTRY.get(kind or detect_kind("", p))
    if adapter is not None and adapter.binary is not None:  # a .docx: the adapter reads bytes
        from refkeeper.extract.documents import read_bytes

        data = read_bytes(p, max_mb=MAX_DOCUMENT_MB)
        return _count_blocks(adapter, adapter.binary(data, str(path)))
    library = (kind or LIBRARY_EXTENSIONS.get(p.suffix.lower())) in LIBRARY_KINDS
    text = read_text(p, max_mb=None if library else MAX_DOCUMENT_MB)  # libraries: any size
    kind = kind or detect_kind(text, p)
    return extract_string(
        text, kind=kind, source=str(path), base_dir=p.parent, bibliography=bibliography
    )


__all__ = ["KINDS", "LIBRARY_KINDS", "detect_kind", "extract_file", "extract_string"]
