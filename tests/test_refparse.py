"""The free-text reference parser on the seed's references and on each written form."""

from __future__ import annotations

from typing import Any

import pytest

from refkeeper.extract.refparse import ParsedReference, parse_reference

TIMMONS_AUTHORS = [
    {"family": "Timmons", "given": "CF"},
    {"family": "Dawson", "given": "DB"},
    {"family": "Richards", "given": "CS"},
    {"family": "Andrews", "given": "WS"},
    {"family": "Katz", "given": "JA"},
]
TIMMONS_TITLE = (
    "Epstein-Barr virus-associated leiomyosarcomas in liver transplantation recipients. "
    "Origin from either donor or recipient tissue"
)


def parse(raw: str) -> ParsedReference:
    return parse_reference(raw)


def clean(raw: str) -> dict[str, Any]:
    """Parse and require that nothing was reported as a problem."""
    parsed = parse_reference(raw)
    assert parsed.problems == (), parsed.problems
    return parsed.fields


# ----------------------------------------------------------------------------- the seed


@pytest.mark.parametrize("sep", [" ", "\n"])
def test_seed_timmons_who_form(sep: str) -> None:
    raw = (
        f"Timmons CF, Dawson DB, Richards CS, Andrews WS, Katz JA (1995){sep}"
        f"{TIMMONS_TITLE}.{sep}Cancer 76: 1481-9"
    )
    assert clean(raw) == {
        "author": TIMMONS_AUTHORS,
        "issued": {"date-parts": [[1995]]},
        "title": TIMMONS_TITLE,
        "container-title": "Cancer",
        "volume": "76",
        "page": "1481-1489",
        "type": "article-journal",
    }


def test_seed_bonatti_who_form() -> None:
    raw = (
        "Bonatti H, Hoefer D, Rogatsch H, Margreiter R, Larcher C, Antretter H (2005)\n"
        "Successful management of recurrent Epstein-Barr virus-associated multilocular "
        "leiomyosarcoma after cardiac transplantation.\nTransplant Proc 37: 1839-44"
    )
    fields = clean(raw)
    assert [a["family"] for a in fields["author"]] == [
        "Bonatti", "Hoefer", "Rogatsch", "Margreiter", "Larcher", "Antretter",
    ]  # fmt: skip
    assert fields["issued"] == {"date-parts": [[2005]]}
    assert fields["container-title"] == "Transplant Proc"
    assert fields["container-title-short"] == "Transplant Proc"
    assert (fields["volume"], fields["page"]) == ("37", "1839-1844")
    assert fields["title"].startswith("Successful management of recurrent")


@pytest.mark.parametrize("sep", [" ", "\n"])
def test_seed_who_book(sep: str) -> None:
    raw = (
        f"Bosman FT, Carneiro F, Hruban RH, Theise ND (Eds.){sep}"
        f"WHO Classification of Tumours of the Digestive System.{sep}4th Edition{sep}"
        "International Agency for Research on Cancer: Lyon 2010"
    )
    assert clean(raw) == {
        "editor": [
            {"family": "Bosman", "given": "FT"},
            {"family": "Carneiro", "given": "F"},
            {"family": "Hruban", "given": "RH"},
            {"family": "Theise", "given": "ND"},
        ],
        "title": "WHO Classification of Tumours of the Digestive System",
        "edition": "4",
        "publisher": "International Agency for Research on Cancer",
        "publisher-place": "Lyon",
        "issued": {"date-parts": [[2010]]},
        "type": "book",
    }


# ----------------------------------------------------------------------------- journal styles


def test_vancouver_nlm_with_full_date_and_doi() -> None:
    fields = clean(
        "Timmons CF, Dawson DB. Epstein-Barr virus-associated leiomyosarcomas. "
        "Cancer. 1995 Oct 15;76(8):1481-9. doi:10.1002/cncr.2820760828"
    )
    assert fields["author"] == TIMMONS_AUTHORS[:2]
    assert fields["title"] == "Epstein-Barr virus-associated leiomyosarcomas"
    assert fields["container-title"] == "Cancer"
    assert "container-title-short" not in fields
    assert fields["issued"] == {"date-parts": [[1995, 10, 15]]}
    assert (fields["volume"], fields["issue"], fields["page"]) == ("76", "8", "1481-1489")
    assert fields["DOI"] == "10.1002/cncr.2820760828"


def test_ama_et_al() -> None:
    fields = clean(
        "Timmons CF, Dawson DB, Richards CS, et al. Epstein-Barr virus-associated "
        "leiomyosarcomas. Cancer. 1995;76(8):1481-1489."
    )
    assert fields["author"] == TIMMONS_AUTHORS[:3]
    assert fields["_et_al"] is True
    assert fields["issued"] == {"date-parts": [[1995]]}
    assert (fields["volume"], fields["issue"], fields["page"]) == ("76", "8", "1481-1489")


