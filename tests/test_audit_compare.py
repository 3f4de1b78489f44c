"""Citation errors: the reference as written vs the verified record, field by field."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from refkeeper.audit.compare import (
    compare_pages,
    compare_reference,
    journal_equivalent,
    page_range,
)
from refkeeper.models import Severity, Work
from refkeeper.resolve.pubmed import parse_pubmed_xml

NCBI = Path(__file__).parent / "data" / "ncbi"


def record(pmid: str) -> Work:
    return parse_pubmed_xml((NCBI / f"pubmed-{pmid}.xml").read_bytes())[0]


def people(text: str) -> list[dict[str, str]]:
    out = []
    for name in text.split(", "):
        family, given = name.rsplit(" ", 1)
        out.append({"family": family, "given": given})
    return out


# The seed's references as the WHO page writes them (the fields a parser yields).
TIMMONS: dict[str, Any] = {
    "type": "article-journal",
    "author": people("Timmons CF, Dawson DB, Richards CS, Andrews WS, Katz JA"),
    "issued": {"date-parts": [[1995]]},
    "title": "Epstein-Barr virus-associated leiomyosarcomas in liver transplantation "
    "recipients. Origin from either donor or recipient tissue.",
    "container-title": "Cancer",
    "volume": "76",
    "page": "1481-1489",
}
BONATTI: dict[str, Any] = {
    "type": "article-journal",
    "author": people("Bonatti H, Hoefer D, Rogatsch H, Margreiter R, Larcher C, Antretter H"),
    "issued": {"date-parts": [[2005]]},
    "title": "Successful management of recurrent Epstein-Barr virus-associated multilocular "
    "leiomyosarcoma after cardiac transplantation.",
    "container-title": "Transplant Proc",
    "container-title-short": "Transplant Proc",
    "volume": "37",
    "page": "1839-1844",
}


def errors_of(fields: dict[str, Any], work: Work) -> list[tuple[str, str, Severity]]:
    return [(e.field, e.problem, e.severity) for e in compare_reference(fields, work)]


def test_seed_references_as_written_have_no_error() -> None:
    assert errors_of(TIMMONS, record("8620427")) == []
    assert errors_of(BONATTI, record("15919482")) == []


def test_abbreviated_page_range_equals_full_range() -> None:
    fields = dict(TIMMONS, page="1481-9")
    assert errors_of(fields, record("8620427")) == []
    assert page_range("1481-9") == ("1481", "1489")
    assert page_range("S67-72") == ("s67", "s72")
    assert page_range("e123") == ("e123", None)
    assert page_range("E9-11") == ("e9", "e11")


@pytest.mark.parametrize(
    ("written", "full"),
    [
        ("614-21", "614-621"),  # one digit shorter
        ("1481-9", "1481-1489"),  # three digits shorter
        ("1481-89", "1481-1489"),
        ("1481-489", "1481-1489"),
        ("99-101", "99-101"),  # the last page longer: kept as written
        ("12-3", "12-13"),
    ],
)
def test_every_abbreviated_last_page_is_expanded(written: str, full: str) -> None:
    assert page_range(written) == page_range(full)
    assert compare_pages(written, full) == []
    assert compare_pages(full, written) == []
    wrong_last = full[: -1] + ("0" if full[-1] != "0" else "1")
    assert [e.problem for e in compare_pages(written, wrong_last)] == ["last-page"]


def test_first_page_wrong_is_major_last_page_minor() -> None:
    work = record("8620427")
    assert errors_of(dict(TIMMONS, page="1482-9"), work) == [("page", "first-page", Severity.MAJOR)]
    assert errors_of(dict(TIMMONS, page="1481-90"), work) == [("page", "last-page", Severity.MINOR)]


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("issued", {"date-parts": [[1996]]}, ("year", "different", Severity.MAJOR)),
        ("volume", "67", ("volume", "different", Severity.MAJOR)),
        ("issue", "9", ("issue", "different", Severity.MINOR)),
        ("container-title", "Cancer Res", ("journal", "different", Severity.MINOR)),
    ],
)
def test_wrong_number_or_journal(
    field: str, value: object, expected: tuple[str, str, Severity]
) -> None:
    assert errors_of(dict(TIMMONS, **{field: value}), record("8620427")) == [expected]


@pytest.mark.parametrize(
    "journal",
    [
        "Transplant Proc",
        "Transplant. Proc.",
        "Transplantation proceedings",
        "TRANSPLANTATION PROCEEDINGS",
        "Transplantation Proceedings.",
    ],
)
def test_journal_abbreviation_or_full_title_is_not_an_error(journal: str) -> None:
    fields = dict(BONATTI, **{"container-title": journal})
    fields.pop("container-title-short")
    assert errors_of(fields, record("15919482")) == []


def test_journal_equivalence_rules() -> None:
    assert journal_equivalent("Biochim Biophys Acta", ["Biochimica et biophysica acta"])
    assert journal_equivalent("J Natl Cancer Inst", ["Journal of the National Cancer Institute"])
    assert journal_equivalent("Spine", ["Spine (Phila Pa 1976)"])
    assert journal_equivalent("Br Med J", ["British medical journal"])
    # one dropped letter is a misspelling, not an ISO 4 abbreviation
    assert not journal_equivalent("Cancr", ["Cancer"])
    assert not journal_equivalent("Transplant Rev", ["Transplantation proceedings"])


def test_first_author_misspelt_is_major() -> None:
    fields = copy.deepcopy(TIMMONS)
    fields["author"][0]["family"] = "Timmins"
    assert errors_of(fields, record("8620427")) == [("author", "first-misspelt", Severity.MAJOR)]


def test_first_author_different_is_major() -> None:
    fields = copy.deepcopy(TIMMONS)
    fields["author"][0]["family"] = "Rogatsch"
    assert errors_of(fields, record("8620427")) == [("author", "first-different", Severity.MAJOR)]


def test_other_author_misspelt_missing_extra_order_initials() -> None:
    work = record("15919482")
    misspelt = copy.deepcopy(BONATTI)
    misspelt["author"][2]["family"] = "Rogatch"
    assert errors_of(misspelt, work) == [("author", "misspelt", Severity.MINOR)]
    missing = copy.deepcopy(BONATTI)
    del missing["author"][3]
    assert errors_of(missing, work) == [("author", "missing", Severity.MINOR)]
    extra = copy.deepcopy(BONATTI)
    extra["author"].insert(2, {"family": "Zimmermann", "given": "K"})
    assert errors_of(extra, work) == [("author", "not-in-record", Severity.MINOR)]
    order = copy.deepcopy(BONATTI)
    order["author"][1], order["author"][2] = order["author"][2], order["author"][1]
    assert errors_of(order, work) == [("author", "order", Severity.MINOR)]
    initials = copy.deepcopy(BONATTI)
    initials["author"][1]["given"] = "M"
    assert errors_of(initials, work) == [("author", "initials", Severity.MINOR)]


def test_swapped_given_and_family_names() -> None:
    fields = copy.deepcopy(TIMMONS)
    fields["author"][4] = {"family": "J", "given": "Katz"}
    assert errors_of(fields, record("8620427")) == [("author", "swapped", Severity.MINOR)]


def test_et_al() -> None:
    work = record("15919482")  # six authors
    fields = copy.deepcopy(BONATTI)
    fields["author"] = fields["author"][:3]
    fields["_et_al"] = True
    assert errors_of(fields, work) == []  # lenient: et al. for 3 more authors is fine
    vancouver = compare_reference(fields, work, et_al_style="vancouver")
    assert [(e.field, e.problem) for e in vancouver] == [("author", "et-al")]
    assert "et al." in vancouver[0].message
    # et al. standing for nobody
    full = dict(copy.deepcopy(BONATTI), _et_al=True)
    assert errors_of(full, work) == [("author", "et-al", Severity.MINOR)]


def test_title_words_changed_or_missing() -> None:
    work = record("8620427")
    missing = dict(
        TIMMONS,
        title="Epstein-Barr virus-associated leiomyosarcomas in liver "
        "recipients. Origin from either donor or recipient tissue.",
    )
    errs = compare_reference(missing, work)
    assert [(e.field, e.severity) for e in errs] == [("title", Severity.MINOR)]
    assert "missing 'transplantation'" in errs[0].message
    changed = dict(TIMMONS, title=str(TIMMONS["title"]).replace("donor", "graft"))
    assert "'graft' for 'donor'" in compare_reference(changed, work)[0].message
    # case, punctuation, British spelling and the main title alone are not errors
    same = dict(
        TIMMONS,
        title="EPSTEIN-BARR VIRUS ASSOCIATED LEIOMYOSARCOMAS IN LIVER "
        "TRANSPLANTATION RECIPIENTS: origin from either donor or recipient tissue",
    )
    assert errors_of(same, work) == []
    main = dict(
        TIMMONS,
        title="Epstein-Barr virus-associated leiomyosarcomas in liver transplantation recipients",
    )
    assert errors_of(main, work) == []


def test_record_translated_title_and_medline_date() -> None:
    work = record("8620427")
    csl = dict(work.csl, title="[Leiomyosarcoma after transplantation].")
    bracketed = Work(work.id, work.source, csl, medline_date="1995-1996")
    written = dict(
        TIMMONS, title="Leiomyosarcoma after transplantation", issued={"date-parts": [[1996]]}
    )
    assert [e.field for e in compare_reference(written, bracketed)] == []


def test_missing_fields_are_not_compared() -> None:
    sparse = {"author": TIMMONS["author"], "title": TIMMONS["title"]}
    assert errors_of(sparse, record("8620427")) == []


def test_doi_and_pmid_mismatch_are_major() -> None:
    work = record("8620427")
    assert errors_of(dict(TIMMONS, PMID="8620428"), work) == [("PMID", "different", Severity.MAJOR)]
    assert errors_of(dict(TIMMONS, PMID="8620427"), work) == []


def test_book_against_catalogue_record() -> None:
    from refkeeper.resolve.nlmcatalog import parse_nlmcatalog_xml

    book = parse_nlmcatalog_xml((NCBI / "nlmcatalog-who-digestive-4th.xml").read_bytes())[0]
    written = {
        "type": "book",
        "editor": people("Bosman FT, Carneiro F, Hruban RH, Theise ND"),
        "title": "WHO Classification of Tumours of the Digestive System.",
        "edition": "4",
        "publisher": "International Agency for Research on Cancer",
        "publisher-place": "Lyon",
        "issued": {"date-parts": [[2010]]},
    }
    assert errors_of(written, book) == []
    assert errors_of(dict(written, edition="3"), book) == [("edition", "different", Severity.MINOR)]


def test_journal_title_with_full_stop_split_differently_is_not_an_error() -> None:
    work = record("15919482")
    csl = dict(work.csl, title="Surface-modified nanoparticles for liver cancer treatment")
    colloids = Work(
        work.id,
        "pubmed",
        csl,
        journal_full="Colloids and surfaces. B, Biointerfaces",
        journal_iso="Colloids Surf B Biointerfaces",
    )
    written = {
        "title": "Surface-modified nanoparticles for liver cancer treatment. Colloids and surfaces",
        "container-title": "B, Biointerfaces",
    }
    assert compare_reference(written, colloids) == []
    # a real difference in either part is still reported
    wrong = dict(written, **{"container-title": "B, Biomaterials"})
    assert [e.field for e in compare_reference(wrong, colloids)] == ["title", "journal"]


def test_unclosed_place_qualifier_in_journal() -> None:
    assert journal_equivalent(
        "Journal of immunology (Baltimore, Md", ["Journal of immunology (Baltimore, Md. : 1950)"]
    )


def test_chapter_cited_in_the_catalogued_book() -> None:
    from refkeeper.resolve.nlmcatalog import parse_nlmcatalog_xml

    book = parse_nlmcatalog_xml((NCBI / "nlmcatalog-who-digestive-4th.xml").read_bytes())[0]
    chapter = {
        "type": "chapter",
        "author": people("Hornick JL, Fletcher CDM"),
        "title": "Leiomyosarcoma of the liver",
        "page": "250-251",
        "editor": people("Bosman FT, Carneiro F, Hruban RH, Theise ND"),
        "container-title": "WHO Classification of Tumours of the Digestive System",
        "edition": "4",
        "issued": {"date-parts": [[2010]]},
    }
    assert errors_of(chapter, book) == []
    wrong_year = dict(chapter, issued={"date-parts": [[2000]]})
    assert errors_of(wrong_year, book) == [("year", "different", Severity.MAJOR)]


def test_record_with_incomplete_author_list_is_not_an_et_al_error() -> None:
    from pathlib import Path

    from refkeeper.audit.compare import compare_reference
    from refkeeper.extract.refparse import parse_reference
    from refkeeper.resolve.pubmed import parse_pubmed_xml

    built = Path(__file__).parent / "data" / "ncbi" / "pubmed-10757411.xml"
    (work,) = parse_pubmed_xml(built.read_bytes())
    assert not work.authors_complete  # AuthorList CompleteYN="N": only Rogatsch H is known
    written = parse_reference(
        "Rogatsch H, et al. Epstein-Barr virus-associated multicentric leiomyosarcoma in an "
        "adult patient after heart transplantation: case report and review of the literature. "
        "Am J Surg Pathol. 2000;24(4):614-21."
    ).fields
    assert [e for e in compare_reference(written, work) if e.field == "author"] == []
    wrong = dict(written, author=[{"family": "Rogatch", "given": "H"}])
    assert [e.field for e in compare_reference(wrong, work)] == ["author"]
