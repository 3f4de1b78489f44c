"""The reference parser on the written forms issue 11 found it failing on, one test per shape.

Every reference here is made up for the test (invented authors, titles and journals) in the
shape of a style: Chicago author-date, MLA, Harvard, Nature, IEEE, entries without authors,
name suffixes, BibTeX author lists, and the ahead-of-print forms (no volume, no pages) of
Vancouver, AMA, The Lancet, Nature, Cell, Chicago and APA.
"""

from __future__ import annotations

from typing import Any

from refkeeper.extract.refparse import parse_reference

TITLE = "Sleep loss and glucose tolerance in shift workers"


def clean(raw: str) -> dict[str, Any]:
    parsed = parse_reference(raw)
    assert parsed.problems == (), parsed.problems
    return parsed.fields


def families(fields: dict[str, Any]) -> list[str]:
    return [str(a.get("family") or a.get("literal")) for a in fields.get("author", [])]


def year(fields: dict[str, Any]) -> int:
    return int(fields["issued"]["date-parts"][0][0])


def test_chicago_author_date_later_authors_are_authors_not_title() -> None:
    f = clean(
        "Okonkwo, J.-P., T. Lindqvist, M.-A. Ferreira, and R. Haddad. 2019. "
        '"Bone Marrow Niches in Ageing Mice." Cell Reports 11: 7231–42.'
    )
    assert families(f) == ["Okonkwo", "Lindqvist", "Ferreira", "Haddad"]
    assert f["author"][2]["given"] == "M.-A."
    assert f["title"] == "Bone Marrow Niches in Ageing Mice"
    assert f["container-title"] == "Cell Reports"
    assert (year(f), f["volume"], f["page"]) == (2019, "11", "7231-7242")


def test_chicago_with_issue_and_curly_quotes() -> None:
    f = clean(
        "Okonkwo, Jean-Paul, Tove Lindqvist, and Rami Haddad. 2019. \u201cBone Marrow "
        "Niches in Ageing Mice.\u201d Cell Reports 11 (3): 7231\u201342."
    )
    assert families(f) == ["Okonkwo", "Lindqvist", "Haddad"]
    assert f["title"] == "Bone Marrow Niches in Ageing Mice"
    assert (f["container-title"], f["volume"], f["issue"]) == ("Cell Reports", "11", "3")


def test_mla_journal_is_not_glued_onto_the_title() -> None:
    f = clean(
        'Brandt, Katrin, et al. "Sleep Loss and Glucose Tolerance in Shift Workers." '
        "Journal of Sleep Studies, vol. 8, no. 2, 2019, p. 118."
    )
    assert families(f) == ["Brandt"] and f["_et_al"] is True
    assert f["title"] == "Sleep Loss and Glucose Tolerance in Shift Workers"
    assert f["container-title"] == "Journal of Sleep Studies"
    assert (f["volume"], f["issue"], year(f), f["page"]) == ("8", "2", 2019, "118")


def test_mla_month_before_pages() -> None:
    f = clean(
        "Brandt, Katrin, and Ama Osei. \u201cSleep Loss in Shift Workers.\u201d Journal of "
        "Sleep Studies, vol. 12, no. 4, Mar. 2021, pp. 301\u201309."
    )
    assert families(f) == ["Brandt", "Osei"]
    assert (f["container-title"], f["volume"], f["issue"]) == (
        "Journal of Sleep Studies",
        "12",
        "4",
    )
    assert f["issued"]["date-parts"] == [[2021, 3]] and f["page"] == "301-309"


def test_harvard_single_quoted_title_then_journal() -> None:
    f = clean(
        "Brandt, K. et al. (2006) 'Sleep loss and glucose tolerance in shift workers', "
        "Journal of Sleep Studies, 451(6), pp. 760\u2013766."
    )
    assert families(f) == ["Brandt"] and f["_et_al"] is True
    assert f["title"] == TITLE
    assert f["container-title"] == "Journal of Sleep Studies"
    assert (year(f), f["volume"], f["issue"], f["page"]) == (2006, "451", "6", "760-766")


def test_harvard_apostrophe_inside_single_quoted_title() -> None:
    f = clean(
        "Osei, A. (2011) \u2018Workers\u2019 sleep after night shifts\u2019, Occupational "
        "Health Review, 12(2), pp. 5\u20139."
    )
    assert f["title"] == "Workers' sleep after night shifts"
    assert f["container-title"] == "Occupational Health Review"


def test_nature_ahead_of_print_keeps_the_journal() -> None:
    f = clean(
        "Brandt, K. et al. Sleep loss and glucose tolerance in shift workers. "
        "J. Sleep Stud. Res. (2019)."
    )
    assert families(f) == ["Brandt"]
    assert f["title"] == TITLE
    assert f["container-title"].rstrip(".") == "J. Sleep Stud. Res"
    assert year(f) == 2019


