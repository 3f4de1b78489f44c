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


@pytest.mark.parametrize(
    ("written", "pmid"),
    [
        ("8620427", "8620427"), ("PMID:8620427", "8620427"), ("pmid 8620427", "8620427"),
        ("PubMed: 8620427", "8620427"), (" 008620427 ", "8620427"), ("000", None),
        ("1234567890", None), ("PMID: ", None), ("8620 427", None), ("", None),
    ],
)  # fmt: skip
def test_pmid_forms(written: str, pmid: str | None) -> None:
    assert normalize_pmid(written) == pmid


@pytest.mark.parametrize(
    ("written", "pmcid"),
    [
        ("PMC1234567", "PMC1234567"), ("pmcid: pmc123", "PMC123"), ("PMCID PMC5", "PMC5"),
        ("1234567", None), ("PMC", None), ("PMC1234567890", None), ("PMC12x", None),
    ],
)  # fmt: skip
def test_pmcid_forms(written: str, pmcid: str | None) -> None:
    assert normalize_pmcid(written) == pmcid


@pytest.mark.parametrize(
    ("written", "doi"),
    [
        ("http://dx.doi.org/10.1000/ABC", "10.1000/abc"),
        ("https://doi.org/10.1000/abc", "10.1000/abc"),
        ("DOI: 10.1000/abc", "10.1000/abc"),
        ("doi:10.1000/abc,", "10.1000/abc"),
        ("10.1000/abc;", "10.1000/abc"),
        ("10.1000/abc:", "10.1000/abc"),
        ("10.1000/abc.).", "10.1000/abc"),
        ("10.1000/abc]", "10.1000/abc"),
        ("10.1000/a[b]", "10.1000/a[b]"),
        ("10.1000/abc}", "10.1000/abc"),
        ("10.1000/a{b}", "10.1000/a{b}"),
        ("10.1000/abc>", "10.1000/abc"),
        ("10.1000/a<b>", "10.1000/a<b>"),
        ("10.1000/abc</a></p>", "10.1000/abc"),
        ("10.123/abc", None),  # a registrant code has four digits or more
        ("10.1234567890/abc", None),
        ("11.1000/abc", None),
        ("see 10.1000/abc", None),  # a DOI is the whole value here, not found inside it
        ("", None),
    ],
)
def test_doi_forms(written: str, doi: str | None) -> None:
    assert normalize_doi(written) == doi


@pytest.mark.parametrize(
    ("written", "isbn"),
    [
        ("0-8044-2957-X", "9780804429573"),  # check digit X
        ("0-8044-2957-x", "9780804429573"),
        ("ISBN-10: 0 8044 2957 X", "9780804429573"),
        ("isbn-13: 978 92 832 2432 7", "9789283224327"),
        ("978-0-13-110362-7", "9780131103627"),
        ("ISBN:9789283224327", "9789283224327"),
        ("0-8044-2957-1", None),  # bad ISBN-10 check digit
        ("978-92-832-2432", None),  # 12 digits
        ("X-8044-2957-0", None),
        ("9789283224327X", None),
    ],
)
def test_isbn_forms(written: str, isbn: str | None) -> None:
    assert normalize_isbn(written) == isbn


def test_isbn10_to_13_computes_the_check_digit() -> None:
    from refkeeper.identifiers import isbn10_to_13

    assert isbn10_to_13("0306406152") == "9780306406157"
    assert isbn10_to_13("9283224329") == "9789283224327"
    assert isbn10_to_13("080442957X") == "9780804429573"
    assert isbn10_to_13("0000000000") == "9780000000002"
    assert isbn10_to_13("020000000X") == "9780200000000"  # a check digit of 0


def test_identifiers_found_in_running_text() -> None:
    assert find_identifiers("A book. Lyon: IARC; 2010. ISBN 978-92-832-2432-7.") == {
        "ISBN": "9789283224327"
    }
    assert find_identifiers("ISBN-10: 92-832-2432-9") == {"ISBN": "9789283224327"}
    assert find_identifiers("ISBN 978-92-832-2432-8") == {}  # bad check digit
    assert find_identifiers("PMID 8620427 and pmc98765") == {"PMID": "8620427", "PMCID": "PMC98765"}
    assert find_identifiers("PMID: 0") == {}
    assert find_identifiers("https://doi.org/10.1000/X2).") == {"DOI": "10.1000/x2"}
    assert find_identifiers("no identifier, 10.12/x, PMC12") == {}


