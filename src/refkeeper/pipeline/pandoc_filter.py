"""The pandoc filter (``refkeeper-pandoc``): fills a Markdown manuscript's bibliography from
the project's lock, so that ``pandoc paper.md --filter refkeeper-pandoc --citeproc`` builds the
paper in one command, offline.

pandoc hands the filter its document as JSON; every citation id (``[@pmid:8620427]``,
``[@doi:10.1002/...]``, ``[@isbn:...]`` or a lock key such as ``[@timmons1995epstein]``) that
the lock holds becomes a CSL item under the document's ``references`` metadata, with the id as
written, so that citeproc finds it. References the document already carries (``references:``
or ``bibliography:``) are left alone; an id the lock does not hold is reported."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from refkeeper.config import Settings
from refkeeper.identifiers import normalize_doi, normalize_isbn, normalize_pmcid, normalize_pmid
from refkeeper.library import Lock, LockEntry
from refkeeper.pipeline.outputs import work_for_export


def citation_ids(node: Any) -> Iterator[str]:
    """Every citation id of a pandoc JSON document, in document order (repeats included)."""
    if isinstance(node, dict):
        if node.get("t") == "Cite" and isinstance(node.get("c"), list) and node["c"]:
            for citation in node["c"][0]:
                if isinstance(citation, dict) and isinstance(citation.get("citationId"), str):
                    yield citation["citationId"]
        for value in node.values():
            yield from citation_ids(value)
    elif isinstance(node, list):
        for value in node:
            yield from citation_ids(value)


def _identifiers(entry: LockEntry) -> set[str]:
    work = entry.work
    found = {entry.key.lower()}
    if entry.pinned:
        found.add(entry.pinned.lower())
    if work is not None:
        found.add(work.id.lower())
        for scheme, value in (
            ("pmid", work.pmid),
            ("doi", work.doi),
            ("pmcid", work.pmcid),
            ("isbn", work.isbn),
        ):
            if value:
                found.add(f"{scheme}:{value}".lower())
    return found


def _normal(citation_id: str) -> str:
    """``PMID:08620427`` -> ``pmid:8620427``, ``doi:10.1000/X`` -> ``doi:10.1000/x``."""
    scheme, _, value = citation_id.partition(":")
    checks = {
        "pmid": normalize_pmid,
        "doi": normalize_doi,
        "pmcid": normalize_pmcid,
        "pmc": normalize_pmcid,
        "isbn": normalize_isbn,
    }
    check = checks.get(scheme.lower())
    if check is None or not value:
        return citation_id.lower()
    if scheme.lower() == "pmc" and not value.upper().startswith("PMC"):
        value = "PMC" + value
    normal = check(value)
    name = "pmcid" if scheme.lower() == "pmc" else scheme.lower()
    return f"{name}:{normal}".lower() if normal else citation_id.lower()


def lock_items(
    lock: Lock, ids: list[str]
) -> tuple[list[dict[str, Any]], list[str], dict[str, str]]:
    """CSL items for the ids the lock holds (one per work, under the first id the document
    writes it with), the ids it does not hold, and id -> that first id for the other ways
    the document writes the same work (``[@PMID:8620427]`` after ``[@pmid:8620427]``).
    Ignored entries are left out, as from every output."""
    from refkeeper.export.csljson import to_csl_items

    by_id: dict[str, LockEntry] = {}
    for held in lock.entries.values():
        for name in _identifiers(held):
            by_id.setdefault(name, held)
    works, missing = [], []
    first: dict[str, str] = {}  # lock key -> the first id the document cites it by
    same: dict[str, str] = {}
    for citation_id in dict.fromkeys(ids):
        entry = by_id.get(citation_id.lower()) or by_id.get(_normal(citation_id))
        if entry is None or entry.ignored:
            missing.append(citation_id)
            continue
        if entry.key in first:
            same[citation_id] = first[entry.key]
            continue
        first[entry.key] = citation_id
        work = work_for_export(entry)
        works.append(replace(work, id=citation_id, csl={**work.csl, "id": citation_id}))
    return to_csl_items(works), missing, same


def rename_citations(node: Any, names: Mapping[str, str]) -> None:
    """Rewrite, in place, the citation ids of a pandoc JSON document found in ``names``."""
    if isinstance(node, dict):
        if node.get("t") == "Cite" and isinstance(node.get("c"), list) and node["c"]:
            for citation in node["c"][0]:
                if isinstance(citation, dict) and citation.get("citationId") in names:
                    citation["citationId"] = names[citation["citationId"]]
        for value in node.values():
            rename_citations(value, names)
    elif isinstance(node, list):
        for value in node:
            rename_citations(value, names)


def to_meta(value: Any) -> dict[str, Any]:
    """A JSON value as pandoc metadata (MetaMap, MetaList, MetaString, MetaBool)."""
    if isinstance(value, Mapping):
        return {"t": "MetaMap", "c": {str(k): to_meta(v) for k, v in value.items()}}
    if isinstance(value, list | tuple):
        return {"t": "MetaList", "c": [to_meta(v) for v in value]}
    if isinstance(value, bool):
        return {"t": "MetaBool", "c": value}
    return {"t": "MetaString", "c": "" if value is None else str(value)}


def _text(value: Any) -> str:
    """A metadata string: MetaString, or MetaInlines/Str/Space as pandoc reads YAML."""
    if isinstance(value, dict):
        if value.get("t") in ("MetaString", "Str"):
            return str(value.get("c", ""))
        if value.get("t") == "Space":
            return " "
        if value.get("t") in ("MetaInlines", "MetaBlocks", "Plain", "Para"):
            return _text(value.get("c", []))
    if isinstance(value, list):
        return "".join(_text(v) for v in value)
    return ""


def present_ids(meta: Mapping[str, Any]) -> set[str]:
    """The ids the document's own references carry: its ``references`` metadata and the
    bibliography files it names (read as pandoc would, relative to the working directory)."""
    from refkeeper.errors import RefkeeperError
    from refkeeper.extract.libraries import read_library

    ids: set[str] = set()
    refs = meta.get("references")
    if isinstance(refs, dict) and refs.get("t") == "MetaList":
        for item in refs.get("c", []):
            if isinstance(item, dict) and item.get("t") == "MetaMap":
                ids.add(_text(item["c"].get("id")))
    named = meta.get("bibliography")
    files = (
        named.get("c", []) if isinstance(named, dict) and named.get("t") == "MetaList" else [named]
    )
    for name in filter(None, (_text(f) for f in files)):
        try:
            library, _ = read_library(Path(name))
        except (RefkeeperError, OSError):
            continue  # pandoc says so itself
        ids.update(ref.key or ref.id for ref in library)
    return ids


def fill_references(document: dict[str, Any], lock: Lock) -> tuple[dict[str, Any], list[str]]:
    """The pandoc JSON ``document`` with the lock's works for its citations added to its
    ``references`` metadata, and the citation ids the lock does not hold."""
    meta = document.setdefault("meta", {})
    present = present_ids(meta)
    wanted = [i for i in citation_ids(document.get("blocks", [])) if i not in present]
    items, missing, same = lock_items(lock, wanted)
    rename_citations(document.get("blocks", []), same)
    if items:
        existing = meta.get("references")
        listed = (
            existing["c"] if isinstance(existing, dict) and existing.get("t") == "MetaList" else []
        )
        meta["references"] = {"t": "MetaList", "c": [*listed, *(to_meta(i) for i in items)]}
    return document, missing


def fill_from_project(
    document: dict[str, Any], start: Path
) -> tuple[dict[str, Any], list[str], Path]:
    """:func:`fill_references` with the lock of the project found from ``start`` (walking up,
    like every refkeeper command); also the lock's path. InputError when there is none."""
    from refkeeper.config import CONFIG_NAME, LOCK_NAME, find_project_root, load_settings
    from refkeeper.errors import InputError
    from refkeeper.library import read_lock

    root = find_project_root(start)
    if root is None:
        raise InputError(
            f"no {CONFIG_NAME} found in {start.resolve()} or any parent directory (run pandoc "
            "in the project folder, or set REFKEEPER_DIR)"
        )
    lock_path = root / LOCK_NAME
    if not lock_path.exists():
        raise InputError("no lock yet: run 'refkeeper sync' first", str(lock_path))
    filled, missing = fill_references(document, read_lock(lock_path))
    meta = filled.setdefault("meta", {})
    if "csl" not in meta:  # the project's style, as refkeeper's own bibliographies use it
        meta["csl"] = to_meta(str(style_file(load_settings(root))))
    return filled, missing, lock_path


def style_file(settings: Settings) -> Path:
    """The project's CSL style (``[outputs] style``, an alias or a .csl path) with refkeeper's
    corrections of what pandoc renders wrongly, as a file beside the cache for pandoc's
    ``csl`` metadata (written once per style version)."""
    from refkeeper.export.styles import load_style
    from refkeeper.fsutil import atomic_write_text

    style = load_style(settings.outputs.style)
    folder = settings.entry_cache_path.parent / "styles"
    path = folder / f"{style.path.stem}-{style.digest[:12]}.csl"
    if not path.exists():
        atomic_write_text(path, style.xml)
    return path
