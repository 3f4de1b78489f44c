"""The bibliography files a document names (pure): the YAML front matter's ``bibliography:``
of a Markdown document, ``\\bibliography{a,b}`` and ``\\addbibresource{x.bib}`` of a LaTeX
document. These are inputs: refkeeper reads them and must never write to them."""

from __future__ import annotations

from refkeeper.extract.latex import _COMMENT, ADDBIBRESOURCE, BIBLIOGRAPHY
from refkeeper.extract.markdown import _bibliography_paths
from refkeeper.extract.markdown_syntax import front_matter
from refkeeper.extract.sentences import mask


def named_bibliographies(text: str, kind: str) -> list[str]:
    """The bibliography paths ``text`` names, as written (relative to the document's folder
    unless absolute), in document order; [] for kinds that cannot name one."""
    if kind == "markdown":
        meta, _, _ = front_matter(text)
        return _bibliography_paths(meta)
    if kind != "latex":
        return []
    plain = mask(text, [(m.start(), m.end()) for m in _COMMENT.finditer(text)])
    found: list[tuple[int, str]] = []
    for m in BIBLIOGRAPHY.finditer(plain):
        for name in m.group("names").split(","):
            name = name.strip()
            if name:
                found.append((m.start(), name if name.endswith(".bib") else name + ".bib"))
    found += [(m.start(), m.group("name").strip()) for m in ADDBIBRESOURCE.finditer(plain)]
    return [name for _, name in sorted(found) if name]
