"""Formatted bibliographies in any CSL style, rendered by pandoc's citeproc.

Engine: pandoc (the binary shipped by the ``pypandoc-binary`` wheel), run as
``pandoc --citeproc`` over the CSL-JSON export with every item cited in citation order, to
pandoc's JSON document; refkeeper marks where each entry, its label ("1.") and its body start
and has pandoc write that as text, Markdown or HTML, so it can cut the output into entries,
cache them, and assemble the bibliography. (A Lua filter marking the entries in one run costs
as much: ~0.5 s per 1,000 entries either way, on top of ~1 s of citeproc.)

Why pandoc and not citeproc-py, measured (``python bench/bench_export.py --engines``: 200
varied real records, six styles, entries compared with ``pandoc --citeproc`` run directly):
citeproc-py 0.11 matches pandoc on almost no entry (200/200 differ for nlm-citation-sequence,
american-medical-association, nature, elsevier-vancouver; harvard-cite-them-right 198; apa 44,
and it does not sort apa or harvard entries): "1995Oct15", "1.Timmons" (no space after the
label), editors repeated in book entries, and slower (apa 3.8 s against 0.9 s). Patching its
output would be an endless chase; pandoc is the reference and is shipped as a wheel
(pypandoc-binary). refkeeper's pandoc engine differs from pandoc alone on 4 of 1,200 entries,
all pandoc faults corrected in the style (a ``<label>`` placed before the names when the style
gives no ``<name>``: ", editorsBosman F, ..."), see :func:`refkeeper.export.styles.fix_style`
and tests/data/export/expected-differences.json.

Speed: pandoc 3 spends ~25 s on given-name disambiguation of 1,000 APA citations, which only
changes in-text citations; see ``_render_all`` for how refkeeper avoids it exactly. Entries
of numeric styles are independent, so large sets are rendered by one pandoc per core. A cold
Vancouver bibliography of 1,000 records takes ~1.1 s on 2 cores (1.9 s on one), a repeat run
~0.06 s from the entry cache.

Order: numeric styles (``citation-format="numeric"`` sorted by citation number) list the works
in the order given (citation order); other styles sort as the style says (alphabetical).

Cache: formatted entries are cached per (style, output format, record content hash): for
numeric styles the entry body is independent of its position (the label is a template "{n}."),
so only new or changed records are rendered; for other styles an entry's cache key also holds
the hashes of the works it could be disambiguated against (same first author and year), and
the order is cached per set of works.
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
import os
import re
import sqlite3
import subprocess
import tempfile
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from refkeeper.errors import InputError, StyleError
from refkeeper.export import _csl
from refkeeper.export.csljson import to_csl_items
from refkeeper.export.styles import Style, load_style
from refkeeper.fsutil import usable_sqlite_cache
from refkeeper.models import CSLItem, Work

logger = logging.getLogger("refkeeper.cache")

FORMATS = ("text", "markdown", "html")
_PANDOC_TO = {"text": "plain", "markdown": "markdown-smart", "html": "html"}
_SEP = "RKSEP7F3A"
_MARK = re.compile(rf"^(?:<p>)?{_SEP}(ENTRY|LABEL|BODY|END)([\w:.-]*)(?:</p>)?\s*$", re.MULTILINE)
_NUMBER = "\x00N\x00"
_CACHE_VERSION = "2"  # bump when the rendering changes (2: markdown without smart dashes)


@dataclass(frozen=True, slots=True)
class Rendered:
    """One entry as pandoc rendered it: item index, label ("" if none), body."""

    index: int
    label: str
    body: str


class EntryCache:
    """Formatted entries by key: in memory, and in SQLite at ``path`` when given."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self._memory: dict[str, str] = {}
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            usable_sqlite_cache(path, "formatted-entry cache")
            self._db = sqlite3.connect(str(path), check_same_thread=False)
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, value TEXT)"
            )
            self._db.commit()

    def get_many(self, keys: Sequence[str]) -> dict[str, str]:
        with self._lock:
            found = {k: self._memory[k] for k in keys if k in self._memory}
            missing = [k for k in keys if k not in found]
            if self._db is not None and missing:
                try:
                    for start in range(0, len(missing), 500):
                        chunk = missing[start : start + 500]
                        marks = ",".join("?" * len(chunk))
                        rows = self._db.execute(
                            f"SELECT key, value FROM entries WHERE key IN ({marks})", chunk
                        ).fetchall()
                        for key, value in rows:
                            found[key] = value
                            self._memory[key] = value
                except sqlite3.DatabaseError as exc:
                    self._damaged(exc)
            return found

    def _damaged(self, exc: sqlite3.DatabaseError) -> None:
        """Damage found while in use: go on in memory; the next run sets the file aside."""
        if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
            return
        logger.warning(
            "warning: the formatted-entry cache %s cannot be used (%s); going on without it",
            self.path,
            exc,
        )
        self.close()

    def get(self, key: str) -> str | None:
        return self.get_many([key]).get(key)

    def put_many(self, values: dict[str, str]) -> None:
        if not values:
            return
        with self._lock:
            self._memory.update(values)
            if self._db is not None:
                try:
                    self._db.executemany(
                        "INSERT OR REPLACE INTO entries (key, value) VALUES (?, ?)",
                        values.items(),
                    )
                    self._db.commit()
                except sqlite3.DatabaseError as exc:
                    self._damaged(exc)

    def __len__(self) -> int:
        return len(self._memory)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


