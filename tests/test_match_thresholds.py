"""The verification rule with candidates placed exactly around it: a record is accepted only at
a score of 0.80 or more (README: "accepted at 0.80") with a lead of 0.10 over the runner-up,
and without a blocker. The candidates are variants of one real seed record (Timmons 1995), each
differing from the reference in a few citation fields; the test picks the variants nearest to
the threshold and margin on either side, so any change of the rule moves one of them across."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from refkeeper.models import CSLItem, Status, Work
from refkeeper.resolve import match
from refkeeper.resolve.match import Score, decide, score_candidate
from refkeeper.resolve.pubmed import parse_pubmed_xml

THRESHOLD = 0.80  # the documented rule, not read from the module under test
LEAD = 0.10
NEAR = 0.03  # the variants found lie this close to the threshold on either side

DATA = Path(__file__).parent / "data" / "ncbi"


@cache
def timmons() -> Work:
    (work,) = parse_pubmed_xml((DATA / "pubmed-8620427.xml").read_bytes())
    return work


def reference() -> CSLItem:
    """The reference as a writer cites the record: its own fields, complete."""
    csl = timmons().csl
    return {
        "id": "ref",
        "type": "article-journal",
        "title": csl["title"],
        "author": [dict(a) for a in csl["author"]],
        "issued": csl["issued"],
        "container-title": timmons().journal_iso,
        "volume": csl["volume"],
        "page": csl["page"],
    }


def _variants() -> Iterator[tuple[str, Work]]:
    """The record with one or more citation fields changed (a different record to the
    matcher: its own id)."""
    base = timmons()
    csl = base.csl
    year = int(csl["issued"]["date-parts"][0][0])
    authors = list(csl["author"])
    changes: dict[str, list[tuple[str, dict[str, Any], dict[str, Any]]]] = {
        "journal": [
            ("", {}, {}),
            ("journal", {"container-title": "Journal of Pediatric Radiology",
                         "container-title-short": "J Pediatr Radiol"},
             {"journal_iso": "J Pediatr Radiol", "journal_full": "Journal of Pediatric Radiology"}),
        ],
        "volume": [("", {}, {}), ("volume", {"volume": "91"}, {})],
        "page": [("", {}, {}), ("page", {"page": "2200-9"}, {})],
        "year": [
            ("", {}, {}),
            ("year+1", {"issued": {"date-parts": [[year + 1]]}}, {}),
            ("year+3", {"issued": {"date-parts": [[year + 3]]}}, {}),
        ],
        "authors": [
            ("", {}, {}),
            ("+1 author", {"author": [*authors, {"family": "Zed", "given": "A"}]}, {}),
            ("+2 authors", {"author": [*authors, {"family": "Zed", "given": "A"},
                                       {"family": "Yor", "given": "B"}]}, {}),
            ("initials", {"author": [{**authors[0], "given": "Q"}, *authors[1:]]}, {}),
            ("compound", {"author": [{**authors[0], "family": authors[0]["family"] + " Lopez"},
                                     *authors[1:]]}, {}),
        ],
        # another first or second author: the record's author list differs from the one cited
        "title": [
            ("", {}, {}),
            ("title typo", {"title": csl["title"].replace("leiomyosarcomas", "leiomyosarcomata")},
             {}),
        ],
        "other": [
            ("", {}, {}),
            ("first author", {"_rename": 0}, {}),
            ("second author", {"_rename": 1}, {}),
        ],
    }  # fmt: skip
    for n, combo in enumerate(itertools.product(*changes.values())):
        names = [name for name, _, _ in combo if name]
        new_csl = dict(csl)
        extras: dict[str, Any] = {}
        for _, csl_change, work_change in combo:
            new_csl.update(csl_change)
            extras.update(work_change)
        if "_rename" in new_csl:  # another person in the record at that place of the list
            people = [dict(a) for a in new_csl["author"]]
            people[new_csl.pop("_rename")]["family"] = "Zedner"
            new_csl["author"] = people
        uid = f"pmid:{90000000 + n}"
        new_csl["id"] = uid
        work = replace(base, id=uid, pmid=str(90000000 + n), csl=new_csl, **extras)
        yield ", ".join(names) or "same", work


@cache
def scored() -> list[tuple[str, Score]]:
    ref = reference()
    return [(name, score_candidate(ref, work)) for name, work in _variants()]


def _unblocked() -> list[tuple[str, Score]]:
    return [(name, s) for name, s in scored() if not s.blockers]


def test_the_variants_surround_the_threshold_closely() -> None:
    below = [s.score for _, s in _unblocked() if s.score < THRESHOLD]
    above = [s.score for _, s in _unblocked() if s.score >= THRESHOLD]
    assert THRESHOLD - max(below) < NEAR
    assert min(above) - THRESHOLD < NEAR


def test_just_below_the_threshold_is_not_accepted() -> None:
    name, best = max(((n, s) for n, s in _unblocked() if s.score < THRESHOLD),
                     key=lambda p: p[1].score)  # fmt: skip
    decision = decide(reference(), [best.work])
    assert decision.status is Status.AMBIGUOUS, name
    assert decision.best is None
    assert f"score {best.score:.2f} below 0.80" in decision.reason
    assert [c.work_id for c in decision.candidates] == [best.work.id]


@pytest.mark.parametrize("rank", [0, 1, 2])
def test_every_unblocked_score_below_the_threshold_is_refused(rank: int) -> None:
    """Not only the nearest: each distinct score between the blockers and the threshold."""
    scores = sorted({round(s.score, 6) for _, s in _unblocked() if s.score < THRESHOLD})
    assert len(scores) > rank
    target = scores[-1 - rank]
    name, chosen = next((n, s) for n, s in _unblocked() if round(s.score, 6) == target)
    assert decide(reference(), [chosen.work]).status is not Status.RESOLVED, name


def test_just_above_the_threshold_is_accepted() -> None:
    name, best = min(((n, s) for n, s in _unblocked() if s.score >= THRESHOLD),
                     key=lambda p: p[1].score)  # fmt: skip
    decision = decide(reference(), [best.work])
    assert decision.status is Status.RESOLVED, name
    assert decision.best is not None and decision.best.work.id == best.work.id
    assert decision.reason == ""


def test_a_blocker_refuses_even_a_high_score() -> None:
    blocked = [(n, s) for n, s in scored() if s.blockers and s.score >= THRESHOLD]
    assert blocked
    for name, s in blocked:
        assert decide(reference(), [s.work]).status is not Status.RESOLVED, name


def _pair_around_margin(side: str) -> tuple[Score, Score]:
    """The exact record and the runner-up whose lead is nearest to LEAD from ``side``."""
    exact = next(s for n, s in scored() if n == "same")
    assert exact.score == 1.0 and not exact.blockers
    runners = [s for n, s in scored() if n != "same"]
    if side == "below":
        runner = min((s for s in runners if exact.score - s.score < LEAD - 1e-9),
                     key=lambda s: s.score)  # fmt: skip
    else:
        runner = max((s for s in runners if exact.score - s.score > LEAD + 1e-9),
                     key=lambda s: s.score)  # fmt: skip
    assert abs(exact.score - runner.score - LEAD) < NEAR
    return exact, runner


def test_a_lead_just_under_the_margin_is_ambiguous() -> None:
    exact, runner = _pair_around_margin("below")
    decision = decide(reference(), [runner.work, exact.work])
    assert decision.status is Status.AMBIGUOUS
    assert decision.best is None
    assert "two records fit almost equally" in decision.reason
    assert {c.work_id for c in decision.candidates} == {exact.work.id, runner.work.id}


def test_a_lead_just_over_the_margin_is_accepted() -> None:
    exact, runner = _pair_around_margin("above")
    decision = decide(reference(), [runner.work, exact.work])
    assert decision.status is Status.RESOLVED
    assert decision.best is not None and decision.best.work.id == exact.work.id
    assert [c.work_id for c in decision.candidates][:2] == [exact.work.id, runner.work.id]


def test_the_margin_is_measured_against_a_blocked_runner_up_too() -> None:
    """A runner-up that could not be accepted itself still takes the lead away."""
    pairs = [
        (a, b)
        for _, a in _unblocked()
        for _, b in scored()
        if a.score >= THRESHOLD and b.blockers and 0 < a.score - b.score < LEAD
    ]
    assert pairs
    for a, b in pairs[:20]:
        assert decide(reference(), [a.work, b.work]).status is Status.AMBIGUOUS
        assert decide(reference(), [a.work]).status is Status.RESOLVED


def test_below_consider_nothing_is_shown() -> None:
    low = [s for _, s in scored() if s.score < match.CONSIDER]
    shown = [s for _, s in scored() if match.CONSIDER <= s.score < THRESHOLD]
    assert low and shown
    decision = decide(reference(), [low[0].work])
    assert decision.status is Status.NOT_FOUND and decision.candidates == ()
    assert decide(reference(), [shown[0].work]).candidates != ()