def test_apa() -> None:
    fields = clean(
        "Timmons, C. F., & Dawson, D. B. (1995). Epstein-Barr virus-associated "
        "leiomyosarcomas. Cancer, 76(8), 1481\u20131489. https://doi.org/10.1002/cncr.2820760828"
    )
    assert fields["author"] == [
        {"family": "Timmons", "given": "C. F."},
        {"family": "Dawson", "given": "D. B."},
    ]
    assert fields["issued"] == {"date-parts": [[1995]]}
    assert fields["title"] == "Epstein-Barr virus-associated leiomyosarcomas"
    assert fields["container-title"] == "Cancer"
    assert (fields["volume"], fields["issue"], fields["page"]) == ("76", "8", "1481-1489")
    assert fields["DOI"] == "10.1002/cncr.2820760828"
    assert "URL" not in fields


def test_particles_hyphens_and_non_ascii_names() -> None:
    fields = clean(
        "K\u00f6nigsrainer A, D'Albuquerque LA, M\u00fcller-Hermelink HK, van der Berg J, "
        "de Vries M, von Essen C, van den Broek P. A study. Br J Surg. 2007;94:100-9."
    )
    assert fields["author"] == [
        {"family": "K\u00f6nigsrainer", "given": "A"},
        {"family": "D'Albuquerque", "given": "LA"},
        {"family": "M\u00fcller-Hermelink", "given": "HK"},
        {"family": "van der Berg", "given": "J"},
        {"family": "de Vries", "given": "M"},
        {"family": "von Essen", "given": "C"},
        {"family": "van den Broek", "given": "P"},
    ]
    assert fields["page"] == "100-109"


def test_collective_author() -> None:
    fields = clean(
        "ACMG Laboratory Quality Assurance Committee. Standards and guidelines for the "
        "interpretation of sequence variants. Genet Med. 2015;17(5):405-24."
    )
    assert fields["author"] == [{"literal": "ACMG Laboratory Quality Assurance Committee"}]
    assert fields["container-title-short"] == "Genet Med"
    assert fields["page"] == "405-424"


def test_collective_editor_book() -> None:
    fields = clean(
        "WHO Classification of Tumours Editorial Board. Digestive system tumours. 5th ed. "
        "Lyon: International Agency for Research on Cancer; 2019."
    )
    assert fields == {
        "author": [{"literal": "WHO Classification of Tumours Editorial Board"}],
        "title": "Digestive system tumours",
        "edition": "5",
        "publisher-place": "Lyon",
        "publisher": "International Agency for Research on Cancer",
        "issued": {"date-parts": [[2019]]},
        "type": "book",
    }


@pytest.mark.parametrize(
    ("tail", "page"),
    [
        ("2001;12:123-45.", "123-145"),
        ("2001;12:1481-9.", "1481-1489"),
        ("2001;12 Suppl 1:S67-72.", "S67-S72"),
        ("2001;12:E9-11.", "E9-E11"),
        ("2001;12:e123.", "e123"),
        ("2001;12:1481\u20131489.", "1481-1489"),
        ("2001;12:99-101.", "99-101"),
    ],
)
def test_page_forms(tail: str, page: str) -> None:
    assert clean(f"Smith J. A title. Lancet. {tail}")["page"] == page


def test_supplement_becomes_issue() -> None:
    fields = clean("Smith J. A title. Br J Cancer. 2009;101 Suppl 2:S125-9.")
    assert (fields["volume"], fields["issue"], fields["page"]) == ("101", "Suppl 2", "S125-S129")


@pytest.mark.parametrize(
    ("date", "issued"),
    [
        ("2007 Mar-Apr", {"date-parts": [[2007, 3], [2007, 4]]}),
        ("1995 Oct 15", {"date-parts": [[1995, 10, 15]]}),
        ("Winter 2003", {"date-parts": [[2003]], "season": 4}),
        ("2003 Spring", {"date-parts": [[2003]], "season": 1}),
        ("2007 Dec-2008 Jan", {"date-parts": [[2007, 12], [2008, 1]]}),
        ("1995 Oct 15-21", {"date-parts": [[1995, 10, 15], [1995, 10, 21]]}),
    ],
)
def test_date_forms(date: str, issued: dict[str, Any]) -> None:
    fields = clean(f"Smith J. A title. J Clin Oncol. {date};12(4):301-9.")
    assert fields["issued"] == issued
    assert fields["page"] == "301-309"


def test_identifiers_anywhere() -> None:
    fields = clean(
        "PMID: 8620427 Timmons CF. Epstein-Barr virus-associated leiomyosarcomas. "
        "Cancer. 1995;76:1481-9. PMCID: PMC1234567. DOI: 10.1002/cncr.2820760828."
    )
    assert fields["PMID"] == "8620427"
    assert fields["PMCID"] == "PMC1234567"
    assert fields["DOI"] == "10.1002/cncr.2820760828"
    assert fields["author"] == [{"family": "Timmons", "given": "CF"}]
    assert fields["page"] == "1481-1489"


