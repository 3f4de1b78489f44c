"""Works -> CSL-JSON, valid against the CSL data schema shipped as package data.

The schema (``refkeeper/data/csl-data.json``, CSL 1.0.2 input schema) is never downloaded.
Variables the schema does not know (refkeeper's own ``_et_al``, anything else) are dropped, so
the output always validates; the citation key becomes the item's ``id``.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from typing import Any

from refkeeper.errors import InputError
from refkeeper.export import _csl
from refkeeper.models import CSLItem, Work


@lru_cache(maxsize=1)
def csl_schema() -> dict[str, Any]:
    """The CSL data JSON schema (draft-07) shipped with refkeeper."""
    text = resources.files("refkeeper").joinpath("data/csl-data.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@lru_cache(maxsize=1)
def _known() -> frozenset[str]:
    return frozenset(csl_schema()["items"]["properties"])


_NAME_KEYS = frozenset(
    {"family", "given", "dropping-particle", "non-dropping-particle", "suffix",
     "comma-suffix", "static-ordering", "literal", "parse-names"}
)  # fmt: skip
_DATE_KEYS = frozenset({"date-parts", "season", "circa", "literal", "raw", "edtf"})
_NAME_VARS = frozenset(
    {"author", "chair", "collection-editor", "compiler", "composer", "container-author",
     "contributor", "curator", "director", "editor", "editorial-director",
     "executive-producer", "interviewer", "illustrator", "organizer", "original-author",
     "performer", "producer", "recipient", "reviewed-author", "translator"}
)  # fmt: skip


_INITIALS = re.compile(r"[A-Z]{2,4}")


def _clean_name(name: dict[str, Any]) -> dict[str, Any]:
    """Schema keys only; given names written as run-together PubMed initials ("FT") spaced
    ("F T"), which citation processors would otherwise read as one name and shorten to "F"."""
    out = {k: v for k, v in name.items() if k in _NAME_KEYS}
    given = out.get("given")
    if isinstance(given, str) and _INITIALS.fullmatch(given):
        out["given"] = " ".join(given)
    return out


def clean_item(item: CSLItem, key: str) -> CSLItem:
    """A copy of ``item`` holding only schema variables, with ``id`` = ``key``."""
    known = _known()
    out: CSLItem = {}
    for name, value in item.items():
        if name not in known or value is None:
            continue
        if name in _NAME_VARS and isinstance(value, list):
            value = [_clean_name(n) for n in value if isinstance(n, dict)]
        elif isinstance(value, dict) and name != "custom":
            value = {k: v for k, v in value.items() if k in _DATE_KEYS}
        out[name] = copy.deepcopy(value)
    out["id"] = key
    if not isinstance(out.get("type"), str) or out["type"] not in _types():
        out["type"] = "article-journal" if out.get("container-title") else "document"
    return out


@lru_cache(maxsize=1)
def _types() -> frozenset[str]:
    return frozenset(csl_schema()["items"]["properties"]["type"]["enum"])


def to_csl_items(works: Sequence[Work]) -> list[CSLItem]:
    """The works as clean CSL-JSON items in citation order (keys checked unique)."""
    keys = _csl.unique_keys(works)
    return [clean_item(w.csl, k) for w, k in zip(works, keys, strict=True)]


def to_csl_json(works: Sequence[Work]) -> str:
    """CSL-JSON (an array of items, UTF-8, indented) for the works in citation order."""
    return json.dumps(to_csl_items(works), ensure_ascii=False, indent=2) + "\n"


def parse_csl_json(text: str, source: str = "<string>") -> list[Work]:
    """CSL-JSON (an array of items, or one item) -> works keyed by their ``id`` (pure twin of
    reading a library file given to ``refkeeper export``)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON: {exc.msg}", source, exc.lineno) from exc
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise InputError("CSL-JSON must be an array of items", source)
    works = []
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict) or item.get("id") in (None, ""):
            raise InputError(f"item {number} is not a CSL-JSON item with an id", source)
        key = str(item["id"])
        works.append(Work(id=key, source="manual", csl={**item, "id": key}))
    return works
