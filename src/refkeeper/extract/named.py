"""The bibliography files a document names (pure): the YAML front matter's ``bibliography:``
of a Markdown document, ``\\bibliography{a,b}`` and ``\\addbibresource{x.bib}`` of a LaTeX
document. These are inputs: refkeeper reads them and must never write to them. Each adapter
of the registry says which files its kind names (``Adapter.names``)."""

from __future__ import annotations

import re

from refkeeper.extract.markdown_syntax import FRONT_MATTER

_LATEX_NAMES = re.compile(r"\\(?:bibliography|addbibresource)\b")


def bibliographies_in(text: str) -> list[str]:
    """The bibliography paths ``text`` names whatever its kind (no detection: a front
    matter's ``bibliography:``, then LaTeX's commands); fast on long documents."""
    names = named_bibliographies(text, "markdown") if FRONT_MATTER.match(text) else []
    if _LATEX_NAMES.search(text):
        names += named_bibliographies(text, "latex")
    return list(dict.fromkeys(names))


def named_bibliographies(text: str, kind: str) -> list[str]:
    """The bibliography paths ``text`` names, as written (relative to the document's folder
    unless absolute), in document order; [] for kinds that cannot name one."""
    from refkeeper.extract.registry import REGISTRY

    adapter = REGISTRY.get(kind)
    if adapter is None or adapter.names is None:
        return []
    return [name for _, name in sorted((at, name) for name, at in adapter.names(text)) if name]
