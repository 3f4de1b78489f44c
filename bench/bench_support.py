"""Claim-support benchmark on the hand-labelled set (bench/data/support_claims.jsonl).

Each labelled corpus record gives three claim-record pairs (see bench/support_labels.py):
a paraphrase of one of its findings cited to it ("supported"), a claim it contradicts cited
to it ("contradicted"), and the paraphrase cited to a related record that does not state it
("unrelated"). Printed for the tuning records and the held-out third apart, for refkeeper's
support scorer at its default settings and for plain word overlap (Jaccard of the claim's
and the record's title+abstract terms) as the baseline:

- ROC AUC of the score, supported vs contradicted and supported vs unrelated;
- at the default settings: the share of contradicted and of unrelated claims NOT shown as
  "supported", and the share of supported claims flagged (shown as anything else); the
  Jaccard baseline is given the threshold that flags 5% of the tuning set's supported claims;
- evidence acceptable: the share of supported claims (with marked sentences) whose evidence
  sentence is one a reader marked as acceptable before the scorer was run.

    python bench/bench_support.py [--show]

Aims (issue 12): AUC >= 0.85 (vs contradicted) and >= 0.95 (vs unrelated); >= 80% of
contradicted and >= 90% of unrelated not "supported"; <= 5% of supported flagged; evidence
acceptable >= 80%.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from refkeeper.audit.support import SupportScorer, SupportStatus  # noqa: E402
from refkeeper.audit.text import clean_claim, terms  # noqa: E402
from refkeeper.models import Work  # noqa: E402
from support_labels import Labelled, abstract_sentences, corpus, load  # noqa: E402


def roc_auc(positives: Sequence[float], negatives: Sequence[float]) -> float:
    """Mann-Whitney U / (n_pos * n_neg), ties counted half."""
    if not positives or not negatives:
        return float("nan")
    wins = 0.0
    for p in positives:
        for n in negatives:
            wins += 1.0 if p > n else 0.5 if p == n else 0.0
    return wins / (len(positives) * len(negatives))


@dataclass(frozen=True, slots=True)
class Judged:
    score: float
    supported: bool  # shown as "supported"
    evidence: str | None
    detail: str = ""


Method = Callable[[str, Work], Judged]


def rules(scorer: SupportScorer) -> Method:
    def judge(claim: str, work: Work) -> Judged:
        result = scorer.score(claim, work)
        detail = f"{result.status}"
        if result.conflict:
            detail += f" [{result.conflict}]"
        return Judged(
            result.score or 0.0,
            result.status == SupportStatus.SUPPORTED,
            result.evidence,
            detail,
        )

    return judge


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


def jaccard(threshold: float) -> Method:
    def judge(claim: str, work: Work) -> Judged:
        mine = set(terms(clean_claim(claim)))
        text = f"{work.csl.get('title') or ''} {work.abstract_text}"
        score = _jaccard(mine, set(terms(text)))
        best = max(
            abstract_sentences(work), key=lambda s: _jaccard(mine, set(terms(s))), default=None
        )
        return Judged(score, score >= threshold, best, f"{score:.3f}")

    return judge


@dataclass
class Figures:
    auc_contradicted: float
    auc_unrelated: float
    contradicted_caught: float
    unrelated_caught: float
    supported_flagged: float
    evidence_ok: float
    evidence_n: int
    n: int


def measure(
    items: Sequence[Labelled], records: dict[str, Work], method: Method, show: list[str] | None
) -> Figures:
    sup: list[Judged] = []
    con: list[Judged] = []
    unr: list[Judged] = []
    evidence_ok = evidence_n = 0
    for item in items:
        own, other = records[item.pmid], records[item.related_pmid]
        s = method(item.supported, own)
        c = method(item.contradicted, own)
        u = method(item.supported, other)
        sup.append(s)
        con.append(c)
        unr.append(u)
        if item.evidence:
            evidence_n += 1
            marked = {text for _, text in item.evidence}
            if s.evidence in marked:
                evidence_ok += 1
            elif show is not None:
                show.append(f"{item.pmid} evidence: {s.evidence}")
        if show is not None:
            if not s.supported:
                show.append(f"{item.pmid} supported flagged {s.detail}: {item.supported}")
            if c.supported:
                show.append(
                    f"{item.pmid} contradicted ({item.contradiction}) shown supported "
                    f"{c.detail}: {item.contradicted}"
                )
            if u.supported:
                show.append(f"{item.pmid} unrelated {item.related_pmid} shown supported {u.detail}")
    n = len(items)
    return Figures(
        roc_auc([j.score for j in sup], [j.score for j in con]),
        roc_auc([j.score for j in sup], [j.score for j in unr]),
        sum(1 for j in con if not j.supported) / n,
        sum(1 for j in unr if not j.supported) / n,
        sum(1 for j in sup if not j.supported) / n,
        evidence_ok / evidence_n if evidence_n else float("nan"),
        evidence_n,
        n,
    )


def calibrate_jaccard(items: Sequence[Labelled], records: dict[str, Work]) -> float:
    """The Jaccard threshold that flags 5% of the tuning set's supported claims."""
    scores = sorted(jaccard(0.0)(x.supported, records[x.pmid]).score for x in items)
    return scores[int(0.05 * len(scores))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--show", action="store_true", help="print the misjudged pairs")
    args = ap.parse_args()
    labelled, _ = load()
    records = corpus()
    tuning = [x for x in labelled if x.split == "tuning"]
    held = [x for x in labelled if x.split == "held-out"]
    threshold = calibrate_jaccard(tuning, records)
    methods: dict[str, Method] = {
        "refkeeper rules": rules(SupportScorer()),
        f"Jaccard >= {threshold:.3f}": jaccard(threshold),
    }
    print(
        f"{len(labelled)} labelled records ({len(tuning)} tuning, {len(held)} held out), "
        f"3 claim-record pairs each"
    )
    header = (
        f"{'method':<22} {'records':<10} {'AUC s/c':>7} {'AUC s/u':>7} {'contr. caught':>13} "
        f"{'unrel. caught':>13} {'sup. flagged':>12} {'evidence ok':>14}"
    )
    print(header)
    print("-" * len(header))
    shown: list[str] = []
    for name, method in methods.items():
        for split, items in (("tuning", tuning), ("held-out", held), ("all", labelled)):
            started = time.perf_counter()
            f = measure(
                items,
                records,
                method,
                shown if args.show and split != "all" and "rules" in name else None,
            )
            elapsed = time.perf_counter() - started
            print(
                f"{name:<22} {split + f' ({f.n})':<10} {f.auc_contradicted:7.3f} "
                f"{f.auc_unrelated:7.3f} {f.contradicted_caught:13.1%} {f.unrelated_caught:13.1%} "
                f"{f.supported_flagged:12.1%} {f.evidence_ok:8.1%} ({f.evidence_n:2})"
                + (f"  [{3 * f.n / elapsed:,.0f} pairs/s]" if split == "all" else "")
            )
    print(
        "aims: AUC s/c >= 0.85, AUC s/u >= 0.95, contradicted caught >= 80%, unrelated caught "
        ">= 90%, supported flagged <= 5%, evidence ok >= 80%"
    )
    by_kind: dict[str, list[bool]] = {}
    judge = methods["refkeeper rules"]
    for item in labelled:
        caught = not judge(item.contradicted, records[item.pmid]).supported
        by_kind.setdefault(item.contradiction, []).append(caught)
    print(
        "contradicted caught by kind (rules, all records): "
        + ", ".join(
            f"{k} {sum(v)}/{len(v)}" for k, v in sorted(by_kind.items(), key=lambda kv: kv[0])
        )
    )
    for line in shown:
        print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
