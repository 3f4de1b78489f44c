"""The local PubMed index: built from synthetic baseline and update files made from the real
corpus records and the seed's built records (bench/make_baseline.py), then used as a source.

The contract class runs the same tests against every source: the E-utilities (the fake server
on 127.0.0.1) and the local index."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from refkeeper.cli import main
from refkeeper.errors import InputError
from refkeeper.index.build import build_index, update_index
from refkeeper.index.store import PubMedIndex
from refkeeper.models import Reference, Status
from refkeeper.resolve import (
    EntrezClient,
    EntrezSource,
    RateLimiter,
    Source,
    make_session,
    resolve_references,
)
from refkeeper.resolve.local import LocalPubMedSource
from seed_refs import BONATTI, TIMMONS

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from make_baseline import SEED_RECORDS, generate  # noqa: E402

NEAR_MISS = "10757411"  # SEED-FACTS: must not be chosen for Bonatti 2005


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """3,000 records (the corpus and the seed's records among them) in 3 baseline files of
    1,000, and 2 update files with new records, revisions and deletions."""
    folder = tmp_path_factory.mktemp("baseline")
    manifest = generate(folder, 3000, per_file=1000, updates=2, seed=3, extra=SEED_RECORDS)
    return folder, manifest


def files(baseline: tuple[Path, dict[str, Any]], kind: str) -> list[Path]:
    folder, manifest = baseline
    return [folder / name for name in manifest[kind]]


@pytest.fixture(scope="module")
def index_dir(
    baseline: tuple[Path, dict[str, Any]], tmp_path_factory: pytest.TempPathFactory
) -> Path:
    folder = tmp_path_factory.mktemp("index") / "idx"
    build_index(files(baseline, "baseline"), folder)
    update_index(files(baseline, "updates"), folder)
    return folder


def ref(raw: str, ref_id: str = "r1") -> Reference:
    from refkeeper.extract.refparse import parse_reference

    return Reference(ref_id, raw, None, dict(parse_reference(raw).fields))


# ---------------------------------------------------------------------- building and updating


def test_build_and_update_apply_new_records_revisions_and_deletions(
    baseline: tuple[Path, dict[str, Any]], index_dir: Path
) -> None:
    _, manifest = baseline
    index = PubMedIndex(index_dir)
    stats = index.stats()
    expected = manifest["records"] + len(manifest["added"]) - len(manifest["deleted"])
    assert stats["records"] == expected
    assert stats["files"] == len(manifest["baseline"]) + len(manifest["updates"])
    assert stats["deleted"] == len(manifest["deleted"])
    deleted = [int(p) for p in manifest["deleted"]]
    assert deleted and index.works(deleted) == {}
    assert all(index.search(f'"{p}"', 5) == [] for p in manifest["deleted"])
    # a revised record is returned in its newest version: a later DateRevised
    revised = [int(p) for p in manifest["revised"]]
    works = index.works(revised)
    assert set(works) == set(revised)
    added = [int(p) for p in list(manifest["added"])[:5]]
    assert set(index.works(added)) == set(added)
    index.close()


def test_a_revised_record_replaces_the_older_version(
    baseline: tuple[Path, dict[str, Any]], index_dir: Path
) -> None:
    folder, manifest = baseline
    before = tmp = index_dir.parent / "baseline-only"
    build_index(files(baseline, "baseline"), tmp)
    old_index, new_index = PubMedIndex(before), PubMedIndex(index_dir)
    pmids = [int(p) for p in manifest["revised"]]
    old, new = old_index.works(pmids), new_index.works(pmids)
    changed = [p for p in pmids if p in old and old[p].csl != new[p].csl]
    assert changed == [p for p in pmids if p in old]  # each revision changed pages or title
    old_index.close()
    new_index.close()
    shutil.rmtree(tmp)


def test_records_from_the_index_are_the_records_eutilities_give(
    index_dir: Path, fake_eutils: Any, tmp_path: Path
) -> None:
    client = EntrezClient(make_session(tmp_path / "c.sqlite"), base_url=fake_eutils.url)
    pmids = ["8620427", "15919482", NEAR_MISS, "9997"]
    online = {w.pmid: w.to_json() for w in client.fetch_pubmed(pmids)}
    local = {w.pmid: w.to_json() for w in LocalPubMedSource(index_dir).fetch(pmids)}
    for item in (*online.values(), *local.values()):
        item["retrieved"] = None  # the day each was obtained
    assert local == online and len(local) == 4


def test_a_damaged_file_is_named_with_its_byte_and_earlier_files_are_kept(
    baseline: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    first, second = files(baseline, "baseline")[:2]
    cut = tmp_path / second.name
    data = second.read_bytes()
    cut.write_bytes(data[: len(data) // 2])  # a download cut in the middle
    with pytest.raises(InputError) as caught:
        build_index([first, cut], tmp_path / "idx")
    message = str(caught.value)
    assert str(cut) in message and "byte " in message and "truncated" in message
    stats = PubMedIndex(tmp_path / "idx").stats()
    assert stats["partial_files"] == [cut.name]
    assert stats["records"] > 1000  # the first file whole, and what was read of the second

    broken = tmp_path / "pubmed26n0009.xml.gz"
    xml = gzip.decompress(first.read_bytes())
    at = xml.index(b"<PubmedArticle>", 5000)
    broken.write_bytes(
        gzip.compress(xml[:at] + b"<PubmedArticle><oops></PubmedArticle>" + xml[at:])
    )
    with pytest.raises(InputError) as caught:
        build_index([broken], tmp_path / "idx2")
    message = str(caught.value)
    assert str(broken) in message and "of the uncompressed XML (line" in message
    byte = int(message.split("byte ", 1)[1].split()[0])
    assert at <= byte <= at + 40


def test_a_killed_build_leaves_the_earlier_index_usable(
    baseline: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    folder = tmp_path / "idx"
    build_index(files(baseline, "baseline")[:1], folder)
    before = PubMedIndex(folder).stats()["records"]
    script = (
        "import sys; from pathlib import Path; from refkeeper.index.build import build_index; "
        "build_index([Path(p) for p in sys.argv[2:]], Path(sys.argv[1]))"
    )
    inputs = [str(p) for p in files(baseline, "baseline")]
    proc = subprocess.Popen([sys.executable, "-c", script, str(folder), *inputs])
    deadline = time.monotonic() + 60
    while not list(folder.glob("*.part")) and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.2)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert PubMedIndex(folder).stats()["records"] == before  # the earlier index, whole
    # the next build cleans up what the killed one left, and completes
    build_index(files(baseline, "baseline"), folder)
    assert not list(folder.glob("*.part"))
    assert PubMedIndex(folder).stats()["records"] > before

    fresh = tmp_path / "never-finished"
    fresh.mkdir()
    (fresh / "shard-1.sqlite.part").write_bytes(b"half")
    with pytest.raises(InputError, match="not a refkeeper PubMed index"):
        PubMedIndex(fresh)


# ---------------------------------------------------------------------- the Source contract


@pytest.fixture(params=["eutils", "pubmed-index"])
def source(request: pytest.FixtureRequest, index_dir: Path, tmp_path: Path) -> Iterator[Source]:
    if request.param == "eutils":
        fake = request.getfixturevalue("fake_eutils")
        client = EntrezClient(
            make_session(tmp_path / "c.sqlite"),
            base_url=fake.url,
            limiter=RateLimiter(sleep=lambda s: None),
        )
        made: Source = EntrezSource(client)
    else:
        made = LocalPubMedSource(index_dir)
    yield made
    made.close()


class TestSourceContract:
    """What every source must do, whatever it talks to."""

    def test_is_a_source(self, source: Source) -> None:
        assert isinstance(source, Source) and source.name

    def test_the_seed_articles_resolve_and_the_near_miss_is_not_chosen(
        self, source: Source
    ) -> None:
        out = resolve_references([ref(TIMMONS), ref(BONATTI, "r2")], [source])
        assert [r.status for r in out] == [Status.RESOLVED, Status.RESOLVED]
        assert [r.work.pmid for r in out if r.work] == ["8620427", "15919482"]
        assert all(r.tried for r in out) or all(r.strategy for r in out)

    def test_a_decoy_is_never_accepted(self, source: Source) -> None:
        decoy = (
            "Bonatti H, Hoefer D, Rogatsch H (2000) Epstein-Barr virus-associated multicentric "
            "leiomyosarcoma in an adult patient after heart transplantation. Transplant Proc "
            "37: 1839-44"
        )
        [res] = resolve_references([ref(decoy)], [source])
        assert res.status is not Status.RESOLVED or res.work is None
        assert res.tried

    def test_lookup_by_identifier(self, source: Source) -> None:
        found = source.lookup("pmid", ["8620427", "1"])
        assert [w.pmid for w in found["8620427"]] == ["8620427"]
        assert found.get("1", []) == []
        doi = "10.1097/00000478-200004000-00018"
        assert [w.pmid for w in source.lookup("doi", [doi])[doi]] == [NEAR_MISS]

    def test_fetch_by_id_in_the_order_asked(self, source: Source) -> None:
        works = source.fetch(["15919482", "8620427", "1"])
        assert [w.pmid for w in works] == ["15919482", "8620427"]
        assert works[0].csl["title"].startswith("Successful management")

    def test_a_reference_by_its_pmid(self, source: Source) -> None:
        [res] = resolve_references([Reference("r1", "PMID: 8620427", None, {})], [source])
        assert res.work is not None and res.work.pmid == "8620427"


# ---------------------------------------------------------------------- the pipeline


def test_sync_offline_with_an_index_resolves_new_references_with_zero_requests(
    index_dir: Path, tmp_path: Path, fake_eutils: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "paper"
    project.mkdir()
    (project / "refs.txt").write_text(f"1. {TIMMONS}\n2. {BONATTI}\n", encoding="utf-8")
    (project / "refkeeper.toml").write_text(
        '[project]\ndocuments = ["refs.txt"]\n[outputs]\ncsl-json = "refs.json"\n'
        f'[sources]\npubmed-index = "{index_dir}"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("REFKEEPER_CACHE", str(tmp_path / "cache.sqlite"))
    monkeypatch.setenv("REFKEEPER_EUTILS_URL", fake_eutils.url)
    result = CliRunner().invoke(main, ["-C", str(project), "sync", "--offline"])
    assert result.exit_code == 0, result.output
    lock = json.loads((project / "refkeeper.lock").read_text(encoding="utf-8"))
    works = [e["resolution"]["work"] for e in lock["works"].values()]
    pmids = sorted(w["pmid"] for w in works if w)
    assert pmids == ["15919482", "8620427"]
    # online too, the index answers first: still no request
    (project / "refkeeper.lock").unlink()
    result = CliRunner().invoke(main, ["-C", str(project), "sync"])
    assert result.exit_code == 0, result.output
    assert len(fake_eutils.requests) == 0


def test_cli_index_build_stats_and_resolve(
    baseline: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    folder = tmp_path / "idx"
    inputs = [str(p) for p in files(baseline, "baseline")]
    result = CliRunner().invoke(main, ["index", "build", *inputs, "-o", str(folder)])
    assert result.exit_code == 0, result.output
    stats = json.loads(result.stdout)
    assert stats["records"] == baseline[1]["records"]
    result = CliRunner().invoke(main, ["index", "update", *map(str, files(baseline, "updates")),
                                       "-o", str(folder)])  # fmt: skip
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(main, ["index", "stats", str(folder)])
    assert json.loads(result.stdout)["deleted"] == len(baseline[1]["deleted"])
    result = CliRunner().invoke(
        main,
        ["resolve", TIMMONS, "--index", str(folder), "--offline", "--format", "json",
         "--cache", str(tmp_path / "c.sqlite")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)[0]["resolution"]["work"]["pmid"] == "8620427"
    result = CliRunner().invoke(main, ["index", "stats", str(tmp_path)])
    assert result.exit_code == 2 and "not a refkeeper PubMed index" in result.output


# ---------------------------------------------------------------------- Dask


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as local:
        yield local.scheduler_address


@pytest.mark.slow
def test_dask_builds_shards_in_parallel_and_resolves_resumably(
    baseline: tuple[Path, dict[str, Any]], index_dir: Path, cluster: str, tmp_path: Path
) -> None:
    from refkeeper.pipeline.distributed import build_on_dask, resolve_on_dask

    folder = tmp_path / "idx"
    reports = build_on_dask(files(baseline, "baseline"), folder, cluster, shards=3)
    assert len(reports) == 3
    update_index(files(baseline, "updates"), folder)
    assert PubMedIndex(folder).stats()["records"] == PubMedIndex(index_dir).stats()["records"]

    refs = tmp_path / "refs.txt"
    lines = [TIMMONS, BONATTI] * 30 + ["Nobody X (1900) Nothing at all. Nowhere 1: 1-2"]
    refs.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    # an earlier run wrote two results and was killed while writing the third
    first = resolve_on_dask(refs, folder, cluster, out, partition=7)
    written = out.read_bytes().splitlines(keepends=True)
    out.write_bytes(b"".join(written[:2]) + written[2][:25])
    again = resolve_on_dask(refs, folder, cluster, out, partition=7)
    assert again["skipped"] == 2
    items = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert sorted(int(i["id"][1:]) for i in items) == list(range(1, len(lines) + 1))
    by_id = {i["id"]: i["resolution"] for i in items}
    assert by_id["r1"]["work"]["pmid"] == "8620427"
    assert by_id["r2"]["work"]["pmid"] == "15919482"
    assert by_id[f"r{len(lines)}"]["status"] != "resolved"
    assert first["resolved"] == 60


def test_an_update_in_the_same_second_as_the_build_keeps_every_shard(
    baseline: tuple[Path, dict[str, Any]],
    index_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A build and an update made by one process within one second once named a shard alike,
    and the update replaced the build's first shard (a third of the records gone)."""
    import refkeeper.index.build as build_module

    frozen = build_module.datetime.now(build_module.UTC)

    class Frozen(build_module.datetime):  # type: ignore[misc]
        @classmethod
        def now(cls, tz: Any = None) -> Any:
            return frozen

    monkeypatch.setattr(build_module, "datetime", Frozen)
    folder = tmp_path / "idx"
    build_index(files(baseline, "baseline"), folder, shards=3)
    update_index(files(baseline, "updates"), folder)
    names = [s["name"] for s in json.loads((folder / "manifest.json").read_text())["shards"]]
    assert len(set(names)) == len(names) == 4
    assert PubMedIndex(folder).stats()["records"] == PubMedIndex(index_dir).stats()["records"]
