"""Speed of the PubMed XML parser and of the fake E-utilities' corpus index.

Parses the 1,648 real records of ``../shared/corpus/pubmed/pubmed-real-records.xml.gz``
(about 14 MB of XML) with :func:`refkeeper.resolve.pubmed.parse_pubmed_xml` several times and
prints the best and median wall time, records per second and MB per second; then the time the
fake E-utilities server (tests/fake_eutils.py) takes to index the corpus once per process and
to start and stop one server.

    /work/venv/bin/python bench/bench_pubmed_xml.py [--repeat N]

Aim (ncbi-data brief): the corpus parses in about a second or two.
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import sys
import time
from pathlib import Path

from refkeeper.resolve.pubmed import parse_pubmed_xml

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "pubmed" / "pubmed-real-records.xml.gz"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    data = gzip.decompress(CORPUS.read_bytes())
    times = []
    count = 0
    for _ in range(args.repeat):
        start = time.perf_counter()
        count = len(parse_pubmed_xml(data))
        times.append(time.perf_counter() - start)
    best, median = min(times), statistics.median(times)
    mb = len(data) / 1e6
    print(f"parse_pubmed_xml: {count} records, {mb:.1f} MB of XML, {args.repeat} rounds")
    print(f"  best {best:.2f} s ({count / best:,.0f} records/s, {mb / best:.1f} MB/s)")
    print(f"  median {median:.2f} s")

    sys.path.insert(0, str(ROOT / "tests"))
    from fake_eutils import FakeEutils, base_indexes

    start = time.perf_counter()
    indexes = base_indexes()
    index_s = time.perf_counter() - start
    print(
        f"fake E-utilities index: {len(indexes['pubmed'].docs)} PubMed records in {index_s:.2f} s"
    )
    start = time.perf_counter()
    for _ in range(10):
        FakeEutils().stop()
    print(f"fake E-utilities start+stop (index cached): {(time.perf_counter() - start) / 10:.3f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
