"""Verification and scoring (pure): the seed's works, the Bonatti/Rogatsch near miss, books,
and real corpus records cited with abbreviated/full journal names and small mistakes."""

from __future__ import annotations

import copy
import gzip
from functools import cache
from pathlib import Path

import pytest

from refkeeper.extract.refparse import parse_reference
from refkeeper.models import CSLItem, Status, Work
from refkeeper.resolve.match import (
    ACCEPT,
    MARGIN,
    decide,
    first_page,
    journal_abbreviates,
    label_of,
    score_candidate,
    title_similarity,
)
from refkeeper.resolve.nlmcatalog import parse_nlmcatalog_xml
from refkeeper.resolve.pubmed import parse_pubmed_xml
from refkeeper.resolve.strategy import citation_query, reference_fields, title_words
from seed_refs import BONATTI, TIMMONS, WHO

DATA = Path(__file__).parent / "data" / "ncbi"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "pubmed"


@cache
def seed_works() -> dict[str, Work]:
    works = {}
    for name in ("pubmed-8620427.xml", "pubmed-15919482.xml", "pubmed-10757411.xml"):
        for work in parse_pubmed_xml((DATA / name).read_bytes()):
            works[work.id] = work
    for work in parse_nlmcatalog_xml((DATA / "nlmcatalog-who-digestive-4th.xml").read_bytes()):
        works[work.id] = work
    return works


@cache
def corpus() -> list[Work]:
    data = gzip.decompress((CORPUS / "pubmed-real-records.xml.gz").read_bytes())
    return parse_pubmed_xml(data)


def fields(raw: str) -> CSLItem:
    return dict(parse_reference(raw).fields)


def test_timmons_resolves_with_evidence() -> None:
    decision = decide(fields(TIMMONS), list(seed_works().values()))
    assert decision.status is Status.RESOLVED
    assert decision.best is not None and decision.best.work.pmid == "8620427"
    agreed = decision.best.fields
    for name in ("title", "first_author", "year", "journal", "volume", "page"):
        assert agreed[name] == 1.0, name
    assert decision.best.score >= ACCEPT


def test_bonatti_is_not_rogatsch() -> None:
    works = seed_works()
    ref = fields(BONATTI)
    decision = decide(ref, list(works.values()))
    assert decision.status is Status.RESOLVED
    assert decision.best is not None and decision.best.work.pmid == "15919482"
    # The near miss alone, however it was found, is never accepted:
    near = decide(ref, [works["pmid:10757411"]])
    assert near.status is not Status.RESOLVED
    rogatsch = score_candidate(ref, works["pmid:10757411"])
    assert rogatsch.blockers and rogatsch.score < 0.5
    assert "year differs (2005 vs 2000)" in rogatsch.blockers


def test_who_book_matches_the_catalog_record_not_another_edition() -> None:
    works = seed_works()
    book = works["nlm:TEST-0000001"]
    ref = fields(WHO)
    decision = decide(ref, [book])
    assert decision.status is Status.RESOLVED and decision.best is not None
    assert decision.best.fields["edition"] == 1.0
    third = copy.deepcopy(book.csl)
    third["edition"] = "3rd"
    third["issued"] = {"date-parts": [[2000]]}
    other = Work(id="nlm:TEST-3RD", source="nlmcatalog", csl=third)
    assert decide(ref, [other]).status is not Status.RESOLVED
    assert "edition differs" in score_candidate(ref, other).blockers


def test_two_equal_candidates_are_ambiguous() -> None:
    work = seed_works()["pmid:8620427"]
    twin = Work(
        id="pmid:99999999",
        source="pubmed",
        csl={**work.csl, "id": "pmid:99999999"},
        pmid="99999999",
        journal_iso=work.journal_iso,
        journal_full=work.journal_full,
    )
    decision = decide(fields(TIMMONS), [work, twin])
    assert decision.status is Status.AMBIGUOUS
    assert {c.work_id for c in decision.candidates} == {"pmid:8620427", "pmid:99999999"}
    assert "almost equally" in decision.reason


def test_no_candidates_is_not_found() -> None:
    decision = decide(fields(TIMMONS), [])
    assert decision.status is Status.NOT_FOUND and decision.reason


def test_identifier_in_the_reference_counts() -> None:
    work = seed_works()["pmid:8620427"]
    assert score_candidate({"PMID": "8620427"}, work).fields == {"identifier": 1.0}
    assert decide({"PMID": "8620427"}, [work]).status is Status.RESOLVED
    wrong = fields(BONATTI) | {"PMID": "8620427"}
    assert decide(wrong, [work]).status is not Status.RESOLVED


def test_field_helpers() -> None:
    assert first_page("1481-1489") == "1481"
    assert first_page("e0123") == "e0123"
    assert first_page("pp. 12-19") == "12"
    assert journal_abbreviates("am j surg pathol", "the american journal of surgical pathology")
    assert journal_abbreviates("transplant proc", "transplantation proceedings")
    assert not journal_abbreviates("am j pathol", "the american journal of surgical pathology")
    assert title_similarity("Origin of X.", "origin of x") == 1.0
    assert title_similarity("[Translated title]", "Translated title.") == 1.0
    assert title_similarity("A study of B in C", "Something else entirely here") < 0.5
    assert label_of(seed_works()["pmid:10757411"]).startswith("Rogatsch H 2000 Am J Surg Pathol")
    assert title_words("The role of EBV in smooth-muscle tumours of the liver", limit=3) == [
        "smooth",
        "muscle",
        "tumours",
    ]


