"""Benchmark the free-text reference parser on the references of real articles.

Reads ``corpus/jats/references.jsonl`` from the shared folder (``REFKEEPER_SHARED`` or the
``shared`` folder next to the repository), parses every ``rendered_without_ids`` string with
:func:`refkeeper.extract.refparse.parse_reference` and prints, for each field, how often the
parse agrees with the publisher's structured metadata (only where that metadata has the field),
then the parsing speed.

    /work/venv/bin/python bench/bench_parse.py [--show-misses FIELD] [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

from refkeeper.extract.refparse import ParsedReference, parse_reference

_INITIALS = re.compile(r"[A-Z](?:[a-z]?-?[A-Z])*[a-z]?")
FIELDS = ("first author", "year", "volume", "first page", "title", "journal")


def shared_dir() -> Path:
    env = os.environ.get("REFKEEPER_SHARED")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[1].parent / "shared"


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[\W_]+", "", text.casefold())


def _expected(rec: dict[str, Any]) -> dict[str, str | None]:
    authors = rec.get("authors") or []
    first = authors[0] if authors else None
    family: str | None = None
    if first:
        # structured names are "Family Initials" (JATS surname + given initials) or literal
        parts = first.rsplit(" ", 1)
        family = parts[0] if len(parts) == 2 and _INITIALS.fullmatch(parts[1]) else first
    fpage = rec.get("fpage")
    return {
        "first author": family,
        "year": rec.get("year"),
        "volume": rec.get("volume"),
        "first page": fpage.split()[0] if fpage else None,
        "title": rec.get("title"),
        "journal": rec.get("source"),
    }


def _got(parsed: ParsedReference) -> dict[str, str | None]:
    f = parsed.fields
    first: str | None = None
    names = f.get("author") or f.get("editor") or []
    if names:
        first = names[0].get("family") or names[0].get("literal")
    year: str | None = None
    issued = f.get("issued")
    if issued and issued.get("date-parts"):
        year = str(issued["date-parts"][0][0])
    page = f.get("page") or f.get("page-first")
    journal = f.get("container-title")
    if journal is None and f.get("type") not in ("article-journal", "chapter"):
        journal = f.get("title")  # a book's or web page's "source" is its own title
    return {
        "first author": first,
        "year": year,
        "volume": f.get("volume"),
        "first page": page.split("-", 1)[0] if page else None,
        "title": f.get("title"),
        "journal": journal,
    }


def _agree(field: str, want: str, got: str | None) -> bool:
    if got is None:
        return False
    return _norm(want) == _norm(got)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--show-misses", metavar="FIELD", choices=FIELDS, default=None)
    ap.add_argument("--repeat", type=int, default=20, help="timing repetitions (default 20)")
    args = ap.parse_args(argv)

    path = shared_dir() / "corpus" / "jats" / "references.jsonl"
    if not path.is_file():
        print(f"corpus not found: {path} (set REFKEEPER_SHARED)", file=sys.stderr)
        return 2
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    strings = [r["rendered_without_ids"] for r in records]

    hits = dict.fromkeys(FIELDS, 0)
    totals = dict.fromkeys(FIELDS, 0)
    misses: list[tuple[str, str | None, str]] = []
    with_problems = 0
    for rec, raw in zip(records, strings, strict=True):
        parsed = parse_reference(raw)
        with_problems += bool(parsed.problems)
        want, got = _expected(rec), _got(parsed)
        for name in FIELDS:
            w = want[name]
            if not w:
                continue
            totals[name] += 1
            if _agree(name, w, got[name]):
                hits[name] += 1
            elif args.show_misses == name:
                misses.append((w, got[name], raw))

    timer: Callable[[], float] = time.perf_counter
    rounds: list[float] = []
    cpu_start = time.process_time()
    for _ in range(args.repeat):
        start = timer()
        for raw in strings:
            parse_reference(raw)
        rounds.append(timer() - start)
    cpu = time.process_time() - cpu_start
    n = len(strings)
    rounds.sort()
    best, median = n / rounds[0], n / rounds[len(rounds) // 2]
    cpu_rate = args.repeat * n / cpu if cpu > 0 else float("inf")

    print(f"references: {len(strings)} from {path}")
    print(f"{'field':<14}{'correct':>9}{'of':>6}{'accuracy':>10}")
    for name in FIELDS:
        acc = 100.0 * hits[name] / totals[name] if totals[name] else 0.0
        print(f"{name:<14}{hits[name]:>9}{totals[name]:>6}{acc:>9.1f}%")
    print(f"with problems reported: {with_problems} of {len(strings)}")
    print(
        f"speed: {median:,.0f} references/s median, {best:,.0f} best of {args.repeat} rounds "
        f"of {n}; {cpu_rate:,.0f}/s of CPU time (load on a shared machine slows the wall clock)"
    )
    for want_v, got_v, raw in misses:
        print(f"\n  want {want_v!r}\n  got  {got_v!r}\n  raw  {raw}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
