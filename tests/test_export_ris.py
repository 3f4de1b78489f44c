"""RIS records line by line: every tag the writer emits, for each kind of work, and the
record/file framing (what reference managers such as Zotero and EndNote read back)."""

from __future__ import annotations

from typing import Any

import pytest

from refkeeper.errors import InputError
from refkeeper.export.ris import ris_record, to_ris
from refkeeper.models import Work


def work(key: str = "w", **csl: Any) -> Work:
    extras = {k: csl.pop(k) for k in list(csl) if k.startswith("w_")}
    return Work(
        id=f"id:{key}",
        source="pubmed",
        csl={"id": key, **csl},
        **{k[2:]: v for k, v in extras.items()},
    )


def test_a_journal_article_with_every_field() -> None:
    w = work(
        "timmons1995",
        type="article-journal",
        author=[
            {"family": "Timmons", "given": "Charles F"},
            {"family": "Berg", "given": "Anna", "non-dropping-particle": "van den"},
            {"family": "King", "given": "Martin L", "suffix": "Jr"},
            {"literal": "WHO Working Group"},
            {"family": ""},  # an empty name is left out
        ],
        title="Primary  leiomyosarcoma\nof the liver",
        issued={"date-parts": [[1995, 3, 1]]},
        volume="76",
        issue="8",
        page="1481-9",
        DOI="10.1002/x",
        PMID="8620427",
        PMCID="PMC123",
        URL="https://example.org/a",
        ISSN="0008-543X",
        w_journal_full="Cancer Research",
        w_journal_iso="Cancer Res",
        w_medline_date="1995 Mar",
    )
    assert ris_record(w, "timmons1995") == [
        "TY  - JOUR",
        "ID  - timmons1995",
        "AU  - Timmons, Charles F",
        "AU  - van den Berg, Anna",
        "AU  - King, Martin L, Jr",
        "AU  - WHO Working Group",
        "TI  - Primary leiomyosarcoma of the liver",
        "T2  - Cancer Research",
        "J2  - Cancer Res",
        "PY  - 1995",
        "DA  - 1995/03/01/1995 Mar",
        "VL  - 76",
        "IS  - 8",
        "SP  - 1481",
        "EP  - 1489",
        "SN  - 0008-543X",
        "DO  - 10.1002/x",
        "AN  - 8620427",
        "UR  - https://pubmed.ncbi.nlm.nih.gov/8620427/",
        "C2  - PMC123",
        "UR  - https://example.org/a",
        "ER  - ",
    ]
    iso = ris_record(w, "k", journal="iso")
    assert "T2  - Cancer Res" in iso and "T2  - Cancer Research" not in iso
    assert "J2  - Cancer Res" in iso


def test_identifiers_come_from_the_work_when_the_csl_lacks_them() -> None:
    w = work(
        type="article-journal",
        title="T",
        w_doi="10.1/y",
        w_pmid="42",
        w_pmcid="PMC9",
        w_isbn="9789283224327",
    )
    lines = ris_record(w, "k")
    for line in (
        "SN  - 9789283224327",
        "DO  - 10.1/y",
        "AN  - 42",
        "UR  - https://pubmed.ncbi.nlm.nih.gov/42/",
        "C2  - PMC9",
    ):
        assert line in lines
    assert ris_record(work(type="book", ISBN="1", ISSN="2"), "k")[2:] == ["SN  - 1", "ER  - "]


@pytest.mark.parametrize(
    ("kind", "tag"),
    [
        ("article-journal", "JOUR"), ("article", "JOUR"), ("review", "JOUR"),
        ("article-magazine", "MGZN"), ("article-newspaper", "NEWS"), ("book", "BOOK"),
        ("chapter", "CHAP"), ("paper-conference", "CPAPER"), ("report", "RPRT"),
        ("thesis", "THES"), ("webpage", "ELEC"), ("dataset", "DATA"), ("software", "COMP"),
        ("post", "ELEC"), ("post-weblog", "BLOG"), ("graphic", "GEN"),
    ],
)  # fmt: skip
def test_types(kind: str, tag: str) -> None:
    assert ris_record(work(type=kind), "k")[0] == f"TY  - {tag}"
    assert ris_record(work(), "k")[0] == "TY  - GEN"