def test_reference_fields_pick_up_identifiers() -> None:
    from refkeeper.models import Reference

    ref = Reference(
        "r1",
        "Some text. doi:10.1097/00000478-200004000-00018 PMID: 10757411",
        None,
        {"title": "Some text"},
        key="pmid:10757411",
    )
    got = reference_fields(ref)
    assert got["DOI"] == "10.1097/00000478-200004000-00018"
    assert got["PMID"] == "10757411"


@pytest.mark.parametrize("index", range(0, 1648, 137))
def test_corpus_records_match_themselves_in_citation_form(index: int) -> None:
    """A corpus record rendered as a Vancouver reference resolves to itself among its
    neighbours, and an altered year/first author blocks it."""
    works = corpus()
    work = works[index]
    csl = work.csl
    if not csl.get("title") or not csl.get("author"):
        pytest.skip("record without title or authors")
    ref: CSLItem = {
        "title": csl["title"],
        "author": csl["author"][:3],
        "_et_al": len(csl["author"]) > 3,
        "issued": csl.get("issued"),
        "container-title": work.journal_iso or csl.get("container-title"),
        "volume": csl.get("volume"),
        "page": csl.get("page"),
    }
    pool = works[max(0, index - 20) : index + 20]
    decision = decide(ref, pool)
    assert decision.status is Status.RESOLVED
    assert decision.best is not None and decision.best.work.id == work.id
    runner = [s for s in decision.scores if s.work.id != work.id][0]
    assert decision.best.score - runner.score >= MARGIN


def test_citation_query_needs_all_fields() -> None:
    from refkeeper.models import Reference
    from refkeeper.resolve.source import Probe as _Open

    state = _Open(0, Reference("r1", TIMMONS, None, fields(TIMMONS)), fields(TIMMONS))
    query = citation_query(state)
    assert query is not None
    assert query.line() == "Cancer|1995|76|1481|timmons cf|r0|"
    partial = fields(TIMMONS)
    del partial["volume"]
    assert citation_query(_Open(0, Reference("r1", "x", None, partial), partial)) is None


def test_title_words_prefer_the_title_sentence() -> None:
    # journal words a parser left at the end of the title are not searched
    misparsed = "Molecular characterization of a novel UT-A urea transporter isoform (UT-A5) in "
    misparsed += "testis. American journal of physiology"
    assert "american" not in title_words(misparsed)
    assert "transporter" in title_words(misparsed)
    # author names a parser left at the start are not searched either
    names = (
        "Yang, Chen, S., Zhong, G., Kong, W., & Wang, Y. (2019). Agonist of PPAR-γ Reduced "
        "Epithelial-Mesenchymal Transition in Eosinophilic Chronic Rhinosinusitis"
    )
    assert not {"yang", "chen", "zhong", "kong", "wang"} & set(title_words(names))
    assert "rhinosinusitis" in title_words(names)


def test_query_builders() -> None:
    from refkeeper.resolve.strategy import (
        _anchors,
        _drop_terms,
        _query_citation,
        _query_title_author,
        _query_title_only,
        _term_values,
    )

    ref = fields(BONATTI)
    assert _query_title_author(ref) == (
        "successful[ti] AND management[ti] AND associated[ti] AND multilocular[ti] AND "
        "leiomyosarcoma[ti] AND transplantation[ti] AND bonatti[1au]"
    )
    # narrow even when PubMed drops a misspelt name: year, volume and first page remain
    assert _query_citation(ref) == "bonatti[1au] AND 2005[dp] AND 37[vi] AND 1839[pg]"
    no_numbers = {k: v for k, v in ref.items() if k not in ("volume", "page")}
    assert _query_citation(no_numbers) == (
        'bonatti[1au] AND 2005[dp] AND "transplant proc"[ta] AND transplantation[ti]'
    )
    only = _query_title_only(ref)
    assert only is not None and " OR " in only and only.endswith(" AND 2005[dp]")
    first, second = only.removesuffix(" AND 2005[dp]").split(" OR ")
    assert not set(_term_values(first)) & set(_term_values(second))
    assert _anchors('ismail[1au] AND 2020[dp] AND "entropy"[ta] AND x[ti]', {"ismail"}) == 2
    assert _anchors('ismail[1au] AND 2020[dp] AND "entropy"[ta]', {"ismail", "entropy"}) == 0
    assert _term_values('"cell physiology"[ta] AND fenton[1au]') == {"cell physiology", "fenton"}
    assert _drop_terms("typo[ti] AND word[ti] AND name[1au]", {"typo"}) == "word[ti] AND name[1au]"
    assert _drop_terms("typo[ti] AND name[1au]", {"typo"}) is None
    assert _drop_terms("(a[ti] AND b[ti]) OR (c[ti] AND d[ti])", {"a"}) is None