_DEFAULT_CACHE = EntryCache()


@lru_cache(maxsize=1)
def pandoc_path() -> str:
    """The pandoc binary: the one of pypandoc-binary (or the system's, found by pypandoc)."""
    try:
        import pypandoc

        path = str(pypandoc.get_pandoc_path())
    except (ImportError, OSError) as exc:
        raise StyleError(f"pandoc is needed to format bibliographies: {exc}") from exc
    return path


def item_hash(item: CSLItem) -> str:
    """Content hash of a CSL item, its id left out (the key does not change the entry)."""
    data = {k: v for k, v in item.items() if k != "id"}
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _run_pandoc(args: list[str], folder: Path, style: Style, stdin: bytes | None = None) -> bytes:
    done = subprocess.run(
        [pandoc_path(), *args], cwd=folder, input=stdin, capture_output=True, check=False
    )
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise StyleError(
            f"pandoc could not format the bibliography in style {style.name!r}: "
            + (message[-1] if message else f"exit status {done.returncode}")
        )
    return done.stdout


def render_pandoc(
    items: Sequence[CSLItem], style: Style, fmt: str, *, xml: str | None = None
) -> list[Rendered]:
    """Render the items (all cited, in this order) with pandoc; entries in bibliography order.

    Two runs: ``--citeproc`` to pandoc's JSON document, where each entry, its label and body
    are marked (see :func:`mark_entries`), then JSON to the output format. ``xml`` replaces
    the style's XML (used for the style without given-name disambiguation).
    """
    if not items:
        return []
    renamed = [{**item, "id": f"k{i}"} for i, item in enumerate(items)]
    with tempfile.TemporaryDirectory(prefix="refkeeper-citeproc-") as tmp:
        folder = Path(tmp)
        (folder / "refs.json").write_text(json.dumps(renamed, ensure_ascii=False), "utf-8")
        (folder / "style.csl").write_text(xml or style.xml, "utf-8")
        cites = ", ".join(f"@k{i}" for i in range(len(items)))
        (folder / "doc.md").write_text(f"---\nnocite: |\n  {cites}\n---\n", "utf-8")
        args = ["doc.md", "--citeproc", "--bibliography=refs.json", "--csl=style.csl"]
        document = json.loads(_run_pandoc([*args, "--to=json"], folder, style))
        document["blocks"] = mark_entries(document["blocks"])
        document["meta"] = {}
        stdin = json.dumps(document, ensure_ascii=False).encode("utf-8")
        args = ["--from=json", f"--to={_PANDOC_TO[fmt]}", "--wrap=none"]
        output = _run_pandoc(args, folder, style, stdin)
    return _split(output.decode("utf-8"), fmt)


