"""CSL-JSON (valid against the shipped CSL data schema) and RIS."""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

from refkeeper.errors import InputError
from refkeeper.export import csl_schema, to_csl_json, to_ris
from refkeeper.export.csljson import parse_csl_json
from refkeeper.models import Work
from test_export_support import book_works, corpus_works, example_works


@pytest.fixture(scope="module")
def works() -> list[Work]:
    return [*corpus_works(), *example_works(), *book_works()]


def test_the_schema_is_shipped_as_package_data() -> None:
    path = resources.files("refkeeper").joinpath("data/csl-data.json")
    schema = json.loads(path.read_text("utf-8"))
    assert schema == csl_schema()
    assert (
        schema["$id"]
        == "https://resource.citationstyles.org/schema/latest/input/json/csl-data.json"
    )
    jsonschema.Draft7Validator.check_schema(schema)


def test_csl_json_export_is_valid_against_the_schema(works: list[Work]) -> None:
    data = json.loads(to_csl_json(works))
    validator = jsonschema.Draft7Validator(csl_schema())
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    assert [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]] == []
    assert [item["id"] for item in data] == [str(w.csl["id"]) for w in works]


def test_csl_json_drops_what_the_schema_does_not_know() -> None:
    w = Work(
        id="x",
        source="manual",
        csl={"id": "x", "type": "article-journal", "title": "T", "_et_al": True,
             "author": [{"family": "Timmons", "given": "CF", "_x": 1}]},
    )  # fmt: skip
    (item,) = json.loads(to_csl_json([w]))
    assert item == {
        "id": "x",
        "type": "article-journal",
        "title": "T",
        "author": [{"family": "Timmons", "given": "C F"}],
    }
    jsonschema.validate([item], csl_schema())


def test_csl_json_read_back(works: list[Work]) -> None:
    again = parse_csl_json(to_csl_json(works))
    assert to_csl_json(again) == to_csl_json(works)
    with pytest.raises(InputError, match=r"refs\.json:1: not valid JSON"):
        parse_csl_json("[{", "refs.json")
    with pytest.raises(InputError, match="item 1 is not a CSL-JSON item with an id"):
        parse_csl_json('[{"type": "book"}]', "refs.json")


_RIS_LINE = re.compile(r"^[A-Z][A-Z0-9]  - .*$")


def test_ris(works: list[Work]) -> None:
    text = to_ris(works)
    records = text.strip().split("\n\n")
    assert len(records) == len(works)
    for record in records:
        lines = record.splitlines()
        assert lines[0].startswith("TY  - ") and lines[-1].rstrip() == "ER  -"
        assert all(_RIS_LINE.match(line) for line in lines[:-1]), record
    first = records[len(corpus_works())].splitlines()  # the worked example's first work
    assert "TY  - JOUR" in first and "AN  - 8620427" in first
    assert "SP  - 1481" in first
    assert "EP  - 1489" in first
    book = records[len(corpus_works()) + 2].splitlines()
    assert "TY  - BOOK" in book and "SN  - 9789283224327" in book and "CY  - Lyon" in book
    assert any(line.startswith("ED  - Bosman") for line in book)


@pytest.mark.parametrize(
    ("page", "sp", "ep"),
    [
        ("1481-1489", "1481", "1489"),
        ("1481-9", "1481", "1489"),  # an abbreviated range written out in full
        ("614-21", "614", "621"),
        ("S67-72", "S67", "S72"),
        ("e0123", "e0123", None),
        ("12, 15-18", "12, 15-18", None),  # a list stays one SP
    ],
)
def test_ris_start_and_end_pages(page: str, sp: str, ep: str | None) -> None:
    csl = {"id": "p", "type": "article-journal", "title": "T", "page": page}
    lines = to_ris([Work(id="p", source="pubmed", csl=csl)]).splitlines()
    assert [line for line in lines if line.startswith(("SP", "EP"))] == [f"SP  - {sp}"] + (
        [f"EP  - {ep}"] if ep else []
    )


def test_medline_date_ranges_and_seasons_are_restored() -> None:
    def medline(date: str, parts: list[int]) -> Work:
        csl = {"id": "m", "type": "article-journal", "issued": {"date-parts": [parts]}}
        return Work(id="m", source="pubmed", csl=csl, medline_date=date)

    def issued(work: Work) -> object:
        return json.loads(to_csl_json([work]))[0]["issued"]

    assert issued(medline("2019 May - Jun", [2019, 5])) == {"date-parts": [[2019, 5], [2019, 6]]}
    assert issued(medline("1998 Dec-1999 Jan", [1998, 12])) == {
        "date-parts": [[1998, 12], [1999, 1]]
    }
    assert issued(medline("2000 Spring", [2000])) == {"date-parts": [[2000]], "season": 1}
    assert issued(medline("2001 Dec-1999 Jan", [2019, 5])) == {"date-parts": [[2019, 5]]}


def test_writers_are_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from refkeeper.export import write_atomic, write_bibtex, write_export

    works = list(example_works())
    target = write_bibtex(tmp_path / "refs.bib", works, biblatex=True)
    assert target.read_text("utf-8").startswith("@article{pmid:8620427,")
    assert write_export(tmp_path / "refs.ris", works, "ris").read_text("utf-8").startswith("TY")
    before = target.read_bytes()

    def broken_replace(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("os.replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        write_atomic(target, "half")
    assert target.read_bytes() == before  # the old file, untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["refs.bib", "refs.ris"]  # no temp
    with pytest.raises(InputError, match="no such directory"):
        write_atomic(tmp_path / "missing" / "x.bib", "x")


def test_csl_json_of_hand_written_or_parsed_fields_is_still_valid() -> None:
    """Fields as a free-text parser may leave them: odd shapes are repaired or dropped."""
    w = Work(
        id="r1",
        source="document",
        csl={"id": "r1", "type": "journal", "title": "T", "volume": 12, "page": 5,
             "PMID": 8620427, "ISBN": None, "issued": {"date-parts": [[None], [1995, "10"]]},
             "accessed": {"date-parts": []}, "author": [{"family": "A", "given": None}, "x"],
             "editor": [{}], "categories": ["a", 1, None], "note": {"x": 1}},
    )  # fmt: skip
    (item,) = json.loads(to_csl_json([w]))
    jsonschema.validate([item], csl_schema())
    assert item == {
        "id": "r1",
        "type": "document",
        "title": "T",
        "volume": 12,
        "page": 5,
        "PMID": "8620427",
        "issued": {"date-parts": [[1995, "10"]]},
        "author": [{"family": "A"}],
        "categories": ["a", "1"],
    }


def test_ris_keeps_a_medline_date_range() -> None:
    from refkeeper.export import to_ris
    from refkeeper.models import Work

    work = Work(
        id="pmid:1",
        source="pubmed",
        csl={
            "id": "x1",
            "type": "article-journal",
            "title": "A title",
            "issued": {"date-parts": [[2007, 3]]},
        },
        pmid="1",
        medline_date="2007 Mar-Apr",
    )
    ris = to_ris([work])
    assert "DA  - 2007/03//2007 Mar-Apr" in ris
    assert "PY  - 2007" in ris
