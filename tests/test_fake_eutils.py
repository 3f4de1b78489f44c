"""The fake E-utilities server: searches, fetches, ECitMatch, faults and the rate limit."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
import requests
from lxml import etree

from fake_eutils import BUILT, RECORDED, FakeEutils, base_indexes, parse_query
from refkeeper.errors import ResponseError
from refkeeper.resolve.nlmcatalog import parse_nlmcatalog_xml
from refkeeper.resolve.pubmed import (
    parse_ecitmatch,
    parse_epost_xml,
    parse_esearch_xml,
    parse_esummary_xml,
    parse_pubmed_xml,
)

TIMEOUT = 10


def get(fake: FakeEutils, utility: str, **params: Any) -> requests.Response:
    return requests.get(fake.url + utility, params=params, timeout=TIMEOUT)


def search(
    fake: FakeEutils, term: str, **params: Any
) -> tuple[int, tuple[str, ...], tuple[str, ...]]:
    params.setdefault("db", "pubmed")
    result = parse_esearch_xml(get(fake, "esearch.fcgi", term=term, **params).content)
    return result.count, result.ids, result.problems


# --------------------------------------------------------------------------- built data


def test_built_records_are_valid_by_the_dtds_biopython_ships() -> None:
    import Bio.Entrez

    dtds = Path(Bio.Entrez.__file__).parent / "DTDs"
    parser = etree.XMLParser(load_dtd=False, no_network=True, resolve_entities=False)
    for dtd_name, pattern in [
        ("pubmed_250101.dtd", "pubmed-*.xml"),
        ("nlmcatalogrecordset_170601.dtd", "nlmcatalog-*.xml"),
    ]:
        dtd = etree.DTD(str(dtds / dtd_name))
        files = sorted(BUILT.glob(pattern))
        assert files
        for path in files:
            assert dtd.validate(etree.parse(str(path), parser)), (path, dtd.error_log)
            assert b"BUILT, NOT RECORDED" in path.read_bytes()


def test_index_holds_corpus_and_seeds() -> None:
    indexes = base_indexes()
    pubmed = indexes["pubmed"].docs
    assert len(pubmed) == 1648 + 3
    assert {"8620427", "15919482", "10757411"} <= set(pubmed)
    assert set(indexes["nlmcatalog"].docs) == {"TEST-0000001"}


# --------------------------------------------------------------------------- esearch


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("timmons cf[1au]", ["8620427"]),
        ("timmons[1au]", ["8620427"]),
        ("Timmons C[1au]", ["8620427"]),
        ("Timmons C. F.[1au]", ["8620427"]),
        ("timmons cfx[1au]", []),
        ("timmon[1au]", []),
        ("dawson db[1au]", []),  # second author, not first
        ("dawson db[au]", ["8620427"]),
        ("katz ja[lastau]", ["8620427"]),
        ("rogatsch h[au]", ["15919482", "10757411"]),
        ("rogatsch h[1au]", ["10757411"]),
        ("leiomyosarcomas liver transplantation[ti]", ["8620427"]),
        ('"epstein-barr virus"[ti] AND leiomyosarcoma[ti]', ["15919482", "10757411"]),
        ('"liver transplantation recipients"[ti]', ["8620427"]),
        ('"recipients liver"[ti]', []),
        ("gancyclovir[tiab] OR famcyclovir[tiab]", ["15919482"]),
        ("Cancer[ta] AND 1995[dp] AND 76[vi] AND 1481[pg]", ["8620427"]),
        ("cancer[ta] AND 8[ip] AND 1481-9[pg]", ["8620427"]),
        ("transplant proc[ta] AND 1839[pg]", ["15919482"]),
        ("Transplantation proceedings[ta] AND 37[vi]", ["15919482"]),
        ("am j surg pathol[ta] AND 2000/04[dp] AND 614[pg]", ["10757411"]),
        ("10.1097/00000478-200004000-00018[doi]", ["10757411"]),
        ("10.1097/00000478-200004000-00018[aid]", ["10757411"]),
        ("15919482[pmid]", ["15919482"]),
        ("8620427[uid]", ["8620427"]),
        ("leiomyosarcoma[ti] AND 2000:2005[dp]", ["15919482", "10757411"]),
        ("leiomyosarcoma[ti] NOT rogatsch[au]", []),  # no stemming: "leiomyosarcomas"
        ("leiomyosarcoma*[ti] NOT rogatsch[au]", ["8620427"]),
        ("(timmons[1au] OR bonatti[1au]) AND leiomyosarcoma[tiab]", ["15919482", "8620427"]),
        ("epstein barr leiomyosarcoma bonatti", ["15919482"]),
    ],
)
def test_esearch_field_tags_on_seed_records(
    fake_eutils: FakeEutils, term: str, expected: list[str]
) -> None:
    count, ids, _ = search(fake_eutils, term)
    assert list(ids) == expected
    assert count == len(expected)


def test_esearch_corpus_records_by_their_fields(fake_eutils: FakeEutils) -> None:
    # PMID 9997 (recorded in pubmed1.xml, also in the corpus)
    recorded = parse_pubmed_xml((RECORDED / "pubmed1.xml").read_bytes())
    (work,) = [w for w in recorded if w.pmid == "9997"]
    family = work.csl["author"][0]["family"]
    year = work.csl["issued"]["date-parts"][0][0]
    term = (
        f"{work.journal_iso}[ta] AND {year}[dp] AND {work.csl['volume']}[vi] AND "
        f"{work.csl['page-first']}[pg] AND {family}[1au]"
    )
    assert search(fake_eutils, term)[1] == ("9997",)
    assert search(fake_eutils, f"{work.doi}[doi]")[1] == ("9997",)
    assert search(fake_eutils, f'"{work.doi}"[aid]')[1] == ("9997",)
    assert "9997" in search(fake_eutils, f"{work.journal_full}[ta] AND {year}[dp]")[1]
    count, ids, _ = search(fake_eutils, "retracted publication[pt]")
    assert count == 1
    assert (
        "Retracted Publication"
        in parse_pubmed_xml(
            get(fake_eutils, "efetch.fcgi", db="pubmed", id=ids[0], retmode="xml").content
        )[0].publication_types
    )


def test_esearch_absent_terms_are_dropped_and_reported_by_default(fake_eutils: FakeEutils) -> None:
    """Default ("unknown"), NCBI's documented behaviour for words unknown to PubMed (recorded
    esearch8.xml): the term is left out of the query and reported as PhraseNotFound."""
    assert fake_eutils.absent_terms == "unknown"
    count, ids, problems = search(fake_eutils, "abcXYZqq")
    assert (count, ids) == (0, ())
    assert problems == ("PhraseNotFound: abcXYZqq", "OutputMessage: No items found.")
    count, ids, problems = search(fake_eutils, "timmons cf[1au] AND zzzqqq[ti]")
    assert ids == ("8620427",)
    assert problems == ("PhraseNotFound: zzzqqq",)
    assert search(fake_eutils, "timmons cf[1au] OR zzzqqq[ti]")[1] == ("8620427",)
    # stopwords are not searched
    assert search(fake_eutils, "the[ti] AND timmons cf[1au]") == (1, ("8620427",), ())


def test_esearch_absent_terms_taken_as_known_pubmed_words() -> None:
    """"known": a PubMed word whose records are not served here empties its AND; the no-hit
    answer carries the WarningList only, no ErrorList."""
    with FakeEutils(absent_terms="known") as fake:
        assert search(fake, "abcXYZqq") == (0, (), ("OutputMessage: No items found.",))
        assert search(fake, "timmons cf[1au] AND zzzqqq[ti]") == (
            0, (), ("OutputMessage: No items found.",)
        )  # fmt: skip
        assert search(fake, "timmons cf[1au] OR zzzqqq[ti]") == (1, ("8620427",), ())
        answer = get(fake, "esearch.fcgi", db="pubmed", term="zzzqqq[ti]").content
        assert b"<ErrorList>" not in answer and b"<Count>0</Count>" in answer


def test_esearch_strict_mode_of_old() -> None:
    """"strict" (not NCBI's behaviour, kept to compare figures): empty AND and PhraseNotFound."""
    with FakeEutils(absent_terms="strict") as fake:
        count, ids, problems = search(fake, "timmons cf[1au] AND zzzqqq[ti]")
        assert (count, ids) == (0, ())
        assert problems == ("PhraseNotFound: zzzqqq", "OutputMessage: No items found.")
    with FakeEutils(drop_unknown_terms=False) as fake:
        assert fake.absent_terms == "strict"
    with pytest.raises(ValueError, match="absent_terms"):
        FakeEutils(absent_terms="maybe")


def test_esearch_paging_history_and_json(fake_eutils: FakeEutils) -> None:
    count, ids, _ = search(fake_eutils, "1995:2005[dp]", retmax=5)
    assert count > 5 and len(ids) == 5
    _, page2, _ = search(fake_eutils, "1995:2005[dp]", retmax=5, retstart=5)
    assert not set(ids) & set(page2)
    assert ids == tuple(sorted(ids, key=int, reverse=True))
    answer = get(
        fake_eutils, "esearch.fcgi", db="pubmed", term="leiomyosarcom*[ti]", usehistory="y"
    )
    webenv, query_key = parse_epost_xml(answer.content)
    fetched = get(
        fake_eutils,
        "efetch.fcgi",
        db="pubmed",
        WebEnv=webenv,
        query_key=query_key,
        retmode="xml",
        retmax=100,
    )
    assert {w.pmid for w in parse_pubmed_xml(fetched.content)} >= {
        "15919482",
        "10757411",
        "8620427",
    }
    body = get(fake_eutils, "esearch.fcgi", db="pubmed", term="timmons[1au]", retmode="json").json()
    assert body["esearchresult"]["idlist"] == ["8620427"]
    assert body["esearchresult"]["count"] == "1"


def test_esearch_errors(fake_eutils: FakeEutils) -> None:
    with pytest.raises(ResponseError, match="Invalid db name"):
        parse_esearch_xml(get(fake_eutils, "esearch.fcgi", db="nothing", term="x").content)
    with pytest.raises(ResponseError, match="Empty term"):
        parse_esearch_xml(get(fake_eutils, "esearch.fcgi", db="pubmed").content)
    # an unknown field tag is reported and the term dropped, as NCBI does
    assert search(fake_eutils, "x[zz] AND timmons[1au]") == (
        1,
        ("8620427",),
        ("FieldNotFound: zz",),
    )


def test_nlmcatalog_search_and_fetch(fake_eutils: FakeEutils) -> None:
    for term in (
        "9789283224327[isbn]",
        "978-92-832-2432-7[isbn]",
        "who classification tumours digestive system[ti] AND 2010[dp]",
        "bosman ft[au] AND digestive[ti]",
    ):
        assert search(fake_eutils, term, db="nlmcatalog")[1] == ("TEST-0000001",), term
    data = get(
        fake_eutils, "efetch.fcgi", db="nlmcatalog", id="TEST-0000001", retmode="xml"
    ).content
    (book,) = parse_nlmcatalog_xml(data)
    assert book.isbn == "9789283224327" and book.csl["edition"] == "4th"
    summary = get(fake_eutils, "esummary.fcgi", db="nlmcatalog", id="TEST-0000001").content
    assert (
        parse_esummary_xml(summary)[0]["Publisher"] == "International Agency for Research on Cancer"
    )


def test_parse_query_left_to_right() -> None:
    tree = parse_query('a[ti] OR b[ti] AND NOT_A_WORD c "d e"[tiab]')
    assert tree is not None
    assert tree[0] == "AND"  # type: ignore[index]


# --------------------------------------------------------------------------- efetch, epost...


def test_efetch_get_and_post_many_ids(fake_eutils: FakeEutils) -> None:
    ids = sorted(base_indexes()["pubmed"].docs, key=int)[:250]
    answer = requests.post(
        fake_eutils.url + "efetch.fcgi",
        data={"db": "pubmed", "id": ",".join([*ids, "1"]), "retmode": "xml"},
        timeout=TIMEOUT,
    )
    works = parse_pubmed_xml(answer.content)
    assert [w.pmid for w in works] == ids  # the missing id 1 is simply left out
    assert fake_eutils.requests[-1].method == "POST"
    assert fake_eutils.requests[-1].form["id"].startswith(ids[0])
    got = get(fake_eutils, "efetch.fcgi", db="pubmed", id="8620427,10757411", retmode="xml")
    seeds = parse_pubmed_xml((BUILT / "pubmed-8620427.xml").read_bytes())
    assert parse_pubmed_xml(got.content)[0] == seeds[0]
    assert [w.pmid for w in parse_pubmed_xml(got.content)] == ["8620427", "10757411"]


def test_efetch_without_retmode_is_html_and_errors(fake_eutils: FakeEutils) -> None:
    page = get(fake_eutils, "efetch.fcgi", db="pubmed", id="8620427")
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    with pytest.raises(ResponseError, match="HTML"):
        parse_pubmed_xml(page.content)
    with pytest.raises(ResponseError, match="Empty id list"):
        parse_pubmed_xml(get(fake_eutils, "efetch.fcgi", db="pubmed", retmode="xml").content)
    long_get = get(
        fake_eutils,
        "efetch.fcgi",
        db="pubmed",
        retmode="xml",
        id=",".join(str(10000000 + i) for i in range(1200)),
    )
    assert long_get.status_code == 414


def test_epost_then_efetch_and_esummary(fake_eutils: FakeEutils) -> None:
    posted = requests.post(
        fake_eutils.url + "epost.fcgi",
        data={"db": "pubmed", "id": "15919482,8620427"},
        timeout=TIMEOUT,
    )
    webenv, query_key = parse_epost_xml(posted.content)
    assert query_key == "1"
    again = requests.post(
        fake_eutils.url + "epost.fcgi",
        data={"db": "pubmed", "id": "10757411", "WebEnv": webenv},
        timeout=TIMEOUT,
    )
    assert parse_epost_xml(again.content) == (webenv, "2")
    fetched = get(
        fake_eutils, "efetch.fcgi", db="pubmed", WebEnv=webenv, query_key="1", retmode="xml"
    )
    assert [w.pmid for w in parse_pubmed_xml(fetched.content)] == ["15919482", "8620427"]
    summaries = parse_esummary_xml(
        get(fake_eutils, "esummary.fcgi", db="pubmed", WebEnv=webenv, query_key="2").content
    )
    assert summaries[0]["Id"] == "10757411"
    assert summaries[0]["Source"] == "Am J Surg Pathol"
    assert summaries[0]["SO"] == "2000 Apr;24(4):614-21"
    with pytest.raises(ResponseError, match="Unable to obtain query #9"):
        parse_pubmed_xml(
            get(
                fake_eutils, "efetch.fcgi", db="pubmed", WebEnv=webenv, query_key="9", retmode="xml"
            ).content
        )
    with pytest.raises(ResponseError, match="Invalid db name"):
        parse_epost_xml(get(fake_eutils, "epost.fcgi", db="nothing").content)
    with pytest.raises(ResponseError, match="Empty ID list"):
        parse_epost_xml(get(fake_eutils, "epost.fcgi", db="pubmed", id="x").content)
    with pytest.raises(ResponseError, match="Neither query_key nor id"):
        parse_esummary_xml(get(fake_eutils, "esummary.fcgi", db="pubmed").content)


def test_esummary_json(fake_eutils: FakeEutils) -> None:
    body = get(
        fake_eutils, "esummary.fcgi", db="pubmed", id="8620427,10757411", retmode="json"
    ).json()
    assert body["result"]["uids"] == ["8620427", "10757411"]
    timmons = body["result"]["8620427"]
    assert timmons["source"] == "Cancer" and timmons["pages"] == "1481-9"
    assert timmons["authors"][0]["name"] == "Timmons CF"
    assert {"idtype": "doi", "idtypen": 3, "value": "10.1097/00000478-200004000-00018"} in body[
        "result"
    ]["10757411"]["articleids"]


def test_idconv_and_einfo(fake_eutils: FakeEutils) -> None:
    answer = requests.get(
        fake_eutils.idconv_url,
        params={"ids": "10.1097/00000478-200004000-00018,8620427,nonsense", "format": "json"},
        timeout=TIMEOUT,
    ).json()
    records = answer["records"]
    assert records[0]["pmid"] == "10757411"
    assert records[1]["pmid"] == "8620427" and "doi" not in records[1]
    assert records[2]["status"] == "error"
    assert b"<DbName>pubmed</DbName>" in get(fake_eutils, "einfo.fcgi", db="pubmed").content


# --------------------------------------------------------------------------- ecitmatch


def citmatch(fake: FakeEutils, *lines: str) -> list[tuple[str, str | None, str]]:
    data = {"db": "pubmed", "retmode": "xml", "bdata": "\r".join(lines)}
    answer = requests.post(fake.url + "ecitmatch.cgi", data=data, timeout=TIMEOUT)
    return [tuple(m) for m in parse_ecitmatch(answer.text)]  # type: ignore[misc]


def test_ecitmatch_found_not_found_invalid_journal(fake_eutils: FakeEutils) -> None:
    assert citmatch(
        fake_eutils,
        "cancer|1995|76|1481|timmons cf|k1|",
        "Transplantation Proceedings|2005|37|1839|bonatti h|k2|",
        "AM J SURG PATHOL|2000|24|614|rogatsch h|k3|",
        "cancer|1995|76|9999|timmons cf|k4|",
        "journal of nothing at all|1995|76|1481|timmons cf|k5|",
    ) == [
        ("k1", "8620427", "found"),
        ("k2", "15919482", "found"),
        ("k3", "10757411", "found"),
        ("k4", None, "NOT_FOUND"),
        ("k5", None, "NOT_FOUND;INVALID_JOURNAL"),
    ]
    answer = get(
        fake_eutils, "ecitmatch.cgi", db="pubmed", bdata="cancer|1995|76|1481|timmons cf|k1|"
    )
    assert answer.text == "cancer|1995|76|1481|timmons cf|k1|8620427\n"


def test_ecitmatch_matches_every_field_given(fake_eutils: FakeEutils) -> None:
    # EUTILS.md documents no relaxation: a wrong author or year is not found
    assert citmatch(fake_eutils, "cancer|1995|76|1481|smith j|k|") == [("k", None, "NOT_FOUND")]
    assert citmatch(fake_eutils, "cancer|1996|76|1481|timmons cf|k|") == [
        ("k", None, "NOT_FOUND")
    ]


def test_ecitmatch_relaxation_on_request() -> None:
    """``citmatch_relax``: retried without the author, then without the year."""
    with FakeEutils(citmatch_relax=True) as fake:
        assert citmatch(fake, "cancer|1995|76|1481|smith j|k|") == [("k", "8620427", "found")]
        assert citmatch(fake, "cancer|1996|76|1481|smith j|k|") == [("k", "8620427", "found")]
        assert citmatch(fake, "cancer|1995|76|9999|smith j|k|") == [("k", None, "NOT_FOUND")]


def test_ecitmatch_ambiguous() -> None:
    twin = (BUILT / "pubmed-8620427.xml").read_bytes().replace(b">8620427<", b">99000001<")
    with FakeEutils(extra_records=[twin], include_corpus=False) as fake:
        assert citmatch(fake, "cancer|1995|76|1481|timmons cf|k|") == [("k", None, "AMBIGUOUS")]
        assert search(fake, "timmons cf[1au]")[1] == ("99000001", "8620427")


def test_ecitmatch_on_corpus_records(fake_eutils: FakeEutils) -> None:
    docs = [
        d
        for d in base_indexes()["pubmed"].docs.values()
        if d.journal_iso and d.volume and d.medline_pgn and d.date and d.authors
    ][:150]
    lines = [
        f"{d.journal_iso}|{d.date[0]}|{d.volume}|{sorted(d.pages, key=len)[0]}|"
        f"{d.authors[0][0]} {d.authors[0][1]}|{d.uid}|"
        for d in docs
    ]
    results = citmatch(fake_eutils, *lines)
    assert len(results) == len(docs)
    for key, pmid, status in results:
        assert status in ("found", "AMBIGUOUS")
        assert pmid in (key, None)
    assert sum(1 for _, _, status in results if status == "found") >= 140


# --------------------------------------------------------------------------- faults


def test_fault_429_storm_then_success(fake_eutils: FakeEutils) -> None:
    fake_eutils.inject("429", times=3)
    codes = [
        get(fake_eutils, "esearch.fcgi", db="pubmed", term="timmons[1au]").status_code
        for _ in range(4)
    ]
    assert codes == [429, 429, 429, 200]
    body = get(fake_eutils, "esearch.fcgi")  # no fault left: a normal (error) answer
    assert body.status_code == 200
    assert [r.fault for r in fake_eutils.requests[:3]] == ["429"] * 3
    fake_eutils.inject("429")
    with_key = get(fake_eutils, "einfo.fcgi", api_key="K")
    assert with_key.status_code == 429 and with_key.json()["limit"] == "10"


@pytest.mark.parametrize("code", [500, 502, 503])
def test_fault_server_errors(fake_eutils: FakeEutils, code: int) -> None:
    fake_eutils.inject(str(code), times=1, path="efetch.fcgi")
    assert get(fake_eutils, "esearch.fcgi", db="pubmed", term="x").status_code == 200  # other path
    first = get(fake_eutils, "efetch.fcgi", db="pubmed", id="8620427", retmode="xml")
    assert first.status_code == code
    second = get(fake_eutils, "efetch.fcgi", db="pubmed", id="8620427", retmode="xml")
    assert parse_pubmed_xml(second.content)[0].pmid == "8620427"


def test_fault_any_status_until_cleared(fake_eutils: FakeEutils) -> None:
    fake_eutils.inject("status", times=None, status=504)
    assert [get(fake_eutils, "einfo.fcgi").status_code for _ in range(3)] == [504] * 3
    fake_eutils.clear_faults()
    assert get(fake_eutils, "einfo.fcgi").status_code == 200


def test_fault_slow_and_timeout(fake_eutils: FakeEutils) -> None:
    fake_eutils.inject("slow", delay=0.3)
    start = time.monotonic()
    answer = get(fake_eutils, "efetch.fcgi", db="pubmed", id="8620427", retmode="xml")
    assert time.monotonic() - start >= 0.3
    assert parse_pubmed_xml(answer.content)[0].pmid == "8620427"
    fake_eutils.inject("timeout", delay=2.0)
    with pytest.raises(requests.Timeout):
        requests.get(fake_eutils.url + "einfo.fcgi", timeout=0.3)


def test_fault_dropped_connection(fake_eutils: FakeEutils) -> None:
    fake_eutils.inject("drop")
    with pytest.raises(requests.ConnectionError):
        get(fake_eutils, "efetch.fcgi", db="pubmed", id="8620427", retmode="xml")
    assert get(fake_eutils, "einfo.fcgi").status_code == 200


@pytest.mark.parametrize(
    ("kind", "message"),
    [("html", "HTML page"), ("truncated", "truncated"), ("error", "Unable to obtain")],
)
def test_fault_bad_200_answers(fake_eutils: FakeEutils, kind: str, message: str) -> None:
    fake_eutils.inject(kind)
    answer = get(fake_eutils, "efetch.fcgi", db="pubmed", id="8620427,15919482", retmode="xml")
    assert answer.status_code == 200
    with pytest.raises(ResponseError, match=message):
        parse_pubmed_xml(answer.content)
    good = get(fake_eutils, "efetch.fcgi", db="pubmed", id="8620427,15919482", retmode="xml")
    assert len(parse_pubmed_xml(good.content)) == 2


def test_unknown_fault_is_refused(fake_eutils: FakeEutils) -> None:
    with pytest.raises(ValueError, match="unknown fault"):
        fake_eutils.inject("flood")


# --------------------------------------------------------------------------- rate limit & records


def test_rate_limit_without_and_with_api_key(fake_eutils: FakeEutils) -> None:
    fake_eutils.rate_limit = True
    codes = [get(fake_eutils, "einfo.fcgi").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    refused = fake_eutils.requests[-1]
    assert refused.status == 429
    body = get(fake_eutils, "einfo.fcgi").json()
    assert body["error"] == "API rate limit exceeded" and body["limit"] == "3"
    codes = [get(fake_eutils, "einfo.fcgi", api_key="KEY123").status_code for _ in range(11)]
    assert codes == [200] * 10 + [429]
    assert get(fake_eutils, "einfo.fcgi", api_key="KEY123").json()["limit"] == "10"
    time.sleep(1.05)
    assert get(fake_eutils, "einfo.fcgi").status_code == 200
    assert fake_eutils.rate_limited == 4


def test_spaced_requests_pass_the_rate_limit(fake_eutils: FakeEutils) -> None:
    fake_eutils.rate_limit = True
    codes = []
    for _ in range(5):
        codes.append(get(fake_eutils, "einfo.fcgi").status_code)
        time.sleep(0.34)
    assert codes == [200] * 5


def test_requests_are_recorded_with_get_and_post_params(fake_eutils: FakeEutils) -> None:
    get(fake_eutils, "esearch.fcgi", db="pubmed", term="x", tool="refkeeper", email="a@b.org")
    requests.post(
        fake_eutils.url + "efetch.fcgi",
        data={"db": "pubmed", "id": "1", "api_key": "K"},
        params={"retmode": "xml"},
        timeout=TIMEOUT,
    )
    first, second = fake_eutils.requests
    assert (first.method, first.endpoint, first.params["email"]) == (
        "GET",
        "esearch.fcgi",
        "a@b.org",
    )
    assert second.method == "POST" and second.form == {"db": "pubmed", "id": "1", "api_key": "K"}
    assert second.query == {"retmode": "xml"} and second.params["api_key"] == "K"
    assert first.headers["User-Agent"].startswith("python-requests")
    assert fake_eutils.count("efetch.fcgi") == 1 and fake_eutils.count() == 2
    fake_eutils.reset()
    assert fake_eutils.requests == []


def test_server_is_reusable_outside_pytest() -> None:
    with FakeEutils() as fake:
        assert fake.url.startswith("http://127.0.0.1:") and fake.url.endswith("/")
        assert json.loads(
            get(fake, "esearch.fcgi", db="pubmed", term="timmons[1au]", retmode="json").text
        )["esearchresult"]["idlist"] == ["8620427"]
    assert fake._thread.is_alive() is False


def test_corpus_records_found_by_their_own_fields(fake_eutils: FakeEutils) -> None:
    docs = [d for d in base_indexes()["pubmed"].docs.values() if d.title_tokens and d.authors]
    for doc in docs[::10]:
        phrase = " ".join(doc.title_tokens[:8])
        family, initials = doc.authors[0]
        terms = [f'"{phrase}"[ti]', f"{family} {initials}[1au]"]
        if doc.date:
            terms.append(f"{doc.date[0]}[dp]")
        if doc.volume:
            terms.append(f'"{doc.volume}"[vi]')
        if doc.issue:
            terms.append(f'"{doc.issue}"[ip]')
        ids, searcher = fake_eutils.search("pubmed", " AND ".join(terms))
        assert doc.uid in ids, (doc.uid, terms)
        assert not searcher.not_found
        for doi in doc.dois:
            assert fake_eutils.search("pubmed", f'"{doi}"[doi]')[0] == [doc.uid]


def test_recorded_requests_get_their_recorded_answers(fake_eutils: FakeEutils) -> None:
    answer = get(fake_eutils, "esearch.fcgi", db="pubmed", term="biopython")
    assert answer.content == (RECORDED / "esearch1.xml").read_bytes()
    assert parse_esearch_xml(answer.content).count == 63
    spell = get(fake_eutils, "espell.fcgi", db="pubmed", term="biopythooon")
    assert b"<CorrectedQuery>biopython</CorrectedQuery>" in spell.content
    summary = get(fake_eutils, "esummary.fcgi", db="pubmed", id="11850928,11482001", retmode="xml")
    assert summary.content == (RECORDED / "esummary1.xml").read_bytes()
    assert get(fake_eutils, "elink.fcgi", dbfrom="pubmed", id="1").status_code == 501
    with FakeEutils(replay_recorded=False) as fake:
        assert search(fake, "biopython")[:2] == (0, ())


def test_latency_delays_every_answer() -> None:
    with FakeEutils(latency=0.2) as fake:
        start = time.monotonic()
        assert get(fake, "einfo.fcgi").status_code == 200
        assert time.monotonic() - start >= 0.2
