from refkeeper.keys import ascii_fold, disambiguate, fingerprint, make_key

TIMMONS = {
    "author": [{"family": "Timmons", "given": "CF"}, {"family": "Dawson", "given": "DB"}],
    "issued": {"date-parts": [[1995]]},
    "title": "Epstein-Barr virus-associated leiomyosarcomas in liver transplantation recipients",
    "container-title": "Cancer",
    "volume": "76",
    "page": "1481-1489",
}


def test_default_key_pattern() -> None:
    assert make_key(TIMMONS, "{author}{year}{title}") == "timmons1995epstein"


def test_key_is_ascii_folded_and_skips_stopwords() -> None:
    item = {
        "author": [{"family": "Königsrainer", "given": "A"}],
        "issued": {"date-parts": [[2001]]},
        "title": "The role of liver grafts",
    }
    assert make_key(item, "{author}{year}{title}") == "konigsrainer2001role"
    assert ascii_fold("D'Albuquerque Müller-Hermelink") == "D'Albuquerque Muller-Hermelink"


def test_collective_author_and_missing_fields() -> None:
    item = {"author": [{"literal": "WHO Classification of Tumours Editorial Board"}]}
    assert make_key(item, "{author}{year}{title}") == "whond"


def test_disambiguation_adds_letters() -> None:
    assert disambiguate("smith2020x", []) == "smith2020x"
    assert disambiguate("smith2020x", ["smith2020x"]) == "smith2020xa"
    assert disambiguate("k", ["k", "ka", "kb"]) == "kc"
    taken = ["k"] + [f"k{chr(c)}" for c in range(ord("a"), ord("z") + 1)]
    assert disambiguate("k", taken) == "kaa"


def test_fingerprint_ignores_layout_but_not_content() -> None:
    same = dict(TIMMONS, title=TIMMONS["title"].upper() + ".")
    assert fingerprint(TIMMONS, "x") == fingerprint(same, "y")
    other = dict(TIMMONS, volume="77")
    assert fingerprint(TIMMONS, "x") != fingerprint(other, "x")
    assert fingerprint({}, "A  raw Ref") == fingerprint({}, "a raw ref")


def test_every_extract_kind_is_keyed_or_not() -> None:
    from refkeeper.extract import KINDS
    from refkeeper.keys import KEYED_KINDS, UNKEYED_KINDS

    assert not KEYED_KINDS & UNKEYED_KINDS
    assert KEYED_KINDS | UNKEYED_KINDS == set(KINDS)


def test_pmid_list_and_word_ids_are_not_the_authors_keys() -> None:
    from refkeeper.extract import extract_string
    from refkeeper.keys import document_key
    from refkeeper.models import Extraction, Reference

    pmids = extract_string("8620427\n15919482\n", kind="pmid-list")
    assert [r.key for r in pmids.references] == ["pmid:8620427", "pmid:15919482"]
    assert [document_key(pmids, r) for r in pmids.references] == [None, None]
    cited = Reference("zotero:7XQ2KD9M", "Avery SV. 2006.", None, {}, key="zotero:7XQ2KD9M")
    word = Extraction("paper.docx", "docx", "", references=(cited,))
    assert document_key(word, cited) is None
    bib = extract_string("@article{avery2006,\n  title = {Microbial cell individuality}\n}\n")
    assert [document_key(bib, r) for r in bib.references] == ["avery2006"]
