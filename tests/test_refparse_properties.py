"""Property tests: no input makes the reference parser raise, and what it returns is sound."""

from __future__ import annotations

import json
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from refkeeper.extract.dates import parse_date
from refkeeper.extract.pages import expand_page_range, parse_pages
from refkeeper.extract.refparse import ParsedReference, parse_reference

# fragments of real references, so that generated strings reach the deep paths too
FRAGMENTS = [
    "Timmons CF", "Dawson DB", "Timmons, C. F.", "& Dawson, D. B.", "van der Berg J",
    "M\u00fcller-Hermelink HK", "D'Albuquerque LA", "RichKM", "List Th", "et al", "et al.",
    "WHO Classification of Tumours Editorial Board", "(Eds.)", "eds", "In:", "In ", "(1995)",
    "(2006, October 15)", "1995", "1995 Oct 15", "2007 Mar-Apr", "Winter 2003", "n.d.",
    "Cancer", "Transplant Proc", "J. Biol. Chem.", "76", "76(8)", ":", ";", ",", ".", ". ",
    " ", "\n", "\u2013", "-", "1481-9", "S67-72", "E9-11", "e123", "p.", "pp", "Suppl 2",
    "2nd ed", "4th Edition", "Lyon: IARC", "International Agency for Research on Cancer: Lyon",
    "doi:10.1002/cncr.2820760828", "PMID: 8620427", "PMC1234567", "ISBN 978-92-832-2432-7",
    "https://example.org/x", "[accessed 4 November 2008]", "In press", "Title words here",
    "(", ")", "[", "]", "?", "!", "\u00a0", "\u200b", "0", "9999999", "a" * 30,
    "January 1990", "October 15, 1995", "no. 1", "(Springer, 2024)", "\u2026", "...",
    "arXiv:2405.04404", "et al.,", '"', "\u201c", "\u201d", "Nat. Methods 9, 676-682 (2012)",
    "490.e7", "eaat8923", "e02661-18", "(RKI)", "\u2022", "a)", "Jamaluddin",
    "vol. 12", "no. 3", "pp. 45-67", " // ", "Vol. 357, No. 2. P. 1-9", "Erratum in:", "Review.",
    "Smith, John A., and", "doi:10.1002/1097-0142(19951015)76:8<1481::AID-CNCR>3.0.CO;2-X",
]  # fmt: skip

reference_like = st.lists(st.sampled_from(FRAGMENTS), max_size=25).map("".join) | st.lists(
    st.sampled_from(FRAGMENTS), max_size=25
).map(" ".join)

_RANGE = re.compile(r"^([A-Za-z]{0,2})(\d+)[A-Za-z]?-([A-Za-z]{0,2})(\d+)[A-Za-z]?$")


def _check(parsed: ParsedReference) -> None:
    assert isinstance(parsed, ParsedReference)
    json.dumps(parsed.to_json())  # JSON-serialisable, no exotic values
    assert all(isinstance(p, str) and p for p in parsed.problems)
    # the parser's last-resort guard must never be what catches an input
    assert not any(p.startswith("reference parser failed") for p in parsed.problems)
    page = parsed.fields.get("page")
    if page is not None:
        assert isinstance(page, str)
        for part in page.split(", "):
            m = _RANGE.match(part)
            if m:
                assert int(m.group(4)) >= int(m.group(2)), page
                assert m.group(1).lower() == m.group(3).lower(), page
    issued = parsed.fields.get("issued")
    if issued is not None:
        for parts in issued["date-parts"]:
            assert 1 <= len(parts) <= 3
            if len(parts) > 1:
                assert 1 <= parts[1] <= 12
    for role in ("author", "editor"):
        for name in parsed.fields.get(role, []):
            assert set(name) <= {"family", "given", "literal", "suffix"}
            assert name.get("family") or name.get("literal")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_any_text_never_raises(raw: str) -> None:
    _check(parse_reference(raw))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reference_like)
def test_reference_like_text_never_raises(raw: str) -> None:
    _check(parse_reference(raw))


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 99999), st.integers(0, 99999), st.sampled_from(["", "S", "e", "E"]))
def test_expanded_range_never_ends_before_it_starts(first: int, last: int, prefix: str) -> None:
    page, problem = expand_page_range(f"{prefix}{first}", str(last))
    assert (page is None) != (problem is None)
    if page is not None and "-" in page:
        m = _RANGE.match(page)
        assert m is not None
        assert int(m.group(4)) >= int(m.group(2)) == first
        assert m.group(1) == m.group(3) == prefix


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_pages_and_dates_never_raise(text: str) -> None:
    page, problem = parse_pages(text)
    assert (page is None) != (problem is None)
    date = parse_date(text)
    assert date is None or date["date-parts"]
