"""Record-guided verification and citation errors: the reference TEXT aligned with a record.

One real record (Timmons 1995, PMID 8620427) cited in the shapes of many styles, correct and
with the errors references really carry (Aronsky 2005), and decoys built from it: the same
authors and year with a near-identical title, another volume of the same journal. The parser's
reading is passed as it comes, so a parse error shows here as it would for a user."""

from __future__ import annotations

import copy
from dataclasses import replace
from functools import cache
from pathlib import Path

import pytest

from refkeeper.align import align, is_free_text, reference_text
from refkeeper.audit.compare import compare_reference
from refkeeper.extract.refparse import parse_reference
from refkeeper.models import CSLItem, Severity, Status, Work
from refkeeper.resolve.match import decide, score_candidate
from refkeeper.resolve.pubmed import parse_pubmed_xml

DATA = Path(__file__).parent / "data" / "ncbi"

TITLE = (
    "Epstein-Barr virus-associated leiomyosarcomas in liver transplantation recipients. "
    "Origin from either donor or recipient tissue"
)
TITLE_CASE = (
    "Epstein-Barr Virus-Associated Leiomyosarcomas in Liver Transplantation Recipients. "
    "Origin from Either Donor or Recipient Tissue"
)
# The record cited correctly, in the shapes of common styles (written for this test).
STYLES = {
    "vancouver": f"Timmons CF, Dawson DB, Richards CS, Andrews WS, Katz JA. {TITLE}. "
    "Cancer. 1995 Oct 15;76(8):1481-9.",
    "chicago-author-date": "Timmons, C. F., D. B. Dawson, C. S. Richards, W. S. Andrews, and "
    f'J. A. Katz. 1995. "{TITLE_CASE}." Cancer 76 (8): 1481\u201389.',
    "mla": f'Timmons, C. F., et al. "{TITLE_CASE}." Cancer, vol. 76, no. 8, 1995, '
    "pp. 1481\u201389.",
    "harvard": f"Timmons, C.F. et al. (1995) '{TITLE}', Cancer, 76(8), pp. 1481\u20131489.",
    "apa": "Timmons, C. F., Dawson, D. B., Richards, C. S., Andrews, W. S., & Katz, J. A. "
    f"(1995). {TITLE}. Cancer, 76(8), 1481\u20131489.",
    "nature": "Timmons, C. F., Dawson, D. B., Richards, C. S., Andrews, W. S. & Katz, J. A. "
    f"{TITLE}. Cancer 76, 1481\u20131489 (1995).",
    "ieee": "C. F. Timmons, D. B. Dawson, C. S. Richards, W. S. Andrews, and J. A. Katz, "
    f'"{TITLE}," Cancer, vol. 76, no. 8, pp. 1481\u20131489, Oct. 1995.',
    "bibtex-names": "Timmons, C. F. and Dawson, D. B. and Richards, C. S. and Andrews, W. S. "
    f"and Katz, J. A. {TITLE}. Cancer 76 (1995) 1481-1489.",
    "no-authors": f"{TITLE}, Cancer 1995;76:1481-9.",
    "science-no-title": "C. F. Timmons et al., Cancer 76, 1481 (1995).",
}


@cache
def timmons() -> Work:
    (work,) = parse_pubmed_xml((DATA / "pubmed-8620427.xml").read_bytes())
    return work


def fields(raw: str) -> CSLItem:
    return {**parse_reference(raw).fields, "_raw": raw}


def variant(pmid: str, **changes: object) -> Work:
    """Another record: Timmons with some fields changed."""
    base = timmons()
    csl = copy.deepcopy(base.csl)
    csl.update(changes)
    csl["id"] = f"pmid:{pmid}"
    return replace(base, id=f"pmid:{pmid}", pmid=pmid, csl=csl)


def findings(raw: str, work: Work | None = None) -> list[tuple[str, str]]:
    errors = compare_reference(fields(raw), work or timmons(), raw=raw)
    return [(e.field, e.problem) for e in errors]


# --------------------------------------------------------------------------- verification


@pytest.mark.parametrize("style", sorted(STYLES))
def test_the_record_is_accepted_in_every_style(style: str) -> None:
    decision = decide(fields(STYLES[style]), [timmons()])
    assert decision.status is Status.RESOLVED, decision.reason
    assert decision.best is not None and decision.best.work.pmid == "8620427"


@pytest.mark.parametrize("style", sorted(STYLES))
def test_a_correct_reference_in_any_style_has_no_citation_error(style: str) -> None:
    assert findings(STYLES[style]) == []


def test_a_parse_error_neither_loses_the_match_nor_makes_an_error() -> None:
    raw = STYLES["chicago-author-date"]
    wrong: CSLItem = {  # a reading that took later authors for the title, the journal for pages
        "_raw": raw,
        "author": [{"family": "Timmons", "given": "C. F."}],
        "title": "D. B. Dawson, C. S. Richards, W. S. Andrews, and J. A. Katz",
        "container-title": "Epstein-Barr Virus-Associated Leiomyosarcomas",
        "volume": "8",
    }
    decision = decide(wrong, [timmons()])
    assert decision.status is Status.RESOLVED, decision.reason
    assert compare_reference(wrong, timmons(), raw=raw) == []


