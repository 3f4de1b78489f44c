"""Request economy and accuracy of the resolver on references in many styles (issue 11).

The mixed set of ``bench/mixed_set.py``: 700 distinct corpus records cited once each, spread
over the styles of a set (TUNED: 8 styles looked at while building the verifier; HELD_OUT: the
10 styles ``styled_corpus`` keeps out of every rule and test), 30% with injected citation
errors (Aronsky profile), 100 absent from the fake E-utilities (their records taken out of its
index). Each text is parsed by refkeeper's reference parser and the whole list resolved by
``refkeeper.resolve.resolve_references`` through the fake server (tests/fake_eutils.py) with
NCBI's rate limit ON (3 requests/s, 429 answers retried), searching as NCBI does (terms
unknown to PubMed dropped and noted with PhraseNotFound). It prints, cold (empty cache) and
warm (the same cache): requests by endpoint, wall time, and per style the precision (accepted
PMIDs that are right; an absent work accepted counts as wrong) and recall (present works
resolved to their record).

    python bench/bench_requests.py [--set tuned|held-out|both] [--n 700] [--absent 100]
        [--absent-terms unknown|known|strict] [--citmatch-relax] [--compare] [--styles a,b]

The fake runs NCBI-like by default (``--absent-terms unknown``: a term matching no record
served is dropped and noted with PhraseNotFound, as NCBI does with unknown words; no ECitMatch
relaxation). ``--compare`` prints the figures under each assumption of tests/fake_eutils.py.

Aim (issue 11): precision 1.000, recall >= 0.98, <= 40 requests cold, 0 warm, per style too.
Renderings come from styled_corpus's cache (``REFKEEPER_STYLED_CACHE``; rendered on a miss).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from fake_eutils import ABSENT_TERMS, FakeEutils  # noqa: E402
from mixed_set import HELD_OUT_MIX, TUNED_MIX, Case, fake_without, mixed_cases  # noqa: E402
from refkeeper.extract.refparse import parse_reference  # noqa: E402
from refkeeper.models import Reference, Resolution, Status  # noqa: E402
from refkeeper.resolve import EntrezClient, make_session, resolve_references  # noqa: E402


def run_set(
    name: str,
    styles: tuple[str, ...],
    n: int,
    absent: int,
    show: int,
    mode: tuple[str, bool] = ("unknown", False),
) -> bool:
    cases = mixed_cases(styles, n=n, absent=absent)
    refs = [
        Reference(f"r{i}", c.text, None, dict(parse_reference(c.text).fields))
        for i, c in enumerate(cases, 1)
    ]
    missing = {c.record.pmid for c in cases if c.absent}
    print(
        f"=== {name}: {len(cases)} references in {len(styles)} styles "
        f"({sum(1 for c in cases if c.errors)} with visible injected errors, "
        f"{len(missing)} absent from the server; fake: absent terms {mode[0]!r}, "
        f"ECitMatch relaxation {'on' if mode[1] else 'off'}) ==="
    )
    rows = []
    outcome: list[Resolution] = []
    with (
        FakeEutils(rate_limit=True, absent_terms=mode[0], citmatch_relax=mode[1]) as fake,
        tempfile.TemporaryDirectory() as tmp,
    ):
        fake_without(fake, missing)
        cache = Path(tmp) / "cache.sqlite"
        for label in ("cold", "warm"):
            client = EntrezClient(make_session(cache), base_url=fake.url, email="b@example.org")
            before = len(fake.requests)
            start = time.perf_counter()
            out = resolve_references(refs, client)
            wall = time.perf_counter() - start
            served = fake.requests[before:]
            by_endpoint = Counter(r.endpoint for r in served)
            limited = sum(1 for r in served if r.status == 429)
            rows.append((label, len(served), wall, limited, by_endpoint))
            client.session.close()  # type: ignore[no-untyped-call]
            if label == "cold":
                outcome = out
            elif [r.work.id if r.work else None for r in out] != [
                r.work.id if r.work else None for r in outcome
            ]:
                print("  WARNING: the warm run decided differently from the cold run")
    print(f"{'run':<5} {'requests':>8} {'wall s':>7} {'429s':>5}  by endpoint")
    for label, count, wall, limited, by_endpoint in rows:
        detail = ", ".join(f"{k} {v}" for k, v in sorted(by_endpoint.items()))
        print(f"{label:<5} {count:>8} {wall:>7.1f} {limited:>5}  {detail}")
    ok = report(cases, outcome, show)
    cold, warm = rows[0][1], rows[1][1]
    met = cold <= 40 and warm == 0
    print(
        f"requests: {cold} cold (aim <= 40: {'met' if cold <= 40 else 'NOT met'}), "
        f"{warm} warm (aim 0: {'met' if warm == 0 else 'NOT met'})"
    )
    print()
    return ok and met


def report(cases: list[Case], out: list[Resolution], show: int) -> bool:
    per: dict[str, Counter[str]] = {}
    failures: list[str] = []
    for case, res in zip(cases, out, strict=True):
        got = res.work.id if res.status is Status.RESOLVED and res.work else None
        for key in (case.style, "ALL"):
            g = per.setdefault(key, Counter())
            g["n"] += 1
            g["accepted"] += got is not None
            if case.absent:
                g["absent"] += 1
                g["wrong"] += got is not None
            else:
                g["present"] += 1
                g["right"] += got == case.record.id
                g["wrong"] += got is not None and got != case.record.id
                g["errors"] += bool(case.errors)
                g["errors_right"] += bool(case.errors) and got == case.record.id
        if (got is None) != case.absent or (got is not None and got != case.record.id):
            what = "WRONG" if got else f"missed ({res.status})"
            failures.append(
                f"{what} [{case.style}] {case.record.id}: {case.text}\n      {res.reason}"
            )
    print(
        f"{'style':<48} {'n':>4} {'absent':>6} {'right':>6} {'wrong':>5} {'precision':>9} "
        f"{'recall':>7} {'with errors':>11}"
    )
    ok = True
    for key in [*sorted(k for k in per if k != "ALL"), "ALL"]:
        g = per[key]
        precision = (g["accepted"] - g["wrong"]) / g["accepted"] if g["accepted"] else 1.0
        recall = g["right"] / g["present"] if g["present"] else float("nan")
        err_recall = g["errors_right"] / g["errors"] if g["errors"] else float("nan")
        ok = ok and g["wrong"] == 0 and recall >= 0.98
        print(
            f"{key:<48} {g['n']:>4} {g['absent']:>6} {g['right']:>6} {g['wrong']:>5} "
            f"{precision:>9.3f} {recall:>7.3f} {err_recall:>11.3f}"
        )
    for line in failures[:show]:
        print("  " + line)
    return ok


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--set", choices=("tuned", "held-out", "both"), default="both")
    ap.add_argument("--n", type=int, default=700)
    ap.add_argument("--absent", type=int, default=100)
    ap.add_argument("--show", type=int, default=10, help="failures to print")
    ap.add_argument("--absent-terms", choices=ABSENT_TERMS, default="unknown")
    ap.add_argument("--citmatch-relax", action="store_true")
    ap.add_argument("--compare", action="store_true", help="each assumption of the fake")
    ap.add_argument("--styles", help="comma-separated corpus styles instead of a set")
    args = ap.parse_args()
    sets = {"tuned": ("TUNED styles", TUNED_MIX), "held-out": ("HELD-OUT styles", HELD_OUT_MIX)}
    chosen = list(sets) if args.set == "both" else [args.set]
    if args.styles:
        sets = {"given": ("GIVEN styles", tuple(args.styles.split(",")))}
        chosen = ["given"]
    modes = [(args.absent_terms, args.citmatch_relax)]
    if args.compare:
        modes = [("unknown", False), ("known", False), ("strict", True)]
    results = [
        run_set(*sets[k], args.n, args.absent, args.show, mode) for mode in modes for k in chosen
    ]
    print("all aims met" if all(results) else "some aims NOT met")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
