"""Verification of works outside PubMed found by Crossref's bibliographic search (issue 14).

The works: every record the fake Crossref REST API serves (tests/fake_crossref.py: the five
Crossref ``work`` records and the two ``work-list`` items recorded in habanero's cassettes, and
the four works written for tests under 10.5555: software, a preprint, a dataset, an article).
Each is cited in three CSL styles (rendered by refkeeper's own formatter, without its DOI or
URL, so the text alone must identify it) and beside each stand two decoys no source holds: the
same title with another first author, year, volume and pages, and a near-identical title (one
word changed) by other authors in another year. Every text is parsed by refkeeper's reference
parser and resolved by ``resolve_references`` through ``CrossrefSource`` alone (PubMed left
out: this measures the Crossref path), cold (empty cache) then warm.

Prints: precision (accepted records that are right; a decoy accepted counts as wrong), recall
(true references resolved to their record), decoys accepted, requests per 100 references
cold and warm.

    python bench/bench_sources.py [--styles nlm-citation-sequence,apa,...] [--show 5]

Aim: precision 1.000 (never a decoy), recall reported, 0 requests warm.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from fake_crossref import FakeCrossref  # noqa: E402
from refkeeper.export import format_bibliography  # noqa: E402
from refkeeper.extract.refparse import parse_reference  # noqa: E402
from refkeeper.models import Reference, Status, Work  # noqa: E402
from refkeeper.resolve import make_session, resolve_references  # noqa: E402
from refkeeper.resolve.crossref import CrossrefSource  # noqa: E402
from refkeeper.resolve.doi import work_from_csl  # noqa: E402

STYLES = ("nlm-citation-sequence", "apa", "american-medical-association")
OTHER_AUTHORS = [{"family": "Castellano", "given": "Lucia"}, {"family": "Brandt", "given": "Ole"}]


def served_works(fake: FakeCrossref) -> list[Work]:
    works = []
    for doi, item in sorted(fake.items.items()):
        work = work_from_csl(item, doi, source="crossref")
        if work is not None:
            works.append(work)
    return works


def render(csl: dict[str, object], style: str) -> str:
    bare = {k: v for k, v in csl.items() if k not in ("DOI", "URL")}
    work = Work(id="x", source="bench", csl={**bare, "id": "x"})
    text = format_bibliography([work], style, "text").strip()
    return re.sub(r"^\s*(?:1\.|\[1\])\s*", "", text)


def decoys(csl: dict[str, object]) -> list[dict[str, object]]:
    year = 2000
    issued = csl.get("issued")
    if isinstance(issued, dict) and issued.get("date-parts"):
        year = int(issued["date-parts"][0][0])  # type: ignore[index]
    other = {**csl, "author": OTHER_AUTHORS, "issued": {"date-parts": [[year - 7]]},
             "volume": "88", "page": "301-309"}  # fmt: skip
    words = str(csl.get("title", "")).split()
    longest = max(range(len(words)), key=lambda i: len(words[i])) if words else 0
    near_title = " ".join("Revisited" if i == longest else w for i, w in enumerate(words))
    near = {**other, "title": near_title, "issued": {"date-parts": [[year + 4]]}}
    return [other, near]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--styles", default=",".join(STYLES))
    parser.add_argument("--show", type=int, default=5, help="misses to print")
    args = parser.parse_args()
    styles = tuple(s for s in args.styles.split(",") if s)
    with FakeCrossref() as fake, tempfile.TemporaryDirectory() as tmp:
        works = served_works(fake)
        cases: list[tuple[str, str | None]] = []  # (text, the right DOI or None for a decoy)
        for work in works:
            for style in styles:
                cases.append((render(work.csl, style), work.doi))
            for decoy in decoys(work.csl):
                cases.append((render(decoy, styles[0]), None))
        refs = [Reference(f"r{i}", text, None, dict(parse_reference(text).fields))
                for i, (text, _) in enumerate(cases, 1)]  # fmt: skip
        cache = Path(tmp) / "cache.sqlite"
        figures = {}
        for run in ("cold", "warm"):
            before = fake.count()
            source = CrossrefSource(make_session(cache), base_url=fake.url, sleep=lambda s: None)
            out = resolve_references(refs, [source])
            figures[run] = (out, fake.count() - before)
        out, cold = figures["cold"]
        accepted = [(c, r) for c, r in zip(cases, out, strict=True) if r.status is Status.RESOLVED]
        right = sum(1 for (_, doi), r in accepted if r.work is not None and r.work.doi == doi)
        true_total = sum(1 for _, doi in cases if doi)
        recalled = sum(1 for (_, doi), r in accepted if doi and r.work and r.work.doi == doi)
        decoys_taken = [(t, r) for (t, doi), r in accepted if doi is None]
        n = len(cases)
        print(f"works {len(works)}, styles {len(styles)}: {true_total} true references, "
              f"{n - true_total} decoys ({n} references)")  # fmt: skip
        print(f"precision {right / len(accepted) if accepted else 1.0:.3f} "
              f"({right}/{len(accepted)} accepted right; decoys accepted: {len(decoys_taken)})")
        print(f"recall    {recalled / true_total:.3f} ({recalled}/{true_total})")
        print(f"requests per 100 references: cold {100 * cold / n:.1f}, "
              f"warm {100 * figures['warm'][1] / n:.1f}")
        misses = [(t, r) for (t, doi), r in zip(cases, out, strict=True)
                  if doi and not (r.work and r.work.doi == doi)]  # fmt: skip
        for text, res in misses[: args.show]:
            print(f"  missed: {text[:110]}\n     -> {res.status.value}: {res.reason[:110]}")
        for text, res in decoys_taken[: args.show]:
            print(f"  DECOY ACCEPTED: {text[:110]} -> {res.work.id if res.work else '?'}")
        print(json.dumps({"precision": right / len(accepted) if accepted else 1.0,
                          "recall": recalled / true_total, "references": n,
                          "requests_cold": cold, "requests_warm": figures["warm"][1]}))  # fmt: skip


if __name__ == "__main__":
    main()