def test_odd_whitespace_and_dashes() -> None:
    fields = clean(
        "Timmons\u00a0CF,\tDawson DB.\u2003Epstein-Barr\u200b virus.\n\nCancer.  1995;"
        "76(8):1481 \u2013 9."
    )
    assert fields["author"] == TIMMONS_AUTHORS[:2]
    assert fields["title"] == "Epstein-Barr virus"
    assert fields["page"] == "1481-1489"


def test_full_names() -> None:
    fields = clean(
        "Carl F. Timmons, Deborah B. Dawson and Ludwig van Beethoven. A title. "
        "Cancer. 1995;76:1481-9."
    )
    assert fields["author"] == [
        {"family": "Timmons", "given": "Carl F."},
        {"family": "Dawson", "given": "Deborah B."},
        {"family": "van Beethoven", "given": "Ludwig"},
    ]


def test_harvard_year_after_authors() -> None:
    fields = clean(
        "Hites RA. 2004. Polybrominated diphenyl ethers. Environ Sci Technol 38:945-956."
    )
    assert fields["author"] == [{"family": "Hites", "given": "RA"}]
    assert fields["issued"] == {"date-parts": [[2004]]}
    assert fields["title"] == "Polybrominated diphenyl ethers"
    assert fields["container-title"] == "Environ Sci Technol"
    assert (fields["volume"], fields["page"]) == ("38", "945-956")


def test_fields_joined_by_full_stops() -> None:
    fields = clean(
        "Longo D. Hasty J. Dynamics of single-cell gene expression. Mol Syst Biol. 2006. 2. 64"
    )
    assert fields["author"] == [
        {"family": "Longo", "given": "D"},
        {"family": "Hasty", "given": "J"},
    ]
    assert fields["title"] == "Dynamics of single-cell gene expression"
    assert fields["container-title"] == "Mol Syst Biol"
    assert (fields["volume"], fields["page"]) == ("2", "64")
    assert fields["issued"] == {"date-parts": [[2006]]}


def test_glued_initials() -> None:
    fields = clean(
        "RichKM, WanyoikeF (2010) An assessment of the impacts. Am J Trop Med Hyg83: 52\u201357"
    )
    assert fields["author"] == [
        {"family": "Rich", "given": "KM"},
        {"family": "Wanyoike", "given": "F"},
    ]
    assert fields["container-title"] == "Am J Trop Med Hyg"
    assert (fields["volume"], fields["page"]) == ("83", "52-57")


# ----------------------------------------------------------------------------- books, chapters


def test_vancouver_chapter() -> None:
    fields = clean(
        "Smith J, Jones K. Liver tumours. In: Bosman FT, Carneiro F, eds. WHO Classification "
        "of Tumours. 2nd ed. Lyon: IARC Press; 2010. p. 10-20."
    )
    assert fields == {
        "author": [{"family": "Smith", "given": "J"}, {"family": "Jones", "given": "K"}],
        "title": "Liver tumours",
        "editor": [{"family": "Bosman", "given": "FT"}, {"family": "Carneiro", "given": "F"}],
        "container-title": "WHO Classification of Tumours",
        "edition": "2",
        "publisher-place": "Lyon",
        "publisher": "IARC Press",
        "issued": {"date-parts": [[2010]]},
        "page": "10-20",
        "type": "chapter",
    }


def test_plos_chapter_with_pp() -> None:
    fields = clean(
        "Swanepoel R, Coetzer JAW (2004) Rift Valley fever. In: Coetzer JAW, Tustin RC, eds. "
        "Infectious diseases of livestock. Southern Africa: Oxford University Press. "
        "pp 1037\u20131070."
    )
    assert fields["type"] == "chapter"
    assert fields["container-title"] == "Infectious diseases of livestock"
    assert fields["publisher"] == "Oxford University Press"
    assert fields["publisher-place"] == "Southern Africa"
    assert fields["page"] == "1037-1070"


def test_book_with_isbn() -> None:
    fields = clean(
        "Fleiss JL. The Design and Analysis of Clinical Experiments. New York: Wiley; 1986. "
        "ISBN 978-92-832-2432-7"
    )
    assert fields["type"] == "book"
    assert fields["ISBN"] == "9789283224327"
    assert fields["title"] == "The Design and Analysis of Clinical Experiments"
    assert (fields["publisher-place"], fields["publisher"]) == ("New York", "Wiley")


# ----------------------------------------------------------------------------- failures are data


@pytest.mark.parametrize("raw", ["", "   ", "\n\t"])
def test_empty(raw: str) -> None:
    assert parse(raw) == ParsedReference({}, ("empty reference",))


def test_unparsable_keeps_reasons_and_guesses_nothing() -> None:
    parsed = parse("see the discussion above")
    assert parsed.problems
    assert "no author list recognised at the start" in parsed.problems
    assert "issued" not in parsed.fields and "volume" not in parsed.fields


def test_backwards_page_range_is_reported_not_repaired() -> None:
    parsed = parse("Smith J. A title. Lancet. 2001;12:1481-1400.")
    assert "page" not in parsed.fields
    assert any("ends before it starts" in p for p in parsed.problems)


