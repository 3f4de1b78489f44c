"""The citation checker's small rules one by one (pure): names (particles, collective names,
swapped given and family names, et al.), page ranges, volume/issue/edition numbers."""

from __future__ import annotations

import pytest

from refkeeper.audit import compare as c
from refkeeper.models import Severity


def name(family: str = "", given: str = "", literal: str = "", particle: str = "") -> c._Name:
    person = {"family": family, "given": given, "literal": literal}
    if particle:
        person["non-dropping-particle"] = particle
    [out] = c._names([{k: v for k, v in person.items() if v}])
    return out


def test_names_are_folded_and_shown_as_written() -> None:
    n = name("Müller-Lüdenscheidt", "Charles F.", particle="van")
    assert n.family == "vanmullerludenscheidt"
    assert n.given == "charlesf"
    assert n.literal == ""
    assert n.shown == f"van Müller-Lüdenscheidt {n.initials.upper()}"
    assert n.initials == c.initials_of("Charles F.")
    group = name(literal="WHO Working Group")
    assert (group.family, group.literal, group.shown) == (
        "",
        "whoworkinggroup",
        "WHO Working Group",
    )
    assert c._names("not a list") == []
    assert c._names([{"family": "A"}, "x", 5]) == [name("A")]
    both = c._names([{"literal": "L", "family": "F"}])
    assert both[0].family == "f" and both[0].literal == ""


@pytest.mark.parametrize(
    ("prefix", "ok"),
    [("", True), ("van", True), ("vander", True), ("dela", True), ("vandenx", False),
     ("x", False), ("desaint", True)],
)  # fmt: skip
def test_particle_prefixes(prefix: str, ok: bool) -> None:
    assert c._particle_prefix(prefix) is ok


def test_same_and_similar_families() -> None:
    assert c._same_family(name("Berg"), name("Berg"))
    assert c._same_family(name("Vanderberg"), name("Berg"))
    assert c._same_family(name("Berg"), name("Berg", particle="van der"))
    assert not c._same_family(name("Xberg"), name("Berg"))
    assert not c._same_family(name("Deb"), name("B"))  # too short to be the family name
    assert c._same_family(name("Deboer"), name("Boer"))
    assert c._same_family(name("Deb"), name("Deb"))
    group, other = name(literal="WHO Working Group"), name(literal="WHO Working Groups")
    assert c._same_family(group, other)
    assert not c._same_family(group, name("Who"))
    assert not c._same_family(name("Who"), group)
    assert not c._same_family(group, name(literal="Cancer Society"))
    assert c._similar_family(name("Timmons"), name("Timmonz"))
    assert not c._similar_family(name("Timmons"), name("Bonatti"))
    assert c._similar_family(group, name(literal="WHO Working Grp"))
    assert not c._similar_family(group, name("Who"))
    assert not c._similar_family(name("Who"), group)


def test_swapped_names() -> None:
    assert c._swapped(name("Charles", "T"), name("Timmons", "Charles"))
    assert c._swapped(name("Charles", "Timothy"), name("Timmons", "Charles"))
    assert c._swapped(name("C", "T"), name("Timmons", "C"))
    assert not c._swapped(name("Timmons", "C"), name("Timmons", "C"))
    assert not c._swapped(name("Charles", "X"), name("Timmons", "Charles"))
    assert not c._swapped(name("Charles", "T"), name("Timmons", "Ann"))
    assert not c._swapped(name(literal="WHO"), name("Timmons", "C"))
    assert not c._swapped(name("Charles", "T"), name(literal="WHO"))


@pytest.mark.parametrize(
    ("style", "listed", "total", "ok"),
    [
        ("vancouver", 6, 7, True), ("vancouver", 5, 7, False), ("vancouver", 6, 6, False),
        ("vancouver", 3, 5, False),
        ("ama", 3, 7, True), ("ama", 2, 7, False), ("ama", 3, 6, False),
        ("apa", 19, 21, True), ("apa", 18, 21, False), ("apa", 19, 20, False),
        ("any", 1, 3, True), ("any", 1, 2, False), ("any", 3, 3, False), ("any", 4, 3, False),
    ],
)  # fmt: skip
def test_et_al_rules(style: str, listed: int, total: int, ok: bool) -> None:
    assert c._et_al_allowed(style, listed, total) is ok  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("page", "parts"),
    [
        ("1481-9", ("1481", "1489")), ("0614-0621", ("614", "621")), ("00-3", ("0", "3")),
        ("S67-S72", ("s67", "s72")), ("e123", ("e123", None)), ("123a-5", ("123a", "125")),
        ("12-13b", ("12", "13b")), ("E9–11", ("e9", "e11")), ("A12 - B3", ("a12", "b3")),
        ("pp. 12", None), ("", None), ("x", None),
    ],
)  # fmt: skip
def test_page_ranges(page: str, parts: tuple[str, str | None] | None) -> None:
    assert c.page_range(page) == parts


def test_page_findings_name_the_pages() -> None:
    [first] = c.compare_pages("1482-9", "1481-1489")
    assert (first.field, first.problem, first.severity) == ("page", "first-page", Severity.MAJOR)
    assert first.message == "first page 1482 differs from the record's 1481 (1481-1489)"
    assert (first.written, first.record) == ("1482-9", "1481-1489")
    [last] = c.compare_pages("1481-90", "1481-1489")
    assert (last.problem, last.severity) == ("last-page", Severity.MINOR)
    assert last.message == "last page 1490 differs from the record's 1489 (1481-1489)"
    assert c.compare_pages("1481", "1481-1489") == []
    assert c.compare_pages("1481-9", "1481") == []
    assert c.compare_pages("", "1481") == [] and c.compare_pages("1481", "n/a") == []


@pytest.mark.parametrize(
    ("written", "record"),
    [("76", "76"), ("Vol. 076", "76"), ("no. 8", "8"), ("Suppl 2", "2 Suppl"), ("8", "8 Pt 1"),
     ("145 (Pt 2)", "145"), ("issue 3", "3"), (" 12 ", "12")],
)  # fmt: skip
def test_numbers_that_agree(written: str, record: str) -> None:
    assert c._compare_number("volume", written, record, Severity.MAJOR) == []


def test_numbers_that_differ_and_editions() -> None:
    [err] = c._compare_number("volume", "77", "76", Severity.MAJOR)
    assert (err.field, err.problem, err.severity) == ("volume", "different", Severity.MAJOR)
    assert err.message == "volume 77 differs from the record's 76"
    assert (err.written, err.record) == ("77", "76")
    assert c._compare_number("issue", "2 Suppl", "3 Suppl", Severity.MINOR)
    assert c._compare_number("issue", "Suppl 2", "Pt 2", Severity.MINOR)
    assert c._compare_number("issue", "12", "2 1", Severity.MINOR)
    assert c._compare_number("volume", "", "76", Severity.MAJOR) == []
    assert c._compare_number("volume", "76", None, Severity.MAJOR) == []
    assert c._compare_number("edition", "4th ed.", "Fourth edition", Severity.MINOR) == []
    [ed] = c._compare_number("edition", "3rd ed.", "4", Severity.MINOR)
    assert ed.field == "edition" and ed.message == "edition 3rd ed. differs from the record's 4"
    assert c._norm_edition("Revised") == "revised"
    assert c._norm_number("No. 008 A") == "8a"
