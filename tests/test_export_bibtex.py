"""BibTeX / BibLaTeX export: the rules of the issue, and a round trip through two parsers."""

from __future__ import annotations

import re

import bibtexparser
import pytest
from pybtex.database import parse_string as pybtex_parse

from refkeeper.errors import InputError
from refkeeper.export import to_bibtex
from refkeeper.export.bibtex import entry_fields, format_name, format_pages
from refkeeper.export.latex import escape, latex_field, plain, to_ascii_latex
from refkeeper.models import Work
from test_export_support import book_works, corpus_works, example_works


def work(**csl: object) -> Work:
    item = {"id": "k1", "type": "article-journal", **csl}
    return Work(id=str(item["id"]), source="manual", csl=item)


TIMMONS = work(
    id="pmid:8620427",
    title="Primary leiomyosarcoma of the liver in a child with EBV infection: an Epstein-Barr case",
    author=[{"family": "Timmons", "given": "CF"}, {"literal": "WHO Working Group"}],
    **{"container-title": "Cancer", "container-title-short": "Cancer (Phila)"},
    issued={"date-parts": [[1995, 10, 15]]},
    volume="76",
    issue="8",
    page="1481-1489",
    DOI="10.1002/1097-0142(19951015)76:8<1481::aid-cncr2820760828>3.0.co;2-m",
    PMID="8620427",
    PMCID="PMC123456",
)


# ------------------------------------------------------------------------------ escaping


def test_latex_special_characters_are_escaped() -> None:
    assert escape(r"50% & $5 #1 a_b {x} ~ ^ \ <>") == (
        r"50\% \& \$5 \#1 a\_b \{x\} \textasciitilde{} \textasciicircum{} "
        r"\textbackslash{} \textless{}\textgreater{}"
    )


SPECIALS = "\\{}&%$#_~^<>"


@pytest.mark.parametrize("char", list(SPECIALS))
@pytest.mark.parametrize("protect", [False, True])
def test_every_special_character_is_escaped_on_every_path(char: str, protect: bool) -> None:
    """The fast path (no markup), the markup path and plain() escape alike."""
    text = f"costs {char} benefits in 50 Cases"
    want = escape(text)
    assert want != text and f" {char} " not in want
    fast = latex_field(text, protect_case=protect)
    marked = latex_field(f"<i>x</i> {text}", protect_case=protect)
    assert fast.replace("{Cases}", "Cases") == want
    assert marked.replace("{Cases}", "Cases") == r"\textit{x} " + want
    assert plain(text) == want


def test_ampersand_and_percent_in_a_bibtex_title() -> None:
    work = Work(
        id="pmid:1",
        source="pubmed",
        csl={"id": "pmid:1", "type": "article-journal",
             "title": "Smoking & cancer: a 50% rise", "container-title": "Tob Res & Care"},
    )  # fmt: skip
    _, fields = entry_fields(work)
    assert fields["title"] == r"{Smoking \& cancer: a 50\% rise}"
    assert fields["journal"] == r"{Tob Res \& Care}"
    text = to_bibtex([work])
    assert re.search(r"(?<!\\)[&%]", text) is None


def test_title_case_protection_of_acronyms_and_proper_names() -> None:
    assert latex_field(str(TIMMONS.csl["title"]), protect_case=True) == (
        "Primary leiomyosarcoma of the liver in a child with {EBV} infection: "
        "an {Epstein-Barr} case"
    )
    assert latex_field("DNA repair in mRNA (HIV-1)", protect_case=True) == (
        "{DNA} repair in {mRNA} ({HIV-1})"
    )
    # the first word after a colon keeps its capital through BibTeX's case change
    assert latex_field("Liver: Results in Lyon", protect_case=True) == ("Liver: Results in {Lyon}")


def test_csl_markup_becomes_latex_commands() -> None:
    text = '<i>Escherichia coli</i> and <sup>18</sup>F-FDG in <span class="nocase">iPhone</span>'
    assert latex_field(text, protect_case=True) == (
        r"\textit{Escherichia coli} and \textsuperscript{18}{F-FDG} in {iPhone}"
    )


