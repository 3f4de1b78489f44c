import json
from pathlib import Path

import pytest

from refkeeper.errors import LockError
from refkeeper.library import (
    LOCK_VERSION,
    Lock,
    LockEntry,
    dumps_lock,
    loads_lock,
    read_lock,
    write_lock,
)
from refkeeper.models import Comment, Resolution, Status, Work


def _entry(key: str, pmid: str = "8620427") -> LockEntry:
    work = Work(
        id=f"pmid:{pmid}",
        source="pubmed",
        csl={"id": f"pmid:{pmid}", "title": "Épstein-Barr", "type": "article-journal"},
        pmid=pmid,
        comments=(Comment("ErratumIn", "1", "Cancer. 1996;77:1"),),
        retrieved="2026-11-26",
    )
    return LockEntry(
        key=key,
        resolution=Resolution(Status.RESOLVED, work=work, strategy="ecitmatch", score=0.97),
        fields={"title": "Epstein-Barr"},
        cited_as="Timmons CF (1995) ...",
        fingerprints=("b", "a"),
    )


def test_round_trip_is_byte_identical() -> None:
    lock = Lock().with_entries([_entry("zeta", "2"), _entry("alpha")])
    text = dumps_lock(lock)
    assert dumps_lock(loads_lock(text)) == text
    assert text.index('"alpha"') < text.index('"zeta"')
    assert '"refkeeper-lock": 1' in text
    assert "Épstein" in text  # UTF-8, not \\u escapes
    assert text.endswith("}\n")


def test_find_by_fingerprint_key_and_identifier() -> None:
    lock = Lock().with_entries([_entry("timmons1995epstein")])
    assert lock.find("a", {}) is not None
    assert lock.find("zz", {}, key="timmons1995epstein") is not None
    assert lock.find("zz", {"PMID": "8620427"}) is not None
    assert lock.find("zz", {"PMID": "1"}) is None


def test_corrupt_lock_names_the_line() -> None:
    text = dumps_lock(Lock().with_entries([_entry("k")]))
    broken = text.replace('"ignored": false,', '"ignored": false', 1)
    with pytest.raises(LockError) as err:
        loads_lock(broken, "refkeeper.lock")
    line = broken[: broken.index('"ignored": false')].count("\n") + 2
    assert str(err.value).startswith(f"refkeeper.lock:{line}: corrupt lock file")


def test_hand_broken_entry_names_its_line() -> None:
    data = json.loads(dumps_lock(Lock().with_entries([_entry("k")])))
    data["works"]["k"]["resolution"]["status"] = "maybe"
    text = json.dumps(data, indent=2, sort_keys=True)
    with pytest.raises(LockError, match=r"refkeeper.lock:4: broken entry 'k'"):
        loads_lock(text, "refkeeper.lock")


def test_newer_version_is_refused() -> None:
    text = json.dumps({"refkeeper-lock": LOCK_VERSION + 1, "works": {}})
    with pytest.raises(LockError, match="newer than this refkeeper supports"):
        loads_lock(text)


def test_write_is_atomic_and_skips_identical(tmp_path: Path) -> None:
    path = tmp_path / "refkeeper.lock"
    lock = Lock().with_entries([_entry("k")])
    assert write_lock(path, lock) is True
    assert write_lock(path, lock) is False
    assert dumps_lock(read_lock(path)) == dumps_lock(lock)
    assert [p.name for p in tmp_path.iterdir()] == ["refkeeper.lock"]
    assert read_lock(tmp_path / "absent.lock") == Lock()


def test_status_reflects_manual_decisions() -> None:
    from dataclasses import replace

    entry = _entry("k")
    assert entry.status is Status.RESOLVED
    assert replace(entry, pinned="pmid:1").status is Status.PINNED
    assert replace(entry, ignored=True).status is Status.IGNORED


def test_citation_order_round_trips_and_orders_export() -> None:
    lock = Lock().with_entries([_entry("zeta", "2"), _entry("alpha")], order=["zeta", "alpha"])
    text = dumps_lock(lock)
    assert '"citation-order": ["zeta", "alpha"]' in text
    again = loads_lock(text)
    assert again.order == ("zeta", "alpha")
    assert [e.key for e in again.in_citation_order()] == ["zeta", "alpha"]
    unordered = Lock().with_entries([_entry("zeta", "2"), _entry("alpha")], order=["zeta"])
    assert [e.key for e in unordered.in_citation_order()] == ["zeta", "alpha"]
