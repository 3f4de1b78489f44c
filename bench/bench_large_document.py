"""A sync on a large document: seconds, peak memory and the size of audit.html.

Builds the worked example with its WHO page body repeated to each size (bench_extract.who),
runs ``refkeeper sync --offline`` as a real process and prints the exit code, the seconds,
the peak resident memory (ru_maxrss), the size of out/audit.html and the message of a
refusal (documents above the documented limit are refused).

    python bench/bench_large_document.py [--sizes 1,5,10,50]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_extract import MB  # noqa: E402

EXAMPLE = Path(__file__).resolve().parent.parent / "data" / "examples" / "leiomyosarcoma-liver"


def write_document(path: Path, size: int) -> None:
    """Built in a child process: this process stays small, so the peak memory measured for
    the sync (ru_maxrss, which a forked child starts from its parent's) is the sync's own."""
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); from bench_extract import who; "
        "open(sys.argv[2], 'w', encoding='utf-8').write(who(int(sys.argv[3])))"
    )
    here = str(Path(__file__).resolve().parent)
    subprocess.run([sys.executable, "-c", code, here, str(path), str(size)], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,5,10,50")
    args = parser.parse_args()
    for size in (float(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp) / "example"
            shutil.copytree(
                EXAMPLE, root, ignore=shutil.ignore_patterns("out", "refkeeper-out", ".refkeeper*")
            )
            write_document(root / "document.txt", int(size * MB))
            env = dict(os.environ, REFKEEPER_CACHE=str(Path(tmp) / "cache" / "eutils.sqlite"))
            started = time.monotonic()
            proc = subprocess.Popen(
                [sys.executable, "-m", "refkeeper", "-C", str(root), "sync", "--offline"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            assert proc.stderr is not None
            message = proc.stderr.read().strip()
            _, status, usage = os.wait4(proc.pid, 0)
            seconds = time.monotonic() - started
            audit = root / "refkeeper-out" / "audit.html"
            html = f"{audit.stat().st_size / MB:6.1f} MB" if audit.exists() else "  none"
            print(
                f"{size:5g} MB document: exit {os.waitstatus_to_exitcode(status)}  "
                f"{seconds:6.1f} s  peak {usage.ru_maxrss / 1024:6.0f} MB  audit.html {html}"
                + (f"\n    {message[:240]}" if message else "")
            )


if __name__ == "__main__":
    main()