def test_non_ascii_to_latex_accents() -> None:
    assert to_ascii_latex("Müller Ölçüm Łódź ß ą ș") == (
        r"M{\"{u}}ller {\"{O}}l{\c{c}}{\"{u}}m {\L}{\'{o}}d{\'{z}} {\ss} {\k{a}} "
        r"{\textcommabelow{s}}"
    )
    assert (
        to_ascii_latex("TNF-α ≤ 5 µg – 3°C") == r"TNF-$\alpha$ $\leq$ 5 $\mu$g -- 3{\textdegree}C"
    )
    assert to_ascii_latex("naïve") == r"na{\"{\i}}ve"


def test_biblatex_keeps_utf8_and_bibtex_ascii_option_converts() -> None:
    w = work(title="Ölçüm", author=[{"family": "Müller", "given": "Jürgen"}])
    assert "author = {Müller, Jürgen}" in to_bibtex([w], biblatex=True)
    assert r"author = {M{\"{u}}ller, J{\"{u}}rgen}" in to_bibtex([w], ascii=True)


# --------------------------------------------------------------------------------- names


def test_names() -> None:
    assert format_name({"family": "Timmons", "given": "Cyril F"}, ascii=False) == (
        "Timmons, Cyril F"
    )
    assert format_name({"family": "Timmons", "given": "CF"}, ascii=False) == "Timmons, C. F."
    assert format_name({"family": "Timmons"}, ascii=False) == "Timmons"
    assert format_name({"literal": "WHO Working Group"}, ascii=False) == "{WHO Working Group}"
    assert (
        format_name({"family": "Smith", "given": "John", "suffix": "Jr"}, ascii=False)
        == "Smith, Jr, John"
    )
    assert (
        format_name({"family": "Gogh", "non-dropping-particle": "van", "given": "V"}, ascii=False)
        == "van Gogh, V."
    )
    _, fields = entry_fields(TIMMONS)
    assert fields["author"] == "{Timmons, C. F. and {WHO Working Group}}"
    cut = work(author=[{"family": "Rogatsch", "given": "H"}], _et_al=True, title="T")
    assert entry_fields(cut)[1]["author"] == "{Rogatsch, H. and others}"


# ---------------------------------------------------------------------------- the fields


def test_article_fields_classic() -> None:
    entry_type, fields = entry_fields(TIMMONS)
    assert entry_type == "article"
    assert fields["journal"] == "{Cancer}"
    assert fields["year"] == "{1995}"
    assert fields["month"] == "oct"  # the macro, unbraced
    assert fields["pages"] == "{1481--1489}"
    assert fields["doi"] == "{10.1002/1097-0142(19951015)76:8<1481::aid-cncr2820760828>3.0.co;2-m}"
    assert fields["pmid"] == "{8620427}"
    assert fields["pmcid"] == "{PMC123456}"
    assert entry_fields(TIMMONS, journal="iso")[1]["journal"] == "{Cancer (Phila)}"


def test_article_fields_biblatex() -> None:
    entry_type, fields = entry_fields(TIMMONS, biblatex=True)
    assert entry_type == "article"
    assert fields["journaltitle"] == "{Cancer}"
    assert fields["shortjournal"] == "{Cancer (Phila)}"
    assert fields["date"] == "{1995-10-15}"
    assert fields["eprint"] == "{8620427}"
    assert fields["eprinttype"] == "{pubmed}"
    assert fields["usera"] == "{PMC123456}"
    assert "month" not in fields and "pmid" not in fields


def test_pages() -> None:
    assert format_pages("1481-1489") == "1481--1489"
    assert format_pages("e1234") == "e1234"
    assert format_pages("12-4, 18") == "12--4, 18"
    assert format_pages("S1-S5") == "S1--S5"


def test_medline_date_range() -> None:
    w = work(issued={"literal": "1998 Dec-1999 Jan"}, title="T", author=[{"family": "A"}])
    assert entry_fields(w, biblatex=True)[1]["date"] == "{1998-12/1999-01}"
    classic = entry_fields(w)[1]
    assert classic["year"] == "{1998}" and classic["month"] == "dec"


def test_book_with_editors_edition_publisher_address_isbn() -> None:
    book = example_works()[2]
    entry_type, fields = entry_fields(book)
    assert entry_type == "book"
    assert fields["editor"].startswith("{Bosman, F. T. and Carneiro, F.")
    assert fields["edition"] == "{4th}"
    assert fields["publisher"] == "{International Agency for Research on Cancer}"
    assert fields["address"] == "{Lyon}"
    assert fields["isbn"] == "{9789283224327}"
    entry_type, fields = entry_fields(book, biblatex=True)
    assert entry_type == "collection"  # biblatex: an editor-only book
    assert fields["location"] == "{Lyon}"


