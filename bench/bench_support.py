"""Claim-support benchmark on real PubMed records: ROC AUC of the support score.

Claims: for every record of ../shared/corpus/pubmed/ with an abstract of at least three
sentences, the first sentence of its CONCLUSION(S) section (structured abstracts) or the last
sentence of the abstract (unstructured), at least eight words long, stands for a claim citing
that record.

Pairs:
- positive: the claim with its own record, the claim sentence REMOVED from the abstract (so the
  score cannot simply find the sentence itself; the title, other sentences and MeSH remain);
- negative: the same claim with a different, topically close record: the record sharing the
  most MeSH descriptors with it (check tags such as Humans/Male/Adult excluded; ties broken by
  title+abstract word overlap), or, when a record has no MeSH, the record with the most
  title+abstract terms in common.

Leakage control: two folds by record; pairs of fold A are scored with an IDF table built from the
titles and abstracts of fold B only, and their negatives are drawn from fold A, so neither
record of a pair is in the collection that weights the claim's terms (and vice versa). The
package's shipped IDF table (built from the whole corpus) is reported too, marked as leaky.

Prints ROC AUC (Mann-Whitney), the share of pairs where the own record outscores the close
one, and, at thresholds, how many positives/negatives would be flagged "weak".

    python bench/bench_support.py [--limit N]

Aim (issue 6): ROC AUC >= 0.9.
"""

from __future__ import annotations

import argparse
import gzip
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from refkeeper.audit.support import SupportScorer, idf_from_texts
from refkeeper.audit.text import sentences, terms
from refkeeper.models import AbstractSection, Work
from refkeeper.resolve.pubmed import parse_pubmed_xml

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "pubmed" / "pubmed-real-records.xml.gz"

CHECK = {
    "Humans", "Male", "Female", "Animals", "Adult", "Middle Aged", "Aged", "Aged, 80 and over",
    "Young Adult", "Adolescent", "Child", "Child, Preschool", "Infant", "Infant, Newborn", "Mice",
    "Rats", "Pregnancy", "Cohort Studies", "Retrospective Studies", "Prospective Studies",
    "Cross-Sectional Studies", "Risk Factors", "Treatment Outcome", "Time Factors",
    "Follow-Up Studies", "Surveys and Questionnaires", "Cells, Cultured", "Cell Line",
    "Cell Line, Tumor", "Mice, Inbred C57BL", "Rats, Sprague-Dawley", "Rats, Wistar",
}  # fmt: skip


def claim_of(work: Work) -> tuple[str, Work] | None:
    """The conclusion sentence and the record without it, or None."""
    all_sentences = [s for sec in work.abstract for s in sentences(sec.text)]
    if len(all_sentences) < 3:
        return None
    target_index = None
    for i, sec in enumerate(work.abstract):
        if sec.label and sec.label.upper().startswith("CONCLUSION"):
            target_index = i
            claim = sentences(sec.text)[0]
            break
    else:
        target_index = len(work.abstract) - 1
        claim = sentences(work.abstract[-1].text)[-1]
    if len(claim.split()) < 8:
        return None
    sections = []
    for i, sec in enumerate(work.abstract):
        if i == target_index:
            rest = " ".join(s for s in sentences(sec.text) if s != claim)
            if rest.strip():
                sections.append(AbstractSection(sec.label, rest))
        else:
            sections.append(sec)
    return claim, replace(work, abstract=tuple(sections))


def text_of(work: Work) -> str:
    return f"{work.csl.get('title', '')} {work.abstract_text}"


def topical_neighbours(pool: Sequence[Work]) -> dict[str, Work]:
    """For each record, the other record of the pool sharing the most MeSH descriptors
    (Jaccard; check tags excluded), ties broken by title+abstract term overlap (Jaccard)."""
    mesh = {w.id: {m.split("/")[0] for m in w.mesh} - CHECK for w in pool}
    words = {w.id: set(terms(text_of(w))) for w in pool}
    titles = {w.id: str(w.csl.get("title")) for w in pool}
    out: dict[str, Work] = {}
    for work in pool:
        mine_mesh, mine = mesh[work.id], words[work.id]
        best: tuple[float, float] = (-1.0, -1.0)
        for other in pool:
            if other.id == work.id or titles[other.id] == titles[work.id]:
                continue
            theirs = mesh[other.id]
            shared = len(mine_mesh & theirs) / (len(mine_mesh | theirs) or 1) if mine_mesh else 0
            if shared < best[0]:
                continue
            other_words = words[other.id]
            overlap = len(mine & other_words) / (len(mine | other_words) or 1)
            if (shared, overlap) > best:
                best = (shared, overlap)
                out[work.id] = other
    return out


def hardest_negative(
    claim: str, work: Work, pool: Sequence[Work], words: dict[str, set[str]]
) -> Work | None:
    """The other record whose title+abstract contain the most of the claim's terms."""
    wanted = set(terms(claim))
    title = str(work.csl.get("title"))
    best: tuple[int, Work | None] = (-1, None)
    for other in pool:
        if other.id == work.id or str(other.csl.get("title")) == title:
            continue
        hits = len(wanted & words[other.id])
        if hits > best[0]:
            best = (hits, other)
    return best[1]


def mesh_shared(a: Work, b: Work) -> int:
    return len(
        ({m.split("/")[0] for m in a.mesh} - CHECK) & ({m.split("/")[0] for m in b.mesh} - CHECK)
    )


