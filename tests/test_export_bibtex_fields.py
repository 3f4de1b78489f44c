"""BibTeX/BibLaTeX fields one by one (pure, fast): names, keys, pages, editions, dates,
volumes and issues, identifiers, and the entry type chosen for each kind of work."""

from __future__ import annotations

from typing import Any

import pytest

from refkeeper.errors import InputError
from refkeeper.export._csl import Date
from refkeeper.export.bibtex import (
    _iso,
    _ordinal,
    _verbatim,
    bibtex_key,
    entry_fields,
    format_name,
    format_names,
    format_pages,
    to_bibtex,
    to_library,
)
from refkeeper.models import Work


def work(**csl: Any) -> Work:
    extras = {k[2:]: csl.pop(k) for k in list(csl) if k.startswith("w_")}
    return Work(id="id:w", source="pubmed", csl={"id": "w", **csl}, **extras)


def fields(biblatex: bool = False, **csl: Any) -> tuple[str, dict[str, str]]:
    return entry_fields(work(**csl), biblatex=biblatex)


@pytest.mark.parametrize(
    ("key", "safe"),
    [("timmons1995", "timmons1995"), ("a b,c{d}(e)\"f#g%h'i=j\\k~l", "a-b-c-d--e--f-g-h-i-j-k-l"),
     ("", "key"), ("ok:1_2", "ok:1_2")],
)  # fmt: skip
def test_bibtex_keys(key: str, safe: str) -> None:
    assert bibtex_key(key) == safe


@pytest.mark.parametrize(
    ("name", "written"),
    [
        ({"family": "Timmons", "given": "CF"}, "Timmons, C. F."),
        ({"family": "Timmons", "given": "CFAB"}, "Timmons, C. F. A. B."),
        ({"family": "Timmons", "given": "CFABE"}, "Timmons, CFABE"),
        ({"family": "Timmons", "given": "Charles F"}, "Timmons, Charles F"),
        ({"family": " Berg ", "non-dropping-particle": " van den ", "given": "A"},
         "van den Berg, A."),
        ({"family": "Poussin", "given": "Charles", "dropping-particle": "de la"},
         "Poussin, Charles de la"),
        ({"family": "King", "given": "Martin", "suffix": "Jr"}, "King, Jr, Martin"),
        ({"family": "King", "suffix": "Jr"}, "King, Jr, "),
        ({"family": "Smith, Jones"}, "{Smith, Jones}"),
        ({"family": "Barnes and Noble"}, "{Barnes and Noble}"),
        ({"family": "Anderson", "given": "B"}, "Anderson, B."),
        ({"literal": " WHO Working Group "}, "{WHO Working Group}"),
        ({"literal": "  ", "family": "Doe"}, "Doe"),
        ({"family": "  "}, ""),
        ({"given": "Only"}, ""),
        ({"family": "Müller & Co", "given": "Ä"}, "Müller \\& Co, Ä"),
    ],
)  # fmt: skip
def test_names(name: dict[str, Any], written: str) -> None:
    assert format_name(name, ascii=False) == written


def test_names_with_markup_and_ascii() -> None:
    assert format_name({"family": "M<i>ü</i>ller", "given": "A"}, ascii=True) == (
        'M\\textit{{\\"{u}}}ller, A.'
    )
    assert format_name({"literal": "<b>WHO</b> group"}, ascii=False) == "{\\textbf{WHO} group}"
    assert format_name({"family": "Müller"}, ascii=True) == 'M{\\"{u}}ller'
    item = {
        "author": [
            {"family": "A<sub>1</sub>", "given": "B"},
            {"family": "C", "given": "D"},
            "not a name",
        ]
    }
    assert format_names(item, "author", ascii=False) == "A\\textsubscript{1}, B. and C, D."


def test_name_lists() -> None:
    item = {
        "author": [{"family": "A", "given": "B"}, {"family": ""}, {"literal": "WHO"}],
        "editor": "oops",
    }
    assert format_names(item, "author", ascii=False) == "A, B. and {WHO}"
    assert format_names({**item, "_et_al": True}, "author", ascii=False) == (
        "A, B. and {WHO} and others"
    )
    assert format_names({**item, "_et_al": True}, "editor", ascii=False) == ""
    assert format_names({"editor": [{"family": "E"}], "_et_al": True}, "editor", ascii=False) == "E"
    assert format_names({}, "author", ascii=False) == ""
    assert format_names({"author": [{"family": "Ä"}]}, "author", ascii=True) == '{\\"{A}}'


@pytest.mark.parametrize(
    ("page", "written"),
    [("1481-1489", "1481--1489"), ("1481 - 9", "1481--9"), ("12–15, 18—20", "12--15, 18--20"),
     (" e123 ", "e123"), ("S1--S9", "S1--S9"), ("-5", "-5")],
)  # fmt: skip
def test_pages(page: str, written: str) -> None:
    assert format_pages(page) == written


