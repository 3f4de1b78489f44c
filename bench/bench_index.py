"""The local PubMed index: build rate, memory, size, resolution quality and speed, Dask.

Input: synthetic baseline files made by ``bench/make_baseline.py`` (the real corpus records
among them; PMIDs ascending over 30,000-record files, as NLM's). For each size (a prefix of
the baseline files) the index is built in a fresh process, which reports its wall and CPU time
and its peak memory (ru_maxrss); records/s per core is records / CPU seconds (the machine is
shared: wall time depends on the other users, CPU time much less).

Resolution: a mixed-style reference set with errors (Vancouver, AMA, APA; abbreviated or full
journal; pages, volume or initials missing, a title typo, a year off by one, a subtitle
dropped; decoys mixing two records) made with bench_match.py's renderer from the real corpus
records (so the E-utilities path, on the fake server holding the corpus, resolves the very
same references) and from synthetic records taken from the index. Precision and recall of
both paths, and references/s per core (parse + resolve, CPU time, one process).

Dask: the same references resolved with ``resolve_on_dask`` on a LocalCluster of 1 and of 2
worker processes (one thread each): wall times and the speed-up.

    python bench/bench_index.py [--data bench/.baseline/1m] [--sizes 100000,1000000]
        [--refs 1000] [--no-dask] [--no-eutils] [--tantivy]

Goals (issue 13): >= 20,000 records/s per core, memory flat from 100k to 1M records,
precision 1.000, recall >= the E-utilities path, >= 1,000 references/s per core, 2 workers
>= 1.8x one.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from bench_match import CORPUS, STYLES, alter, usable  # noqa: E402
from refkeeper.extract.refparse import parse_reference  # noqa: E402
from refkeeper.models import Reference, Status, Work  # noqa: E402
from refkeeper.resolve.pubmed import parse_pubmed_xml  # noqa: E402

BUILD_SCRIPT = """
import json, resource, sys, time
from pathlib import Path
from refkeeper.index.build import build_index
files = [Path(p) for p in sys.argv[2:]]
wall, cpu = time.perf_counter(), time.process_time()
reports = build_index(files, Path(sys.argv[1]))
print(json.dumps({
    "wall": time.perf_counter() - wall,
    "cpu": time.process_time() - cpu,
    "records": sum(r.records for r in reports),
    "bytes": sum(r.bytes for r in reports),
    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
"""


def build_parallel(files: list[Path], folder: Path, workers: int) -> dict[str, Any]:
    """The same build as shards on a LocalCluster of ``workers`` processes (one shard each)."""
    from distributed import LocalCluster

    from refkeeper.pipeline.distributed import build_on_dask

    with LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as cluster:
        start = time.perf_counter()
        reports = build_on_dask(files, folder, cluster.scheduler_address, shards=workers)
        wall = time.perf_counter() - start
    return {
        "wall": wall,
        "cpu": sum(r.cpu_seconds for r in reports),
        "records": sum(r.records for r in reports),
        "bytes": sum(r.bytes for r in reports),
        "peak_mb": max(r.peak_mb for r in reports),
    }


def build(files: list[Path], folder: Path, workers: int = 1) -> dict[str, Any]:
    if workers > 1:
        return build_parallel(files, folder, workers)
    done = subprocess.run(
        [sys.executable, "-c", BUILD_SCRIPT, str(folder), *map(str, files)],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def cases_from(
    works: list[Work], n: int, rng: random.Random, decoys: float = 0.05
) -> list[tuple[str, str | None]]:
    """(reference text, expected work id or None for a decoy), as bench_match makes them."""
    out: list[tuple[str, str | None]] = []
    for i in range(n):
        work = works[i % len(works)]
        style = rng.choice(list(STYLES))
        abbreviated = rng.random() < (0.3 if style == "apa" else 0.75)
        if rng.random() < decoys:
            other = works[(i + 7919) % len(works)]
            out.append((STYLES[style](other, abbreviated, {"title": work.csl["title"]}), None))
            continue
        _, overlay = alter(work, rng)
        out.append((STYLES[style](work, abbreviated, overlay), work.id))
    return out


def score(cases: list[tuple[str, str | None]], results: list[Any]) -> tuple[float, float, int]:
    accepted = right = expected = 0
    for (_, want), res in zip(cases, results, strict=True):
        got = res.work.id if res.status is Status.RESOLVED and res.work else None
        expected += want is not None
        if got is not None:
            accepted += 1
            right += got == want
    precision = right / accepted if accepted else 1.0
    return precision, right / expected if expected else 0.0, accepted - right


def resolve_local(folder: Path, cases: list[tuple[str, str | None]]) -> tuple[list[Any], float]:
    from refkeeper.resolve import resolve_references
    from refkeeper.resolve.local import LocalPubMedSource

    source = LocalPubMedSource(folder)
    cpu = time.process_time()
    refs = [Reference(f"r{i}", raw, None, dict(parse_reference(raw).fields)) for i, (raw, _) in
            enumerate(cases, 1)]  # fmt: skip
    out = resolve_references(refs, [source])
    took = time.process_time() - cpu
    source.close()
    return out, took


def resolve_eutils(cases: list[tuple[str, str | None]]) -> tuple[list[Any], int]:
    from fake_eutils import FakeEutils
    from refkeeper.resolve import EntrezClient, RateLimiter, make_session, resolve_references

    refs = [Reference(f"r{i}", raw, None, dict(parse_reference(raw).fields)) for i, (raw, _) in
            enumerate(cases, 1)]  # fmt: skip
    with FakeEutils() as fake, tempfile.TemporaryDirectory() as tmp:
        client = EntrezClient(
            make_session(Path(tmp) / "c.sqlite"),
            base_url=fake.url,
            limiter=RateLimiter(sleep=lambda s: None),
        )
        out = resolve_references(refs, client)
        return out, len(fake.requests)


def dask_speedup(folder: Path, cases: list[tuple[str, str | None]]) -> dict[int, float]:
    from distributed import LocalCluster

    from refkeeper.pipeline.distributed import resolve_on_dask

    times: dict[int, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        refs = Path(tmp) / "refs.txt"
        refs.write_text("\n".join(raw for raw, _ in cases) + "\n", encoding="utf-8")
        for workers in (1, 2):
            with LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0"
            ) as cluster:
                out = Path(tmp) / f"out{workers}.jsonl"
                # warm: each worker opens the index and imports refkeeper once
                resolve_on_dask(refs, folder, cluster.scheduler_address, out, partition=50)
                out.unlink()
                start = time.perf_counter()
                resolve_on_dask(refs, folder, cluster.scheduler_address, out, partition=100)
                times[workers] = time.perf_counter() - start
    return times


def tantivy_compare(folder: Path, files: list[Path], cases: list[tuple[str, str | None]]) -> None:
    """The same fields and the same rarest-word queries in tantivy, against FTS5."""
    import tantivy

    from refkeeper.index.build import read_file
    from refkeeper.index.fields import COLUMNS, record_fields
    from refkeeper.index.store import PubMedIndex
    from refkeeper.resolve.local import ANY_TERMS, RARE_TERMS, query_terms
    from refkeeper.resolve.source import reference_fields

    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("pmid", stored=True, indexed=True)
    for column in COLUMNS:
        builder.add_text_field(column, stored=False)
    schema = builder.build()
    path = folder.parent / (folder.name + "-tantivy")
    path.mkdir(exist_ok=True)
    index = tantivy.Index(schema, path=str(path))
    writer = index.writer(heap_size=256_000_000, num_threads=1)
    cpu = time.process_time()
    count = 0
    for file in files:
        for kind, elem in read_file(file):
            if kind != "record":
                continue
            fields = record_fields(elem)
            if fields is None:
                continue
            doc = {"pmid": fields.pmid, **dict(zip(COLUMNS, fields.columns(), strict=True))}
            writer.add_document(tantivy.Document(**doc))
            count += 1
    writer.commit()
    writer.wait_merging_threads()
    build_cpu = time.process_time() - cpu
    size = sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    index.reload()
    searcher = index.searcher()
    fts = PubMedIndex(folder)
    queries = []
    for raw, want in cases:
        fields = reference_fields(Reference("r", raw, None, dict(parse_reference(raw).fields)))
        terms = query_terms(fts, fields)
        queries.append((terms, want))
    for engine in ("fts5", "tantivy"):
        hits = 0
        cpu = time.process_time()
        for terms, want in queries:
            found: list[int] = []
            for joiner, k in ((" AND ", RARE_TERMS), (" OR ", ANY_TERMS)):
                chosen = terms[:k]
                if not chosen:
                    continue
                text = joiner.join(f'"{t}"' for t in chosen)
                if engine == "fts5":
                    found = [p for p, _ in fts.search(text, 5)]
                else:
                    query = index.parse_query(text, list(COLUMNS))
                    found = [
                        searcher.doc(address)["pmid"][0]
                        for _, address in searcher.search(query, 5).hits
                    ]
                if found:
                    break
            hits += want is not None and want in {f"pmid:{p}" for p in found}
        took = time.process_time() - cpu
        expected = sum(1 for _, w in queries if w is not None)
        print(
            f"  {engine:<8} candidate recall@5 {hits / expected:.3f}, "
            f"{len(queries) / took:,.0f} queries/s per core"
        )
    print(
        f"  tantivy build: {count / build_cpu:,.0f} records/s per core (CPU), "
        f"{size / count:,.0f} bytes/record"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT / "bench" / ".baseline" / "1m")
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--refs", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--no-dask", action="store_true")
    parser.add_argument("--no-eutils", action="store_true")
    parser.add_argument("--tantivy", action="store_true", help="compare tantivy at the first size")
    parser.add_argument("--keep", action="store_true", help="keep the built indexes")
    parser.add_argument(
        "--build-workers",
        type=int,
        default=1,
        help="build each size as this many shards on a LocalCluster (peak memory: per process)",
    )
    args = parser.parse_args()

    manifest = json.loads((args.data / "manifest.json").read_text(encoding="utf-8"))
    per_file = manifest["records"] / len(manifest["baseline"])
    rng = random.Random(args.seed)
    real = [w for w in parse_pubmed_xml(gzip.decompress(CORPUS.read_bytes())) if usable(w)]
    rng.shuffle(real)
    real_cases = cases_from(real, args.refs // 2, rng)
    print(f"data: {manifest['records']:,} records in {len(manifest['baseline'])} baseline files")
    print(f"{'records':>10} {'files':>5} {'build s':>8} {'rec/s/core':>10} {'peak MB':>8} "
          f"{'B/record':>8} {'precision':>9} {'recall':>7} {'refs/s/core':>11}")  # fmt: skip
    last: Path | None = None
    eutils_cases: list[tuple[str, str | None]] = real_cases
    for size in (int(s) for s in args.sizes.split(",")):
        count = max(1, round(size / per_file))
        files = [args.data / name for name in manifest["baseline"][:count]]
        folder = args.data.parent / f"idx-{size}"
        built = build(files, folder, args.build_workers)
        from refkeeper.index.store import PubMedIndex

        index = PubMedIndex(folder)
        synthetic_pmids = rng.sample(
            range(
                manifest["first_synthetic_pmid"],
                manifest["first_synthetic_pmid"] + max(1, built["records"] - manifest["real"]),
            ),  # fmt: skip
            k=min(args.refs, built["records"] - manifest["real"]),
        )
        synthetic = [w for w in index.works(synthetic_pmids).values() if usable(w)]
        index.close()
        cases = real_cases + cases_from(synthetic, args.refs - len(real_cases), rng)
        results, cpu = resolve_local(folder, cases)
        precision, recall, wrong = score(cases, results)
        print(
            f"{built['records']:>10,} {count:>5} {built['wall']:>8.1f} "
            f"{built['records'] / built['cpu']:>10,.0f} {built['peak_mb']:>8.0f} "
            f"{built['bytes'] / built['records']:>8,.0f} {precision:>9.3f} {recall:>7.3f} "
            f"{len(cases) / cpu:>11,.0f}"
        )
        real_only = score(real_cases, results[: len(real_cases)])
        print(
            f"{'':>10} corpus references only: precision {real_only[0]:.3f}, "
            f"recall {real_only[1]:.3f} ({len(real_cases)} refs, {wrong} wrong in all)"
        )
        if args.tantivy and last is None:
            tantivy_compare(folder, files, cases)
        last = folder
    if not args.no_eutils:
        results, requests = resolve_eutils(eutils_cases)
        precision, recall, _ = score(eutils_cases, results)
        print(
            f"E-utilities path (fake server, corpus records), same {len(eutils_cases)} corpus "
            f"references: precision {precision:.3f}, recall {recall:.3f}, {requests} requests"
        )
    if not args.no_dask and last is not None:
        times = dask_speedup(last, cases_from(real, args.refs * 2, rng))
        print(
            f"Dask LocalCluster, {args.refs * 2} references: 1 worker {times[1]:.1f} s, "
            f"2 workers {times[2]:.1f} s, speed-up {times[1] / times[2]:.2f}x "
            f"(machine load average {open('/proc/loadavg').read().split()[0]})"
        )
    if not args.keep:
        import shutil

        for size in args.sizes.split(","):
            shutil.rmtree(args.data.parent / f"idx-{size}", ignore_errors=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"peak memory of this process: {peak} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
