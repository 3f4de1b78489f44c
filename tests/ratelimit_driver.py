"""One process of the rate-limit tests and bench: fetches each PMID given on the command line
by its own EFetch request through the client ``sync`` builds (``make_client``), so its
limiter is the machine-wide one beside the cache. ``--per-process`` uses the process-wide
limiter instead (what refkeeper did before), for comparison.

    REFKEEPER_EUTILS_URL=... REFKEEPER_CACHE=... python tests/ratelimit_driver.py 1 2 3
"""

from __future__ import annotations

import sys
from pathlib import Path

from refkeeper.config import parse_config
from refkeeper.pipeline.project import make_client
from refkeeper.resolve import SHARED_LIMITER


def main(args: list[str]) -> None:
    per_process = "--per-process" in args
    pmids = [a for a in args if a != "--per-process"]
    client = make_client(parse_config("", root=Path.cwd()))
    if per_process:
        client = replace_limiter(client)
    for pmid in pmids:
        client.fetch_pubmed([pmid])
    print(client.stats.network)


def replace_limiter(client: object) -> object:
    client.limiter = SHARED_LIMITER  # type: ignore[attr-defined]
    return client


if __name__ == "__main__":
    main(sys.argv[1:])
