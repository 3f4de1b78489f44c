"""DoiSource: DOIs PubMed does not hold, through doi.org content negotiation (the local fake
of tests/fake_doi.py, serving recorded doi.org/Crossref answers and works written for tests)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from fake_doi import DATA, FakeDoi
from refkeeper.cli import main
from refkeeper.errors import RetriesExhausted
from refkeeper.library import read_lock
from refkeeper.models import Reference, Status
from refkeeper.resolve import Source, make_session, resolve_references
from refkeeper.resolve.doi import DoiSource, work_from_csl

SCIENCE = "10.1126/science.169.3946.635"
SOFTWARE = "10.5555/refkeeper.software.2024"
PREPRINT = "10.5555/refkeeper.preprint.2023"


@pytest.fixture
def fake_doi() -> Iterator[FakeDoi]:
    with FakeDoi() as fake:
        yield fake


@pytest.fixture
def source(fake_doi: FakeDoi, tmp_path: Path) -> Iterator[DoiSource]:
    session = make_session(tmp_path / "c.sqlite")
    made = DoiSource(session, base_url=fake_doi.url, sleep=lambda s: None)
    yield made
    made.close()


def ref(raw: str, rid: str = "r1", **fields: Any) -> Reference:
    return Reference(rid, raw, None, dict(fields))


def test_the_recorded_crossref_answer_becomes_a_csl_work() -> None:
    data = json.loads((DATA / "science.169.3946.635.csl.json").read_bytes())
    work = work_from_csl(data, SCIENCE)
    assert work is not None and work.id == f"doi:{SCIENCE}" and work.source == "doi"
    assert work.csl["type"] == "article-journal"  # Crossref's "journal-article" mapped
    assert work.csl["title"] == "The Structure of Ordinary Water"
    assert work.csl["author"][0] == {"family": "Frank", "given": "Henry S."}
    assert work.csl["container-title"] == "Science" and work.csl["volume"] == "169"
    assert "reference" not in work.csl and "indexed" not in work.csl
    assert work_from_csl(data, "10.1000/other") is None  # an answer about another DOI
    assert work_from_csl(["not", "a", "record"], SCIENCE) is None


class TestDoiSourceContract:
    """The Source contract (tests/test_index.py::TestSourceContract) in DOI terms."""

    def test_is_a_source(self, source: DoiSource) -> None:
        assert isinstance(source, Source) and source.name == "doi"

    def test_references_by_doi_resolve(self, source: DoiSource) -> None:
        refs = [ref("", "r1", DOI=SCIENCE), ref(f"See doi:{SOFTWARE}", "r2")]
        out = resolve_references(refs, [source])
        assert [r.status for r in out] == [Status.RESOLVED, Status.RESOLVED]
        assert [r.work.doi for r in out if r.work] == [SCIENCE, SOFTWARE]
        assert out[1].work is not None and out[1].work.csl["type"] == "software"
        assert all(r.tried for r in out)

    def test_a_decoy_is_never_accepted(self, source: DoiSource) -> None:
        # The right DOI, but every other field says another work.
        decoy = ref(
            "Smith J. Glacier melt in the Andes, 1990-2000. Nature. 2005;433:100-9. "
            f"doi:{SCIENCE}",
            title="Glacier melt in the Andes, 1990-2000",
            author=[{"family": "Smith", "given": "J"}],
            issued={"date-parts": [[2005]]},
            **{"container-title": "Nature"},
            volume="433",
            page="100-9",
        )
        [res] = resolve_references([decoy], [source])
        assert res.status is not Status.RESOLVED

    def test_lookup_by_identifier(self, source: DoiSource) -> None:
        found = source.lookup("doi", [PREPRINT, "10.5555/unknown"])
        assert [w.doi for w in found[PREPRINT]] == [PREPRINT]
        assert found[PREPRINT][0].csl["container-title"] == "bioRxiv"
        # the preprint's record names its published version
        assert found[PREPRINT][0].csl["note"] == (
            "Published version: doi:10.5555/refkeeper.article.2021"
        )
        assert found.get("10.5555/unknown", []) == []
        assert source.lookup("pmid", ["8620427"]) == {}

    def test_fetch_by_id_in_the_order_asked(self, source: DoiSource) -> None:
        works = source.fetch([SOFTWARE, "10.5555/unknown", f"doi:{SCIENCE}"])
        assert [w.doi for w in works] == [SOFTWARE, SCIENCE]


def test_answers_are_cached_and_offline_reads_the_cache(fake_doi: FakeDoi, tmp_path: Path) -> None:
    cache = tmp_path / "c.sqlite"
    first = DoiSource(make_session(cache), base_url=fake_doi.url)
    assert first.fetch([SCIENCE])
    served = fake_doi.count()
    assert served == 2  # doi.org's redirect, then the registry's record
    assert DoiSource(make_session(cache), base_url=fake_doi.url).fetch([SCIENCE])
    assert fake_doi.count() == served
    offline = DoiSource(make_session(cache), base_url=fake_doi.url, offline=True)
    assert [w.doi for w in offline.fetch([SCIENCE])] == [SCIENCE]
    [res] = resolve_references([ref("", DOI=SOFTWARE)], [offline])
    assert res.status is Status.UNRESOLVED and "not cached" in res.reason
    assert fake_doi.count() == served
    assert all(CSL in s.accept for s in fake_doi.served for CSL in ["citationstyles"])


@pytest.mark.parametrize("fault", ["429", "500", "html", "truncated"])
def test_a_fault_once_is_retried_and_nothing_wrong_is_cached(
    fake_doi: FakeDoi, tmp_path: Path, fault: str
) -> None:
    cache = tmp_path / "c.sqlite"
    waits: list[float] = []
    fake_doi.inject(fault, 1)
    source = DoiSource(make_session(cache), base_url=fake_doi.url, sleep=waits.append)
    assert [w.doi for w in source.fetch([SOFTWARE])] == [SOFTWARE]
    if fault == "429":
        assert waits == [1.0]  # the Retry-After the fake sent
    # the failed answer was not stored: a cached read gives the good record
    offline = DoiSource(make_session(cache), base_url=fake_doi.url, offline=True)
    assert [w.doi for w in offline.fetch([SOFTWARE])] == [SOFTWARE]


def test_a_429_storm_stops_the_run_keeping_what_was_resolved(
    fake_doi: FakeDoi, tmp_path: Path
) -> None:
    source = DoiSource(make_session(tmp_path / "c.sqlite"), base_url=fake_doi.url,
                       sleep=lambda s: None)  # fmt: skip
    assert source.fetch([SCIENCE])
    source.ROUND = 1  # one DOI a round: the first is settled before the second fails
    fake_doi.inject("429", None)
    with pytest.raises(RetriesExhausted) as caught:
        resolve_references([ref("", "r1", DOI=SCIENCE), ref("", "r2", DOI=SOFTWARE)], [source])
    partial = caught.value.partial
    assert isinstance(partial, list)
    assert partial[0].status is Status.RESOLVED and partial[1].status is Status.UNRESOLVED
    assert "429" in str(caught.value)


MANUSCRIPT = f"""\
---
title: Beyond PubMed
---

