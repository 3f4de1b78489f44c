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
