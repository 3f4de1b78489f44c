"""Request economy of the resolver, against the fake E-utilities with NCBI's rate limit ON.

1,000 references to real PubMed records of ../shared/corpus/pubmed/ that carry journal, year,
volume and pages are rendered as Vancouver references (the corpus has 883 such records: the
rest are cited again in AMA style), parsed by refkeeper's reference parser, and
resolved by ``refkeeper.resolve.resolve_references`` through the fake server (tests/fake_eutils.py)
enforcing 3 requests/s with NCBI's 429 answer. It prints the number of requests and the wall
time cold (empty cache) and warm (same cache), and how many 429s the server sent (each one
must have been retried: the run checks every reference resolved).

    python bench/bench_requests.py [--n 1000] [--seed 7]
        [--absent-terms unknown|known|strict] [--citmatch-relax] [--compare]

The fake runs NCBI-like by default (``--absent-terms unknown``, no ECitMatch relaxation; see
tests/fake_eutils.py). Where NCBI's behaviour is not known (is a word missing from the corpus a
PubMed word or not? does ECitMatch relax a citation?), ``--compare`` prints the figures under
each assumption, and under the fake's former behaviour ("strict" + relaxation) beside them.

Aim (issue 3): at most 20 requests cold, 0 warm, no 429 left unretried.
"""

from __future__ import annotations

import argparse
import gzip
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from bench_match import ama, usable, vancouver  # noqa: E402
from fake_eutils import ABSENT_TERMS, CORPUS, FakeEutils  # noqa: E402
from refkeeper.extract.refparse import parse_reference  # noqa: E402
from refkeeper.models import Reference, Status, Work  # noqa: E402
from refkeeper.resolve import EntrezClient, make_session, resolve_references  # noqa: E402
from refkeeper.resolve.pubmed import parse_pubmed_xml  # noqa: E402

Row = tuple[str, int, float, int, int, int, dict[str, int]]


def run(refs: list[Reference], works: list[Work], absent: str, relax: bool) -> list[Row]:
    """Cold and warm runs against a fake in one mode."""
    rows: list[Row] = []
    with (
        FakeEutils(rate_limit=True, absent_terms=absent, citmatch_relax=relax) as fake,
        tempfile.TemporaryDirectory() as tmp,
    ):
        cache = Path(tmp) / "cache.sqlite"
        for label in ("cold", "warm"):
            client = EntrezClient(make_session(cache), base_url=fake.url, email="bench@example.org")
            before = len(fake.requests)
            start = time.perf_counter()
            out = resolve_references(refs, client)
            wall = time.perf_counter() - start
            served = fake.requests[before:]
            right = sum(
                1
                for r, w in zip(out, works, strict=True)
                if r.status is Status.RESOLVED and r.work is not None and r.work.id == w.id
            )
            wrong = sum(
                1
                for r, w in zip(out, works, strict=True)
                if r.status is Status.RESOLVED and r.work is not None and r.work.id != w.id
            )
            by_endpoint: dict[str, int] = {}
            for r in served:
                by_endpoint[r.endpoint] = by_endpoint.get(r.endpoint, 0) + 1
            limited = sum(1 for r in served if r.status == 429)
            rows.append((label, len(served), wall, limited, right, wrong, by_endpoint))
            client.session.close()  # type: ignore[no-untyped-call]
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--absent-terms", choices=ABSENT_TERMS, default="unknown")
    parser.add_argument("--citmatch-relax", action="store_true")
    parser.add_argument("--compare", action="store_true", help="every mode, old included")
    args = parser.parse_args()

    works = [w for w in parse_pubmed_xml(gzip.decompress(CORPUS.read_bytes())) if usable(w)]
    random.Random(args.seed).shuffle(works)
    distinct = len(works)
    # the corpus holds fewer than 1,000 such records: the rest are cited a second time, in
    # AMA style with the full journal name (as two manuscripts of one lab would)
    works = (works * (args.n // len(works) + 1))[: args.n]
    refs = []
    for i, work in enumerate(works, 1):
        raw = vancouver(work, abbreviated=True) if i <= distinct else ama(work, abbreviated=False)
        refs.append(Reference(f"r{i}", raw, None, dict(parse_reference(raw).fields)))
    print(
        f"{len(refs)} references with journal, year, volume and pages "
        f"({min(distinct, len(refs))} records in Vancouver style, the rest again in AMA style)"
    )

    modes = (
        [("unknown", False), ("known", False), ("unknown", True), ("known", True), ("strict", True)]
        if args.compare
        else [(args.absent_terms, args.citmatch_relax)]
    )
    print(
        f"{'fake mode':<22} {'run':<5} {'requests':>8} {'wall s':>7} {'429s':>5} "
        f"{'resolved':>9} {'wrong':>6}  by endpoint"
    )
    for absent, relax in modes:
        label = f"{absent}{' +relax' if relax else ''}{' (old)' if absent == 'strict' else ''}"
        rows = run(refs, works, absent, relax)
        for run_label, count, wall, limited, right, wrong, by_endpoint in rows:
            detail = ", ".join(f"{k} {v}" for k, v in sorted(by_endpoint.items()))
            print(
                f"{label:<22} {run_label:<5} {count:>8} {wall:>7.1f} {limited:>5} {right:>9} "
                f"{wrong:>6}  {detail}"
            )
        cold, warm = rows
        print(
            f"{'':<22} aim: <= 20 requests cold -> {'met' if cold[1] <= 20 else 'NOT met'}; "
            f"0 warm -> {'met' if warm[1] == 0 else 'NOT met'}; "
            f"429s answered: {cold[3] + warm[3]}, all retried (the runs completed)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
