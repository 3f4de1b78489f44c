"""Mutation fuzzing of every extractor on real inputs, nightly size (fixed seed).

Per kind: N mutated copies of real documents (byte flips, truncation, duplication of a slice),
decoded and extracted like a file on disk. Any exception other than refkeeper's own error
type fails the run with the case to replay. Prints, per kind, the outcomes and the time.

    python bench/bench_fuzz.py [--per-kind 2000] [--seed 16] [--kinds bibtex,ris]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from fuzz_inputs import SEEDS, fuzz_kind  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-kind", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--kinds", default=",".join(sorted(SEEDS)))
    args = parser.parse_args()
    failed = 0
    total = 0
    for kind in args.kinds.split(","):
        started = time.perf_counter()
        try:
            outcomes = fuzz_kind(kind, args.per_kind, args.seed)
        except AssertionError as exc:
            print(f"{kind:9} FAILED: {exc}")
            failed += 1
            continue
        seconds = time.perf_counter() - started
        total += args.per_kind
        errors = {k: v for k, v in sorted(outcomes.items()) if k.endswith("Error")}
        print(
            f"{kind:9} {args.per_kind} inputs in {seconds:5.1f} s: {outcomes['ok']} extracted, "
            f"errors {errors or 'none'}"
        )
    print(f"{total} mutated inputs, {failed} kind(s) with a crash (seed {args.seed})")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