def test_other_registries() -> None:
    from refkeeper.identifiers import (
        normalize_arxiv,
        normalize_nct,
        normalize_short_doi,
        normalize_url,
    )

    assert normalize_arxiv(" arXiv:1801.01234v2 ") == "1801.01234v2"
    assert normalize_arxiv("1801.01234") == "1801.01234"
    assert normalize_arxiv("math.GT/0309136") == "math.GT/0309136"
    assert normalize_arxiv("1801.123") is None
    assert normalize_nct("clinicaltrials:nct01234567") == "NCT01234567"
    assert normalize_nct("NCT0123456") is None
    assert normalize_short_doi("doi:10/F6KFT3") == "10/f6kft3"
    assert normalize_short_doi("10.1000/abc") is None
    assert normalize_url(" https://example.org/a?b=1 ") == "https://example.org/a?b=1"
    assert normalize_url("ftp://example.org") is None
    assert normalize_url("https://exa mple.org") is None


def test_identifier_key_fields_values_and_malformed_values() -> None:
    from refkeeper.identifiers import identifier_key_fields as fields

    assert fields("DOI", "10.1000/ABC.") == {"DOI": "10.1000/abc"}
    assert fields("doi", "nonsense") == {}
    assert fields("bioRxiv", "10.1101/2020.01.01.1") == {
        "DOI": "10.1101/2020.01.01.1",
        "container-title": "bioRxiv",
    }
    assert fields("medrxiv", "2020.04.01.20050153")["container-title"] == "medRxiv"
    assert fields("biorxiv", "10.12/x") == {}
    assert fields("pmid", "8620427") == {"PMID": "8620427"}
    assert fields("pmid", "x") == {}
    assert fields("pmcid", "PMC123") == {"PMCID": "PMC123"}
    assert fields("pmc", "123") == {"PMCID": "PMC123"}
    assert fields("pmc", "pmc123") == {"PMCID": "PMC123"}
    assert fields("pmcid", "x") == {}
    assert fields("isbn", "978-92-832-2432-7") == {"ISBN": "9789283224327"}
    assert fields("isbn", "978-92-832-2432-8") == {}
    assert fields("arxiv", "1801.01234") == {
        "arXiv": "1801.01234",
        "URL": "https://arxiv.org/abs/1801.01234",
    }
    assert fields("clinicaltrials", "NCT01234567") == {
        "NCT": "NCT01234567",
        "URL": "https://clinicaltrials.gov/study/NCT01234567",
    }
    assert fields("clinicaltrials", "NCT1") == {}
    assert fields("url", "https://example.org/a") == {"URL": "https://example.org/a"}
    assert fields("http", "//example.org/a") == {"URL": "http://example.org/a"}
    assert fields("url", "example.org") == {}


@pytest.mark.parametrize(
    ("fields", "source"),
    [
        ({"PMID": "1"}, "pubmed"), ({"PMCID": "PMC1"}, "pubmed"), ({"DOI": "10.1/x"}, "pubmed"),
        ({"ISBN": "9789283224327", "URL": "u"}, "nlm-catalog"), ({"arXiv": "1801.01234"}, "arxiv"),
        ({"shortDOI": "10/x"}, "doi.org"), ({"NCT": "NCT01234567"}, "clinicaltrials.gov"),
        ({"URL": "https://x"}, "web"), ({"PMID": "", "title": "T"}, None), ({}, None),
        ({"DOI": "10.1/x", "ISBN": "1"}, "pubmed"),
    ],
)  # fmt: skip
def test_identifier_source(fields: dict[str, object], source: str | None) -> None:
    from refkeeper.identifiers import identifier_source

    assert identifier_source(fields) == source