Leiomyosarcomas arise after transplantation [@pmid:8620427]. Water is strange
[@doi:{SCIENCE}]. Segmentation used cellpose-lite [@doi:{SOFTWARE}], after a preprint
[@biorxiv:{PREPRINT}] and R [@url:https://www.r-project.org/].
"""


def test_sync_with_pubmed_then_doi(
    tmp_path: Path, fake_eutils_env: Any, fake_doi: FakeDoi, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "paper"
    root.mkdir()
    (root / "paper.md").write_text(MANUSCRIPT)
    (root / "refkeeper.toml").write_text(
        '[project]\ndocuments = ["paper.md"]\n[outputs]\nbibtex = "out/refs.bib"\n'
        'csl-json = "out/refs.json"\n[sources]\norder = ["pubmed", "doi"]\n'
    )
    monkeypatch.setenv("REFKEEPER_CACHE", str(tmp_path / "cache.sqlite"))
    monkeypatch.setenv("REFKEEPER_DOI_URL", fake_doi.url)
    result = CliRunner().invoke(main, ["-C", str(root), "sync", "--fail-on", "unresolved"])
    assert result.exit_code == 0, result.output
    entries = read_lock(root / "refkeeper.lock").entries
    sources = {k: (e.status, e.work.source if e.work else None) for k, e in entries.items()}
    assert sources["pmid:8620427"] == (Status.RESOLVED, "pubmed")
    assert sources[f"doi:{SCIENCE}"] == (Status.RESOLVED, "doi")
    assert sources[f"doi:{SOFTWARE}"] == (Status.RESOLVED, "doi")
    assert sources[f"biorxiv:{PREPRINT}"] == (Status.RESOLVED, "doi")
    assert sources["url:https://www.r-project.org/"] == (Status.AS_WRITTEN, "as-written")
    items = {i["id"]: i for i in json.loads((root / "out" / "refs.json").read_text())}
    assert items[f"doi:{SOFTWARE}"]["type"] == "software"
    assert items[f"doi:{SCIENCE}"]["title"] == "The Structure of Ordinary Water"
    # warm: no request to either server; offline from the lock alone rebuilds the outputs
    served, asked = fake_doi.count(), fake_eutils_env.count()
    assert CliRunner().invoke(main, ["-C", str(root), "sync"]).exit_code == 0
    assert (fake_doi.count(), fake_eutils_env.count()) == (served, asked)
    before = (root / "out" / "refs.bib").read_bytes()
    (root / "out" / "refs.bib").unlink()
    monkeypatch.setenv("REFKEEPER_CACHE", str(tmp_path / "empty.sqlite"))
    offline = CliRunner().invoke(main, ["-C", str(root), "sync", "--offline"])
    assert offline.exit_code == 0, offline.output
    assert (root / "out" / "refs.bib").read_bytes() == before


def test_timeouts_are_retried_then_stop_the_run(fake_doi: FakeDoi, tmp_path: Path) -> None:
    fake_doi.slow_seconds = 0.5
    source = DoiSource(make_session(tmp_path / "c.sqlite"), base_url=fake_doi.url,
                       timeout=0.1, sleep=lambda s: None)  # fmt: skip
    fake_doi.inject("slow", 1)
    assert [w.doi for w in source.fetch([SOFTWARE])] == [SOFTWARE]
    fake_doi.inject("slow", None)
    with pytest.raises(RetriesExhausted, match="could not be reached"):
        resolve_references([ref("", DOI=PREPRINT)], [source])