def test_nature_full_locator() -> None:
    f = clean(
        "Brandt, K., Osei, A. & Laine, P. Sleep loss and glucose tolerance in shift workers. "
        "J. Sleep Stud. Res. 12, 45\u201353 (2019)."
    )
    assert families(f) == ["Brandt", "Osei", "Laine"]
    assert f["title"] == TITLE
    assert (f["volume"], f["page"], year(f)) == ("12", "45-53", 2019)


def test_ieee_quoted_title_and_labelled_locator() -> None:
    f = clean(
        'K. Brandt, A. Osei, and P. Laine, "Sleep loss and glucose tolerance in shift '
        'workers," J. Sleep Stud., vol. 5, no. 3, pp. 10\u201320, Mar. 2019.'
    )
    assert families(f) == ["Brandt", "Osei", "Laine"]
    assert f["title"] == TITLE
    assert f["container-title"] == "J. Sleep Stud."
    assert (f["volume"], f["issue"], f["page"]) == ("5", "3", "10-20")
    assert f["issued"]["date-parts"] == [[2019, 3]]


def test_entry_without_authors_title_comma_journal() -> None:
    parsed = parse_reference(f"{TITLE}, J Sleep Stud 2019;5:10-20.")
    f = parsed.fields
    assert "author" not in f
    assert f["title"] == TITLE
    assert f["container-title"] == "J Sleep Stud"
    assert (year(f), f["volume"], f["page"]) == (2019, "5", "10-20")
    assert parsed.problems == ("no author list recognised at the start",)


def test_author_suffix_after_a_comma() -> None:
    f = clean(f"Whitfield RT, 2nd, Osei A, Laine P. {TITLE}. J Sleep Stud. 2019;5(3):10-20.")
    assert f["author"][0] == {"family": "Whitfield", "given": "RT", "suffix": "2nd"}
    assert families(f) == ["Whitfield", "Osei", "Laine"]
    assert f["title"] == TITLE


def test_author_suffix_jr() -> None:
    f = clean(f"Whitfield RT Jr, Osei A. {TITLE}. J Sleep Stud. 2019;5(3):10-20.")
    assert f["author"][0] == {"family": "Whitfield", "given": "RT", "suffix": "Jr"}
    assert families(f) == ["Whitfield", "Osei"]


def test_bibtex_author_list_is_two_people() -> None:
    f = clean(
        f"Whitfield, Robert T. and Osei, Ama B. C. (2019). {TITLE}. "
        "Journal of Sleep Studies, 5(3), 10-20."
    )
    assert f["author"] == [
        {"family": "Whitfield", "given": "Robert T."},
        {"family": "Osei", "given": "Ama B. C."},
    ]


def test_bibtex_author_list_of_three() -> None:
    f = clean(
        f"Whitfield, Robert and Osei, Ama B. and van Dijk, Pieter. {TITLE}. "
        "J Sleep Stud. 2019;5(3):10-20."
    )
    assert families(f) == ["Whitfield", "Osei", "van Dijk"]


def test_vancouver_ahead_of_print_with_elocator() -> None:
    f = clean(f"Osei A, Laine P. {TITLE}. J Sleep Stud. 2019 Dec 16;e02952.")
    assert f["container-title"] == "J Sleep Stud"
    assert (f["page"], f["issued"]["date-parts"]) == ("e02952", [[2019, 12, 16]])
    assert "volume" not in f


def test_vancouver_ahead_of_print_date_only() -> None:
    f = clean(f"Osei A, Laine P. {TITLE}. J Sleep Stud. 2019 Nov 20.")
    assert (f["title"], f["container-title"]) == (TITLE, "J Sleep Stud")


def test_ama_published_online() -> None:
    f = clean(f"Osei A, Laine P. {TITLE}. J Sleep Stud. Published online December 4, 2019.")
    assert (f["title"], f["container-title"]) == (TITLE, "J Sleep Stud")
    assert f["issued"]["date-parts"] == [[2019, 12, 4]]


def test_lancet_published_online() -> None:
    f = clean(
        f"Osei A, Laine P, Brandt K, et al. {TITLE}. J Sleep Stud 2019; published online Dec 15."
    )
    assert (f["title"], f["container-title"], year(f)) == (TITLE, "J Sleep Stud", 2019)


def test_cell_ahead_of_print_journal_only() -> None:
    f = clean(f"Osei, A., and Laine, P. (2019). {TITLE}. Sleep Medicine.")
    assert (f["title"], f["container-title"]) == (TITLE, "Sleep Medicine")


def test_chicago_month_and_day_after_the_journal() -> None:
    f = clean(f'Osei, Ama, and Pekka Laine. 2019. "{TITLE}." Sleep Medicine, December 15.')
    assert (f["title"], f["container-title"], year(f)) == (TITLE, "Sleep Medicine", 2019)


def test_jco_year_after_the_pages() -> None:
    f = clean(f"Osei A, Laine P: {TITLE}. J Sleep Stud 31:447\u2013465, 2024")
    assert (f["container-title"], f["volume"], f["page"], year(f)) == (
        "J Sleep Stud", "31", "447-465", 2024,
    )  # fmt: skip


