"""The data flow shows in the imports: text -> extract -> link -> resolve (the only package
that touches the network) -> library -> export and audit; pipeline wires; cli is on top."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "refkeeper"
NETWORK = ("requests", "requests_cache", "urllib.request", "http.client", "socket", "redis")
CORE = ("models", "errors", "identifiers", "bibfields", "keys", "fsutil")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _modules() -> list[Path]:
    return sorted(SRC.rglob("*.py"))


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(SRC)))
def test_only_resolve_touches_the_network(path: Path) -> None:
    if path.relative_to(SRC).parts[0] == "resolve":
        return
    network = {n for n in _imports(path) if any(n == m or n.startswith(m + ".") for m in NETWORK)}
    assert not network, f"{path.relative_to(SRC)} imports {sorted(network)}"


@pytest.mark.parametrize("name", CORE)
def test_core_modules_import_only_the_vocabulary(name: str) -> None:
    internal = {n for n in _imports(SRC / f"{name}.py") if n.startswith("refkeeper")}
    allowed = {"refkeeper.models", "refkeeper.errors", "refkeeper.identifiers"}
    assert internal <= allowed, f"{name}.py imports {sorted(internal - allowed)}"


@pytest.mark.parametrize("package", ["export", "extract"])
def test_pure_stages_do_not_reach_later_stages(package: str) -> None:
    later = ("refkeeper.resolve", "refkeeper.pipeline", "refkeeper.cli", "refkeeper.library")
    for path in sorted((SRC / package).rglob("*.py")):
        bad = {n for n in _imports(path) if n.startswith(later)}
        assert not bad, f"{path.relative_to(SRC)} imports {sorted(bad)}"


def test_audit_core_is_pure() -> None:
    """The audit judges records it is given; only its runner (audit/run.py) fetches them."""
    for path in sorted((SRC / "audit").glob("*.py")):
        if path.name == "run.py":
            continue
        bad = {n for n in _imports(path) if n.startswith(("refkeeper.resolve", "refkeeper.cli"))}
        assert not bad, f"{path.relative_to(SRC)} imports {sorted(bad)}"