def test_too_long() -> None:
    parsed = parse("Smith J. " + "word " * 2000)
    assert parsed.fields == {}
    assert "too long" in parsed.problems[0]


# ----------------------------------------------------------------------------- more styles


def test_harvard_quoted_title_and_pp() -> None:
    fields = clean(
        "Timmons, C.F., Dawson, D.B. and Richards, C.S. (1995) 'Epstein-Barr virus-associated "
        "leiomyosarcomas', Cancer, 76(8), pp. 1481-1489."
    )
    assert fields["author"] == [
        {"family": "Timmons", "given": "C.F."},
        {"family": "Dawson", "given": "D.B."},
        {"family": "Richards", "given": "C.S."},
    ]
    assert fields["title"] == "Epstein-Barr virus-associated leiomyosarcomas"
    assert fields["container-title"] == "Cancer"
    assert (fields["volume"], fields["issue"], fields["page"]) == ("76", "8", "1481-1489")


def test_bmc_colon_after_authors() -> None:
    fields = clean(
        "Timmons CF, Dawson DB: Epstein-Barr virus-associated leiomyosarcomas. "
        "Cancer 1995, 76:1481-1489."
    )
    assert fields["author"] == TIMMONS_AUTHORS[:2]
    assert fields["issued"] == {"date-parts": [[1995]]}
    assert fields["container-title"] == "Cancer"
    assert (fields["volume"], fields["page"]) == ("76", "1481-1489")


def test_apa_chapter() -> None:
    fields = clean(
        "Smith, J. (2001). Liver tumours. In J. Doe & K. Roe (Eds.), Book of tumours "
        "(2nd ed., pp. 10\u201320). Lyon: IARC Press."
    )
    assert fields == {
        "author": [{"family": "Smith", "given": "J."}],
        "issued": {"date-parts": [[2001]]},
        "title": "Liver tumours",
        "editor": [{"family": "Doe", "given": "J."}, {"family": "Roe", "given": "K."}],
        "container-title": "Book of tumours",
        "edition": "2",
        "page": "10-20",
        "publisher-place": "Lyon",
        "publisher": "IARC Press",
        "type": "chapter",
    }


def test_anonymous_is_no_author() -> None:
    fields = clean("Anonymous. Editorial comment. Lancet. 2001;357:1.")
    assert "author" not in fields
    assert fields["title"] == "Editorial comment"


def test_discussion_pages_are_not_the_article_pages() -> None:
    fields = clean("Smith J. A title. JAMA. 2000 Mar 1;283(9):1132-3; discussion 1134-5.")
    assert fields["page"] == "1132-1133"
    assert fields["issued"] == {"date-parts": [[2000, 3, 1]]}


def test_book_with_url_and_cited_date() -> None:
    fields = clean(
        "World Health Organization. WHO guidelines. Geneva: WHO; 2009. "
        "Available from: https://www.who.int/x [cited 2010 Jan 5]."
    )
    assert fields["author"] == [{"literal": "World Health Organization"}]
    assert fields["URL"] == "https://www.who.int/x"
    assert (fields["publisher-place"], fields["publisher"]) == ("Geneva", "WHO")
    assert fields["issued"] == {"date-parts": [[2009]]}
    assert fields["type"] == "book"


def test_vancouver_editors_book() -> None:
    fields = clean(
        "Foley KM, Gelband H, editors. Improving palliative care for cancer. "
        "Washington: National Academy Press; 2001."
    )
    assert "author" not in fields
    assert fields["editor"] == [
        {"family": "Foley", "given": "KM"},
        {"family": "Gelband", "given": "H"},
    ]
    assert fields["title"] == "Improving palliative care for cancer"


def test_suffixes() -> None:
    fields = clean("Smith JA Jr, Jones B III. A title. JAMA. 2000;283:1-2.")
    assert fields["author"] == [
        {"family": "Smith", "given": "JA", "suffix": "Jr"},
        {"family": "Jones", "given": "B", "suffix": "III"},
    ]


def test_in_press() -> None:
    parsed = parse("Smith J, Jones K. 2007. A title here. PLoS Biology. In press")
    assert parsed.fields["status"] == "in press"
    assert parsed.fields["container-title"] == "PLoS Biology"
    assert parsed.fields["title"] == "A title here"
    assert "volume" not in parsed.fields


def test_title_with_two_sentences_and_question() -> None:
    fields = clean("Adami C. 2002. What is complexity?. Bioessays. 24. 1085. 1094")
    assert fields["title"] == "What is complexity?"
    assert fields["container-title"] == "Bioessays"
    assert (fields["volume"], fields["page"]) == ("24", "1085-1094")


