"""The data flow shows in the imports: text -> extract -> link -> resolve (the only package
that touches the network) -> library -> export and audit; pipeline wires; cli is on top."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "refkeeper"
NETWORK = ("requests", "requests_cache", "urllib.request", "http.client", "socket", "redis")
CORE = ("models", "errors", "identifiers", "bibfields", "keys", "fsutil", "textfold")


def _imports(path: Path) -> set[str]:
    """Every module ``path`` imports (``from refkeeper import pipeline`` counts as
    ``refkeeper.pipeline``; a relative import as the module it names)."""
    names: set[str] = set()
    package = ".".join(("refkeeper", *path.relative_to(SRC).parts[:-1]))
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                module = ".".join([*base, module] if module else base)
            names.add(module)
            if module == "refkeeper":
                names.update(f"refkeeper.{a.name}" for a in node.names if a.name != "__version__")
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
    # The vocabulary: the data types, the errors, identifiers and the text toolkit (a leaf).
    allowed = {
        "refkeeper.models",
        "refkeeper.errors",
        "refkeeper.identifiers",
        "refkeeper.textfold",
    }
    assert internal <= allowed, f"{name}.py imports {sorted(internal - allowed)}"


@pytest.mark.parametrize("package", ["export", "extract"])
def test_pure_stages_do_not_reach_later_stages(package: str) -> None:
    later = ("refkeeper.resolve", "refkeeper.pipeline", "refkeeper.cli", "refkeeper.library")
    for path in sorted((SRC / package).rglob("*.py")):
        bad = {n for n in _imports(path) if n.startswith(later)}
        assert not bad, f"{path.relative_to(SRC)} imports {sorted(bad)}"


def test_audit_is_pure() -> None:
    """The audit judges records it is given; the pipeline fetches them (pipeline/providers)."""
    for path in sorted((SRC / "audit").rglob("*.py")):
        later = ("refkeeper.resolve", "refkeeper.pipeline", "refkeeper.cli")
        bad = {n for n in _imports(path) if n.startswith(later)}
        assert not bad, f"{path.relative_to(SRC)} imports {sorted(bad)}"


@pytest.mark.parametrize("package", ["resolve", "export", "extract", "audit"])
def test_stages_do_not_read_the_configuration(package: str) -> None:
    """Cache paths and settings are passed down by the pipeline: no stage reads them."""
    for path in sorted((SRC / package).rglob("*.py")):
        bad = {n for n in _imports(path) if n == "refkeeper.config"}
        assert not bad, f"{path.relative_to(SRC)} imports {sorted(bad)}"


def test_cli_imports_only_the_pipeline_and_the_configuration() -> None:
    """The CLI parses options and renders: every use case is reached through the pipeline."""
    allowed = ("refkeeper.pipeline", "refkeeper.config", "refkeeper.cli")
    for path in sorted((SRC / "cli").rglob("*.py")):
        internal = {n for n in _imports(path) if n.startswith("refkeeper.")}
        bad = {n for n in internal if not any(n == a or n.startswith(a + ".") for a in allowed)}
        assert not bad, f"{path.relative_to(SRC)} imports {sorted(bad)}"
