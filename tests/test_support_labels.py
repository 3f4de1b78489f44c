"""The hand-labelled claim-support set obeys its rules (bench/support_labels.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import support_labels  # noqa: E402


def test_copied_runs_counts_consecutive_words() -> None:
    source = "Vacuum assisted dressing is more effective than traditional wound dressing."
    assert support_labels.copied_runs("Dressing is more effective than gauze.", source) == [
        "dressing is more effective than"
    ]
    assert support_labels.copied_runs("Is more effective than gauze.", source) == []


def test_labelled_set_is_sound(shared_dir: Path) -> None:
    if not (shared_dir / "corpus/pubmed/pubmed-real-records.xml.gz").exists():
        pytest.skip("the shared corpus is not here")
    assert support_labels.check() == []
    labelled, skipped = support_labels.load()
    assert len(labelled) >= 60 and all(reason for _, reason in skipped)
    assert len(support_labels.split_of(labelled, "held-out")) == len(labelled) // 3