def test_nature_style() -> None:
    fields = clean(
        "Schindelin, J. et al. Fiji: an open-source platform for biological-image analysis. "
        "Nat. Methods 9, 676\u2013682 (2012)."
    )
    assert fields["author"] == [{"family": "Schindelin", "given": "J."}]
    assert fields["_et_al"] is True
    assert fields["title"] == "Fiji: an open-source platform for biological-image analysis"
    assert fields["container-title"] == "Nat. Methods"
    assert fields["container-title-short"] == "Nat. Methods"
    assert (fields["volume"], fields["page"]) == ("9", "676-682")
    assert fields["issued"] == {"date-parts": [[2012]]}


def test_chemistry_style_without_title() -> None:
    parsed = parse("Q. Zhang, J. Li, C. Adachi, J. Am. Chem. Soc. 2012, 134, 14706.")
    assert parsed.fields["author"] == [
        {"family": "Zhang", "given": "Q."},
        {"family": "Li", "given": "J."},
        {"family": "Adachi", "given": "C."},
    ]
    assert parsed.fields["container-title"] == "J. Am. Chem. Soc."
    assert (parsed.fields["volume"], parsed.fields["page"]) == ("134", "14706")
    assert parsed.fields["issued"] == {"date-parts": [[2012]]}
    assert parsed.problems == ("no title found before the journal",)


def test_chicago_quoted_title_no_and_month() -> None:
    fields = clean(
        "C. R. deVries and F. S. Freiha, \u201cHemorrhagic Cystitis: A Review,\u201d Journal of "
        "Urology 143, no. 1 (January 1990): 1\u20139."
    )
    assert fields["author"] == [
        {"family": "deVries", "given": "C. R."},
        {"family": "Freiha", "given": "F. S."},
    ]
    assert fields["title"] == "Hemorrhagic Cystitis: A Review"
    assert fields["container-title"] == "Journal of Urology"
    assert (fields["volume"], fields["issue"], fields["page"]) == ("143", "1", "1-9")
    assert fields["issued"] == {"date-parts": [[1990, 1]]}


def test_apa_ellipsis_and_initials_without_full_stops() -> None:
    fields = clean(
        "Fridenson-Hayo, S., Berggren, S., B\u00f6lte, S., \u2026 Golan, O. (2016). Basic and "
        "complex emotion recognition. Molecular Autism, 7, 1-11."
    )
    assert [a["family"] for a in fields["author"]] == [
        "Fridenson-Hayo", "Berggren", "B\u00f6lte", "Golan",
    ]  # fmt: skip
    assert fields["_et_al"] is True
    fields = clean("De Pretis, F, Landes, J. E-synthesis. Front Pharmacol 2019;10:1317.")
    assert fields["author"] == [
        {"family": "De Pretis", "given": "F"},
        {"family": "Landes", "given": "J."},
    ]


def test_arxiv_preprint() -> None:
    fields = clean(
        "Liu, X., Zhang, C. & Zhang, L. Vision mamba: A comprehensive survey. "
        "arXiv preprint. arXiv:2405.04404 (2024)."
    )
    assert (fields["type"], fields["publisher"], fields["number"]) == (
        "article", "arXiv", "2405.04404",
    )  # fmt: skip
    assert fields["title"] == "Vision mamba: A comprehensive survey"
    assert fields["issued"] == {"date-parts": [[2024]]}


def test_book_with_publisher_and_year_in_brackets() -> None:
    fields = clean("N. Horan and J. S. Cooper, Radiation Cystitis (StatPearls Publishing, 2023).")
    assert fields["publisher"] == "StatPearls Publishing"
    assert fields["issued"] == {"date-parts": [[2023]]}
    assert fields["type"] == "book"
    assert fields["title"] == "Radiation Cystitis"


def test_springer_chapter_publisher_then_place() -> None:
    fields = clean(
        "Ward C, Mena-Hurtado C (2015) Endovascular treatment. In: Lanzer P (ed) Panvascular "
        "medicine. Springer, Berlin, pp 3195\u20133203"
    )
    assert fields["type"] == "chapter"
    assert fields["editor"] == [{"family": "Lanzer", "given": "P"}]
    assert fields["container-title"] == "Panvascular medicine"
    assert (fields["publisher"], fields["publisher-place"]) == ("Springer", "Berlin")
    assert fields["page"] == "3195-3203"


@pytest.mark.parametrize(
    ("locator", "page"),
    [("21:179\u2013194.e4", "179-194.e4"), ("362: eaat8923", "eaat8923")],
)
def test_article_numbers_as_pages(locator: str, page: str) -> None:
    assert clean(f"Lee JH, Keller GM (2017) A title. Cell Stem Cell {locator}")["page"] == page


def test_collective_with_acronym_and_bullet_label() -> None:
    fields = clean(
        "\u2022 Robert Koch Institut (RKI). Aktualisierung der Impfempfehlung. "
        "Epid Bull. 2015;37:393-402."
    )
    assert fields["author"] == [{"literal": "Robert Koch Institut (RKI)"}]
    assert fields["container-title"] == "Epid Bull"


