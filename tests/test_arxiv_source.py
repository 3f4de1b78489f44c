"""ArxivSource: arXiv ids through the arXiv API (the local fake of tests/fake_arxiv.py,
serving recorded arXiv answers)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from fake_arxiv import DATA, FakeArxiv
from refkeeper.cli import main
from refkeeper.errors import ResponseError, RetriesExhausted
from refkeeper.library import read_lock
from refkeeper.models import Reference, Status
from refkeeper.resolve import Source, make_session, resolve_references
from refkeeper.resolve.arxiv import ArxivSource, works_from_atom

OLD_STYLE = "astro-ph/0601001"
NEW_STYLE = "1707.08567"


@pytest.fixture
def fake_arxiv() -> Iterator[FakeArxiv]:
    with FakeArxiv() as fake:
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


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def source(fake_arxiv: FakeArxiv, tmp_path: Path, clock: Clock) -> ArxivSource:
    return ArxivSource(make_session(tmp_path / "c.sqlite"), base_url=fake_arxiv.url,
                       sleep=clock.sleep, clock=clock.time)  # fmt: skip


def ref(raw: str, rid: str = "r1", **fields: Any) -> Reference:
    return Reference(rid, raw, None, dict(fields))


def test_recorded_answers_parse() -> None:
    [work] = works_from_atom((DATA / "id_list-astro-ph_0601001.xml").read_bytes())
    assert work.id == "arxiv:astro-ph/0601001" and work.source == "arxiv"
    assert work.csl["type"] == "article" and work.csl["number"] == "arXiv:astro-ph/0601001v1"
    assert work.csl["title"].startswith("Frequency of Hot Jupiters")
    assert work.csl["author"][0] == {"family": "Gould", "given": "Andrew"}
    assert work.csl["issued"] == {"date-parts": [[2006, 1, 2]]}
    assert work.csl["note"] == "Published version: ActaAstron.56:1-50,2006"
    assert works_from_atom((DATA / "id_list-0000.0000.xml").read_bytes()) == []
    with pytest.raises(ResponseError, match="incorrect id format"):
        works_from_atom((DATA / "id_list-abc.xml").read_bytes())
    with pytest.raises(ResponseError, match="truncated"):
        works_from_atom((DATA / "id_list-1605.08386.xml").read_bytes()[:900])


class TestArxivSourceContract:
    """The Source contract (tests/test_index.py::TestSourceContract) in arXiv terms."""

    def test_is_a_source(self, source: ArxivSource) -> None:
        assert isinstance(source, Source) and source.name == "arxiv"

    def test_references_by_arxiv_id_resolve_in_one_batch(
        self, source: ArxivSource, fake_arxiv: FakeArxiv
    ) -> None:
        refs = [ref("", "r1", arXiv=OLD_STYLE), ref("", "r2", arXiv="1605.08386v1"),
                ref("", "r3", arXiv="0808.05394")]  # fmt: skip
        out = resolve_references(refs, [source])
        assert [r.status for r in out] == [Status.RESOLVED, Status.RESOLVED, Status.NOT_FOUND]
        assert fake_arxiv.count() == 1  # one id_list request for all three
        assert all(r.tried for r in out)

    def test_a_decoy_is_never_accepted(self, source: ArxivSource) -> None:
        decoy = ref(
            f"Smith J. Glacier melt in the Andes. Nature. 2015;433:100-9. arXiv:{OLD_STYLE}",
            arXiv=OLD_STYLE,
            title="Glacier melt in the Andes",
            author=[{"family": "Smith", "given": "J"}],
            issued={"date-parts": [[2015]]},
        )
        [res] = resolve_references([decoy], [source])
        assert res.status is not Status.RESOLVED

    def test_lookup_and_fetch(self, source: ArxivSource) -> None:
        found = source.lookup("arxiv", [NEW_STYLE, "0808.05394"])
        assert [w.id for w in found[NEW_STYLE]] == [f"arxiv:{NEW_STYLE}"]
        assert "0808.05394" not in found
        assert source.lookup("doi", ["10.1/x"]) == {}
        works = source.fetch(["2104.12255v1", "0000.0000", OLD_STYLE])
        assert [w.id for w in works] == ["arxiv:2104.12255", f"arxiv:{OLD_STYLE}"]


def test_requests_are_spaced_three_seconds_and_cached(
    fake_arxiv: FakeArxiv, tmp_path: Path, clock: Clock
) -> None:
    cache = tmp_path / "c.sqlite"
    source = ArxivSource(make_session(cache), base_url=fake_arxiv.url, sleep=clock.sleep,
                         clock=clock.time)  # fmt: skip
    source.fetch([NEW_STYLE])
    source.fetch([OLD_STYLE])
    assert clock.waits == [3.0] and fake_arxiv.count() == 2
    source.fetch([NEW_STYLE])  # from the cache: no request, no wait
    assert clock.waits == [3.0] and fake_arxiv.count() == 2
    offline = ArxivSource(make_session(cache), base_url=fake_arxiv.url, offline=True)
    assert [w.id for w in offline.fetch([OLD_STYLE])] == [f"arxiv:{OLD_STYLE}"]
    [res] = resolve_references([ref("", arXiv="1605.08386")], [offline])
    assert res.status is Status.UNRESOLVED and "not cached" in res.reason


@pytest.mark.parametrize("fault", ["429", "503", "html", "truncated"])
def test_a_fault_once_is_retried_and_nothing_wrong_is_cached(
    fake_arxiv: FakeArxiv, tmp_path: Path, clock: Clock, fault: str
) -> None:
    cache = tmp_path / "c.sqlite"
    fake_arxiv.inject(fault, 1)
    source = ArxivSource(make_session(cache), base_url=fake_arxiv.url, sleep=clock.sleep,
                         clock=clock.time)  # fmt: skip
    assert [w.id for w in source.fetch([NEW_STYLE])] == [f"arxiv:{NEW_STYLE}"]
    offline = ArxivSource(make_session(cache), base_url=fake_arxiv.url, offline=True)
    assert [w.id for w in offline.fetch([NEW_STYLE])] == [f"arxiv:{NEW_STYLE}"]


def test_a_storm_stops_the_run(fake_arxiv: FakeArxiv, source: ArxivSource) -> None:
    fake_arxiv.inject("429", None)
    with pytest.raises(RetriesExhausted, match="arXiv API kept failing"):
        resolve_references([ref("", arXiv=NEW_STYLE)], [source])


def test_sync_resolves_arxiv_keys(
    tmp_path: Path, fake_eutils_env: Any, fake_arxiv: FakeArxiv, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "paper"
    root.mkdir()
    (root / "paper.md").write_text(
        f"Hot Jupiters are rare [@arxiv:{OLD_STYLE}]. A workshop [@arxiv:{NEW_STYLE}v1].\n"
    )
    (root / "refkeeper.toml").write_text(
        '[project]\ndocuments = ["paper.md"]\n[outputs]\ncsl-json = "out/refs.json"\n'
        '[sources]\norder = ["pubmed", "arxiv"]\n'
    )
    monkeypatch.setenv("REFKEEPER_CACHE", str(tmp_path / "cache.sqlite"))
    monkeypatch.setenv("REFKEEPER_ARXIV_URL", fake_arxiv.url)
    result = CliRunner().invoke(main, ["-C", str(root), "sync", "--fail-on", "unresolved"])
    assert result.exit_code == 0, result.output
    entries = read_lock(root / "refkeeper.lock").entries
    assert {k: (e.status, e.work.source if e.work else None) for k, e in entries.items()} == {
        f"arxiv:{OLD_STYLE}": (Status.RESOLVED, "arxiv"),
        f"arxiv:{NEW_STYLE}v1": (Status.RESOLVED, "arxiv"),
    }
    assert fake_arxiv.count() == 1
    assert CliRunner().invoke(main, ["-C", str(root), "sync"]).exit_code == 0
    assert fake_arxiv.count() == 1  # warm: nothing asked


def test_timeouts_are_retried_then_stop_the_run(
    fake_arxiv: FakeArxiv, tmp_path: Path, clock: Clock
) -> None:
    fake_arxiv.slow_seconds = 0.5
    source = ArxivSource(make_session(tmp_path / "c.sqlite"), base_url=fake_arxiv.url,
                         timeout=0.1, sleep=clock.sleep, clock=clock.time)  # fmt: skip
    fake_arxiv.inject("slow", 1)
    assert [w.id for w in source.fetch([NEW_STYLE])] == [f"arxiv:{NEW_STYLE}"]
    fake_arxiv.inject("slow", None)
    with pytest.raises(RetriesExhausted, match="could not be reached"):
        resolve_references([ref("", arXiv=OLD_STYLE)], [source])
