"""Citation keys and reference fingerprints (pure).

A key is built from a pattern (default ``{author}{year}{title}`` -> ``timmons1995epstein``),
folded to ASCII and disambiguated with a, b, c...; once a key is in the lock it never changes.
A fingerprint identifies "the same reference as written" across runs, whatever its layout.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from typing import Any

from refkeeper.models import Extraction, Reference
from refkeeper.textfold import spell_out, strip_accents

KEYED_KINDS = frozenset({"markdown", "latex", "bibtex", "csl-json", "ris", "medline"})
"""Input kinds whose citation keys are the author's own (kept as the lock's keys)."""

UNKEYED_KINDS = frozenset({"who", "numbered", "pmid-list", "docx"})
"""Input kinds whose references carry no key the author chose, so the lock makes one from the
resolved work (``{author}{year}{title}``): free-text lists (``r1``, ``r2``), a PMID list
(``pmid:<n>``, an identifier) and Word citation fields (``zotero:<item>``, ``mendeley:<uuid>``,
ids of the reference manager's database). Every kind of the extract registry is in exactly one
of the two sets (a test checks it)."""

STOPWORDS = frozenset(
    """a an the of on in and or for to with from by at as is are was were be its it this that
    these those into via vs versus after before between during under over about among""".split()
)


def ascii_fold(text: str) -> str:
    """``Königsrainer`` -> ``Konigsrainer``; ``ß`` -> ``ss``."""
    return strip_accents(spell_out(text)).encode("ascii", "ignore").decode()


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", ascii_fold(text).lower())


def _first_author(item: Mapping[str, Any]) -> str:
    for role in ("author", "editor"):
        names = item.get(role) or []
        if names:
            first = names[0]
            name = first.get("family") or first.get("literal") or ""
            if first.get("literal"):
                # A collective author: its first significant word.
                words = [w for w in re.findall(r"[\w']+", name) if w.lower() not in STOPWORDS]
                name = words[0] if words else name
            return _slug(str(name))
    return "anon"


def _year(item: Mapping[str, Any]) -> str:
    parts = (item.get("issued") or {}).get("date-parts") or [[]]
    if parts and parts[0]:
        return str(parts[0][0])
    return "nd"


def _title_word(item: Mapping[str, Any]) -> str:
    title = str(item.get("title") or "")
    for word in re.findall(r"[\w'-]+", ascii_fold(title)):
        slug = _slug(word.split("-")[0])
        if slug and slug not in STOPWORDS and not slug.isdigit():
            return slug
    return ""


def make_key(item: Mapping[str, Any], pattern: str) -> str:
    """The base key of a CSL item by the pattern's fields {author} {year} {title}."""
    key = pattern.format(author=_first_author(item), year=_year(item), title=_title_word(item))
    key = re.sub(r"[^A-Za-z0-9_:.-]", "", ascii_fold(key))
    return key or "ref"


def disambiguate(base: str, taken: Iterable[str]) -> str:
    """``base`` if free, else base+a, base+b, ... base+z, base+aa ..."""
    used = set(taken)
    if base not in used:
        return base
    n = 0
    while True:
        suffix = ""
        m = n
        while True:
            suffix = chr(ord("a") + m % 26) + suffix
            m = m // 26 - 1
            if m < 0:
                break
        candidate = base + suffix
        if candidate not in used:
            return candidate
        n += 1


def _norm(text: Any) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", ascii_fold(str(text)).lower()))


def fingerprint(fields: Mapping[str, Any], raw: str) -> str:
    """A stable digest of what a reference says (identifiers, first author, year, title,
    journal, volume, first page); the raw text when nothing was parsed."""
    parts: list[str] = []
    for ident in ("PMID", "PMCID", "DOI", "ISBN"):
        if fields.get(ident):
            parts.append(f"{ident}={_norm(fields[ident])}")
    if fields.get("author") or fields.get("editor") or fields.get("title"):
        page = str(fields.get("page") or "").split("-")[0]
        parts += [
            _first_author(fields),
            _year(fields),
            _norm(fields.get("title", "")),
            _norm(fields.get("container-title", "")),
            _norm(fields.get("volume", "")),
            _norm(page),
            _norm(fields.get("edition", "")),
        ]
    if not parts:
        parts.append("raw=" + _norm(raw))
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def document_key(extraction: Extraction, ref: Reference) -> str | None:
    """The citation key the author gave ``ref`` (Markdown, LaTeX, libraries: ``KEYED_KINDS``),
    else None."""
    return ref.key if (ref.key and extraction.kind in KEYED_KINDS) else None