def _marker(text: str) -> dict[str, Any]:
    return {"t": "Para", "c": [{"t": "Str", "c": _SEP + text}]}


def _has_class(element: dict[str, Any], name: str) -> bool:
    return name in element["c"][0][1]


def mark_entries(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Pandoc JSON blocks after citeproc -> the entries only, each preceded by a marker
    paragraph (ENTRY<id>), its label ("1.") and body preceded by LABEL and BODY markers."""
    out: list[dict[str, Any]] = []
    for block in blocks:
        if block["t"] != "Div" or block["c"][0][0] != "refs":
            continue
        for entry in block["c"][1]:
            if entry["t"] != "Div":
                continue
            out.append(_marker("ENTRY" + entry["c"][0][0]))
            kids = entry["c"][1]
            first = kids[0] if kids else None
            inlines = first["c"] if first and first["t"] in ("Para", "Plain") else []
            if inlines and inlines[0]["t"] == "Span" and _has_class(inlines[0], "csl-left-margin"):
                body: list[dict[str, Any]] = []
                for inline in inlines[1:]:
                    if inline["t"] == "Span" and _has_class(inline, "csl-right-inline"):
                        body.extend(inline["c"][1])
                    else:
                        body.append(inline)
                out += [_marker("LABEL"), {"t": "Plain", "c": inlines[0]["c"][1]}]
                out += [_marker("BODY"), {"t": "Para", "c": body}, *kids[1:]]
            elif first and first["t"] == "Div" and _has_class(first, "csl-left-margin"):
                out += [_marker("LABEL"), *first["c"][1], _marker("BODY")]
                for kid in kids[1:]:
                    out += kid["c"][1] if kid["t"] == "Div" else [kid]
            else:
                out += [_marker("BODY"), *kids]
    out.append(_marker("END"))
    return out


def _split(output: str, fmt: str) -> list[Rendered]:
    entries: list[Rendered] = []
    marks = list(_MARK.finditer(output))
    current: dict[str, str] = {}
    index = -1

    def flush() -> None:
        if index >= 0:
            entries.append(Rendered(index, current.get("LABEL", ""), current.get("BODY", "")))

    for mark, following in zip(marks, [*marks[1:], None], strict=True):
        kind, ident = mark.group(1), mark.group(2)
        end = following.start() if following is not None else len(output)
        chunk = output[mark.end() : end].strip()
        if fmt != "html":
            chunk = _collapse(chunk)
        if kind == "ENTRY":
            flush()
            current = {}
            index = int(ident.removeprefix("ref-k"))
        elif kind in ("LABEL", "BODY"):
            current[kind] = chunk
        else:
            flush()
            index = -1
    return entries


def _label_template(rendered: Sequence[Rendered], order: Sequence[int]) -> str | None:
    """The label template ("{n}.") of labels "1.", "2." ..., or None if they are not one."""
    template: str | None = None
    for number, entry in enumerate(rendered, start=1):
        if entry.index != order[number - 1] or str(number) not in entry.label:
            return None
        guess = entry.label.replace(str(number), _NUMBER, 1)
        if template is None:
            template = guess
        elif guess != template:
            return None
    return template


@dataclass(frozen=True, slots=True)
class Numbering:
    """A numbered document's own numbers, kept in a numeric style's formatted list.

    ``labels``: the document's number of each work, in the order of the works given;
    ``same_as``: the number of a list entry that repeats another work -> that work's number
    (the formatted list keeps the slot: "36. Same work as 12.")."""

    labels: tuple[str, ...]
    same_as: tuple[tuple[str, str], ...] = ()

    def usable(self, count: int) -> bool:
        """Whole, distinct numbers, one per work."""
        numbers = [*self.labels, *(dup for dup, _ in self.same_as)]
        return (
            len(self.labels) == count
            and all(n.isdigit() for n in numbers)
            and len({int(n) for n in numbers}) == len(numbers)
        )


def renumber(
    entries: Sequence[tuple[str, str, str]], numbering: Numbering, template: str
) -> list[tuple[str, str, str]]:
    """Numeric entries (in the works' order) relabelled with the document's numbers, a
    "Same work as N." entry in each duplicate's slot, sorted by number."""
    keys = {number: key for (key, _, _), number in zip(entries, numbering.labels, strict=True)}
    out = [
        (int(number), (key, template.replace(_NUMBER, number), body))
        for (key, _, body), number in zip(entries, numbering.labels, strict=True)
    ]
    for dup, first in numbering.same_as:
        entry = (f"{keys.get(first, first)}-{dup}", template.replace(_NUMBER, dup))
        out.append((int(dup), (*entry, f"Same work as {first}.")))
    return [entry for _, entry in sorted(out)]


def _group(item: CSLItem) -> str:
    names = _csl.names(item, "author") or _csl.names(item, "editor")
    first = ""
    if names:
        parts = _csl.name_parts(names[0])
        first = (parts[0] or parts[3]).lower() if parts else ""
    return f"{first}|{_csl.issued(item).year}"


def format_entries(
    works: Sequence[Work],
    style: str | Style,
    fmt: str = "text",
    *,
    cache: EntryCache | None = None,
    numbering: Numbering | None = None,
) -> list[tuple[str, str, str]]:
    """(citation key, label, body) of every entry, in bibliography order. ``numbering``:
    a numeric style labels the entries with a numbered document's own numbers."""
    if fmt not in FORMATS:
        raise InputError(f"unknown bibliography format {fmt!r}: choose from {', '.join(FORMATS)}")
    loaded = style if isinstance(style, Style) else load_style(style)
    cache = _DEFAULT_CACHE if cache is None else cache
    items = to_csl_items(works)
    if "abstract" not in loaded.xml:  # the longest variable, and pandoc's slowest to read
        for item in items:
            item.pop("abstract", None)
    if not items:
        return []
    keys = [str(i["id"]) for i in items]
    hashes = [item_hash(i) for i in items]
    prefix = f"v{_CACHE_VERSION}|{loaded.digest}|{fmt}"
    if loaded.numeric and not loaded.reorders:
        result = _numeric(items, hashes, loaded, fmt, cache, prefix)
        if result is not None:
            template, numbered = result
            entries = [(keys[i], label, body) for i, label, body in numbered]
            if numbering is not None and numbering.usable(len(entries)):
                return renumber(entries, numbering, template)
            return entries
    groups: dict[str, list[str]] = {}
    for item, digest in zip(items, hashes, strict=True):
        groups.setdefault(_group(item), []).append(digest)
    context = [
        hashlib.sha256("".join(sorted(groups[_group(i)])).encode()).hexdigest()[:16] for i in items
    ]
    entry_keys = [f"{prefix}|e|{h}|{c}" for h, c in zip(hashes, context, strict=True)]
    order_key = f"{prefix}|order|" + hashlib.sha256("".join(hashes).encode()).hexdigest()
    found = cache.get_many([*entry_keys, order_key])
    if order_key in found and all(k in found for k in entry_keys):
        order = [int(x) for x in json.loads(found[order_key])]
        out = []
        for i in order:
            label, _, body = found[entry_keys[i]].partition("\x00")
            out.append((keys[i], label, body))
        return out
    rendered = _render_all(items, loaded, fmt)
    values = {entry_keys[r.index]: f"{r.label}\x00{r.body}" for r in rendered}
    values[order_key] = json.dumps([r.index for r in rendered])
    cache.put_many(values)
    return [(keys[r.index], r.label, r.body) for r in rendered]


def _render_all(items: Sequence[CSLItem], style: Style, fmt: str) -> list[Rendered]:
    """Render every item, order included; given-name disambiguation kept correct but fast.

    Two works can only be told apart by disambiguation if their citations could look alike,
    which needs the same first author (or editor, or none) and the same year. So: render all
    works once without given-name disambiguation (for the order and the other entries), then
    the works of such groups together with the full style, and use those entries.
    """
    if style.fast_xml is None:
        return render_pandoc(items, style, fmt)
    rendered = render_pandoc(items, style, fmt, xml=style.fast_xml)
    groups: dict[str, list[int]] = {}
    for index, item in enumerate(items):
        groups.setdefault(_group(item), []).append(index)
    clash = sorted(i for members in groups.values() if len(members) > 1 for i in members)
    if not clash:
        return rendered
    again = render_pandoc([items[i] for i in clash], style, fmt)
    better = {clash[r.index]: r for r in again}
    return [
        Rendered(r.index, r.label, better[r.index].body) if r.index in better else r
        for r in rendered
    ]


PARALLEL_CHUNK = 400
"""Numeric bibliographies with more new entries than this are rendered in parallel chunks."""


def _chunks(todo: list[int], size: int) -> list[list[int]]:
    if len(todo) <= size:
        return [todo]
    count = min(os.cpu_count() or 1, -(-len(todo) // size))
    step = -(-len(todo) // count)
    return [todo[start : start + step] for start in range(0, len(todo), step)]


def _numeric(
    items: Sequence[CSLItem],
    hashes: Sequence[str],
    style: Style,
    fmt: str,
    cache: EntryCache,
    prefix: str,
) -> tuple[str, list[tuple[int, str, str]]] | None:
    """Numeric styles: the label template ("\\0N\\0.") and the entries, rendering only those
    not cached; None if labels are not templates."""
    entry_keys = [f"{prefix}|n|{h}" for h in hashes]
    label_key = f"{prefix}|label"
    found = cache.get_many([*entry_keys, label_key])
    missing = [i for i, k in enumerate(entry_keys) if k not in found]
    template = found.get(label_key)
    if missing or template is None:
        todo = missing or [0]
        # Entries of a numeric style do not depend on each other: render large sets in
        # parallel chunks (one pandoc per core), each numbered from 1.
        chunks = _chunks(todo, PARALLEL_CHUNK)
        with ThreadPoolExecutor(max_workers=min(len(chunks), os.cpu_count() or 1)) as pool:
            results = list(
                pool.map(lambda c: render_pandoc([items[i] for i in c], style, fmt), chunks)
            )
        values: dict[str, str] = {}
        for chunk, rendered in zip(chunks, results, strict=True):
            guess = _label_template(rendered, range(len(chunk)))
            if guess is None or (template is not None and guess != template):
                return None
            template = guess
            values.update({entry_keys[chunk[r.index]]: r.body for r in rendered})
        if template is None:
            return None
        values[label_key] = template
        cache.put_many(values)
        found.update(values)
    numbered = enumerate(entry_keys, start=1)
    return template, [(n - 1, template.replace(_NUMBER, str(n)), found[k]) for n, k in numbered]


def assemble(entries: Sequence[tuple[str, str, str]], fmt: str) -> str:
    """Entries (key, label, body) -> the bibliography as text, Markdown or HTML."""
    if fmt == "html":
        lines = ['<div id="refs" class="references csl-bib-body" role="list">']
        for key, label, body in entries:
            ident = html.escape(f"ref-{key}", quote=True)
            if label:
                lines.append(
                    f'<div id="{ident}" class="csl-entry" role="listitem">'
                    f'<div class="csl-left-margin">{label} </div>'
                    f'<div class="csl-right-inline">{body}</div></div>'
                )
            else:
                lines.append(f'<div id="{ident}" class="csl-entry" role="listitem">{body}</div>')
        lines.append("</div>")
        return "\n".join(lines) + "\n"
    parts = [f"{label} {body}" if label else body for _, label, body in entries]
    separator = "\n\n" if fmt == "markdown" else "\n"
    return separator.join(parts) + ("\n" if parts else "")


def format_bibliography(
    works: Sequence[Work],
    style: str,
    fmt: str = "text",
    *,
    cache: EntryCache | None = None,
    numbering: Numbering | None = None,
) -> str:
    """The works' bibliography in CSL ``style`` (name or .csl path) as ``fmt``
    (``text``, ``markdown`` or ``html``). Numeric styles keep the citation order given, and
    with ``numbering`` a numbered document's own numbers."""
    return assemble(format_entries(works, style, fmt, cache=cache, numbering=numbering), fmt)
