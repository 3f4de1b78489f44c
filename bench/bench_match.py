"""Matching quality of the resolver: precision and recall on real PubMed records.

Records of ../shared/corpus/pubmed/ are rendered as reference strings in Vancouver, AMA and APA
styles, with abbreviated or full journal names; some lose a field (pages, volume, issue) or
carry a small mistake (a title typo, a year off by one, a dropped subtitle, initials missing).
A share of "decoys" mixes two records (the title of one, the citation of another): no record
may be accepted for them. Each string is parsed by refkeeper's reference parser and resolved
by ``refkeeper.resolve.resolve_references`` against the fake E-utilities (tests/fake_eutils.py)
holding the whole corpus. The script prints precision (accepted PMIDs that are right) and
recall (references resolved to their record), per style and per alteration.

    python bench/bench_match.py [--n 600] [--seed 11]
        [--absent-terms unknown|known|strict] [--citmatch-relax] [--compare]

The fake runs NCBI-like by default (see tests/fake_eutils.py); ``--compare`` adds one summary
line per assumption where NCBI's behaviour is not known, and for the fake's former behaviour.

Aim (issue 3): precision 100% (no wrong PMID accepted), recall >= 98%.
"""

from __future__ import annotations

import argparse
import gzip
import random
import re
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from refkeeper.bibfields import year_of  # noqa: E402
from refkeeper.extract.refparse import parse_reference  # noqa: E402
from refkeeper.models import Reference, Status, Work  # noqa: E402
from refkeeper.resolve import (  # noqa: E402
    EntrezClient,
    RateLimiter,
    make_session,
    resolve_references,
)
from refkeeper.resolve.pubmed import parse_pubmed_xml  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "pubmed" / "pubmed-real-records.xml.gz"

# ---------------------------------------------------------------------- rendering


def usable(work: Work) -> bool:
    """A journal article record with everything a full citation shows."""
    csl = work.csl
    return bool(
        csl.get("title")
        and csl.get("author")
        and year_of(csl)
        and (work.journal_iso or csl.get("container-title"))
        and csl.get("volume")
        and csl.get("page")
    )


def _initials(name: dict[str, Any], dots: bool = False) -> str:
    given = str(name.get("given") or "")
    parts = [p for p in re.split(r"[\s.\-]+", given) if p]
    if len(parts) == 1 and parts[0].isupper() and len(parts[0]) <= 3:
        letters = list(parts[0])
    else:
        letters = [p[0].upper() for p in parts]
    return " ".join(f"{c}." for c in letters) if dots else "".join(letters)


def _person(name: dict[str, Any], style: str) -> str:
    if name.get("literal"):
        return str(name["literal"])
    family = str(name.get("family") or "")
    if style == "apa":
        initials = _initials(name, dots=True)
        return f"{family}, {initials}" if initials else family
    initials = _initials(name)
    return f"{family} {initials}".strip()


def _authors(names: list[dict[str, Any]], style: str) -> str:
    if style == "apa":
        shown = [_person(n, style) for n in names[:20]]
        if len(shown) == 1:
            return shown[0]
        return ", ".join(shown[:-1]) + ", & " + shown[-1]
    limit, keep = (6, 6) if style == "vancouver" else (6, 3)
    shown = [_person(n, style) for n in names[: keep if len(names) > limit else limit]]
    text = ", ".join(shown)
    return text + (", et al" if len(names) > limit else "")


def short_pages(page: str) -> str:
    """'1481-1489' -> '1481-9' (NLM style)."""
    m = re.fullmatch(r"(\d+)-(\d+)", page)
    if not m or len(m.group(1)) != len(m.group(2)):
        return page
    first, last = m.groups()
    i = 0
    while i < len(first) - 1 and first[i] == last[i]:
        i += 1
    return f"{first}-{last[i:]}"


def journal_name(work: Work, abbreviated: bool) -> str:
    csl = work.csl
    if abbreviated:
        iso = work.journal_iso or csl.get("container-title-short") or csl.get("container-title")
        return str(iso).replace(".", "")
    return str(work.journal_full or csl.get("container-title") or work.journal_iso)


def _title(csl: dict[str, Any]) -> str:
    return str(csl["title"]).rstrip(".")


