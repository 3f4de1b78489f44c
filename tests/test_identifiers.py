import pytest

from refkeeper.identifiers import (
    find_identifiers,
    normalize_doi,
    normalize_isbn,
    normalize_pmcid,
    normalize_pmid,
)


@pytest.mark.parametrize(
    ("written", "doi"),
    [
        ("doi:10.1097/00000478-200004000-00018.", "10.1097/00000478-200004000-00018"),
        ("https://doi.org/10.1000/XYZ123)", "10.1000/xyz123"),
        ("10.1000/a(b)", "10.1000/a(b)"),
        # A SICI DOI keeps its balanced angle brackets and parentheses.
        (
            "10.1002/1097-0142(19951015)76:8<1481::AID-CNCR2820760830>3.0.CO;2-X.",
            "10.1002/1097-0142(19951015)76:8<1481::aid-cncr2820760830>3.0.co;2-x",
        ),
        ("10.1000/abc</a>", "10.1000/abc"),
    ],
)
def test_doi_normalisation(written: str, doi: str) -> None:
    assert normalize_doi(written) == doi


def test_other_identifiers() -> None:
    assert normalize_pmid("PMID: 08620427") == "8620427"
    assert normalize_pmid("86204x") is None
    assert normalize_pmcid("pmc1234567") == "PMC1234567"
    assert normalize_isbn("978-92-832-2432-7") == "9789283224327"
    assert normalize_isbn("ISBN 92-832-2432-9") == "9789283224327"  # ISBN-10 -> 13
    assert normalize_isbn("978-92-832-2432-8") is None  # bad check digit


def test_identifiers_found_anywhere() -> None:
    found = find_identifiers(
        "Timmons CF. Cancer. 1995;76:1481-9. doi: 10.1000/x1. PMID: 8620427; PMCID: PMC12345."
    )
    assert found == {"DOI": "10.1000/x1", "PMID": "8620427", "PMCID": "PMC12345"}


def test_identifier_key_fields_for_every_manubot_prefix() -> None:
    from refkeeper.identifiers import identifier_key_fields

    assert identifier_key_fields("doi", "10/F6KFT3") == {
        "shortDOI": "10/f6kft3",
        "URL": "https://doi.org/10/f6kft3",
    }
    assert identifier_key_fields("pubmed", "012183631") == {"PMID": "12183631"}
    assert identifier_key_fields("arxiv", "hep-th/9901001v2") == {
        "arXiv": "hep-th/9901001v2",
        "URL": "https://arxiv.org/abs/hep-th/9901001v2",
    }
    assert identifier_key_fields("medrxiv", "2020.04.01.20050153")["DOI"] == (
        "10.1101/2020.04.01.20050153"
    )
    assert identifier_key_fields("clinicaltrials", "nct01234567")["NCT"] == "NCT01234567"
    assert identifier_key_fields("https", "//example.org/a") == {"URL": "https://example.org/a"}
    assert identifier_key_fields("arxiv", "not an id") == {}
    assert identifier_key_fields("tag", "x") is None
