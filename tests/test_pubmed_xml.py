"""parse_pubmed_xml and the small E-utilities parsers, on recorded NCBI answers and the corpus."""

from __future__ import annotations

import gzip
import re
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from refkeeper.errors import ResponseError
from refkeeper.models import Work
from refkeeper.resolve.pubmed import (
    expand_pages,
    parse_ecitmatch,
    parse_epost_xml,
    parse_esearch_xml,
    parse_esummary_xml,
    parse_medline_date,
    parse_pubmed_xml,
)

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
RECORDED = SHARED / "ncbi-samples" / "recorded"
CORPUS = SHARED / "corpus" / "pubmed" / "pubmed-real-records.xml.gz"
BUILT = Path(__file__).resolve().parent / "data" / "ncbi"


def recorded(name: str) -> bytes:
    return (RECORDED / name).read_bytes()


@cache
def corpus_works() -> tuple[Work, ...]:
    return tuple(parse_pubmed_xml(gzip.decompress(CORPUS.read_bytes())))


def by_pmid(works: list[Work] | tuple[Work, ...], pmid: str) -> Work:
    return next(w for w in works if w.pmid == pmid)


# --------------------------------------------------------------------------- recorded answers


def test_pubmed1_two_articles_with_season_date_and_pages() -> None:
    works = parse_pubmed_xml(recorded("pubmed1.xml"))
    assert [w.id for w in works] == ["pmid:12091962", "pmid:9997"]
    first = works[0]
    assert first.source == "pubmed"
    assert first.csl["id"] == "pmid:12091962"
    assert first.csl["type"] == "article-journal"
    assert first.csl["title"] == "The treatment of AIDS behind the walls of correctional facilities"
    assert first.csl["author"] == [{"family": "Olivero", "given": "J Michael"}]
    assert first.csl["issued"] == {"date-parts": [[1990]]}  # PubDate 1990 Spring
    assert first.csl["page"] == "113-125"
    assert first.csl["page-first"] == "113"
    assert first.csl["container-title"] == "Social justice (San Francisco, Calif.)"
    assert first.csl["container-title-short"] == "Soc Justice"
    assert first.csl["ISSN"] == "1043-1578"
    assert first.journal_iso == "Soc Justice"
    assert first.journal_full == "Social justice (San Francisco, Calif.)"
    assert first.doi is None and "DOI" not in first.csl
    assert "Acquired Immunodeficiency Syndrome" in first.mesh
    assert first.publication_types == ("Journal Article", "Review")
    second = works[1]
    assert second.csl["issued"] == {"date-parts": [[1976, 9, 28]]}
    assert second.doi == "10.1016/0005-2795(76)90109-4"
    assert second.csl["DOI"] == "10.1016/0005-2795(76)90109-4"
    assert second.csl["PMID"] == "9997"


def test_pubmed4_structured_abstract_authors_and_comments() -> None:
    (work,) = parse_pubmed_xml(recorded("pubmed4.xml"))
    assert work.pmid == "27797938"
    assert work.pmcid == "PMC5442267"
    assert work.csl["PMCID"] == "PMC5442267"
    assert work.doi == "10.1136/gutjnl-2016-312510"
    assert [s.label for s in work.abstract] == ["OBJECTIVE", "DESIGN", "RESULTS", "CONCLUSIONS"]
    assert work.csl["abstract"].startswith("OBJECTIVE: ")
    assert len(work.csl["author"]) == 22
    assert all("family" in a and "given" in a for a in work.csl["author"])
    assert work.csl["page"] == "1116-1122"
    assert work.csl["language"] == "en"
    assert work.comments and work.comments[0].ref_type == "CommentIn"
    assert work.comments[0].pmid == "27920200"
    assert all(c.ref_type != "Cites" for c in work.comments)


def test_pubmed5_labelled_abstract() -> None:
    (work,) = parse_pubmed_xml(recorded("pubmed5.xml"))
    assert work.pmid == "28775130"
    assert [s.label for s in work.abstract] == ["OBJECTIVES", "METHODS", "RESULTS", "CONCLUSIONS"]
    assert work.csl["issued"] == {"date-parts": [[2018, 2]]}


def test_pubmed6_markup_in_abstract_is_flattened() -> None:
    (work,) = parse_pubmed_xml(recorded("pubmed6.xml"))
    assert work.pmid == "30108519"
    text = work.abstract_text
    assert not re.search(r"</?[A-Za-z:]+[ >]", text) and "  " not in text
    assert "Maximal Lactate Steady State (MLSS)" in text
    assert work.csl["title"].startswith('A "Blood Relationship" Between')


