"""Reading documents from disk: the only I/O of the extract package.

``read_text`` turns a path into text or raises :class:`~refkeeper.errors.DocumentError` with a
one-line message naming the file, the line and the problem (missing, a directory, binary,
not valid UTF-8 with the line and byte offset where decoding failed, empty).
"""

from __future__ import annotations

import codecs
from pathlib import Path

from refkeeper.errors import DocumentError

_SNIFF = 8192
MAX_DOCUMENT_MB = 10
"""The largest document refkeeper reads (a book-length manuscript is 1-2 MB of text); a
larger one is refused with a one-line message rather than read into memory (extraction
and its audit take about 25 times a document's size)."""


def decode(data: bytes, path: str = "<bytes>") -> str:
    """Decode document bytes: UTF-8 (with or without BOM) or UTF-16 with a BOM.

    Line endings are normalised to ``\\n``; spans index into the returned text.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise DocumentError(f"not valid UTF-16 at byte offset {exc.start}", path) from None
    else:
        nul = data.find(b"\x00", 0, _SNIFF)
        if nul >= 0:
            line = data.count(b"\n", 0, nul) + 1
            raise DocumentError(
                f"binary file, not a text document (NUL byte at byte offset {nul})", path, line
            )
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1)
            bad = data[exc.start : exc.start + 1].hex()
            raise DocumentError(
                f"not valid UTF-8 at byte offset {exc.start} (column {column}, byte 0x{bad}); "
                "save the file as UTF-8",
                path,
                line,
            ) from None
    text = text.removeprefix("\ufeff")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def read_text(path: Path | str, *, max_mb: float | None = None) -> str:
    """The text of the document at ``path``; DocumentError when it cannot be used (or is
    larger than ``max_mb`` megabytes)."""
    p = Path(path)
    name = str(path)
    data = read_bytes(p, max_mb=max_mb)
    try:
        text = decode(data, name)
    except DocumentError as exc:
        hint = _CONVERT.get(p.suffix.lower())
        if hint and exc.problem.startswith(("binary", "not valid")):
            raise DocumentError(f"a binary {p.suffix} file: {hint}", name) from None
        raise
    if not text.strip():
        raise DocumentError("empty document", name)
    return text


_CONVERT = {
    ".doc": "save it as .docx in Word (File > Save As) and give refkeeper the .docx",
    ".odt": "convert it: pandoc paper.odt -o paper.md (or save it as .docx)",
    ".rtf": "convert it: pandoc paper.rtf -o paper.md (or save it as .docx)",
    ".pages": "export it from Pages as .docx",
    ".pdf": "refkeeper reads the manuscript's source (.docx, .md, .tex, .txt), not a PDF",
}


def read_bytes(path: Path | str, *, max_mb: float | None = None) -> bytes:
    """The bytes of the file at ``path`` (a .docx is read as such); DocumentError when it is
    missing, a directory, unreadable, larger than ``max_mb`` megabytes or empty."""
    p = Path(path)
    name = str(path)
    if not p.exists():
        raise DocumentError("no such file", name)
    if p.is_dir():
        raise DocumentError("is a directory, not a document", name)
    if max_mb is not None:
        try:
            size = p.stat().st_size
        except OSError as exc:
            raise DocumentError(f"cannot read: {exc.strerror or exc}", name) from None
        if size > max_mb * 2**20:
            raise DocumentError(
                f"{size / 2**20:.1f} MB is more than the {max_mb:g} MB a document may have; "
                "split it into several documents",
                name,
            )
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise DocumentError(f"cannot read: {exc.strerror or exc}", name) from None
    if not data:
        raise DocumentError("empty document", name)
    return data
