"""A sync facing a hostile E-utilities server: peak memory and time to fail.

Runs ``refkeeper sync`` (a real process, default settings) on a one-reference project against
tests/hostile_server.py and prints, per scenario, the exit code, the seconds until it failed,
the peak resident memory of the process (ru_maxrss), the requests it sent and its message:

- a valid 200 MB EFetch answer (streamed, no Content-Length);
- an invalid 200 MB answer;
- a server that hangs 40 s before every answer (default give-up-after: 60 s).

    python bench/bench_hostile.py [--size-mb 200] [--hang 40] [--scenarios valid,invalid,hang]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from hostile_server import HostileServer  # noqa: E402

CONFIG = '[project]\ndocuments = ["paper.md"]\n\n[outputs]\nbibtex = "refs.bib"\n'


def run(server: HostileServer, work: Path) -> tuple[int, float, float, str]:
    root = work / "project"
    root.mkdir(parents=True)
    (root / "refkeeper.toml").write_text(CONFIG)
    (root / "paper.md").write_text("Leiomyosarcomas arise after transplantation [@pmid:8620427].\n")
    env = dict(os.environ, REFKEEPER_EUTILS_URL=server.url, NCBI_EMAIL="bench@example.org")
    env["REFKEEPER_CACHE"] = str(work / "cache" / "eutils.sqlite")
    env.pop("NCBI_API_KEY", None)
    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "refkeeper", "-C", str(root), "sync"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    message = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.monotonic() - started
    return proc.returncode, seconds, usage.ru_maxrss / 1024, message.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=200)
    parser.add_argument("--hang", type=float, default=40.0)
    parser.add_argument("--scenarios", default="valid,invalid,hang")
    args = parser.parse_args()
    size = args.size_mb * 2**20
    servers = {
        "valid": lambda: HostileServer("huge_valid", size=size),
        "invalid": lambda: HostileServer("huge_invalid", size=size),
        "hang": lambda: HostileServer("hang", hang=args.hang),
        "seed": lambda: HostileServer("seed"),
    }
    labels = {
        "valid": f"valid {args.size_mb} MB answer",
        "invalid": f"invalid {args.size_mb} MB answer",
        "hang": f"server hanging {args.hang:g} s",
        "seed": "a normal answer (baseline)",
    }
    for name in args.scenarios.split(","):
        with tempfile.TemporaryDirectory() as tmp, servers[name]() as server:
            code, seconds, peak_mb, message = run(server, Path(tmp))
            requests_sent = len(server.requests)
        print(
            f"{labels[name]:28} exit {code}  {seconds:6.1f} s  peak {peak_mb:6.0f} MB  "
            f"{requests_sent} request(s)\n    {message[:300]}"
        )


if __name__ == "__main__":
    main()