def test_verbatim_and_ordinals() -> None:
    assert _verbatim(" 10.1002/(SICI){x}\\y ") == "10.1002/(SICI)%7Bx%7D%5Cy"
    for n, text in ((1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (10, "10th"), (11, "11th"),
                    (12, "12th"), (13, "13th"), (20, "20th"), (21, "21st"), (22, "22nd"),
                    (23, "23rd"), (101, "101st"), (111, "111th"), (112, "112th")):  # fmt: skip
        assert _ordinal(str(n)) == text
    assert _ordinal("Second") == "Second"


@pytest.mark.parametrize(
    ("date", "iso"),
    [
        (Date(2019, 5, 3), "2019-05-03"),
        (Date(2019, 5), "2019-05"),
        (Date(2019, 13), "2019-21"),  # seasons: spring 13 -> ISO 8601's 21
        (Date(2019, 16, 4), "2019-24"),
        (Date(987), "0987"),
        (Date(None, 5), ""),
    ],
)
def test_iso_dates(date: Date, iso: str) -> None:
    assert _iso(date) == iso


ARTICLE: dict[str, Any] = {
    "type": "article-journal",
    "author": [{"family": "Timmons", "given": "CF"}],
    "title": "EBV in the liver",
    "container-title": "Cancer",
    "issued": {"date-parts": [[1995, 4, 15]]},
    "volume": "76",
    "issue": "8",
    "page": "1481-9",
    "DOI": "10.1002/x",
    "PMID": "8620427",
    "PMCID": "PMC1",
    "URL": "https://x.org/a",
}


def test_article_classic_fields_exactly() -> None:
    kind, f = fields(**ARTICLE, w_journal_iso="Cancer")
    assert kind == "article"
    assert f == {
        "author": "{Timmons, C. F.}",
        "title": "{{EBV} in the liver}",
        "journal": "{Cancer}",
        "year": "{1995}",
        "month": "apr",
        "volume": "{76}",
        "number": "{8}",
        "pages": "{1481--9}",
        "doi": "{10.1002/x}",
        "pmid": "{8620427}",
        "pmcid": "{PMC1}",
        "url": "{https://x.org/a}",
    }


def test_article_biblatex_fields_exactly() -> None:
    kind, f = fields(True, **ARTICLE, w_journal_iso="Cancer Res")
    assert kind == "article"
    assert f == {
        "author": "{Timmons, C. F.}",
        "title": "{{EBV} in the liver}",
        "journaltitle": "{Cancer}",
        "shortjournal": "{Cancer Res}",
        "date": "{1995-04-15}",
        "volume": "{76}",
        "number": "{8}",
        "pages": "{1481--9}",
        "doi": "{10.1002/x}",
        "eprint": "{8620427}",
        "eprinttype": "{pubmed}",
        "usera": "{PMC1}",
        "url": "{https://x.org/a}",
    }
    # the ISO journal style writes the abbreviation, and no shortjournal
    _, iso = entry_fields(work(**ARTICLE, w_journal_iso="Cancer Res"), biblatex=True, journal="iso")
    assert iso["journaltitle"] == "{Cancer Res}" and "shortjournal" not in iso
    same = fields(True, **ARTICLE, w_journal_iso="Cancer")[1]
    assert "shortjournal" not in same


def test_dates_in_both_dialects() -> None:
    season = {"issued": {"date-parts": [[2000, 13]]}}
    assert fields(**season)[1] == {"title": "{[No title available]}", "year": "{2000}"}
    assert fields(True, **season)[1]["date"] == "{2000-21}"
    december = {"issued": {"date-parts": [[2000, 12]]}}
    assert fields(**december)[1]["month"] == "dec"
    assert fields(issued={"date-parts": [[2000, 1]]})[1]["month"] == "jan"
    assert "year" not in fields(issued={"literal": "in press"})[1]
    ranged = {"issued": {"date-parts": [[1998, 12], [1999, 1]]}}
    assert fields(True, **ranged)[1]["date"] == "{1998-12/1999-01}"
    medline = fields(True, issued={"date-parts": [[1998, 12]]}, w_medline_date="1998 Dec-1999 Jan")
    assert medline[1]["date"] == "{1998-12/1999-01}"
    other_year = fields(True, issued={"date-parts": [[2001]]}, w_medline_date="1998 Dec-1999 Jan")
    assert other_year[1]["date"] == "{2001}"


def test_volumes_and_issues() -> None:
    base = {"type": "article-journal", "author": [{"family": "A"}], "title": "T"}
    assert fields(**base, issue="12")[1]["volume"] == "{(12)}"  # classic: no volume
    assert "number" not in fields(**base, issue="12")[1]
    assert fields(True, **base, issue="12")[1]["number"] == "{12}"
    assert "volume" not in fields(True, **base, issue="12")[1]
    pt = fields(True, **base, volume="145 ( Pt 2)")[1]
    assert (pt["volume"], pt["number"]) == ("{145}", "{Pt 2}")
    both = fields(True, **base, volume="145 Suppl", issue="3")[1]
    assert (both["volume"], both["number"], both["issue"]) == ("{145}", "{3}", "{Suppl}")
    word = fields(True, **base, volume="Suppl")[1]
    assert "volume" not in word and word["number"] == "{Suppl}"
    assert fields(**base, volume="145 ( Pt 2)")[1]["volume"] == "{145 ( Pt 2)}"
    book = fields(type="book", title="B", issue="3")[1]
    assert book["number"] == "{3}" and "volume" not in book


def test_books_chapters_and_types() -> None:
    book = {
        "type": "book",
        "editor": [{"family": "Bosman", "given": "FT"}],
        "title": "WHO Classification",
        "edition": "4",
        "publisher": "IARC",
        "publisher-place": "Lyon",
        "ISBN": "9789283224327",
    }
    kind, f = fields(**book)
    assert kind == "book"
    assert (f["edition"], f["publisher"], f["address"], f["isbn"]) == (
        "{4th}", "{IARC}", "{Lyon}", "{9789283224327}"
    )  # fmt: skip
    kind, f = fields(True, **book)
    assert kind == "collection" and f["edition"] == "{4}" and f["location"] == "{Lyon}"
    assert fields(True, **{**book, "author": [{"family": "A"}]})[0] == "book"
    chapter = {"type": "chapter", "title": "C", "container-title": "The Book"}
    assert fields(**chapter)[0] == "incollection"
    assert fields(**chapter)[1]["booktitle"] == "{The {Book}}"
    kind, f = fields(True, **chapter)
    assert kind == "misc" and f["howpublished"] == "{The {Book}}" and "booktitle" not in f
    assert fields(True, **{**chapter, "author": [{"family": "A"}]})[0] == "inbook"
    assert fields(True, **{**chapter, "editor": [{"family": "E"}]})[0] == "incollection"
    assert fields(type="paper-conference", title="P")[0] == "inproceedings"
    assert fields(type="thesis", title="P")[0] == "misc"
    assert fields(type="article-newspaper", title="P", author=[{"family": "A"}])[0] == "article"
    misc = fields(type="webpage", title="P", **{"container-title": "Site"})[1]
    assert misc["journal"] == "{Site}"
    # biblatex has @online (the site as its organization) and @software
    online = fields(True, type="webpage", title="P", **{"container-title": "Site"})
    assert online[0] == "online" and online[1]["organization"] == "{Site}"
    assert fields(True, type="software", title="P")[0] == "software"
    assert fields(type="software", title="P")[0] == "misc"
    isbn = fields(type="book", title="B", w_isbn="9789283224327")[1]
    assert isbn["isbn"] == "{9789283224327}"
    ids = fields(title="X", w_doi="10.1/{x}", w_pmid="5", w_pmcid="PMC5")[1]
    assert (ids["doi"], ids["pmid"], ids["pmcid"]) == ("{10.1/%7Bx%7D}", "{5}", "{PMC5}")
    no_pmid = fields(True, title="X", w_pmcid="PMC5")[1]
    assert "eprint" not in no_pmid and "eprinttype" not in no_pmid and no_pmid["usera"] == "{PMC5}"


@pytest.mark.parametrize(
    ("extra", "howpublished"),
    [
        ({"volume": "76", "issue": "8", "page": "1481-9"}, "Cancer 76(8):1481--9"),
        ({"volume": "76", "page": "1481-9"}, "Cancer 76:1481--9"),
        ({"issue": "8", "page": "1481-9"}, "Cancer (8):1481--9"),
        ({"page": "1481-9"}, "Cancer, 1481--9"),
        ({}, "Cancer"),
    ],
)
def test_an_article_without_author_is_misc(extra: dict[str, str], howpublished: str) -> None:
    csl = {"type": "article-journal", "title": "T", "container-title": "Cancer", **extra}
    kind, f = fields(**csl)
    assert kind == "misc" and f["howpublished"] == "{" + howpublished + "}"
    assert f["journal"] == "{Cancer}"  # classic BibTeX keeps the fields too
    kind, f = fields(True, **csl)
    assert kind == "misc"
    assert not {"journaltitle", "volume", "number", "pages"} & set(f)


def test_biblatex_misc_issue_only() -> None:
    f = fields(True, type="article-journal", title="T", **{"container-title": "J"}, issue="4")[1]
    assert f["howpublished"] == "{J (4)}"


def test_library_and_errors() -> None:
    a = Work(id="a", source="manual", csl={"id": "a b", "type": "book", "title": "A"})
    b = Work(id="b", source="manual", csl={"id": "a,b", "type": "book", "title": "B"})
    with pytest.raises(InputError, match=r"citation keys 'a,b' and another collide as BibTeX key"):
        to_library([a, b])
    with pytest.raises(InputError, match="unknown journal style 'short': choose from full, iso"):
        to_library([a], journal="short")
    library = to_library([a])
    [entry] = library.entries
    assert entry.key == "a-b" and entry.entry_type == "book"
    text = to_bibtex([a], biblatex=True)
    assert text.startswith("@book{a-b,") and "title = {A}" in text
    umlaut = Work(id="c", source="manual", csl={"id": "c", "title": "Ü"})
    assert 'title = {{\\"{U}}}' in to_bibtex([umlaut], ascii=True)
    assert "title = {Ü}" in to_bibtex([umlaut])
