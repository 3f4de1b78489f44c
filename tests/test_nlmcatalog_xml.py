"""parse_nlmcatalog_xml on the built WHO book record and on edge cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from refkeeper.errors import ResponseError
from refkeeper.resolve.nlmcatalog import parse_nlmcatalog_xml

BUILT = Path(__file__).resolve().parent / "data" / "ncbi"


def test_who_book_record() -> None:
    (work,) = parse_nlmcatalog_xml((BUILT / "nlmcatalog-who-digestive-4th.xml").read_bytes())
    assert work.id == "nlm:TEST-0000001"
    assert work.source == "nlmcatalog"
    assert work.nlm_id == "TEST-0000001"
    assert work.isbn == "9789283224327"
    csl = work.csl
    assert csl["id"] == work.id
    assert csl["type"] == "book"
    assert csl["title"] == "WHO Classification of Tumours of the Digestive System"
    assert csl["edition"] == "4th"
    assert csl["publisher"] == "International Agency for Research on Cancer"
    assert csl["publisher-place"] == "Lyon"
    assert csl["issued"] == {"date-parts": [[2010]]}
    assert csl["ISBN"] == "9789283224327"
    assert csl["editor"] == [
        {"family": "Bosman", "given": "FT"},
        {"family": "Carneiro", "given": "F"},
        {"family": "Hruban", "given": "RH"},
        {"family": "Theise", "given": "ND"},
    ]
    assert "author" not in csl


def test_catalogue_punctuation_isbn10_and_authors() -> None:
    data = "".join(
        [
            '<NLMCatalogRecordSet><NLMCatalogRecord Owner="NLM" Status="Completed">',
            "<NlmUniqueID>101000001</NlmUniqueID>",
            '<TitleMain><Title Sort="0">Some handbook /</Title></TitleMain>',
            "<AuthorList><Author><LastName>Doe</LastName><ForeName>Jane</ForeName>",
            '<Role CodedYN="N">author.</Role></Author>',
            "<Author><CollectiveName>World Health Organization.</CollectiveName></Author>",
            "</AuthorList><PublicationInfo>",
            '<Imprint ImprintType="Current" FunctionType="Publication"><Place>Geneva :</Place>',
            "<Entity>WHO,</Entity><DateIssued>c2001.</DateIssued>",
            "<ImprintFull>Geneva : WHO, c2001.</ImprintFull></Imprint>",
            "<Edition>2nd ed.</Edition></PublicationInfo>",
            '<ISBN>0-306-40615-2 (pbk.)</ISBN><ISBN ValidYN="N">1234567890</ISBN>',
            "</NLMCatalogRecord></NLMCatalogRecordSet>",
        ]
    ).encode()
    (work,) = parse_nlmcatalog_xml(data)
    assert work.csl["title"] == "Some handbook"
    assert work.csl["publisher-place"] == "Geneva"
    assert work.csl["publisher"] == "WHO"
    assert work.csl["issued"] == {"date-parts": [[2001]]}
    assert work.csl["edition"] == "2nd"
    assert work.isbn == "9780306406157"
    assert work.csl["author"] == [
        {"family": "Doe", "given": "Jane"},
        {"literal": "World Health Organization"},
    ]


def test_bad_answers_raise() -> None:
    with pytest.raises(ResponseError, match="HTML"):
        parse_nlmcatalog_xml(b"<!DOCTYPE html><html><body>Service unavailable</body></html>")
    with pytest.raises(ResponseError, match="truncated"):
        parse_nlmcatalog_xml(b"<NLMCatalogRecordSet><NLMCatalogRecord><NlmUniqueID>1")
    with pytest.raises(ResponseError, match="unexpected root"):
        parse_nlmcatalog_xml(b"<PubmedArticleSet/>")
