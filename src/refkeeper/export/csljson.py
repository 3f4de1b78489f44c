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


_NAME_KEYS = frozenset(
    {"family", "given", "dropping-particle", "non-dropping-particle", "suffix",
     "comma-suffix", "static-ordering", "literal", "parse-names"}
)  # fmt: skip
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
    out = {
        k: v
        for k, v in name.items()
        if k in _NAME_KEYS and isinstance(v, (str, int, bool)) and v != ""
    }
    given = out.get("given")
    if isinstance(given, str) and _INITIALS.fullmatch(given):
        out["given"] = " ".join(given)
    return out


def _scalar(value: Any, types: object) -> Any:
    """A value fit for a string (or string-or-number) variable, or None to drop it."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return value if isinstance(types, list) and "number" in types else str(value)
    return None


def _clean_date(value: Any) -> Any:
    """A CSL date kept only in the shapes the schema allows."""
    if isinstance(value, str):
        return value if value.strip() else None
    if not isinstance(value, dict):
        return None
    out: dict[str, Any] = {}
    for key, part in value.items():
        if key == "date-parts":
            rows = [
                [p for p in row if isinstance(p, (str, int)) and not isinstance(p, bool)][:3]
                for row in part
                if isinstance(row, list)
            ] if isinstance(part, list) else []  # fmt: skip
            rows = [row for row in rows if row][:2]
            if rows:
                out[key] = rows
        elif key in ("season", "circa", "literal", "raw") and isinstance(part, (str, int)):
            out[key] = part
    return out or None


def clean_item(item: CSLItem, key: str) -> CSLItem:
    """A copy of ``item`` valid against the CSL data schema, with ``id`` = ``key``: variables
    the schema does not know are dropped, values of the wrong shape dropped or converted."""
    properties = csl_schema()["items"]["properties"]
    out: CSLItem = {}
    for name, value in item.items():
        spec = properties.get(name)
        if spec is None or value is None:
            continue
        if name in _NAME_VARS:
            if isinstance(value, list):
                names = [_clean_name(n) for n in value if isinstance(n, dict)]
                names = [n for n in names if any(isinstance(v, str) for v in n.values())]
                if names:
                    out[name] = names
            continue
        if spec.get("$ref") == "#/definitions/date-variable":
            date = _clean_date(value)
            if date is not None:
                out[name] = date
            continue
        if spec.get("type") == "object":
            if isinstance(value, dict):
                out[name] = copy.deepcopy(value)
            continue
        if spec.get("type") == "array":
            if isinstance(value, list):
                out[name] = [str(v) for v in value if isinstance(v, (str, int))]
            continue
        scalar = _scalar(value, spec.get("type"))
        if scalar is not None:
            out[name] = scalar
    out["id"] = key
    if not isinstance(out.get("type"), str) or out["type"] not in _types():
        out["type"] = "article-journal" if out.get("container-title") else "document"
    return out


@lru_cache(maxsize=1)
def _types() -> frozenset[str]:
    return frozenset(csl_schema()["items"]["properties"]["type"]["enum"])


def medline_issued(item: CSLItem, medline_date: str) -> dict[str, Any] | None:
    """``issued`` with the range or season of a PubMed MedlineDate ("2019 May - Jun",
    "1998 Dec-1999 Jan", "2000 Spring") when ``item`` holds only its start; else None."""
    issued = item.get("issued")
    parts = issued.get("date-parts") if isinstance(issued, dict) else None
    if not (isinstance(parts, list) and len(parts) == 1 and isinstance(parts[0], list)):
        return None
    date = _csl.parse_literal_date(medline_date)
    start = parts[0]
    if date.year is None or not start or str(start[0]) != str(date.year):
        return None
    if date.end is not None and date.end.year is not None:
        first = [date.year] + ([date.month] if date.month and date.month <= 12 else [])
        end = [date.end.year] + (
            [date.end.month] if date.end.month and date.end.month <= 12 else []
        )
        if len(first) == len(end) and first != end:
            return {"date-parts": [first, end]}
    elif date.month is not None and date.month > 12 and len(start) == 1:
        return {"date-parts": [[date.year]], "season": date.month - 12}
    return None


def to_csl_items(works: Sequence[Work]) -> list[CSLItem]:
    """The works as clean CSL-JSON items in citation order (keys checked unique). A PubMed
    MedlineDate range or season the record's ``issued`` lost is restored."""
    keys = _csl.unique_keys(works)
    items = []
    for work, key in zip(works, keys, strict=True):
        item = clean_item(work.csl, key)
        if work.medline_date:
            issued = medline_issued(item, work.medline_date)
            if issued is not None:
                item["issued"] = issued
        items.append(item)
    return items


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
