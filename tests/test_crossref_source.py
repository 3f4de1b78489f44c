"""CrossrefSource: free-text references PubMed does not hold, searched in Crossref and
verified against the text (the local fake of tests/fake_crossref.py: recorded Crossref records
plus works written for tests)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fake_crossref import DATA, FakeCrossref
from refkeeper.errors import RetriesExhausted
from refkeeper.models import Reference, Status
from refkeeper.resolve import Source, make_session, resolve_references
from refkeeper.resolve.crossref import CrossrefSource, works_from_answer
from refkeeper.resolve.source import reference_fields

SREP = (
    "Single-molecule FRET studies on alpha-synuclein oligomerization of Parkinson's disease "
    "genetically related mutants. Sci Rep. 2015;5:16696."
)
SOFTWARE = (
    "Okafor A, Lindqvist J. cellpose-lite: a small segmentation toolkit. Version 2.1.0. "
    "Zenodo; 2024."
)


@pytest.fixture
def fake_crossref() -> Iterator[FakeCrossref]:
    with FakeCrossref() as fake:
        yield fake


class Clock:
    def __init__(self) -> None:
        self.now = 0.0
        self.waits: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.waits.append(round(seconds, 3))
        self.now += seconds

    def time(self) -> float:
        return self.now


def make(fake: FakeCrossref, cache: Path, clock: Clock | None = None, **kw: Any) -> CrossrefSource:
    clock = clock or Clock()
    return CrossrefSource(make_session(cache), base_url=fake.url, sleep=clock.sleep,
                          clock=clock.time, **kw)  # fmt: skip


def free_text(raw: str, rid: str = "r1") -> Reference:
    """A reference as the free-text parser reads it."""
    from refkeeper.pipeline.resolving import reference_from_text

    return reference_from_text(rid, raw)


def test_recorded_answers_read_as_works() -> None:
    work_list = json.loads((DATA / "works-query-ecology.json").read_bytes())
    works = works_from_answer(work_list)
    assert [w.csl["title"] for w in works] == ["Communicating Ecology", "Chemical Ecology"]
    [work] = works_from_answer(json.loads((DATA / "work-10.1038_srep16696.json").read_bytes()))
    assert work.source == "crossref" and work.csl["type"] == "article-journal"
    assert work.csl["container-title"] == "Scientific Reports"


class TestCrossrefSourceContract:
    def test_is_a_source(self, fake_crossref: FakeCrossref, tmp_path: Path) -> None:
        source = make(fake_crossref, tmp_path / "c.sqlite")
        assert isinstance(source, Source) and source.name == "crossref"

    def test_free_text_references_resolve_after_verification(
        self, fake_crossref: FakeCrossref, tmp_path: Path
    ) -> None:
        source = make(fake_crossref, tmp_path / "c.sqlite", email="you@example.org")
        out = resolve_references([free_text(SREP), free_text(SOFTWARE, "r2")], [source])
        assert [r.status for r in out] == [Status.RESOLVED, Status.RESOLVED]
        assert [r.work.doi for r in out if r.work] == [
            "10.1038/srep16696", "10.5555/refkeeper.software.2024"
        ]
        assert all(s.query.get("rows") == "5" for s in fake_crossref.served)
        assert all(s.query.get("mailto") == "you@example.org" for s in fake_crossref.served)
        assert all("refkeeper" in s.user_agent for s in fake_crossref.served)
        # the email never enters the cache
        assert b"you@example.org" not in (tmp_path / "c.sqlite").read_bytes()

    def test_decoys_are_never_accepted(self, fake_crossref: FakeCrossref, tmp_path: Path) -> None:
        source = make(fake_crossref, tmp_path / "c.sqlite")
        decoys = [
            # the same title, another journal, year, volume and pages
            "Single-molecule FRET studies on alpha-synuclein oligomerization of Parkinson's "
            "disease genetically related mutants. J Mol Biol. 2009;388:12-25.",
            # a near-identical title by other authors in another year
            "Lindgren P, Kahn R. cellpose-lite: a small segmentation toolkit for plants. "
            "Plant Methods. 2019;15:7.",
        ]
        out = resolve_references([free_text(d, f"d{i}") for i, d in enumerate(decoys)], [source])
        assert all(r.status is not Status.RESOLVED for r in out), [r.work for r in out]

    def test_lookup_and_fetch_by_doi(self, fake_crossref: FakeCrossref, tmp_path: Path) -> None:
        source = make(fake_crossref, tmp_path / "c.sqlite")
        found = source.lookup("doi", ["10.1002/jor.1100150407", "10.5555/none"])
        assert [w.doi for w in found["10.1002/jor.1100150407"]] == ["10.1002/jor.1100150407"]
        assert "10.5555/none" not in found and source.lookup("pmid", ["1"]) == {}
        works = source.fetch(["10.5555/none", "doi:10.3892/ijo_00000353"])
        assert [w.doi for w in works] == ["10.3892/ijo_00000353"]


def test_spacing_follows_the_rate_limit_headers_and_the_cache_answers_twice(
    fake_crossref: FakeCrossref, tmp_path: Path
) -> None:
    clock = Clock()
    source = make(fake_crossref, tmp_path / "c.sqlite", clock)
    resolve_references([free_text(SREP), free_text(SOFTWARE, "r2")], [source])
    assert clock.waits == [0.1]  # x-rate-limit-limit 10 per x-rate-limit-interval 1s
    served = fake_crossref.count()
    again = make(fake_crossref, tmp_path / "c.sqlite")
    assert [r.status for r in resolve_references([free_text(SREP)], [again])] == [
        Status.RESOLVED
    ]
    assert fake_crossref.count() == served
    offline = make(fake_crossref, tmp_path / "c.sqlite", offline=True)
    [res] = resolve_references([free_text("Doe J. Nothing cached here. X. 2001;1:1.")], [offline])
    assert res.status is Status.UNRESOLVED


@pytest.mark.parametrize("fault", ["429", "500", "html", "truncated"])
def test_a_fault_once_is_retried_and_nothing_wrong_is_cached(
    fake_crossref: FakeCrossref, tmp_path: Path, fault: str
) -> None:
    clock = Clock()
    fake_crossref.inject(fault, 1)
    source = make(fake_crossref, tmp_path / "c.sqlite", clock)
    [res] = resolve_references([free_text(SREP)], [source])
    assert res.status is Status.RESOLVED
    if fault == "429":
        assert 1.0 in clock.waits  # Retry-After
    offline = make(fake_crossref, tmp_path / "c.sqlite", offline=True)
    [cached] = resolve_references([free_text(SREP)], [offline])
    assert cached.status is Status.RESOLVED


def test_a_429_storm_stops_the_run_keeping_what_was_resolved(
    fake_crossref: FakeCrossref, tmp_path: Path
) -> None:
    source = make(fake_crossref, tmp_path / "c.sqlite")
    resolve_references([free_text(SREP)], [source])
    fake_crossref.inject("429", None)
    with pytest.raises(RetriesExhausted, match="Crossref kept failing") as caught:
        resolve_references([free_text(SREP), free_text(SOFTWARE, "r2")], [source])
    partial = caught.value.partial
    assert isinstance(partial, list)
    assert [r.status for r in partial] == [Status.RESOLVED, Status.UNRESOLVED]


def test_reference_fields_give_crossref_a_title() -> None:
    assert reference_fields(free_text(SOFTWARE)).get("title")


def test_doi_source_asks_crossref_for_many_dois_in_one_request(
    fake_crossref: FakeCrossref, tmp_path: Path
) -> None:
    from fake_doi import FakeDoi
    from refkeeper.resolve.doi import DoiSource

    crossref = make(fake_crossref, tmp_path / "c.sqlite")
    with FakeDoi() as fake_doi:
        source = DoiSource(crossref.session, base_url=fake_doi.url, crossref=crossref)
        dois = ["10.1038/srep16696", "10.1002/jor.1100150407", "10.5555/refkeeper.dataset.2022",
                "10.1126/science.169.3946.635", "10.5555/unknown"]  # fmt: skip
        found = source.lookup("doi", dois)
        assert sorted(found) == sorted(dois[:4])
        assert [s.query["filter"].count("doi:") for s in fake_crossref.served] == [5]
        # what Crossref does not hold goes to doi.org (content negotiation): 2 unknown to it
        assert {s.path for s in fake_doi.served if s.status == 302} == {
            "/10.1126/science.169.3946.635"
        }
        assert found["10.1126/science.169.3946.635"][0].source == "doi"
        assert found["10.1038/srep16696"][0].source == "crossref"


def test_timeouts_are_retried_then_stop_the_run(
    fake_crossref: FakeCrossref, tmp_path: Path
) -> None:
    fake_crossref.slow_seconds = 0.5
    source = make(fake_crossref, tmp_path / "c.sqlite", timeout=0.1)
    fake_crossref.inject("slow", 1)
    assert [w.doi for w in source.fetch(["10.1038/srep16696"])] == ["10.1038/srep16696"]
    fake_crossref.inject("slow", None)
    with pytest.raises(RetriesExhausted, match="could not be reached"):
        resolve_references([free_text(SREP)], [source])