def test_one_word_name_inside_vancouver_list() -> None:
    fields = clean("Syafri E, Jamaluddin, Sari NH. A title. Int J Biol Macromol. 2022;200:25-33.")
    assert fields["author"] == [
        {"family": "Syafri", "given": "E"},
        {"family": "Jamaluddin"},
        {"family": "Sari", "given": "NH"},
    ]


def test_link_labels_and_gbt_codes_are_dropped() -> None:
    fields = clean(
        "Timmons CF, Dawson DB. Epstein-Barr virus[J]. Cancer. 1995;76(8):1481-9. "
        "[PubMed] [Google Scholar]"
    )
    assert fields["title"] == "Epstein-Barr virus"
    assert fields["page"] == "1481-1489"


def test_locator_only_citation_reports_what_is_missing() -> None:
    parsed = parse("J Biol Chem. 2010 Aug 6;285(32):24447-56")
    assert parsed.fields == {
        "container-title": "J Biol Chem",
        "container-title-short": "J Biol Chem",
        "issued": {"date-parts": [[2010, 8, 6]]},
        "volume": "285",
        "issue": "32",
        "page": "24447-24456",
        "type": "article-journal",
    }
    assert parsed.problems == (
        "no author list recognised at the start",
        "no title found before the journal",
    )


def test_issue_without_volume() -> None:
    parsed = parse("Smith J. A title. Clin Orthop Relat Res. 1980 Nov-Dec;(153):121-5")
    assert parsed.problems == ()
    assert (parsed.fields.get("volume"), parsed.fields["issue"]) == (None, "153")
    assert parsed.fields["issued"] == {"date-parts": [[1980, 11], [1980, 12]]}
    assert parsed.fields["page"] == "121-125"


@pytest.mark.parametrize(
    ("raw", "volume", "page"),
    [
        ("Hussain L. A title. Biomed Res Int. 2020;2020:4281243.", "2020", "4281243"),
        ("Garg V (2019) Patch-clamp analysis. Methods Mol Biol 1925:75\u201386", "1925", "75-86"),
    ],
)
def test_volume_that_looks_like_a_year(raw: str, volume: str, page: str) -> None:
    fields = clean(raw)
    assert (fields["volume"], fields["page"]) == (volume, page)


def test_year_after_a_comma_is_not_a_volume() -> None:
    parsed = parse("Greenacre MJ. Correspondence analysis in practice. CRC Press, 2017, pp. 1-233.")
    assert "volume" not in parsed.fields


def test_journal_name_with_a_year_is_not_an_author() -> None:
    parsed = parse("J Am Pharm Assoc (2003). 2016 Jul-Aug;56(4):450-454.e1")
    assert "author" not in parsed.fields
    assert parsed.fields["container-title"] == "J Am Pharm Assoc (2003)"
    assert parsed.fields["issued"] == {"date-parts": [[2016, 7], [2016, 8]]}
    assert parsed.fields["page"] == "450-454.e1"


def test_year_range() -> None:
    fields = clean(
        "Muth\u00e9n, L.K. and Muth\u00e9n, B.O. (1998\u20132017). Mplus User's Guide. "
        "Eighth Edition. Los Angeles, CA: Muth\u00e9n & Muth\u00e9n."
    )
    assert fields["issued"] == {"date-parts": [[1998], [2017]]}
    assert fields["edition"] == "8"
    assert fields["title"] == "Mplus User's Guide"
    assert fields["publisher-place"] == "Los Angeles, CA"


@pytest.mark.parametrize(
    ("tail", "expected"),
    [
        ("2016 Mar 2;8(328):328rv4", {"volume": "8", "issue": "328", "page": "328rv4"}),
        ("2013 Jul-Aug;106-107:1-16", {"volume": "106-107", "page": "1-16"}),
        ("2022 May 12;:1-13", {"page": "1-13"}),
        ("2009;151(4):264-9, W64", {"volume": "151", "issue": "4", "page": "264-269, W64"}),
    ],
)
def test_unusual_vancouver_locators(tail: str, expected: dict[str, str]) -> None:
    fields = clean(f"Smith J. A title. Sci Transl Med. {tail}")
    got = {k: fields[k] for k in ("volume", "issue", "page") if k in fields}
    assert got == expected


def test_apa_group_author_after_ampersand() -> None:
    fields = clean(
        "Clifford, S. M., Hudry, K., & the BASIS Team. (2013). Temperament in the first 2 years. "
        "Journal of Autism and Developmental Disorders, 43, 673-686."
    )
    assert fields["author"][-1] == {"literal": "the BASIS Team"}
    assert (fields["volume"], fields["page"]) == ("43", "673-686")


def test_organisation_publisher_with_place_last() -> None:
    fields = clean(
        "R Core Team (2020) R: a language and environment for statistical computing. "
        "R Foundation for Statistical Computing, Vienna, Austria. https://www.R-project.org/"
    )
    assert fields["author"] == [{"literal": "R Core Team"}]
    assert fields["publisher"] == "R Foundation for Statistical Computing"
    assert fields["publisher-place"] == "Vienna, Austria"
    assert fields["URL"] == "https://www.R-project.org/"
    fields = clean("Bidlack WR, Topham DK (2000) Phytochemicals as bioactive agents. CRC Press")
    assert (fields["type"], fields["publisher"]) == ("book", "CRC Press")


