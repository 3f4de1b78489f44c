"""The I/O twins of the serialisers: each writes its text atomically (temp file + os.replace)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from refkeeper.errors import InputError
from refkeeper.export.bibliography import EntryCache, format_bibliography
from refkeeper.export.bibtex import to_bibtex
from refkeeper.export.csljson import to_csl_json
from refkeeper.export.ris import to_ris
from refkeeper.fsutil import atomic_write_text
from refkeeper.models import Work


def write_atomic(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` so readers see the old file or the new, never half."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise InputError("cannot write: no such directory", str(folder))
    atomic_write_text(target, text)
    return target


def write_bibtex(
    path: str | os.PathLike[str],
    works: Sequence[Work],
    *,
    biblatex: bool = False,
    ascii: bool = False,
    journal: str = "full",
) -> Path:
    return write_atomic(path, to_bibtex(works, biblatex=biblatex, ascii=ascii, journal=journal))


def write_csl_json(path: str | os.PathLike[str], works: Sequence[Work]) -> Path:
    return write_atomic(path, to_csl_json(works))


def write_ris(
    path: str | os.PathLike[str], works: Sequence[Work], *, journal: str = "full"
) -> Path:
    return write_atomic(path, to_ris(works, journal=journal))


def write_bibliography(
    path: str | os.PathLike[str],
    works: Sequence[Work],
    style: str,
    fmt: str = "text",
    *,
    cache: EntryCache | None = None,
) -> Path:
    return write_atomic(path, format_bibliography(works, style, fmt, cache=cache))
