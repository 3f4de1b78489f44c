"""Mutation testing of refkeeper's core rules with mutmut: the kill rate per module.

For each module, a scratch copy of the project (src/, tests/, pyproject.toml; ``shared`` linked
to ../shared) gets a ``[tool.mutmut]`` section that mutates that one file and runs only the test
files that exercise it (the whole suite on 2 cores would take hours). mutmut (pip install
'refkeeper[bench]') makes each small change (an operator, a constant, a string, a removed call),
runs the selected tests against it, and records whether a test failed (killed) or all passed
(survived). The script prints, per module, the mutants made, killed (timeouts count as killed:
the change was noticed), survived, and those no selected test reaches (counted as survivors).

    nice python bench/mutation.py                   # every module, one at a time
    nice python bench/mutation.py fsutil ris        # some modules
    python bench/mutation.py --list                 # the modules and their test files
    nice python bench/mutation.py ris --survivors   # also print the surviving mutants' diffs

Each module is time-boxed (``--timeout`` seconds, default 900): a module cut short reports the
mutants checked so far. Aim (issue 18): at least 90% killed in each module.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("REFKEEPER_SHARED", ROOT.parent / "shared"))
"""The real data the tests read (../shared); REFKEEPER_SHARED points elsewhere."""

# module -> (file, the test files that exercise it)
MODULES: dict[str, tuple[str, tuple[str, ...]]] = {
    "match": (
        "src/refkeeper/resolve/match.py",
        ("tests/test_resolve_match.py", "tests/test_match_thresholds.py", "tests/test_align.py"),
    ),
    "session": (
        "src/refkeeper/resolve/session.py",
        ("tests/test_session.py", "tests/test_cache_rules.py", "tests/test_session_rules.py"),
    ),
    "library": (
        "src/refkeeper/library.py",
        ("tests/test_library.py", "tests/test_atomic_writes.py", "tests/test_lock_file.py"),
    ),
    "fsutil": ("src/refkeeper/fsutil.py", ("tests/test_atomic_writes.py", "tests/test_fsutil.py")),
    "compare": (
        "src/refkeeper/audit/compare.py",
        ("tests/test_audit_compare.py", "tests/test_audit_compare_parts.py", "tests/test_align.py"),
    ),
    "latex": (
        "src/refkeeper/export/latex.py",
        (
            "tests/test_export_bibtex.py",
            "tests/test_export_bibtex_fields.py",
            "tests/test_export_latex.py",
        ),
    ),
    "bibtex": (
        "src/refkeeper/export/bibtex.py",
        ("tests/test_export_bibtex.py", "tests/test_export_bibtex_fields.py"),
    ),
    "ris": (
        "src/refkeeper/export/ris.py",
        ("tests/test_export_formats.py", "tests/test_export_ris.py"),
    ),
    "identifiers": ("src/refkeeper/identifiers.py", ("tests/test_identifiers.py",)),
}

# tests left out of a module's mutation run (pytest -k): the round trips through bibtexparser
# and pybtex take ~18 s for each mutant they do not kill; the field tests check the same text
SKIP: dict[str, str] = {"latex": "not round_trip", "bibtex": "not round_trip"}

STATUS = {1: "killed", 3: "killed", 0: "survived", 5: "no tests", 33: "no tests", 34: "skipped"}
TIMEOUTS = {36, -24, 24, 152, 255}


def _status(code: int | None) -> str:
    if code is None:
        return "not checked"
    if code in TIMEOUTS:
        return "timeout"
    return STATUS.get(code, "suspicious")


def _project(work: Path, module: str) -> Path:
    """A scratch copy of the project configured to mutate one module."""
    path, tests = MODULES[module]
    proj = work / module
    if proj.exists():
        shutil.rmtree(proj)
    proj.mkdir(parents=True)
    shutil.copytree(
        ROOT / "src", proj / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info")
    )
    shutil.copytree(ROOT / "tests", proj / "tests", ignore=shutil.ignore_patterns("__pycache__"))
    (proj / "shared").symlink_to(SHARED)  # tests find ../shared two levels above themselves
    pyproject = (ROOT / "pyproject.toml").read_text("utf-8")
    selection = ", ".join(json.dumps(t) for t in tests)
    pytest_args = ["-p", "no:cacheprovider", "-m", "not tools"]
    if module in SKIP:
        pytest_args += ["-k", SKIP[module]]
    pyproject += (
        "\n[tool.mutmut]\n"
        'source_paths = ["src"]\n'
        f"only_mutate = [{json.dumps(path)}]\n"
        f"pytest_add_cli_args_test_selection = [{selection}]\n"
        f"pytest_add_cli_args = {json.dumps(pytest_args)}\n"
        "use_git_change_detection = false\n"
    )
    (proj / "pyproject.toml").write_text(pyproject, "utf-8")
    return proj


def _results(proj: Path, module: str) -> dict[str, str]:
    """mutant name -> status, from mutmut's metadata next to the mutated file."""
    path, _ = MODULES[module]
    meta = proj / "mutants" / (path + ".meta")
    if not meta.exists():
        return {}
    data = json.loads(meta.read_text("utf-8"))
    codes: dict[str, int | None] = data.get("exit_code_by_key", {})
    return {name: _status(code) for name, code in codes.items()}