def test_chapter_is_incollection() -> None:
    chapter = next(w for w in book_works() if w.csl["type"] == "chapter")
    entry_type, fields = entry_fields(chapter)
    assert entry_type == "incollection"
    assert fields["booktitle"] == "{The genetic basis of human cancer}"
    assert fields["editor"] == "{Vogelstein, Bert and Kinzler, Kenneth W}"
    assert fields["pages"] == "{93--113}"


def test_article_without_author_is_misc_with_the_journal_reference() -> None:
    w = work(title="Editorial", volume="3", issue="2", page="12-14",
             **{"container-title": "Lancet"}, issued={"date-parts": [[2001]]})  # fmt: skip
    entry_type, fields = entry_fields(w)
    assert entry_type == "misc"
    assert fields["howpublished"] == "{Lancet 3(2):12--14}"
    assert fields["journal"] == "{Lancet}"  # kept for classic BibTeX
    entry_type, fields = entry_fields(w, biblatex=True)
    assert entry_type == "misc" and "journaltitle" not in fields


def test_issue_without_volume_and_non_integer_volume() -> None:
    w = work(title="T", author=[{"family": "A"}], issue="12", **{"container-title": "J"})
    assert entry_fields(w)[1]["volume"] == "{(12)}"
    v = work(title="T", author=[{"family": "A"}], volume="145 ( Pt 2)", issue="3")
    fields = entry_fields(v, biblatex=True)[1]
    assert (fields["volume"], fields["number"], fields["issue"]) == ("{145}", "{3}", "{Pt 2}")


def test_bad_input() -> None:
    with pytest.raises(InputError, match="duplicate citation key 'k1'"):
        to_bibtex([work(title="a"), work(title="b")])
    with pytest.raises(InputError, match="unknown journal style 'short'"):
        to_bibtex([TIMMONS], journal="short")


# ----------------------------------------------------------------------------- round trip


@pytest.fixture(scope="module")
def works() -> list[Work]:
    return [*corpus_works(), *example_works(), *book_works()]


def _strip(value: str) -> str:
    return value[1:-1] if value.startswith("{") and value.endswith("}") else value


@pytest.mark.parametrize(("biblatex", "ascii"), [(False, True), (False, False), (True, False)])
def test_round_trip_through_bibtexparser_and_pybtex(
    works: list[Work], biblatex: bool, ascii: bool
) -> None:
    text = to_bibtex(works, biblatex=biblatex, ascii=ascii)
    expected = {str(w.csl["id"]): entry_fields(w, biblatex=biblatex, ascii=ascii) for w in works}
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == []
    assert [e.key for e in library.entries] == [str(w.csl["id"]) for w in works]
    for entry in library.entries:
        entry_type, fields = expected[entry.key]
        assert entry.entry_type == entry_type
        assert {f.key: f.value for f in entry.fields} == {
            k: _strip(v) for k, v in fields.items()
        }, entry.key

    data = pybtex_parse(text, "bibtex")
    assert list(data.entries) == [str(w.csl["id"]) for w in works]
    for key, entry in data.entries.items():
        entry_type, fields = expected[key]
        assert entry.type == entry_type
        for name, value in fields.items():
            if name in ("author", "editor"):
                names = re.split(r" and (?![^{}]*\})", _strip(value))
                assert len(entry.persons[name]) == len(names), key
            elif name == "month":  # pybtex resolves the macro: oct -> October
                assert entry.fields["month"].lower()[:3] == value, key
            else:
                assert entry.fields[name] == _strip(value), (key, name)


def test_medline_date_range_from_the_pubmed_record() -> None:
    w = Work(
        id="m",
        source="pubmed",
        csl={"id": "m", "type": "article-journal", "title": "T", "author": [{"family": "A"}],
             "issued": {"date-parts": [[2019, 5]]}},
        medline_date="2019 May - Jun",
    )  # fmt: skip
    assert entry_fields(w, biblatex=True)[1]["date"] == "{2019-05/2019-06}"
    assert entry_fields(w)[1]["month"] == "may"