def test_sici_doi_is_kept_whole() -> None:
    fields = clean(
        "Timmons CF, Dawson DB. Epstein-Barr virus. Cancer. 1995;76(8):1481-9. "
        "doi:10.1002/1097-0142(19951015)76:8<1481::AID-CNCR2820760828>3.0.CO;2-X."
    )
    assert fields["DOI"] == "10.1002/1097-0142(19951015)76:8<1481::aid-cncr2820760828>3.0.co;2-x"
    assert fields["page"] == "1481-1489"


@pytest.mark.parametrize(
    "title", ["Guidelines for the Management of Hypertension", "Cell Fate Decisions"]
)
def test_title_case_title_without_authors_is_not_an_author(title: str) -> None:
    parsed = parse(f"{title}. J Hypertens. 2003;21:1983-92.")
    assert "author" not in parsed.fields
    assert parsed.fields["title"] == title
    assert parsed.fields["page"] == "1983-1992"
    assert parsed.problems == ("no author list recognised at the start",)


def test_ieee_labelled_locator() -> None:
    fields = clean(
        'J. Smith and K. Jones, "A title of it," IEEE Trans. Med. Imag., vol. 12, no. 3, '
        "pp. 45\u201367, Mar. 2001."
    )
    assert fields["author"] == [
        {"family": "Smith", "given": "J."},
        {"family": "Jones", "given": "K."},
    ]
    assert fields["title"] == "A title of it"
    assert fields["container-title"] == "IEEE Trans. Med. Imag."
    assert (fields["volume"], fields["issue"], fields["page"]) == ("12", "3", "45-67")
    assert fields["issued"] == {"date-parts": [[2001, 3]]}


def test_gost_labelled_locator() -> None:
    fields = clean("Smith J., Jones K. A title of it // Lancet. 2001. Vol. 357, No. 2. P. 1-9.")
    assert fields["title"] == "A title of it"
    assert fields["container-title"] == "Lancet"
    assert (fields["volume"], fields["issue"], fields["page"]) == ("357", "2", "1-9")
    assert fields["issued"] == {"date-parts": [[2001]]}


def test_pubmed_summary_format() -> None:
    fields = clean(
        "Smith J, Jones K. A title of it. Lancet. 2001 Jan 6;357(9250):1-9. Review. "
        "PubMed PMID: 11197355; PubMed Central PMCID: PMC1234567."
    )
    assert (fields["PMID"], fields["PMCID"]) == ("11197355", "PMC1234567")
    assert (fields["volume"], fields["issue"], fields["page"]) == ("357", "9250", "1-9")


def test_erratum_note_is_kept_as_note() -> None:
    fields = clean(
        "Smith J, Jones K. A title of it. Lancet. 2001;357(9250):1-9. "
        "Erratum in: Lancet. 2001;358:100."
    )
    assert fields["note"] == "Erratum in: Lancet. 2001;358:100."
    assert (fields["container-title"], fields["volume"], fields["page"]) == ("Lancet", "357", "1-9")


def test_chicago_first_author_inverted() -> None:
    fields = clean('Smith, John A., and Kate Jones. 2001. "A Title of It." Lancet 357 (9250): 1-9.')
    assert fields["author"] == [
        {"family": "Smith", "given": "John A."},
        {"family": "Jones", "given": "Kate"},
    ]
    assert fields["title"] == "A Title of It"
    assert (fields["volume"], fields["issue"], fields["page"]) == ("357", "9250", "1-9")


def test_chemistry_journal_of_initial_and_words_is_not_a_name() -> None:
    parsed = parse(
        "M. Xu, D. G. Ivey, S. Madayanad Suresh, W. Qu, J. Power Sources 2015, 283, 358."
    )
    assert [a["family"] for a in parsed.fields["author"]] == ["Xu", "Ivey", "Suresh", "Qu"]
    assert parsed.fields["container-title"] == "J. Power Sources"
    assert (parsed.fields["volume"], parsed.fields["page"]) == ("283", "358")


def test_et_al_before_a_group_author() -> None:
    fields = clean(
        "Kobayashi M, Huttin O, et al.; STANISLAS Study Investigators. Machine learning. "
        "JACC Cardiovasc Imaging. 2022;15(2):193-208."
    )
    assert fields["author"][-1] == {"literal": "STANISLAS Study Investigators"}
    assert fields["_et_al"] is True


def test_nature_chapter_with_bare_pages_and_publisher_in_brackets() -> None:
    fields = clean(
        "Ilse, M., Tomczak, J. M. & Welling, M. Deep multiple instance learning. In Handbook of "
        "Medical Image Computing 521\u2013546 (Elsevier, 2020)."
    )
    assert fields["type"] == "chapter"
    assert fields["container-title"] == "Handbook of Medical Image Computing"
    assert (fields["page"], fields["publisher"]) == ("521-546", "Elsevier")
    assert fields["issued"] == {"date-parts": [[2020]]}


