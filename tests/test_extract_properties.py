"""Property tests: no input text makes an extractor raise (except the documented
DocumentError for input that cannot be used at all)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from refkeeper.bibfields import expand_pages
from refkeeper.errors import DocumentError
from refkeeper.extract import KINDS, detect_kind, extract_string
from refkeeper.extract.cslutil import date_parts
from refkeeper.extract.sentences import split_sentences
from refkeeper.models import Extraction

# Text built from the pieces the extractors look for, so that the odd paths are exercised.
PIECES = [
    "Click to access Pubmed",
    "Click for details",
    "logo logo",
    "Search: x",
    "References",
    "Timmons CF, Dawson DB (1995)",
    "Bosman FT (Eds.)",
    "Cancer 76: 1481-9",
    "4th Edition",
    "IARC: Lyon 2010",
    ". In some cases",
    "[1]",
    "[1,3]",
    "[2-5]",
    "(1)",
    "1.",
    "[@key]",
    "[@pmid:8620427; @doi:10.1/x, p. 4]",
    "@key",
    "\\cite{a,b}",
    "\\cite{",
    "\\citep[p.~4]{k}",
    "\\begin{document}",
    "\\end{document}",
    "\\bibliography{x}",
    "---",
    "bibliography: x.bib",
    "@article{k, title={T}}",
    "TY  - JOUR",
    "ER  - ",
    "PMID- 1",
    "TI  - x",
    "{",
    "[",
    "%",
    "e.g.",
    "et al.",
    "<sup>1</sup>",
    "Literature cited",
    "1) ",
    "[@tag:x]: doi:10.1/x",
    "@fig:one",
    "@arxiv:1801.01234",
    "[@doi:10/f6kft3]",
    "\\[ x \\] \\cite{k}",
    "a & \\cite{k} \\\\",
    "\\begin{tabular}{ll}",
    "\\end{tabular}",
    "16845428",
    "Liu R.",
    "^1^",
    "```",
    "# Heading",
    "\\bibitem{k} Smith A.",
    "\\begin{thebibliography}{9}",
    "A claim.",
    "a claim",
    "1999",
    "é",
    "\t",
    " ",
]
TEXTS = st.lists(
    st.one_of(st.sampled_from(PIECES), st.text(max_size=20)),
    max_size=30,
).map(lambda parts: "".join(p + ("\n" if i % 3 == 0 else " ") for i, p in enumerate(parts)))


def _check_invariants(x: Extraction) -> None:
    ids = [r.id for r in x.references]
    assert len(ids) == len(set(ids))  # reference ids are unique
    claim_ids = [c.id for c in x.claims]
    assert claim_ids == [f"c{n}" for n in range(1, len(claim_ids) + 1)]
    for claim in x.claims:
        assert 0 <= claim.span.start < claim.span.end <= len(x.text)
        assert any(ch.isalnum() for ch in claim.text)  # a claim has words, not only markers
    for ref in x.references:
        if ref.span is not None:
            assert 0 <= ref.span.start <= ref.span.end <= len(x.text)
    for lk in x.links:  # links join a claim of the document to one of its references
        assert lk.claim_id in claim_ids and lk.reference_id in ids
    assert 0 <= x.blocks_read <= x.blocks_seen


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXTS, kind=st.sampled_from((None, *KINDS)))
def test_extractors_never_raise(text: str, kind: str | None) -> None:
    try:
        x = extract_string(text, kind=kind)
    except DocumentError as exc:
        assert str(exc)  # a message, never empty
        return
    _check_invariants(x)


@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXTS)
def test_every_registered_adapter_keeps_the_invariants(kind: str, text: str) -> None:
    """The same properties, run against each adapter of the registry in turn."""
    try:
        x = extract_string(text, kind=kind)
    except DocumentError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    assert x.kind == kind
    _check_invariants(x)


@given(st.text(max_size=200))
def test_detect_kind_and_helpers_never_raise(text: str) -> None:
    assert detect_kind(text) in KINDS
    expand_pages(text)
    date_parts(text)
    for s, e in split_sentences(text):
        assert 0 <= s < e <= len(text)


PATHOLOGICAL = {
    "spaces": "a" + " " * 5000 + "b.",
    "dots": ". " * 2000,
    "open-parens": "(" * 2000 + "1995)",
    "open-brackets": "[" * 2000 + "@",
    "open-cites": "\\cite{" * 500,
    "newlines": "\n" * 2000 + "x",
    "ats": "@" * 2000,
    "long-range": "[1" + "-1" * 2000 + "]",
}


def test_pathological_inputs_give_results_or_document_errors() -> None:
    for name, text in PATHOLOGICAL.items():
        for kind in KINDS:
            try:
                x = extract_string(text, kind=kind)
            except DocumentError as exc:
                assert "\n" not in str(exc), (name, kind)
                continue
            for f in x.findings:
                assert len(f.message) < 300, (name, kind, f.kind)
