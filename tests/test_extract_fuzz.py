"""Every extractor meets the property on mutated real inputs: a result or the project's own
error type, with a one-line message (a CI-sized subset of ``bench/bench_fuzz.py``)."""

from __future__ import annotations

import pytest

from fuzz_inputs import SEEDS, fuzz_kind

CI_PER_KIND = 60


@pytest.mark.parametrize("kind", sorted(SEEDS))
def test_mutated_real_inputs_give_results_or_project_errors(kind: str) -> None:
    outcomes = fuzz_kind(kind, CI_PER_KIND, seed=16)
    assert sum(outcomes[m] for m in ("flip", "truncate", "duplicate")) == CI_PER_KIND
    if kind != "csl-json":  # a mutated JSON file is mostly invalid JSON: a DocumentError
        assert outcomes["ok"] > 0