def test_pubmed7_own_ids_not_reference_list_ids() -> None:
    data = recorded("pubmed7.xml")
    (work,) = parse_pubmed_xml(data)
    assert work.pmid == "29963580"
    assert work.doi == "10.1117/1.jmi.5.2.026002"
    assert work.pmcid == "PMC6022861"
    # the record's ReferenceList holds other DOIs and PMIDs: none of them may leak in
    assert data.count(b"<ReferenceList>") >= 1
    assert work.csl["PMID"] == "29963580"
    assert not any(c.ref_type == "Cites" for c in work.comments)
    assert work.csl["page"] == "026002"


def test_pubmed2_older_medline_records() -> None:
    works = parse_pubmed_xml(recorded("pubmed2.xml"))
    assert [w.pmid for w in works] == ["11748933", "11700088"]
    assert works[0].csl["page"] == "244-255"
    assert works[1].csl["title"].startswith("Proton MRI of (13)C distribution")


def test_html_answer_raises() -> None:
    with pytest.raises(ResponseError, match="HTML page"):
        parse_pubmed_xml(recorded("pubmed3.html"))


def test_truncated_xml_raises() -> None:
    data = recorded("pubmed4.xml")
    with pytest.raises(ResponseError, match="truncated"):
        parse_pubmed_xml(data[: len(data) // 2])


def test_error_element_raises() -> None:
    data = (
        b'<?xml version="1.0"?>\n'
        b"<eFetchResult><ERROR>Cannot retrieve history data</ERROR></eFetchResult>"
    )
    with pytest.raises(ResponseError, match="Cannot retrieve history data"):
        parse_pubmed_xml(data)


def test_wrong_document_and_empty_answers() -> None:
    with pytest.raises(ResponseError, match="unexpected root"):
        parse_pubmed_xml(recorded("esearch1.xml"))
    with pytest.raises(ResponseError, match="empty"):
        parse_pubmed_xml(b"  \n")
    assert parse_pubmed_xml(b"<PubmedArticleSet></PubmedArticleSet>") == []


def test_entities_are_never_expanded_nor_fetched(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET")
    data = (
        f'<?xml version="1.0"?><!DOCTYPE PubmedArticleSet [<!ENTITY x SYSTEM "file://{secret}">'
        '<!ENTITY y "EXPANDED">]>'
        "<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID><Article><Journal>"
        "<JournalIssue><PubDate><Year>2000</Year></PubDate></JournalIssue></Journal>"
        "<ArticleTitle>A &x; B &y;</ArticleTitle></Article></MedlineCitation></PubmedArticle>"
        "</PubmedArticleSet>"
    ).encode()
    (work,) = parse_pubmed_xml(data)
    assert "TOPSECRET" not in str(work.csl)
    assert "EXPANDED" not in str(work.csl)


def test_pubmed_book_article() -> None:
    # Shaped by pubmed_250101.dtd (BookDocument/Book); no recorded book answer exists.
    data = "".join(
        [
            '<PubmedArticleSet><PubmedBookArticle><BookDocument><PMID Version="1">20301295</PMID>',
            '<ArticleIdList><ArticleId IdType="bookaccession">NBK1116</ArticleId></ArticleIdList>',
            "<Book><Publisher><PublisherName>University of Washington, Seattle</PublisherName>",
            "<PublisherLocation>Seattle (WA)</PublisherLocation></Publisher>",
            '<BookTitle book="gene">GeneReviews</BookTitle><PubDate><Year>1993</Year></PubDate>',
            '<AuthorList Type="editors"><Author><LastName>Adam</LastName>',
            "<ForeName>Margaret P</ForeName><Initials>MP</Initials></Author></AuthorList>",
            "<Isbn>0-306-40615-2</Isbn></Book>",
            '<ArticleTitle book="gene" part="brca1">BRCA1- and BRCA2-Associated Hereditary',
            " Breast and Ovarian Cancer.</ArticleTitle>",
            '<AuthorList Type="authors"><Author><LastName>Petrucelli</LastName>',
            "<ForeName>Nancie</ForeName></Author></AuthorList>",
            '<PublicationType UI="D016454">Review</PublicationType></BookDocument>',
            "</PubmedBookArticle></PubmedArticleSet>",
        ]
    ).encode()
    (work,) = parse_pubmed_xml(data)
    assert work.id == "pmid:20301295"
    assert work.csl["type"] == "chapter"
    assert work.csl["title"] == "BRCA1- and BRCA2-Associated Hereditary Breast and Ovarian Cancer"
    assert work.csl["container-title"] == "GeneReviews"
    assert work.csl["author"] == [{"family": "Petrucelli", "given": "Nancie"}]
    assert work.csl["editor"] == [{"family": "Adam", "given": "Margaret P"}]
    assert work.csl["publisher"] == "University of Washington, Seattle"
    assert work.csl["publisher-place"] == "Seattle (WA)"
    assert work.isbn == work.csl["ISBN"] == "9780306406157"
    assert work.publication_types == ("Review",)


# --------------------------------------------------------------------------- built seed records


def test_seed_records_built_from_facts() -> None:
    timmons = parse_pubmed_xml((BUILT / "pubmed-8620427.xml").read_bytes())[0]
    assert timmons.id == "pmid:8620427"
    assert timmons.csl["page"] == "1481-1489"
    assert timmons.csl["issued"] == {"date-parts": [[1995, 10, 15]]}
    assert timmons.csl["volume"] == "76" and timmons.csl["issue"] == "8"
    assert [a["family"] for a in timmons.csl["author"]] == [
        "Timmons", "Dawson", "Richards", "Andrews", "Katz"]  # fmt: skip
    assert timmons.csl["author"][0] == {"family": "Timmons", "given": "CF"}
    assert timmons.doi is None and timmons.mesh == ()
    bonatti = parse_pubmed_xml((BUILT / "pubmed-15919482.xml").read_bytes())[0]
    assert bonatti.csl["page"] == "1839-1844"
    assert bonatti.csl["container-title"] == "Transplantation proceedings"
    assert "issue" not in bonatti.csl
    near = parse_pubmed_xml((BUILT / "pubmed-10757411.xml").read_bytes())[0]
    assert near.doi == "10.1097/00000478-200004000-00018"
    assert near.csl["container-title"] == "Am J Surg Pathol"


# --------------------------------------------------------------------------- the corpus


def test_corpus_parses_completely() -> None:
    works = corpus_works()
    assert len(works) == 1648
    assert len({w.id for w in works}) == 1648
    assert all(w.csl["id"] == w.id == f"pmid:{w.pmid}" for w in works)
    # README: 1,566 DOIs in ELocationID; ArticleIdList adds DOIs for some records without one.
    assert sum(1 for w in works if w.doi) >= 1566
    # README counts tags as substrings (open + close): 90 "MedlineDate" = 45 dates,
    # 108 "CollectiveName" = 54 collective names.
    assert sum(1 for w in works if w.medline_date) == 45
    assert sum(1 for w in works for a in w.csl.get("author", []) if "literal" in a) == 54
    comments = Counter(c.ref_type for w in works for c in w.comments)
    assert comments["ErratumIn"] == 6
    assert comments["RetractionIn"] == 1
    assert sum(1 for w in works if "Retracted Publication" in w.publication_types) == 1
    # the one record typed "Retracted Publication" is the one with the RetractionIn comment
    (retracted,) = (w for w in works if w.retracted)
    assert "Retracted Publication" in retracted.publication_types
    assert any(c.ref_type == "RetractionIn" and c.pmid for c in retracted.comments)
    assert all("issued" in w.csl for w in works)


def test_corpus_medline_dates_and_family_only_authors() -> None:
    works = corpus_works()
    dated = [w for w in works if w.medline_date]
    for work in dated:
        parts = work.csl["issued"]["date-parts"][0]
        assert parts[0] == int(work.medline_date[:4])  # type: ignore[index]
    lone = [a for w in works for a in w.csl.get("author", []) if "family" in a and "given" not in a]
    assert {"family": "Manahil"} in lone


def test_corpus_pages() -> None:
    pages = {w.csl["page"] for w in corpus_works() if "page" in w.csl}
    assert "C1425-C1431" in pages
    assert "S29-S30" in pages
    assert "715-725.e4" in pages
    assert "e0180707" in pages
    assert "e33-e41" in pages


def test_corpus_translated_titles() -> None:
    works = {w.pmid: w for w in corpus_works()}
    titles = [w.csl.get("title", "") for w in works.values()]
    assert "The labial leukoplakia of smokers" in titles
    assert not any(t.startswith("[") and t.endswith("]") for t in titles)
    translated = [w for w in works.values() if "original-title" in w.csl]
    assert translated and all(w.csl["original-title"] != w.csl["title"] for w in translated)


# --------------------------------------------------------------------------- pure helpers


@pytest.mark.parametrize(
    ("raw", "expanded"),
    [
        ("1481-9", "1481-1489"),
        ("113-25", "113-125"),
        ("1839-44", "1839-1844"),
        ("99-101", "99-101"),
        ("1034", "1034"),
        ("S29-30", "S29-S30"),
        ("C1425-31", "C1425-C1431"),
        ("e33\u2013e41", "e33-e41"),
        ("715-725.e4", "715-725.e4"),
        ("S180-S19", "S180-S19"),
        ("1-5, 8-9", "1-5, 8-9"),
        ("123-9, 140-2", "123-129, 140-142"),
        ("eaau9630", "eaau9630"),
    ],
)
def test_expand_pages(raw: str, expanded: str) -> None:
    assert expand_pages(raw) == expanded


@pytest.mark.parametrize(
    ("raw", "parts"),
    [
        ("2007 Mar-Apr", [2007, 3]),
        ("2019 May - Jun", [2019, 5]),
        ("1998 Dec-1999 Jan", [1998, 12]),
        ("2019 Winter", [2019]),
        ("2000 Jan 15-31", [2000, 1]),
        ("1975 Feb 3", [1975, 2, 3]),
        ("no date", []),
    ],
)
def test_parse_medline_date(raw: str, parts: list[int]) -> None:
    assert parse_medline_date(raw) == parts


def test_esearch_answers() -> None:
    result = parse_esearch_xml(recorded("esearch1.xml"))
    assert result.count == 63
    assert len(result.ids) == 20 and result.ids[0] == "41282813"
    assert result.problems == ()
    count, ids, problems = parse_esearch_xml(recorded("esearch8.xml"))
    assert (count, ids) == (0, ())
    assert problems == ("PhraseNotFound: abcXYZ", "OutputMessage: No items found.")
    assert parse_epost_xml(recorded("esearch2.xml"))[1] == "1"


def test_epost_answers() -> None:
    assert parse_epost_xml(recorded("epost1.xml")) == ("MCID_692851c130aec64bed0a8c2a", "1")
    with pytest.raises(ResponseError, match="Invalid db name specified: nothing"):
        parse_epost_xml(recorded("epost2.xml"))
    with pytest.raises(ResponseError, match="Empty ID list"):
        parse_epost_xml(recorded("epost3.xml"))


def test_esummary_answers() -> None:
    summaries = parse_esummary_xml(recorded("esummary1.xml"))
    assert [s["Id"] for s in summaries] == ["11850928", "11482001"]
    assert summaries[0]["AuthorList"] == ["LoPresti PJ", "Hambrick GW Jr"]
    assert summaries[0]["Source"] == "Arch Dermatol"
    with pytest.raises(ResponseError, match="Neither query_key nor id specified"):
        parse_esummary_xml(recorded("esummary8.xml"))


def test_parse_ecitmatch() -> None:
    text = (
        "proc natl acad sci u s a|1991|88|3248|mann bj|Art1|2014248\n"
        "science|1987|235|182|palmenberg ac|Art2|NOT_FOUND;INVALID_JOURNAL\n"
        "cancer|1995|76|1481|smith|Art3|AMBIGUOUS (2 citations)\n"
        "\n"
    )
    assert parse_ecitmatch(text) == [
        ("Art1", "2014248", "found"),
        ("Art2", None, "NOT_FOUND;INVALID_JOURNAL"),
        ("Art3", None, "AMBIGUOUS (2 citations)"),
    ]
    assert parse_ecitmatch(text)[0].pmid == "2014248"
    assert parse_ecitmatch(b"") == []
    with pytest.raises(ResponseError, match="HTML"):
        parse_ecitmatch("<html><body>Error</body></html>")
    with pytest.raises(ResponseError, match="unreadable line"):
        parse_ecitmatch("just some words")


def test_empty_error_element_is_not_an_error() -> None:
    from refkeeper.resolve.xmlsafe import parse_xml

    root = parse_xml(recorded("espell.xml"), what="ESpell answer", root="eSpellResult")
    assert root.findtext("CorrectedQuery") == "biopython"