@pytest.mark.parametrize(
    ("raw", "title", "journal"),
    [
        ("Smith J. Vitamin D. Lancet. 2001;357:1-9.", "Vitamin D", "Lancet"),
        ("Smith J. Hepatitis B. N Engl J Med. 2001;345:1-9.", "Hepatitis B", "N Engl J Med"),
    ],
)
def test_short_title_ending_in_a_capital_is_not_a_second_author(
    raw: str, title: str, journal: str
) -> None:
    fields = clean(raw)
    assert fields["author"] == [{"family": "Smith", "given": "J"}]
    assert (fields["title"], fields["container-title"]) == (title, journal)


def test_journal_abbreviation_with_acronym_and_full_stops() -> None:
    parsed = parse("X. Cheng, S. Zhang, L. Zheng, ACS Appl. Mater. Interfaces 2020, 12, 36996.")
    assert parsed.fields["container-title"] == "ACS Appl. Mater. Interfaces"
    assert "title" not in parsed.fields
    assert parsed.problems == ("no title found before the journal",)


@pytest.mark.parametrize(
    ("raw", "journal"),
    [
        ("Chiquet M, Kletsas D. 2015. Wound healing. Periodontology 2000 68:21-40.", None),
        (
            "Narasaki, Y. et al. Safety of SGLT2 inhibitors. Lancet Reg. Health Am. 36, 100814 "
            "(2024).",
            "Lancet Reg. Health Am.",
        ),
        (
            "Dejman, A. & Riveros, J. 2018. Vitamin B1 for metabolic acidosis. "
            "Saudi J. Kidney Dis. Transpl. 29: 1480-1483.",
            "Saudi J. Kidney Dis. Transpl.",
        ),
        (
            "Struk, A. A. et al. Self-regulation. Proc. Natl Acad. Sci. USA 116, "
            "4434\u20134439 (2019).",
            "Proc. Natl Acad. Sci. USA",
        ),
    ],
)
def test_journal_names_with_years_and_abbreviations(raw: str, journal: str | None) -> None:
    fields = clean(raw)
    assert fields["container-title"] == (journal or "Periodontology 2000")
    assert len(fields["issued"]["date-parts"][0]) == 1


def test_title_starting_with_a_year() -> None:
    fields = clean(
        "Ibanez B, James S, et al. 2017 ESC guidelines for the management of acute myocardial "
        "infarction. Eur Heart J. 2018;39(2):119-177."
    )
    assert fields["title"].startswith("2017 ESC guidelines")
    assert fields["issued"] == {"date-parts": [[2018]]}
    assert fields["container-title"] == "Eur Heart J"


@pytest.mark.parametrize(
    ("raw", "journal"),
    [
        ("P. S. Rawat, A. Jaiswal, U. Navik, Biomed. Pharmacother. 2021, 139, 111708.",
         "Biomed. Pharmacother."),
        ("W. Coimbra, A. Leal-Junior, IEEE Trans. Biomed. Eng. 2022, 70, 1189.",
         "IEEE Trans. Biomed. Eng."),
        ("K. Hola, R. Zboril, ACS Nano 2017, 11, 12402.", "ACS Nano"),
    ],
)  # fmt: skip
def test_chemistry_style_journals(raw: str, journal: str) -> None:
    parsed = parse(raw)
    assert parsed.fields["container-title"] == journal
    assert "title" not in parsed.fields
    assert parsed.problems == ("no title found before the journal",)


@pytest.mark.parametrize(
    ("raw", "journal", "volume", "page"),
    [
        (
            "Johnson TR, Mertz SE (2005) Role for innate IFNs. Journal of immunology "
            "(Baltimore, Md. : 1950) 174: 7234-43",
            "Journal of immunology (Baltimore, Md. : 1950)", "174", "7234-7243",
        ),
        (
            "Song X, Wang J (2019) Surface-modified PLGA nanoparticles. Colloids and surfaces. "
            "B, Biointerfaces 175: 73-80",
            "Colloids and surfaces. B, Biointerfaces", "175", "73-80",
        ),
        (
            "Zhao, J., & Cheng, H. (2019). CD36-mediated lipid accumulation. Mediators of "
            "inflammation, 2019, 3172647.",
            "Mediators of inflammation", "2019", "3172647",
        ),
        (
            "Hadid T, Kim S. Cannabis use and clinical outcomes. Ther Adv Vaccines Immunother. "
            "2024;12:25151355241309095.",
            "Ther Adv Vaccines Immunother", "12", "25151355241309095",
        ),
    ],
)  # fmt: skip
def test_journal_forms_from_pubmed_titles(raw: str, journal: str, volume: str, page: str) -> None:
    fields = clean(raw)
    assert (fields["container-title"], fields["volume"], fields["page"]) == (journal, volume, page)
