"""What the last sync was made from, what it wrote and what it found (``.refkeeper.state``):
lets an unchanged project skip all work, and unchanged outputs skip rendering."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from refkeeper.config import Settings
from refkeeper.fsutil import atomic_write_text
from refkeeper.models import Extraction
from refkeeper.pipeline.outputs import display_path, output_paths

STATE_NAME = ".refkeeper.state"


def file_digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def inputs_digest(settings: Settings, documents: Sequence[Path], lock_bytes: bytes) -> str:
    """A digest of everything a sync's result is made from: refkeeper's version, the
    settings that shape outputs and keys, the lock's bytes and each document's bytes."""
    from refkeeper import __version__

    h = hashlib.sha256(__version__.encode())
    h.update(repr((settings.outputs, settings.key_pattern)).encode())
    h.update(hashlib.sha256(lock_bytes).digest())
    for path in documents:
        h.update(b"\0" + display_path(path, settings.root).encode() + b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def rendered_digest(
    settings: Settings, lock_bytes: bytes, order: Sequence[str], extractions: Sequence[Extraction]
) -> str:
    """A digest of what the outputs are rendered from: the lock, the citation order, the
    output settings, and the documents' text only when an audit report is written."""
    from refkeeper import __version__

    h = hashlib.sha256(__version__.encode())
    h.update(repr(settings.outputs).encode())
    h.update(hashlib.sha256(lock_bytes).digest())
    h.update("\0".join(order).encode())
    if settings.outputs.audit:
        for extraction in extractions:
            h.update(b"\0" + extraction.source.encode() + b"\0" + extraction.text.encode())
    return h.hexdigest()


def outputs_current(
    settings: Settings, documents: Sequence[Path], state: Mapping[str, Any], inputs: str | None
) -> bool:
    """True when the outputs are as the last sync wrote them (untouched since), and, given
    ``inputs``, that sync was made from exactly these inputs."""
    recorded = state.get("outputs")
    expected = {display_path(p, settings.root) for p in output_paths(settings, documents)[1:]}
    return (
        (inputs is None or state.get("inputs") == inputs)
        and isinstance(recorded, dict)
        and set(recorded) == expected
        and all(file_digest(settings.root / name) == sha for name, sha in recorded.items())
    )


def read_state(settings: Settings) -> dict[str, Any]:
    try:
        data = json.loads((settings.root / STATE_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_state(
    settings: Settings,
    documents: Sequence[Path],
    inputs: str,
    *,
    rendered: str,
    counts: Mapping[str, int],
    reasons: Mapping[str, list[str]],
    retry: bool,
    notes: Sequence[Mapping[str, str]] = (),
) -> None:
    """Remember what this sync was made from, what it wrote and what it found."""
    outputs = {
        display_path(p, settings.root): file_digest(p)
        for p in output_paths(settings, documents)[1:]
    }
    state = {
        "inputs": inputs,
        "rendered": rendered,
        "outputs": outputs,
        "counts": dict(counts),
        "reasons": dict(reasons),
        "retry": retry,
        "notes": [dict(n) for n in notes],
    }
    atomic_write_text(settings.root / STATE_NAME, json.dumps(state, indent=1, sort_keys=True))