def vancouver(work: Work, abbreviated: bool = True, fields: dict[str, Any] | None = None) -> str:
    csl = dict(work.csl, **(fields or {}))
    issue = f"({csl['issue']})" if csl.get("issue") else ""
    where = f"{csl.get('volume') or ''}{issue}"
    pages = f":{short_pages(str(csl['page']))}" if csl.get("page") else ""
    return (
        f"{_authors(csl['author'], 'vancouver')}. {_title(csl)}. "
        f"{journal_name(work, abbreviated)}. {year_of(csl)};{where}{pages}."
    )


def ama(work: Work, abbreviated: bool = True, fields: dict[str, Any] | None = None) -> str:
    csl = dict(work.csl, **(fields or {}))
    issue = f"({csl['issue']})" if csl.get("issue") else ""
    where = f"{csl.get('volume') or ''}{issue}"
    pages = f":{csl['page']}" if csl.get("page") else ""
    journal = journal_name(work, abbreviated)
    if abbreviated:
        journal = str(work.journal_iso or journal)  # AMA keeps the periods of the ISO form
    return (
        f"{_authors(csl['author'], 'ama')}. {_title(csl)}. {journal}. "
        f"{year_of(csl)};{where}{pages}."
    )


def apa(work: Work, abbreviated: bool = False, fields: dict[str, Any] | None = None) -> str:
    csl = dict(work.csl, **(fields or {}))
    issue = f"({csl['issue']})" if csl.get("issue") else ""
    volume = str(csl.get("volume") or "")
    pages = f", {str(csl['page']).replace('-', '–')}" if csl.get("page") else ""
    journal = journal_name(work, abbreviated)
    return (
        f"{_authors(csl['author'], 'apa')} ({year_of(csl)}). {_title(csl)}. "
        f"{journal}, {volume}{issue}{pages}."
    )


STYLES: dict[str, Callable[..., str]] = {"vancouver": vancouver, "ama": ama, "apa": apa}

# ---------------------------------------------------------------------- alterations


def _typo(title: str, rng: random.Random) -> str:
    words = title.split()
    long_words = [i for i, w in enumerate(words) if len(w) > 5 and w.isalpha()]
    if not long_words:
        return title
    i = rng.choice(long_words)
    w = words[i]
    j = rng.randrange(1, len(w) - 1)
    words[i] = w[:j] + w[j + 1 :]  # one letter dropped
    return " ".join(words)


def alter(work: Work, rng: random.Random) -> tuple[str, dict[str, Any]]:
    """One alteration (or none) of the record's fields, as a CSL overlay."""
    csl = work.csl
    roll = rng.random()
    if roll < 0.08:
        return "no pages", {"page": None}
    if roll < 0.13:
        return "no volume/issue", {"volume": None, "issue": None}
    if roll < 0.17:
        year = year_of(csl) or 2000
        return "year off by one", {"issued": {"date-parts": [[year + rng.choice((-1, 1))]]}}
    if roll < 0.25:
        return "title typo", {"title": _typo(str(csl["title"]), rng)}
    if roll < 0.28 and ":" in str(csl["title"]):
        return "subtitle dropped", {"title": str(csl["title"]).split(":")[0]}
    if roll < 0.31:
        names = [dict(n) for n in csl["author"]]
        names[0].pop("given", None)
        return "first initials missing", {"author": names}
    return "exact", {}