def run_module(module: str, work: Path, timeout: float, survivors: bool) -> Counter[str]:
    proj = _project(work, module)
    mutmut = Path(sys.executable).with_name("mutmut")
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("PYTHONPATH", None)
    start = time.monotonic()
    log = (work / f"{module}.log").open("w", encoding="utf-8")
    proc = subprocess.Popen(
        [str(mutmut), "run", "--max-children", "1"],
        cwd=proj,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    finally:
        log.close()
    results = _results(proj, module)
    counts = Counter(results.values())
    counts["_seconds"] = int(time.monotonic() - start)
    counts["_exit"] = proc.returncode if proc.returncode is not None else -1
    if survivors:
        for name, status in sorted(results.items()):
            if status in ("survived", "no tests"):
                shown = subprocess.run(
                    [str(mutmut), "show", name], cwd=proj, env=env, capture_output=True, text=True
                )
                print(f"--- {status}: {name}\n{shown.stdout.strip()}")
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help=f"default: all ({', '.join(MODULES)})")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds per module")
    parser.add_argument("--workdir", type=Path, help="keep the scratch copies here")
    parser.add_argument("--survivors", action="store_true", help="print surviving mutants")
    parser.add_argument("--list", action="store_true", help="list modules and test files")
    args = parser.parse_args()
    if args.list:
        for name, (path, tests) in MODULES.items():
            print(f"{name:<12} {path:<36} {' '.join(tests)}")
        return 0
    unknown = [m for m in args.modules if m not in MODULES]
    if unknown:
        parser.error(f"unknown module(s) {', '.join(unknown)}; choose from {', '.join(MODULES)}")
    if shutil.which("mutmut", path=str(Path(sys.executable).parent)) is None:
        print("mutmut is not installed: pip install 'refkeeper[bench]'", file=sys.stderr)
        return 2
    work = args.workdir or Path(tempfile.mkdtemp(prefix="refkeeper-mutation-"))
    work.mkdir(parents=True, exist_ok=True)
    header = (
        f"{'module':<12} {'mutants':>7} {'killed':>6} {'timeout':>7} {'survived':>8} "
        f"{'no tests':>8} {'other':>5} {'kill rate':>9} {'seconds':>7}"
    )
    rows = []
    for module in args.modules or list(MODULES):
        c = run_module(module, work, args.timeout, args.survivors)
        checked = sum(v for k, v in c.items() if not k.startswith("_") and k != "not checked")
        killed = c["killed"] + c["timeout"]
        other = checked - killed - c["survived"] - c["no tests"]
        rate = killed / checked if checked else float("nan")
        note = "" if c["not checked"] == 0 else f"  (time-boxed: {c['not checked']} not checked)"
        if c["_exit"] not in (0, -15) and not checked:
            note += f"  (mutmut failed, see {work / (module + '.log')})"
        rows.append(
            f"{module:<12} {checked:>7} {c['killed']:>6} {c['timeout']:>7} {c['survived']:>8} "
            f"{c['no tests']:>8} {other:>5} {rate:>9.1%} {c['_seconds']:>7}{note}"
        )
        print(header if len(rows) == 1 else "", rows[-1], sep="\n" if len(rows) == 1 else "")
        sys.stdout.flush()
    if args.workdir is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