def test_a_book_and_a_chapter() -> None:
    book = work(
        type="book",
        editor=[{"family": "Bosman", "given": "FT"}],
        title="WHO Classification of Tumours of the Digestive System",
        edition="4",
        publisher="IARC",
        **{"publisher-place": "Lyon"},
        issued={"date-parts": [[2010]]},
        ISBN="9789283224327",
    )
    assert ris_record(book, "who") == [
        "TY  - BOOK",
        "ID  - who",
        "ED  - Bosman, FT",
        "TI  - WHO Classification of Tumours of the Digestive System",
        "PY  - 2010",
        "DA  - 2010///",
        "ET  - 4",
        "PB  - IARC",
        "CY  - Lyon",
        "SN  - 9789283224327",
        "ER  - ",
    ]
    chapter = work(
        type="chapter",
        author=[{"family": "Hamilton", "given": "SR"}],
        editor=[{"family": "Bosman", "given": "FT"}],
        title="Carcinoma of the colon",
        **{"container-title": "WHO Classification"},
        page="134-46",
    )
    assert ris_record(chapter, "ch") == [
        "TY  - CHAP",
        "ID  - ch",
        "AU  - Hamilton, SR",
        "A2  - Bosman, FT",
        "TI  - Carcinoma of the colon",
        "T2  - WHO Classification",
        "SP  - 134",
        "EP  - 146",
        "ER  - ",
    ]


def test_journal_names_fall_back_to_each_other() -> None:
    only_full = work(type="article-journal", **{"container-title": "Cancer"})
    assert ris_record(only_full, "k")[2:4] == ["T2  - Cancer", "J2  - Cancer"]
    only_iso = work(type="article-journal", **{"container-title-short": "Cancer Res"})
    assert ris_record(only_iso, "k")[2:4] == ["T2  - Cancer Res", "J2  - Cancer Res"]
    assert ris_record(only_iso, "k", journal="iso")[2] == "T2  - Cancer Res"
    assert ris_record(work(type="article-journal"), "k") == ["TY  - JOUR", "ID  - k", "ER  - "]


@pytest.mark.parametrize(
    ("parts", "da"),
    [
        ([2019, 5, 3], "2019/05/03/"),
        ([2019, 12], "2019/12//"),
        ([2019, 13], "2019///"),  # a season (CSL months 13-16) is not a month
        ([2019, 21, 4], "2019///"),  # and has no day
        ([2019], "2019///"),
    ],
)
def test_dates(parts: list[int], da: str) -> None:
    lines = ris_record(work(issued={"date-parts": [parts]}), "k")
    assert lines[2:4] == [f"PY  - {parts[0]}", f"DA  - {da}"]


def test_a_literal_date_is_kept_as_written() -> None:
    lines = ris_record(work(issued={"literal": "in press"}), "k")
    assert lines[2:] == ["Y2  - in press", "ER  - "]


def test_page_lists_and_single_pages() -> None:
    def pages(page: str) -> list[str]:
        return [ln for ln in ris_record(work(page=page), "k") if ln[:2] in ("SP", "EP")]

    assert pages("e0123") == ["SP  - e0123"]
    assert pages("12-15, 18-20") == ["SP  - 12-15, 18-20"]
    assert pages("S67-72") == ["SP  - S67", "EP  - S72"]


def test_file_framing() -> None:
    a, b = work("a", title="One"), work("b", title="Two")
    text = to_ris([a, b])
    assert text == (
        "TY  - GEN\nID  - a\nTI  - One\nER  - \n\nTY  - GEN\nID  - b\nTI  - Two\nER  - \n"
    )
    assert to_ris([]) == ""
    assert to_ris([a], journal="iso") == "TY  - GEN\nID  - a\nTI  - One\nER  - \n"
    with pytest.raises(InputError, match=r"unknown journal style 'abbrev': choose from full, iso"):
        to_ris([a], journal="abbrev")
    with pytest.raises(InputError, match="duplicate citation key 'a'"):
        to_ris([a, work("a", title="Again")])


@pytest.mark.parametrize(
    "kind", ["article-journal", "article", "review", "article-magazine", "article-newspaper"]
)
def test_every_periodical_type_gets_both_journal_names(kind: str) -> None:
    w = work(type=kind, w_journal_full="Cancer Research", w_journal_iso="Cancer Res")
    assert ris_record(w, "k")[2:4] == ["T2  - Cancer Research", "J2  - Cancer Res"]
    assert to_ris([w], journal="iso").splitlines()[2:4] == ["T2  - Cancer Res", "J2  - Cancer Res"]
    assert to_ris([w]).splitlines()[2] == "T2  - Cancer Research"
    # a book's container is written as it is, without journal names
    book = work(type="chapter", w_journal_full="Cancer Research", **{"container-title": "B"})
    assert ris_record(book, "k")[2:] == ["T2  - B", "ER  - "]
