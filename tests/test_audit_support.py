"""Claim support scoring, text normalisation, retraction notices, and robustness."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from refkeeper.audit.compare import compare_reference
from refkeeper.audit.retractions import notices
from refkeeper.audit.support import (
    SupportScorer,
    SupportStatus,
    acronyms,
    canonical,
    idf_from_texts,
)
from refkeeper.audit.text import americanise, fold, sentences, terms
from refkeeper.models import AbstractSection, Comment, Severity, Work
from refkeeper.resolve.pubmed import parse_pubmed_xml

NCBI = Path(__file__).parent / "data" / "ncbi"


def record(pmid: str) -> Work:
    return parse_pubmed_xml((NCBI / f"pubmed-{pmid}.xml").read_bytes())[0]


def test_folding_spelling_and_terms() -> None:
    assert fold("Königsrainer Ł İ α-actin") == "konigsrainer l i alpha-actin"
    assert americanise("tumour") == "tumor" and americanise("haemorrhage") == "hemorrhage"
    assert americanise("oesophagus") == "esophagus" and americanise("paediatric") == "pediatric"
    assert americanise("four") == "four"
    assert terms("Tumours") == terms("tumor")
    assert "epsteinbarr" in terms("Epstein-Barr virus") and "barr" in terms("Epstein-Barr")
    assert canonical(terms("hepatic")[0]) == canonical(terms("liver")[0])


def test_sentences_keep_abbreviations_whole() -> None:
    text = "Smith et al. found it (e.g. in mice). The second one. A 9-year-old male died."
    assert sentences(text) == [
        "Smith et al. found it (e.g. in mice).",
        "The second one.",
        "A 9-year-old male died.",
    ]


def test_acronyms_defined_in_text() -> None:
    found = acronyms(
        "posttransplant lymphoproliferative disorders (PTLD) and Epstein-Barr virus (EBV)"
    )
    assert found["ptld"] == terms("posttransplant lymphoproliferative disorders")
    assert found["ebv"] == terms("Epstein-Barr virus")


def test_support_prefers_the_cited_work_and_finds_evidence() -> None:
    scorer = SupportScorer()
    bonatti, timmons = record("15919482"), record("8620427")
    claim = (
        "In some cases, antiviral treatment and restoration of immune response have "
        "resulted in tumour regression and long-term survival"
    )
    own = scorer.score(claim, bonatti)
    other = scorer.score(claim, timmons)
    assert own.status == SupportStatus.SUPPORTED and own.score is not None
    assert other.score is not None and own.score > other.score + 0.15
    assert own.evidence is not None and own.evidence.startswith("Long-term survival")
    assert own.evidence_section == "CONCLUSION"
    assert "survival" in own.matched and "regression" in own.missing


def test_synonyms_from_acronyms_and_mesh() -> None:
    work = Work(
        "pmid:1",
        "pubmed",
        {"title": "A case"},
        abstract=(AbstractSection(None, "EBV was found in the tumor cells of the graft."),),
        mesh=("Herpesvirus 4, Human", "Leiomyosarcoma"),
    )
    scorer = SupportScorer(idf_from_texts(["a case", "tumor cells", "the graft"]))
    # "Epstein-Barr virus" is matched through the acronym the claim defines
    with_acronym = scorer.score("Epstein-Barr virus (EBV) in leiomyosarcoma cells", work)
    assert with_acronym.score is not None and with_acronym.score > 0.6
    assert "leiomyosarcoma" in with_acronym.matched  # from the MeSH terms


def test_unverifiable_without_abstract() -> None:
    book = Work("isbn:9789283224327", "nlmcatalog", {"title": "WHO Classification"})
    result = SupportScorer().score("Demonstration of nuclear EBER is diagnostic.", book)
    assert result.status == SupportStatus.UNVERIFIABLE and result.score is None


def test_notices_forward_and_reverse() -> None:
    base = record("8620427")
    work = Work(
        base.id,
        "pubmed",
        base.csl,
        publication_types=("Journal Article", "Retracted Publication"),
        comments=(
            Comment("RetractionIn", "111", "Cancer. 1999;1:1"),
            Comment("ErratumIn", "222", "Cancer. 1996;2:2"),
            Comment("ExpressionOfConcernIn", None, "Cancer. 1998"),
            Comment("Cites", "333", "x"),
        ),
    )
    found = [(n.kind, n.severity) for n in notices(work)]
    assert found == [
        ("retracted", Severity.MAJOR),
        ("expression-of-concern", Severity.MAJOR),
        ("erratum", Severity.MINOR),
    ]
    assert notices(Work("pmid:2", "pubmed", {}, comments=(Comment("RetractionOf", "1", ""),)))
    only_type = Work("pmid:3", "pubmed", {}, publication_types=("Retracted Publication",))
    assert [n.kind for n in notices(only_type)] == ["retracted"]
    assert notices(record("15919482")) == []


_values = st.one_of(
    st.text(max_size=30),
    st.integers(),
    st.none(),
    st.lists(
        st.dictionaries(
            st.sampled_from(["family", "given", "literal"]), st.text(max_size=12), max_size=3
        ),
        max_size=4,
    ),
    st.dictionaries(
        st.sampled_from(["date-parts", "raw"]),
        st.one_of(st.text(max_size=8), st.lists(st.lists(st.integers(), max_size=3), max_size=2)),
        max_size=2,
    ),
)
_fields = st.dictionaries(
    st.sampled_from(
        [
            "author",
            "editor",
            "title",
            "container-title",
            "issued",
            "volume",
            "issue",
            "page",
            "DOI",
            "PMID",
            "type",
            "edition",
            "_et_al",
        ]
    ),
    _values,
    max_size=8,
)


@settings(max_examples=150, deadline=None)
@given(written=_fields, claim=st.text(max_size=200))
def test_never_raises_on_odd_input(written: dict[str, object], claim: str) -> None:
    work = record("8620427")
    for error in compare_reference(written, work):
        assert error.field and error.message
    result = SupportScorer().score(claim, work)
    assert result.score is None or 0.0 <= result.score <= 1.0


def test_notices_on_real_corpus_records(shared_dir: Path) -> None:
    import gzip

    data = gzip.decompress((shared_dir / "corpus/pubmed/pubmed-real-records.xml.gz").read_bytes())
    wanted = {"15146069", "31839707", "24727161", "36490231"}
    works = {w.pmid: w for w in parse_pubmed_xml(data) if w.pmid in wanted}
    assert [(n.kind, n.severity, n.notice_pmid) for n in notices(works["15146069"])] == [
        ("retracted", Severity.MAJOR, "15516371")
    ]
    assert works["15146069"].retracted
    assert [n.kind for n in notices(works["31839707"])] == ["is-retraction-notice"]
    assert [(n.kind, n.severity) for n in notices(works["24727161"])] == [
        ("erratum", Severity.MINOR)
    ]
    assert [n.kind for n in notices(works["36490231"])] == ["is-concern-notice"]
