"""Safe, fast XML parsing for E-utilities answers (pure).

lxml with entity expansion, DTD loading and network access all switched off: an answer can
name NCBI's DTD in its DOCTYPE, but nothing is ever fetched or expanded. Every way an answer
can be "not an answer" (an HTML page, a truncated document, an ``<ERROR>`` element) becomes a
:class:`refkeeper.errors.ResponseError` with a one-line message.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from refkeeper.errors import ResponseError

__all__ = [
    "clean_text",
    "unsafe_characters",
    "parse_xml",
    "safe_parser",
    "text_of",
    "flat_text",
    "looks_like_html",
    "check_error_elements",
]

_HTML_RE = re.compile(
    rb"^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!DOCTYPE\s+html|<html\b|<head\b|<body\b)", re.I
)


# C0 controls other than whitespace, DEL, C1 controls (U+009B is a terminal's CSI), and the
# bidi embeddings, overrides and isolates that reorder what a reader sees.
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean_text(text: str) -> str:
    """``text`` without control characters and bidi overrides (pure)."""
    return _UNSAFE.sub("", text)


def unsafe_characters(element: Any) -> tuple[str, ...]:
    """The control and bidi-override characters in the text of ``element``, as sorted
    ``U+XXXX`` names (empty for a clean record)."""
    found = {c for text in element.itertext() for c in _UNSAFE.findall(text)}
    return tuple(sorted(f"U+{ord(c):04X}" for c in found))


def safe_parser() -> Any:
    """An lxml parser that never expands entities, loads a DTD or touches the network."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=True,
        remove_comments=True,
        remove_pis=True,
    )


def looks_like_html(data: bytes) -> bool:
    """True when the bytes are an HTML page (NCBI's error pages, efetch without retmode)."""
    return bool(_HTML_RE.match(data[:2048]))


def parse_xml(data: bytes, *, what: str, root: str | tuple[str, ...] | None = None) -> Any:
    """Parse ``data`` into an lxml element; ``what`` names the answer in error messages.

    ``root`` (one tag or several) is the expected root element. Raises ResponseError for an
    empty answer, an HTML page, malformed or truncated XML, an unexpected root, or an
    ``<ERROR>`` element directly under the root.
    """
    if not isinstance(data, bytes | bytearray):
        raise TypeError(f"{what}: expected bytes, got {type(data).__name__}")
    if not data.strip():
        raise ResponseError(f"{what}: empty answer")
    if looks_like_html(data):
        title = re.search(rb"<title>(.*?)</title>", data[:4096], re.I | re.S)
        hint = f" ({title.group(1).decode('utf-8', 'replace').strip()})" if title else ""
        raise ResponseError(f"{what}: got an HTML page instead of XML{hint}")
    try:
        element = etree.fromstring(bytes(data), safe_parser())
    except etree.XMLSyntaxError as exc:
        raise ResponseError(f"{what}: malformed or truncated XML: {exc}") from None
    if element is None:  # pragma: no cover - lxml raises for empty input
        raise ResponseError(f"{what}: no XML document")
    if root is not None:
        expected = (root,) if isinstance(root, str) else root
        if element.tag not in expected:
            check_error_elements(element, what=what)
            wanted = "> or <".join(expected)
            raise ResponseError(
                f"{what}: unexpected root element <{element.tag}>, expected <{wanted}>"
            )
    check_error_elements(element, what=what)
    return element


def check_error_elements(element: Any, *, what: str) -> None:
    """Raise ResponseError when the root is or holds an ``<ERROR>`` element."""
    errors = [element] if element.tag == "ERROR" else element.findall("ERROR")
    messages = [m for e in errors if (m := flat_text(e))]  # an empty <ERROR/> is no error
    if messages:
        raise ResponseError(f"{what}: NCBI reported an error: {'; '.join(messages)}")


def text_of(element: Any, path: str) -> str | None:
    """Flattened, whitespace-collapsed text of the first ``path`` under ``element``, or None."""
    found = element.find(path)
    if found is None:
        return None
    text = flat_text(found)
    return text or None


def flat_text(element: Any) -> str:
    """All text inside ``element`` (inline markup such as <i>, <sup>, MathML flattened),
    without control characters or bidi overrides."""
    if len(element):
        text = "".join(element.itertext())
    else:
        text = element.text or ""
    return " ".join(clean_text(text).split())
