"""The reference parser's parts on their own: page ranges, dates, name lists."""

from __future__ import annotations

from typing import Any

import pytest

from refkeeper.extract.dates import parse_date
from refkeeper.extract.names import parse_names, strip_editor_marker
from refkeeper.extract.pages import expand_page_range, first_page, parse_pages


@pytest.mark.parametrize(
    ("text", "page"),
    [
        ("1481-9", "1481-1489"),
        ("123-45", "123-145"),
        ("1481\u20131489", "1481-1489"),
        ("S67-72", "S67-S72"),
        ("S67-S72", "S67-S72"),
        ("E9-11", "E9-E11"),
        ("e123", "e123"),
        ("99-101", "99-101"),
        ("12-12", "12"),
        ("475-490.e7", "475-490.e7"),
        (" 5 - 9 ", "5-9"),
    ],
)
def test_parse_pages(text: str, page: str) -> None:
    assert parse_pages(text) == (page, None)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("1481-1400", "page range 1481-1400 ends before it starts"),
        ("12-S14", "page range 12-S14 mixes prefixes"),
        ("pages", "pages 'pages' not understood"),
    ],
)
def test_parse_pages_refuses(text: str, problem: str) -> None:
    assert parse_pages(text) == (None, problem)


def test_expand_and_first_page() -> None:
    assert expand_page_range("1481", "9") == ("1481-1489", None)
    assert expand_page_range("1481") == ("1481", None)
    assert first_page("1481-1489") == "1481"
    assert first_page(None) is None


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("1995", {"date-parts": [[1995]]}),
        ("1995 Oct 15", {"date-parts": [[1995, 10, 15]]}),
        ("1995 Oct. 15", {"date-parts": [[1995, 10, 15]]}),
        ("2007 Mar-Apr", {"date-parts": [[2007, 3], [2007, 4]]}),
        ("2007 Dec-2008 Jan", {"date-parts": [[2007, 12], [2008, 1]]}),
        ("1995 Oct 15-21", {"date-parts": [[1995, 10, 15], [1995, 10, 21]]}),
        ("Winter 2003", {"date-parts": [[2003]], "season": 4}),
        ("2003 Fall", {"date-parts": [[2003]], "season": 3}),
        ("2006, October 15", {"date-parts": [[2006, 10, 15]]}),
        ("January 1990", {"date-parts": [[1990, 1]]}),
        ("October 15, 1995", {"date-parts": [[1995, 10, 15]]}),
        ("1998-2017", {"date-parts": [[1998], [2017]]}),
        ("2005a", {"date-parts": [[2005]]}),
    ],
)
def test_parse_date(text: str, date: dict[str, Any]) -> None:
    assert parse_date(text) == date


@pytest.mark.parametrize("text", ["", "Oct", "15 Oct", "1995 Foo", "in press", "12345"])
def test_parse_date_refuses(text: str) -> None:
    assert parse_date(text) is None


def test_vancouver_names() -> None:
    names = parse_names("Timmons CF, van der Berg J, M\u00fcller-Hermelink HK, et al")
    assert names is not None
    assert names.names == [
        {"family": "Timmons", "given": "CF"},
        {"family": "van der Berg", "given": "J"},
        {"family": "M\u00fcller-Hermelink", "given": "HK"},
    ]
    assert names.et_al is True
    assert names.style == "vancouver"


def test_apa_names() -> None:
    names = parse_names("Timmons, C. F., Dawson, D. B., & O'Brien, K.")
    assert names is not None
    assert names.style == "apa"
    assert [n["family"] for n in names.names] == ["Timmons", "Dawson", "O'Brien"]


def test_full_names_and_collective() -> None:
    names = parse_names("Carl F. Timmons and Ludwig van Beethoven")
    assert names is not None
    assert names.names == [
        {"family": "Timmons", "given": "Carl F."},
        {"family": "van Beethoven", "given": "Ludwig"},
    ]
    names = parse_names("National Institute for Health and Care Excellence")
    assert names is not None
    assert names.names == [{"literal": "National Institute for Health and Care Excellence"}]


@pytest.mark.parametrize(
    "text",
    [
        "Epstein-Barr virus-associated leiomyosarcomas in liver transplantation recipients",
        "Timmons CF, Dawson DB. Epstein-Barr virus",
        "Smith J, Carl Timmons",  # a Vancouver list does not go on in full names
        "X. Fan, W. Hu, Nano Energy",  # a journal after initial-first names
        "",
    ],
)
def test_not_a_name_list(text: str) -> None:
    assert parse_names(text) is None


def test_strip_editor_marker() -> None:
    assert strip_editor_marker("Smith J, Jones K, eds") == ("Smith J, Jones K", True)
    assert strip_editor_marker("Bosman FT (Eds.)") == ("Bosman FT", True)
    assert strip_editor_marker("Reed J") == ("Reed J", False)


def test_given_names_that_look_like_journal_words() -> None:
    names = parse_names("Ann Smith and Nat Jones")
    assert names is not None
    assert names.names == [
        {"family": "Smith", "given": "Ann"},
        {"family": "Jones", "given": "Nat"},
    ]


def test_family_name_alone_before_et_al() -> None:
    names = parse_names("Suthahar, et al.")
    assert names is not None
    assert (names.names, names.et_al) == ([{"family": "Suthahar"}], True)
    assert parse_names("Suthahar") is None  # one word alone is no author list
