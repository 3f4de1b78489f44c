"""NCBI's rate limit across processes: N processes sharing one cache directory, each sending
its own EFetch requests, against the fake E-utilities enforcing NCBI's 3 requests/s (429s
counted). Prints, for the machine-wide limiter (what refkeeper does) and the old
process-wide one, the peak requests in any one second, the mean rate and the 429s.

    python bench/bench_ratelimit.py [--processes 4] [--each 6]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from fake_eutils import FakeEutils  # noqa: E402
from test_ratelimit_processes import peak_per_second, run_processes  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--each", type=int, default=6)
    args = parser.parse_args()
    for label, extra in (
        ("per machine (file lock)", ()),
        ("per process (before)", ("--per-process",)),
    ):
        with tempfile.TemporaryDirectory() as tmp, FakeEutils() as fake:
            fake.rate_limit = True
            done = run_processes(
                fake.url, Path(tmp) / "cache" / "eutils.sqlite", args.processes, args.each, *extra
            )
            failed = sum(1 for d in done if d.returncode != 0)
            times = sorted(r.time for r in fake.requests)
            span = times[-1] - times[0] if len(times) > 1 else 0.0
            mean = (len(times) - 1) / span if span else 0.0
            print(
                f"{label:26} {args.processes} processes: {len(times)} requests, peak "
                f"{peak_per_second(times)}/s, mean {mean:.2f}/s, {fake.rate_limited} x 429, "
                f"{failed} failed"
            )


if __name__ == "__main__":
    main()