def roc_auc(positives: Sequence[float], negatives: Sequence[float]) -> float:
    """Mann-Whitney U / (n_pos * n_neg), ties counted half."""
    ranked = sorted([(s, 1) for s in positives] + [(s, 0) for s in negatives])
    rank_sum = 0.0
    i = 0
    while i < len(ranked):
        j = i
        while j < len(ranked) and ranked[j][0] == ranked[i][0]:
            j += 1
        avg = (i + j + 1) / 2.0
        rank_sum += avg * sum(1 for k in range(i, j) if ranked[k][1] == 1)
        i = j
    n_pos, n_neg = len(positives), len(negatives)
    return (rank_sum - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--show", type=int, default=0, help="print N worst pairs")
    args = ap.parse_args()
    works = [
        w for w in parse_pubmed_xml(gzip.decompress(CORPUS.read_bytes())) if w.abstract_text.strip()
    ]
    if args.limit:
        works = works[: args.limit]
    folds = [works[0::2], works[1::2]]
    neighbours = [topical_neighbours(fold) for fold in folds]
    started = time.perf_counter()
    results: dict[str, tuple[list[float], list[float], list[tuple[float, float, str]]]] = {}
    close: dict[str, tuple[list[float], list[float]]] = {}
    fold_words = [{w.id: set(terms(text_of(w))) for w in fold} for fold in folds]
    variants = (
        "cross-fitted IDF (fold B weights fold A)",
        "shipped IDF (leaky)",
        "hardest negatives: the other record containing most of the claim's words "
        "(cross-fitted IDF)",
    )
    for variant in variants:
        pos: list[float] = []
        neg: list[float] = []
        pairs: list[tuple[float, float, str]] = []
        close_pos: list[float] = []
        close_neg: list[float] = []
        for k, fold in enumerate(folds):
            if not variant.startswith("shipped"):
                scorer = SupportScorer(idf_from_texts(text_of(w) for w in folds[1 - k]))
            else:
                scorer = SupportScorer()
            for work in fold:
                made = claim_of(work)
                if made is None:
                    continue
                claim, own = made
                other = neighbours[k].get(work.id)
                if variant.startswith("hardest"):
                    other = hardest_negative(claim, work, fold, fold_words[k])
                if other is None:
                    continue
                p = scorer.score(claim, own).score or 0.0
                n = scorer.score(claim, other).score or 0.0
                pos.append(p)
                neg.append(n)
                shared = mesh_shared(work, other)
                label = f"{claim}\n   own {work.id} vs {other.id} ({shared} MeSH shared)"
                pairs.append((p, n, label))
                if shared:
                    close_pos.append(p)
                    close_neg.append(n)
        results[variant] = (pos, neg, pairs)
        close[variant] = (close_pos, close_neg)
    elapsed = time.perf_counter() - started

    shared_counts = []
    for k, fold in enumerate(folds):
        for work in fold:
            other = neighbours[k].get(work.id)
            if other is not None and claim_of(work) is not None:
                mine = {m.split("/")[0] for m in work.mesh} - CHECK
                theirs = {m.split("/")[0] for m in other.mesh} - CHECK
                shared_counts.append(len(mine & theirs))
    n_pairs = len(next(iter(results.values()))[0])
    print(
        f"records with an abstract: {len(works)}; claim pairs: {n_pairs} "
        f"(own record without the sentence vs topically closest other record)"
    )
    with_shared = sum(1 for c in shared_counts if c > 0)
    print(
        f"negatives sharing >= 1 MeSH descriptor (check tags excluded) with the claim's record: "
        f"{with_shared} of {len(shared_counts)}; median shared "
        f"{sorted(shared_counts)[len(shared_counts) // 2]}"
    )
    print(
        f"scored {2 * n_pairs * len(results)} claim-record pairs in {elapsed:.1f} s "
        f"({2 * n_pairs * len(results) / elapsed:,.0f} pairs/s)"
    )
    for variant, (pos, neg, pairs) in results.items():
        auc = roc_auc(pos, neg)
        wins = sum(1 for p, n, _ in pairs if p > n) / len(pairs)
        cpos, cneg = close[variant]
        print()
        print(f"{variant}:")
        print(
            f"  ROC AUC {auc:.3f}; own record scores higher in {wins:.1%} of pairs; "
            f"median score own {sorted(pos)[len(pos) // 2]:.3f}, "
            f"close other {sorted(neg)[len(neg) // 2]:.3f}"
        )
        if cpos:
            print(
                f"  on the {len(cpos)} pairs whose other record shares >= 1 MeSH descriptor: "
                f"ROC AUC {roc_auc(cpos, cneg):.3f}"
            )
        for threshold in (0.2, 0.25, 0.3, 0.35, 0.4):
            fp = sum(1 for p in pos if p < threshold) / len(pos)
            tn = sum(1 for n in neg if n < threshold) / len(neg)
            print(
                f"  threshold {threshold:.2f}: own records flagged weak {fp:6.1%}, "
                f"close others flagged weak {tn:6.1%}"
            )
        if args.show and variant.startswith("cross"):
            worst = sorted(pairs, key=lambda t: t[0] - t[1])[: args.show]
            for p, n, label in worst:
                print(f"  own {p:.2f} other {n:.2f}: {label}")
    labels = Counter("structured" if any(s.label for s in w.abstract) else "plain" for w in works)
    print()
    print(f"abstract kinds: {dict(labels)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