def test_apa_volume_and_issue_without_pages() -> None:
    f = clean(f"Osei, A., & Laine, P. (2026). {TITLE}. Sleep Medicine Reviews, 11(1).")
    assert (f["container-title"], f["volume"], f["issue"]) == ("Sleep Medicine Reviews", "11", "1")


def test_vancouver_month_range_with_en_dash() -> None:
    f = clean(f"Osei A, Laine P. {TITLE}. J Sleep Stud. 2019 May\u2013Jun;34(3):e33\u201341.")
    assert f["issued"]["date-parts"] == [[2019, 5], [2019, 6]]
    assert (f["container-title"], f["page"]) == ("J Sleep Stud", "e33-e41")


def test_medical_education_is_a_journal_not_an_edition() -> None:
    f = clean(f"Osei, A. & Laine, P. {TITLE}. Med Educ (2019).")
    assert f["type"] == "article-journal"
    assert f["container-title"] == "Med Educ"


def test_ama_published_online_with_elocator() -> None:
    f = clean(f"Osei A, Laine P. {TITLE}. J Sleep Stud. Published online March 29, 2021:e1906115.")
    assert (f["container-title"], f["page"]) == ("J Sleep Stud", "e1906115")
    assert f["issued"]["date-parts"] == [[2021, 3, 29]]


def test_year_then_elocator_is_no_volume() -> None:
    f = clean(f"Osei A, Laine P. {TITLE}. Sleep Med 2019:e02951.")
    assert (f["container-title"], f["page"], year(f)) == ("Sleep Med", "e02951", 2019)
    assert "volume" not in f


def test_acs_year_then_volume_ahead_of_print() -> None:
    f = clean(f"Osei, A.; Laine, P. {TITLE}. Sleep Med 2021, 10.")
    assert (f["container-title"], f["volume"], year(f)) == ("Sleep Med", "10", 2021)


def test_chicago_month_day_then_elocator() -> None:
    f = clean(f'Osei, Ama, and Pekka Laine. 2019. "{TITLE}." Sleep Medicine, December 12, 104459.')
    assert (f["container-title"], f["page"], year(f)) == ("Sleep Medicine", "104459", 2019)


def test_chicago_last_author_with_initial_then_given_name() -> None:
    f = clean(f'Osei, Ama, and D. Pekka Laine. 2019. "{TITLE}." Sleep Medicine 12 (3): 5-9.')
    assert families(f) == ["Osei", "Laine"]
    assert f["author"][1]["given"] == "D. Pekka"


def test_pnas_one_author_et_al_then_comma() -> None:
    f = clean(f"A. Osei, et al., {TITLE}. Sleep Med 12, 45 (2019).")
    assert families(f) == ["Osei"] and f["title"] == TITLE
    assert (f["volume"], f["page"]) == ("12", "45")


def test_aps_title_between_commas() -> None:
    f = clean(f"A. Osei, P. Laine, and K. Brandt, {TITLE}, Sleep Med 12, 45 (2019).")
    assert families(f) == ["Osei", "Laine", "Brandt"]
    assert (f["title"], f["container-title"]) == (TITLE, "Sleep Med")


def test_journal_of_ahead_of_print_is_no_book() -> None:
    f = clean(f"Osei A, Laine P. 2019. A pilot study: {TITLE}. Journal of sleep studies.")
    assert f["type"] == "article-journal"
    assert f["container-title"] == "Journal of sleep studies"


def test_mla_without_volume() -> None:
    f = clean(f'Osei, Ama, et al. "{TITLE}." Sleep Medicine, Dec. 2019, p. e13428.')
    assert (f["container-title"], f["page"]) == ("Sleep Medicine", "e13428")
    assert f["issued"]["date-parts"] == [[2019, 12]]


def test_harvard_page_glued_to_elocator() -> None:
    f = clean(f"Osei, A. and Laine, P., 2019. {TITLE}. Sleep Medicine, p.e02950.")
    assert (f["container-title"], f["page"]) == ("Sleep Medicine", "e02950")


def test_iso690_capitalised_surnames() -> None:
    f = clean(
        f"OSEI, Ama, LAINE, Pekka and BRANDT, Katrin, 2019. {TITLE}. Sleep Medicine. 2019. "
        "Vol. 16, no. 2, p. 108-116."
    )
    assert families(f) == ["OSEI", "LAINE", "BRANDT"]
    assert (f["title"], f["volume"], f["issue"]) == (TITLE, "16", "2")


def test_undated_ahead_of_print_abbreviated_journal() -> None:
    parsed = parse_reference(f"Osei A, Laine P, Brandt K, et al. {TITLE}. J Sleep Stud.")
    assert (parsed.fields["title"], parsed.fields["container-title"]) == (TITLE, "J Sleep Stud")
    assert parsed.problems == ("no year found",)