def test_first_two_authors_swapped_is_accepted_and_reported() -> None:
    raw = STYLES["vancouver"].replace("Timmons CF, Dawson DB", "Dawson DB, Timmons CF")
    decision = decide(fields(raw), [timmons()])
    assert decision.status is Status.RESOLVED, decision.reason
    assert ("author", "order") in findings(raw)
    assert ("author", "first-different") in findings(raw)


def test_one_wrong_page_is_accepted_and_reported_as_major() -> None:
    raw = STYLES["vancouver"].replace("1481-9", "1418-9")
    decision = decide(fields(raw), [timmons()])
    assert decision.status is Status.RESOLVED, decision.reason
    errors = compare_reference(fields(raw), timmons(), raw=raw)
    assert [(e.field, e.problem, e.severity) for e in errors] == [
        ("page", "first-page", Severity.MAJOR)
    ]


def test_a_misspelt_journal_is_accepted_and_reported() -> None:
    raw = STYLES["apa"].replace("Cancer,", "Cancre,")
    decision = decide(fields(raw), [timmons()])
    assert decision.status is Status.RESOLVED, decision.reason
    assert findings(raw) == [("journal", "misspelt")]


def test_misspelt_first_author_is_accepted_and_major() -> None:
    raw = STYLES["nature"].replace("Timmons", "Timons")
    assert decide(fields(raw), [timmons()]).status is Status.RESOLVED
    errors = compare_reference(fields(raw), timmons(), raw=raw)
    assert [(e.field, e.problem, e.severity) for e in errors] == [
        ("author", "first-misspelt", Severity.MAJOR)
    ]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("Katz JA", "Katz J"), ("author", "initials")),
        (("Dawson DB, ", ""), ("author", "missing")),
        (("liver transplantation", "kidney transplantation"), ("title", "words")),
        (("in liver", "in"), ("title", "words")),
        (("1995 Oct", "1996 Oct"), ("year", "different")),
        (("76(8)", "77(8)"), ("volume", "different")),
        (("76(8)", "76(9)"), ("issue", "different")),
        (("1481-9", "1481-91"), ("page", "last-page")),
    ],
)
def test_each_error_is_found_by_the_alignment(
    change: tuple[str, str], expected: tuple[str, str]
) -> None:
    raw = STYLES["vancouver"].replace(*change)
    assert raw != STYLES["vancouver"]
    assert findings(raw) == [expected]
    assert decide(fields(raw), [timmons()]).status is Status.RESOLVED


def test_abbreviated_and_full_page_ranges_are_the_same() -> None:
    # compare_pages semantics: "1481-9" == "1481-1489"; the record keeps its full range
    assert timmons().csl["page"] == "1481-1489"
    for page in ("1481-9", "1481-89", "1481-1489", "1481"):
        assert findings(STYLES["vancouver"].replace("1481-9", page)) == []


# --------------------------------------------------------------------------- decoys


def test_decoy_same_authors_and_year_near_identical_title_other_volume() -> None:
    decoy = variant(
        "90000001",
        title=TITLE.replace("liver", "kidney") + ".",
        volume="77",
        page="2200-2209",
    )
    for style in ("vancouver", "apa", "chicago-author-date", "nature", "ieee"):
        ref = fields(STYLES[style])
        assert decide(ref, [decoy]).status is not Status.RESOLVED, style
        both = decide(ref, [decoy, timmons()])
        assert both.status is Status.RESOLVED and both.best is not None
        assert both.best.work.pmid == "8620427"


def test_decoy_part_two_in_the_same_issue_is_never_accepted() -> None:
    """Same authors, year, journal, volume and issue; the title differs by a part number."""
    first = variant("90000002", title="Leiomyosarcomas after transplantation. Part I.")
    second = variant(
        "90000003", title="Leiomyosarcomas after transplantation. Part II.", page="1490-1499"
    )
    raw = (
        "Timmons CF, Dawson DB, Richards CS, Andrews WS, Katz JA. Leiomyosarcomas after "
        "transplantation. Part I. Cancer. 1995;76(8):1481-9."
    )
    assert decide(fields(raw), [second]).status is not Status.RESOLVED
    decision = decide(fields(raw), [first, second])
    assert decision.best is not None and decision.best.work.pmid == "90000002"


def test_decoy_another_volume_of_the_same_journal_with_the_same_title() -> None:
    """A work republished (corrected) in a later volume: two fields differ, never accepted."""
    later = variant("90000004", volume="78", page="101-109", issued={"date-parts": [[1996]]})
    for style in STYLES:
        ref = fields(STYLES[style])
        assert decide(ref, [later]).status is not Status.RESOLVED, style


def test_two_close_works_stay_ambiguous_with_scores() -> None:
    twin = variant("90000005")
    decision = decide(fields(STYLES["harvard"]), [timmons(), twin])
    assert decision.status is Status.AMBIGUOUS
    assert {c.work_id for c in decision.candidates} == {"pmid:8620427", "pmid:90000005"}
    assert all(c.score > 0.9 for c in decision.candidates)


