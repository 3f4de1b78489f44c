"""The lock file in detail: the exact text written (diff-friendly layout), every way a damaged
lock is refused with its line, the shape checks of CSL variables, lookups by key, fingerprint
and identifier, and the person's decisions (pinned, ignored)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from refkeeper.errors import LockError
from refkeeper.library import (
    Lock,
    LockEntry,
    canonical,
    csl_problem,
    dumps_lock,
    ignore_entry,
    loads_lock,
    lock_from_bytes,
    pin_entry,
    read_lock,
    read_lock_bytes,
    read_lock_file,
    write_lock,
)
from refkeeper.models import Resolution, Status, Work


def entry(key: str, pmid: str | None = "8620427", doi: str | None = None, **kw: Any) -> LockEntry:
    work = None
    if pmid is not None or doi is not None:
        work = Work(
            id=f"pmid:{pmid}" if pmid else f"doi:{doi}",
            source="pubmed",
            csl={"id": key, "type": "article-journal", "title": "T"},
            pmid=pmid,
            doi=doi,
        )
    status = Status.RESOLVED if work else Status.NOT_FOUND
    return LockEntry(key=key, resolution=Resolution(status, work=work), **kw)


# --------------------------------------------------------------------------- the text


def test_the_exact_layout() -> None:
    lock = Lock().with_entries(
        [
            LockEntry(
                key="b",
                resolution=Resolution(Status.NOT_FOUND, reason="none"),
                fields={"title": "Ünïcode", "author": [{"family": "A"}], "z": {}},
                cited_as="B (2001)",
                fingerprints=("f2", "f1", "f2"),
            ),
            LockEntry(key="a", resolution=Resolution(Status.UNRESOLVED), ignored=True),
        ],
        order=["b", "a"],
    )
    text = dumps_lock(lock)
    resolution = json.dumps(Resolution(Status.NOT_FOUND, reason="none").to_json(), sort_keys=True)
    assert text.startswith('{\n  "refkeeper-lock": 1,\n  "citation-order": ["b", "a"],\n')
    assert '\n  "works": {\n    "a": {\n      "cited_as": "",\n' in text
    assert (
        '    "b": {\n'
        '      "cited_as": "B (2001)",\n'
        '      "fields": {\n'
        '        "author": [{"family": "A"}],\n'
        '        "title": "Ünïcode",\n'
        '        "z": {}\n'
        "      },\n"
        '      "fingerprints": ["f1", "f2"],\n'
        '      "ignored": false,\n'
        '      "pinned": null,\n'
        '      "resolution": {\n'
    ) in text
    assert text.endswith("    }\n  }\n}\n")
    assert json.loads(text)["works"]["b"]["resolution"] == json.loads(resolution)
    assert '"ignored": true' in text
    # no citation order: the line is left out
    assert '"citation-order"' not in dumps_lock(Lock().with_entries([entry("k")]))
    assert dumps_lock(Lock()) == '{\n  "refkeeper-lock": 1,\n  "works": {}\n}\n'


def test_canonical_is_what_reads_back() -> None:
    e = entry("k", fingerprints=("b", "a", "b"), fields={"z": 1, "a": [1, 2]})
    c = canonical(e)
    assert c.fingerprints == ("a", "b")
    back = loads_lock(dumps_lock(Lock().with_entries([e]))).entries["k"]
    assert c == back
    assert list(c.fields) == ["a", "z"]


# --------------------------------------------------------------------------- damage


def _error(text: str) -> str:
    with pytest.raises(LockError) as info:
        loads_lock(text, "refkeeper.lock")
    return str(info.value)


def test_whole_file_damage_is_refused_with_its_line() -> None:
    assert _error("{\n  [").startswith("refkeeper.lock:2: corrupt lock file: ")
    assert _error("[" * 100_000 + "]" * 100_000) == (
        "refkeeper.lock: corrupt lock file: nested too deeply"
    )
    assert (
        _error("[1]") == "refkeeper.lock:1: not a refkeeper lock file (no 'refkeeper-lock' version)"
    )
    assert _error('{"works": {}}').endswith("(no 'refkeeper-lock' version)")
    assert _error('{\n  "refkeeper-lock": "1",\n  "works": {}\n}') == (
        "refkeeper.lock:2: bad lock version '1'"
    )
    assert _error('{\n\n  "refkeeper-lock": 2,\n  "works": {}\n}') == (
        "refkeeper.lock:3: lock format version 2 is newer than this refkeeper supports (1); "
        "upgrade refkeeper"
    )
    assert _error('{\n  "refkeeper-lock": 1,\n  "works": []\n}') == (
        "refkeeper.lock:3: 'works' must be an object"
    )
    assert _error('{"refkeeper-lock": 1}') == "refkeeper.lock: 'works' must be an object"
    assert _error('{\n  "refkeeper-lock": 1,\n  "works": {\n    "k": 5\n  }\n}') == (
        "refkeeper.lock:4: broken entry 'k': TypeError: entry is not an object"
    )
    assert _error('{\n  "refkeeper-lock": 1,\n  "works": {\n    "k": {}\n  }\n}') == (
        "refkeeper.lock:4: broken entry 'k': KeyError: 'resolution'"
    )
    for order in ('"a"', "[1]", "{}"):
        text = '{\n  "refkeeper-lock": 1,\n  "citation-order": ' + order + ',\n  "works": {}\n}'
        assert _error(text) == (
            "refkeeper.lock:3: 'citation-order' must be a list of citation keys"
        )


def test_order_keeps_only_keys_of_entries() -> None:
    text = dumps_lock(Lock().with_entries([entry("a"), entry("b")], order=["b", "a"]))
    data = json.loads(text)
    data["citation-order"] = ["x", "b", "a"]
    assert loads_lock(json.dumps(data)).order == ("b", "a")
    del data["citation-order"]
    assert loads_lock(json.dumps(data)).order == ()


def _lock_text(fields: dict[str, Any] | None = None, csl: dict[str, Any] | None = None) -> str:
    e = entry("first")
    if csl is not None:
        assert e.work is not None
        e = replace(e, resolution=replace(e.resolution, work=replace(e.work, csl=csl)))
    e2 = replace(entry("second"), fields=fields or {})
    return dumps_lock(Lock().with_entries([e, e2]))


def _line_of(text: str, needle: str, after: str = "") -> int:
    start = text.index(after) if after else 0
    return text[: text.index(needle, start)].count("\n") + 1


@pytest.mark.parametrize(
    ("variable", "value", "problem"),
    [
        ("author", "Smith J", 'must be a list of names, not "Smith J"'),
        ("editor", [{"family": ["x"]}], 'must be a list of names, not [{"family": ["x"]}]'),
        ("author", ["Smith"], "must be a list of names"),
        ("issued", "1995", 'must be a date object with date-parts, not "1995"'),
        ("issued", {}, "must be a date object with date-parts"),
        ("issued", {"date-parts": []}, "must be a date object with date-parts"),
        ("issued", {"date-parts": [1995]}, "must be a date object with date-parts"),
        ("issued", {"date-parts": [[True]]}, "must be a date object with date-parts"),
        ("issued", {"date-parts": [["May"]]}, "must be a date object with date-parts"),
        ("issued", {"season": 1}, "must be a date object with date-parts"),
        ("accessed", {"raw": 5}, "must be a date object with date-parts"),
        ("title", ["a", "b"], 'must be text or a number, not ["a", "b"]'),
        ("volume", True, "must be text or a number, not true"),
        ("page", None, "must be text or a number, not null"),
        ("title", "x" * 100, None),
    ],
)
def test_wrong_typed_fields_are_named_with_their_line(
    variable: str, value: Any, problem: str | None
) -> None:
    fields = {"title": "fine", variable: value}
    text = _lock_text(fields=fields)
    if problem is None:
        assert loads_lock(text).entries["second"].fields == fields
        return
    message = _error(text)
    line = _line_of(text, f'"{variable}"', after='"second"')
    assert message.startswith(f"refkeeper.lock:{line}: entry 'second': {variable} {problem}")
    assert len(message) < 200  # the value is cut short


def test_wrong_typed_csl_of_the_work_is_named_with_its_line() -> None:
    text = _lock_text(csl={"id": "first", "type": "article-journal", "issued": "1995"})
    line = _line_of(text, '"issued"', after='"csl"')
    assert _error(text) == (
        f"refkeeper.lock:{line}: entry 'first': issued must be a date object with date-parts, "
        'not "1995"'
    )
    data = json.loads(_lock_text())
    data["works"]["second"]["fields"] = ["not", "an", "object"]
    text = dumps_lock(Lock()).replace('"works": {}', '"works": ' + json.dumps(data["works"]))
    assert _error(text).endswith("entry 'second': fields must be an object")


def test_csl_problem_accepts_good_shapes() -> None:
    good = {
        "author": [{"family": "A", "given": "B"}, {"literal": "WHO"}],
        "editor": [],
        "issued": {"date-parts": [[1995, "3", "-20"]]},
        "accessed": {"raw": "2020-01-01"},
        "original-date": {"literal": "n.d."},
        "title": "T",
        "volume": 76,
        "page": 1.5,
        "_private": object(),
        "custom": [1, 2],
    }
    assert csl_problem(good) is None
    assert csl_problem({"issued": {"date-parts": [[]]}}) is None


# --------------------------------------------------------------------------- reading files


def test_reading_files(tmp_path: Path) -> None:
    path = tmp_path / "refkeeper.lock"
    assert read_lock_file(path) == b""
    assert read_lock_bytes(path) == (Lock(), b"")
    lock = Lock().with_entries([entry("k")])
    assert write_lock(path, lock) is True
    assert read_lock_bytes(path) == (read_lock(path), path.read_bytes())
    folder = tmp_path / "dir.lock"
    folder.mkdir()
    with pytest.raises(LockError, match=r"dir\.lock: is a directory, not a lock file"):
        read_lock(folder)
    assert lock_from_bytes(b"") == Lock()
    with pytest.raises(LockError) as info:
        lock_from_bytes(b'{\n"refkeeper-lock": 1,\n"works": {"\xff": 1}}', "x.lock")
    assert str(info.value) == "x.lock:3: not UTF-8 text (byte 34)"


def test_an_unreadable_lock_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "refkeeper.lock"
    path.write_text("{}")

    def refuse(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", refuse)
    with pytest.raises(LockError) as info:
        read_lock_file(path)
    assert str(info.value) == f"{path}: cannot read the lock file: Permission denied"


# --------------------------------------------------------------------------- lookups


def test_find_order_key_then_fingerprint_then_pmid_then_doi() -> None:
    a = entry("a", pmid="111", doi="10.1000/AA", fingerprints=("fa",))
    b = entry("b", pmid="222", doi="10.1000/bb", fingerprints=("fb", "fa"))
    c = entry("c", pmid=None, doi=None, fingerprints=("fc",))
    index = Lock().with_entries([a, b, c]).index()
    assert index.find("fb", {"PMID": "111"}, key="c").key == "c"  # type: ignore[union-attr]
    assert index.find("fb", {"PMID": "111"}, key="zz").key == "b"  # type: ignore[union-attr]
    assert index.find("fa", {}).key == "a"  # type: ignore[union-attr]  # the first holder
    assert index.find("x", {"PMID": "PMID: 0222"}).key == "b"  # type: ignore[union-attr]
    assert index.find("x", {"PMID": "999", "DOI": "doi:10.1000/aa."}).key == "a"  # type: ignore[union-attr]
    assert index.find("x", {"PMID": "bad", "DOI": "nonsense"}) is None
    assert index.find("x", {"DOI": "10.1000/zz"}) is None
    assert index.find("x", {"PMID": "", "DOI": ""}) is None
    assert index.find("fc", {}, key=None).key == "c"  # type: ignore[union-attr]
    assert Lock().with_entries([a]).find("fa", {}).key == "a"  # type: ignore[union-attr]


def test_with_entries_and_replace_entry() -> None:
    lock = Lock().with_entries([entry("b"), entry("a")], order=["b", "x", "a"])
    assert list(lock.entries) == ["a", "b"] and lock.order == ("b", "a")
    kept = lock.with_entries([entry("a"), entry("c")])
    assert kept.order == ("a",)  # the old order, for the keys still there
    replaced = lock.replace_entry(replace(entry("a"), cited_as="new"))
    assert replaced.entries["a"].cited_as == "new" and replaced.order == ("b", "a")
    added = lock.replace_entry(entry("c"))
    assert list(added.entries) == ["a", "b", "c"] and added.order == ("b", "a")
    assert [e.key for e in added.in_citation_order()] == ["b", "a", "c"]
    assert [e.key for e in Lock().with_entries([entry("z"), entry("y")]).in_citation_order()] == [
        "y",
        "z",
    ]


def test_decisions() -> None:
    resolved = entry("k")
    assert resolved.status is Status.RESOLVED
    assert resolved.effective_resolution is resolved.resolution
    assert resolved.work is resolved.resolution.work
    ignored = ignore_entry(resolved)
    assert ignored.ignored and ignored.status is Status.IGNORED
    eff = ignored.effective_resolution
    assert eff.status is Status.IGNORED and eff.reason == "ignored in the lock"
    assert ignore_entry(ignored, False).status is Status.RESOLVED
    pinned = pin_entry(ignored, "pmid:1", resolved.resolution)
    assert pinned.pinned == "pmid:1" and not pinned.ignored
    assert pinned.status is Status.PINNED
    assert pinned.effective_resolution.status is Status.PINNED
    assert pinned.effective_resolution.work is resolved.work
    unfound = replace(entry("n", pmid=None), pinned="pmid:1")
    assert unfound.status is Status.NOT_FOUND  # a pin without a record changes nothing yet
    assert unfound.effective_resolution is unfound.resolution


def test_from_json_defaults() -> None:
    body = {"resolution": Resolution(Status.UNRESOLVED).to_json()}
    e = LockEntry.from_json("k", body)
    assert (e.fields, e.cited_as, e.fingerprints, e.pinned, e.ignored) == ({}, "", (), None, False)
    body.update(fields=None, cited_as=5, fingerprints=["a"], ignored=1, pinned="pmid:2")
    e = LockEntry.from_json("k", body)
    assert (e.fields, e.cited_as, e.fingerprints, e.pinned, e.ignored) == (
        {}, "5", ("a",), "pmid:2", True
    )  # fmt: skip


def test_mutation_guards_for_the_lock_text() -> None:
    """Details a reader of the diff relies on, each pinned by one assertion."""
    e = replace(
        entry("k"),
        fields={"ünknown": 1, "author": [{"given": "X", "family": "A"}]},
    )
    text = dumps_lock(Lock().with_entries([e]))
    assert '"ünknown": 1' in text  # keys stay UTF-8
    assert '"author": [{"family": "A", "given": "X"}]' in text  # nested keys sorted too
    # default source names
    with pytest.raises(LockError, match=r"^refkeeper\.lock:1: not a refkeeper lock"):
        loads_lock("[1]")
    with pytest.raises(LockError, match=r"^refkeeper\.lock:1: not a refkeeper lock"):
        lock_from_bytes(b"[1]")
    with pytest.raises(LockError, match=r"^y\.lock:1: not a refkeeper lock"):
        lock_from_bytes(b"[1]", "y.lock")
    # the line of a bad byte counts only the lines before it
    with pytest.raises(LockError, match=r"^x\.lock:2: not UTF-8 text \(byte 2\)"):
        lock_from_bytes(b"{\n\xff\n\n\n}", "x.lock")


def test_long_wrong_values_are_cut_at_sixty_characters() -> None:
    value = ["x" * 100]
    shown = json.dumps(value)[:60]
    for variable, what in (
        ("author", "must be a list of names"),
        ("issued", "must be a date object with date-parts"),
        ("title", "must be text or a number"),
    ):
        assert csl_problem({variable: value}) == (variable, f"{what}, not {shown}")


def test_a_bad_work_record_is_found_when_the_entry_has_no_fields() -> None:
    data = json.loads(_lock_text(csl={"id": "first", "title": ["x"]}))
    del data["works"]["first"]["fields"]
    text = json.dumps(data, indent=2)
    assert "entry 'first': title must be text or a number" in _error(text)


def test_reading_a_damaged_lock_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "refkeeper.lock"
    path.write_text("[1]")
    with pytest.raises(LockError, match=rf"^{path}:1: not a refkeeper lock"):
        read_lock_bytes(path)


def test_pinning_replaces_the_resolution_and_clears_ignored() -> None:
    other = entry("k", pmid="99").resolution
    pinned = pin_entry(ignore_entry(entry("k")), "pmid:99", other)
    assert pinned.resolution is other and pinned.ignored is False