# ---------------------------------------------------------------------- the run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=600, help="references to render (default 600)")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--decoys", type=float, default=0.05, help="share of decoys")
    parser.add_argument("--show", type=int, default=10, help="failures to print")
    parser.add_argument(
        "--absent-terms", choices=("unknown", "known", "strict"), default="unknown"
    )
    parser.add_argument("--citmatch-relax", action="store_true")
    parser.add_argument("--compare", action="store_true", help="a summary for every fake mode")
    args = parser.parse_args()

    from fake_eutils import FakeEutils

    rng = random.Random(args.seed)
    works = [w for w in parse_pubmed_xml(gzip.decompress(CORPUS.read_bytes())) if usable(w)]
    print(f"{len(works)} corpus records usable as journal-article references")
    rng.shuffle(works)
    cases: list[tuple[str, str, str, str | None]] = []  # style, alteration, raw, expected id
    for i in range(args.n):
        work = works[i % len(works)]
        style = rng.choice(list(STYLES))
        abbreviated = rng.random() < (0.3 if style == "apa" else 0.75)
        label = f"{style}-{'abbrev' if abbreviated else 'full'}"
        if rng.random() < args.decoys:
            other = works[(i + 7919) % len(works)]
            raw = STYLES[style](other, abbreviated, {"title": work.csl["title"]})
            cases.append((label, "decoy", raw, None))
            continue
        what, overlay = alter(work, rng)
        raw = STYLES[style](work, abbreviated, overlay)
        cases.append((label, what, raw, work.id))

    start = time.perf_counter()
    refs = [
        Reference(f"r{i}", raw, None, dict(parse_reference(raw).fields))
        for i, (_, _, raw, _) in enumerate(cases, 1)
    ]
    parse_time = time.perf_counter() - start

    def resolve(absent: str, relax: bool) -> tuple[list[Any], float, int]:
        with (
            FakeEutils(absent_terms=absent, citmatch_relax=relax) as fake,
            tempfile.TemporaryDirectory() as tmp,
        ):
            client = EntrezClient(
                make_session(Path(tmp) / "cache.sqlite"),
                base_url=fake.url,
                email="bench@example.org",
                limiter=RateLimiter(sleep=lambda s: None),  # quality run: no rate limit
            )
            start = time.perf_counter()
            out = resolve_references(refs, client)
            return out, time.perf_counter() - start, len(fake.requests)

    def summary(out: list[Any]) -> tuple[int, int, int]:
        """(accepted, right, wrong)"""
        got = [r.work.id if r.status is Status.RESOLVED and r.work else None for r in out]
        right = sum(1 for g, c in zip(got, cases, strict=True) if g is not None and g == c[3])
        accepted = sum(1 for g in got if g is not None)
        return accepted, right, accepted - right

    mode = f"{args.absent_terms}{' +relax' if args.citmatch_relax else ''}"
    print(f"fake mode: {mode}")
    out, resolve_time, requests = resolve(args.absent_terms, args.citmatch_relax)

    accepted = right = wrong = 0
    expected_total = 0
    per_group: dict[str, Counter[str]] = {}
    failures: list[str] = []
    for (label, what, raw, expected), res in zip(cases, out, strict=True):
        got = res.work.id if res.status is Status.RESOLVED and res.work else None
        if expected is not None:
            expected_total += 1
        if got is not None:
            accepted += 1
            if got == expected:
                right += 1
            else:
                wrong += 1
                failures.append(f"WRONG {got} for {expected} [{label}/{what}]: {raw}")
        elif expected is not None:
            failures.append(
                f"missed {expected} [{label}/{what}] {res.status}: {res.reason[:120]} :: {raw}"
            )
        for key in (label, what):
            group = per_group.setdefault(key, Counter())
            group["n"] += 1
            group["right"] += got is not None and got == expected
            group["wrong"] += got is not None and got != expected
            group["expected"] += expected is not None

    precision = right / accepted if accepted else 1.0
    recall = right / expected_total if expected_total else 0.0
    print(
        f"{len(cases)} references ({expected_total} of records in the corpus, "
        f"{len(cases) - expected_total} decoys); parse {parse_time:.1f} s, "
        f"resolve {resolve_time:.1f} s, {requests} requests"
    )
    print(f"{'group':<24} {'n':>5} {'resolved right':>15} {'wrong':>6} {'recall':>8}")
    for key in sorted(per_group):
        g = per_group[key]
        rec = g["right"] / g["expected"] if g["expected"] else float("nan")
        print(f"{key:<24} {g['n']:>5} {g['right']:>15} {g['wrong']:>6} {rec:>8.1%}")
    print(f"precision {precision:.2%} ({wrong} wrong of {accepted} accepted)")
    print(f"recall    {recall:.2%} ({right} of {expected_total})")
    print(
        f"aim: precision 100% -> {'met' if wrong == 0 else 'NOT met'}; "
        f"recall >= 98% -> {'met' if recall >= 0.98 else 'NOT met'}"
    )
    for line in failures[: args.show]:
        print("  " + line)
    if args.compare:
        print(f"{'fake mode':<22} {'requests':>8} {'precision':>10} {'recall':>8} {'wrong':>6}")
        for absent, relax in (
            ("unknown", False), ("known", False), ("unknown", True), ("known", True),
            ("strict", True),
        ):  # fmt: skip
            outs, _, count = resolve(absent, relax)
            acc, ok, bad = summary(outs)
            label = f"{absent}{' +relax' if relax else ''}{' (old)' if absent == 'strict' else ''}"
            prec = ok / acc if acc else 1.0
            print(f"{label:<22} {count:>8} {prec:>10.2%} {ok / expected_total:>8.2%} {bad:>6}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
