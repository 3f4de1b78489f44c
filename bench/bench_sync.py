"""Warm `refkeeper sync` of a project citing 10,000 works, all in the lock.

Builds a Markdown manuscript citing 10,000 works by PMID key (`[@pmid:N]`) and a lock holding
them all, then times a warm sync (BibTeX + CSL-JSON outputs) in a fresh process and in-process.
The works are the real corpus records (../shared/corpus/pubmed), repeated with a numeric
suffix on the key and PMID to reach 10,000 distinct entries: the figures measure refkeeper's own
work (extract, match, export, write), not NCBI. Aim: a warm sync in at most 2 s.

    python bench/bench_sync.py [--works 10000]
"""

from __future__ import annotations

import argparse
import gzip
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("REFKEEPER_SHARED", ROOT.parent / "shared"))


def build(root: Path, count: int) -> None:
    from refkeeper.library import Lock, LockEntry, write_lock
    from refkeeper.models import Resolution, Status
    from refkeeper.resolve.pubmed import parse_pubmed_xml

    corpus = SHARED / "corpus" / "pubmed" / "pubmed-real-records.xml.gz"
    works = parse_pubmed_xml(gzip.decompress(corpus.read_bytes()))
    entries = []
    lines = ["---", "title: A manuscript citing many works", "---", ""]
    for n in range(count):
        base = works[n % len(works)]
        pmid = str(int(base.pmid or "1") * 10 + n // len(works)) if n >= len(works) else base.pmid
        key = f"pmid:{pmid}"
        work = replace(base, id=key, pmid=pmid, csl={**base.csl, "id": key, "PMID": pmid})
        entries.append(
            LockEntry(
                key=key,
                resolution=Resolution(Status.RESOLVED, work=work, strategy="pmid", score=1.0),
                fields={"PMID": pmid},
                cited_as=f"@{key}",
            )
        )
        lines.append(f"Claim number {n} is supported by this work [@{key}].")
    (root / "paper.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "refkeeper.toml").write_text(
        '[project]\ndocuments = ["paper.md"]\n\n[outputs]\n'
        'bibtex = "refkeeper-out/references.bib"\ncsl-json = "refkeeper-out/references.json"\n',
        encoding="utf-8",
    )
    write_lock(root / "refkeeper.lock", Lock().with_entries(entries))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--works", type=int, default=10_000)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="refkeeper-bench-sync-"))
    try:
        started = time.perf_counter()
        build(tmp, args.works)
        print(f"built a project citing {args.works} works in {time.perf_counter() - started:.1f} s")
        env = dict(os.environ, REFKEEPER_EUTILS_URL="http://127.0.0.1:9/entrez/eutils/")
        env["REFKEEPER_CACHE"] = str(tmp / "cache.sqlite")
        command = [sys.executable, "-m", "refkeeper", "-C", str(tmp), "sync", "--offline"]
        first = time.perf_counter()
        subprocess.run(command, env=env, check=True, capture_output=True)
        print(f"first sync (writes the outputs):          {time.perf_counter() - first:.2f} s")
        for attempt in (1, 2, 3):
            warm = time.perf_counter()
            subprocess.run(command, env=env, check=True, capture_output=True)
            print(
                f"warm sync #{attempt}, whole process:            "
                f"{time.perf_counter() - warm:.2f} s"
            )

        paper = tmp / "paper.md"
        paper.write_text(paper.read_text() + "\nA new sentence that cites nothing.\n")
        edited = time.perf_counter()
        subprocess.run(command, env=env, check=True, capture_output=True)
        print(f"sync after a prose edit (full pass, whole process): "
              f"{time.perf_counter() - edited:.2f} s")

        from refkeeper.config import load_settings
        from refkeeper.pipeline import sync

        settings = load_settings(tmp, environ=env)
        sync(settings, offline=True)  # imports warmed
        inproc = time.perf_counter()
        result = sync(settings, offline=True)
        print(f"warm sync, in-process (no interpreter start): {time.perf_counter() - inproc:.2f} s")
        print(f"memoized: {result.memoized}; files rewritten: {len(result.written)}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