def test_two_disagreements_block_a_high_score() -> None:
    other = variant("90000006", volume="77", page="1600-1609")
    score = score_candidate(fields(STYLES["vancouver"]), other)
    assert score.score >= 0.8
    assert "volume differs" in score.blockers and "first page differs" in score.blockers


# --------------------------------------------------------------------------- the reading


def test_alignment_says_what_the_reference_gives_instead() -> None:
    raw = STYLES["mla"].replace("vol. 76", "vol. 67").replace("1995", "1959")
    al = align(raw, timmons(), fields(raw))
    assert (al.volume.agree, al.volume.written) == (0.0, "67")
    assert (al.year.agree, al.year.written) == (0.0, "1959")
    assert al.title is not None and al.title.similarity == 1.0
    assert al.journal.agree == 1.0 and al.page.agree == 1.0


def test_library_entries_are_rendered_from_their_fields() -> None:
    assert not is_free_text("@article{timmons1995, title={X}}")
    assert not is_free_text("TY  - JOUR")
    item: CSLItem = {"title": "A title", "container-title": "Cancer", "volume": "76"}
    assert reference_text({**item, "_raw": "@article{x}"}) == "A title. Cancer. 76."


def test_a_full_journal_title_cut_short_is_an_error() -> None:
    record = variant("90000007")
    record = replace(
        record,
        journal_full="Burns : journal of the International Society for Burn Injuries",
        journal_iso="Burns",
        csl={
            **record.csl,
            "container-title": "Burns : journal of the International Society for Burn Injuries",
            "container-title-short": "Burns",
        },
    )
    right = STYLES["mla"].replace(
        "Cancer,", "Burns : Journal of the International Society for Burn Injuries,"
    )
    assert findings(right, record) == []
    cut = right.replace(" Injuries,", ",")
    assert findings(cut, record) == [("journal", "shortened")]
    assert findings(STYLES["mla"].replace("Cancer,", "Burns,"), record) == []


def test_a_list_cut_in_the_middle_is_not_an_author_error() -> None:
    """APA 7 writes 19 authors, an ellipsis and the last one."""
    people = [{"family": f"Author{chr(65 + i)}", "given": "A B"} for i in range(22)]
    record = variant("90000008", author=people)
    names = ", ".join(f"Author{chr(65 + i)}, A. B." for i in range(19))
    raw = f"{names}, \u2026 AuthorV, A. B. (1995). {TITLE}. Cancer, 76(8), 1481\u20131489."
    assert findings(raw, record) == []


def test_initials_are_read_on_the_side_most_authors_have_them() -> None:
    """A group author at the end of the list does not turn the reading around."""
    people = [*timmons().csl["author"], {"literal": "Liver Transplant Study Group"}]
    record = variant("90000009", author=people)
    raw = STYLES["vancouver"].replace("Katz JA.", "Katz JA, Liver Transplant Study Group.")
    assert findings(raw, record) == []


def test_a_given_name_misspelt_is_not_taken_for_a_surname() -> None:
    people = [dict(a) for a in timmons().csl["author"]]
    people[1] = {"family": "Dawson", "given": "Martijn B"}
    people.append({"family": "Martin", "given": "S"})
    record = variant("90000010", author=people)
    raw = (
        "Timmons, C. F., Martjin B. Dawson, et al. 1995. "
        f'"{TITLE_CASE}." Cancer 76 (8): 1481\u201389.'
    )
    assert ("author", "misspelt") not in findings(raw, record)
    assert ("author", "order") not in findings(raw, record)


def test_capital_greek_letters_fold_like_small_ones() -> None:
    record = variant(
        "90000011", title="Role of TGF-\u03b22 in leiomyosarcomas after liver transplantation."
    )
    raw = STYLES["vancouver"].replace(
        TITLE, "Role of TGF-\u03922 in Leiomyosarcomas after Liver Transplantation"
    )
    assert findings(raw, record) == []


def test_initials_of_a_hyphenated_name_with_a_small_second_part() -> None:
    """citeproc writes "Xian-de" as "X."; PubMed's initials are "XD": both are right."""
    people = [dict(a) for a in timmons().csl["author"]]
    people[1] = {"family": "Dawson", "given": "Xian-de"}
    record = variant("90000012", author=people)
    for written in ("Dawson X", "Dawson XD"):
        assert findings(STYLES["vancouver"].replace("Dawson DB", written), record) == []
    assert findings(STYLES["vancouver"].replace("Dawson DB", "Dawson Y"), record) == [
        ("author", "initials")
    ]


def test_a_bare_number_equal_to_the_first_page_is_not_the_page() -> None:
    """Record pages 1-5; the reference writes issue 1 and pages 2-5: the first page differs."""
    record = variant("90000013", page="1-5", issue="1")
    raw = STYLES["ieee"].replace("no. 8", "no. 1").replace("pp. 1481\u20131489", "pp. 2\u20135")
    assert ("page", "first-page") in findings(raw, record)
