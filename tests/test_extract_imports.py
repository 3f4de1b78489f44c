"""The extract package and link.py are core: they import nothing internal but the vocabulary
(models, errors, identifiers), link, and the extract package itself; never the network."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "refkeeper"
ALLOWED = (
    "refkeeper.models",
    "refkeeper.errors",
    "refkeeper.identifiers",
    "refkeeper.bibfields",
    "refkeeper.link",
)
FORBIDDEN_EXTERNAL = ("requests", "requests_cache", "urllib.request", "http.client", "socket")


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


def test_core_import_rules() -> None:
    files = [*sorted((SRC / "extract").glob("*.py")), SRC / "link.py"]
    assert len(files) > 5
    for path in files:
        for name in _imports(path):
            if name.startswith("refkeeper"):
                assert name.startswith("refkeeper.extract") or name in ALLOWED, (path.name, name)
            assert not name.startswith(FORBIDDEN_EXTERNAL), (path.name, name)
