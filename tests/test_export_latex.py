"""Text -> LaTeX one rule at a time (pure): each accent and symbol written by its own function
(not through the memoised table), escaping on the plain path, and markup in field values."""

from __future__ import annotations

import pytest

from refkeeper.export import latex as lx


@pytest.mark.parametrize(
    ("char", "tex"),
    [
        ("é", "{\\'{e}}"), ("è", "{\\`{e}}"), ("ê", "{\\^{e}}"), ("ñ", "{\\~{n}}"),
        ("ā", "{\\={a}}"), ("ă", "{\\u{a}}"), ("ż", "{\\.{z}}"), ("ü", '{\\"{u}}'),
        ("ů", "{\\r{u}}"), ("å", "{\\aa}"), ("ő", "{\\H{o}}"), ("č", "{\\v{c}}"), ("ạ", "{\\d{a}}"),
        ("ç", "{\\c{c}}"), ("ą", "{\\k{a}}"), ("ș", "{\\textcommabelow{s}}"),
        ("í", "{\\'{\\i}}"),  # a dotless i under the accent
        ("ï", '{\\"{\\i}}'),
        ("Í", "{\\'{I}}"),
        ("ǘ", "{\\'{\\\"{\\i}}}".replace("\\i", "u")),  # two accents, innermost first
        ("ß", "{\\ss}"), ("ø", "{\\o}"), ("Ø", "{\\O}"),
        ("α", "$\\alpha$"), ("Ω", "$\\Omega$"), ("Α", "A"),
        ("²", "\\textsuperscript{2}"), ("₃", "\\textsubscript{3}"),
        ("ﬁ", "fi"),  # a compatibility ligature folds to ASCII
        ("ǿ", "{\\o}"),  # an accented non-ASCII base: the base converted
        ("☃", "[snowman]"),
        ("\ue000", "[u+e000]"),  # no name: its code point
    ],
)  # fmt: skip
def test_accent_of_each_character(char: str, tex: str) -> None:
    assert lx._accent(char) == tex


def test_an_unknown_combining_mark_is_left_out() -> None:
    # a double grave (U+030F) has no LaTeX accent: the letter stays, braced
    assert lx._accent("ȁ") == "{a}"
    assert lx._accent(lx.unicodedata.normalize("NFC", "q\u0301")[-1]) == "[combining acute accent]"


def test_to_ascii_latex_and_escape() -> None:
    assert lx.to_ascii_latex("plain") == "plain"
    assert lx.to_ascii_latex("Müller & Ørsted") == 'M{\\"{u}}ller & {\\O}rsted'
    assert lx.escape("50% Ü") == "50\\% Ü"
    assert lx.escape("50% Ü", ascii=True) == '50\\% {\\"{U}}'
    assert lx.escape("a\u00a0b\ufeffc\u200bd") == "a~bcd"


def test_plain_text() -> None:
    assert lx.plain("  a \n b & c ") == "a b \\& c"
    assert lx.plain("Ü", ascii=True) == '{\\"{U}}'
    assert lx.plain("Ü") == "Ü"
    assert lx.plain("<i>Ü</i> x", ascii=True) == '\\textit{{\\"{U}}} x'
    assert lx.plain("<i>E. coli</i>") == "\\textit{E. coli}"


def test_finish_and_clean() -> None:
    assert lx.finish(f"{lx.OPEN}Ü{lx.CLOSE} & x", ascii=True) == '{{\\"{U}}} \\& x'
    assert lx.finish(f"{lx.OPEN}Ü{lx.CLOSE}") == "{Ü}"
    assert lx.clean(f"a{lx.OPEN}b{lx.CLOSE}c") == "abc"
    assert lx.clean("abc") == "abc"


def test_latex_field_fast_and_markup_paths() -> None:
    assert lx.latex_field("1995") == "1995"
    assert lx.latex_field("EBV in mRNA: The Liver", protect_case=True) == (
        "{EBV} in {mRNA}: The {Liver}"
    )
    assert lx.latex_field("EBV in mRNA: The Liver") == "EBV in mRNA: The Liver"
    assert lx.latex_field("Ärzte: Über", protect_case=True, ascii=True) == (
        '{\\"{A}}rzte: {\\"{U}}ber'
    )
    assert lx.latex_field("(HIV) and (Epstein-Barr)", protect_case=True) == (
        "({HIV}) and ({Epstein-Barr})"
    )
    marked = lx.latex_field("<b>EBV</b> in <sc>Liver</sc>: Case <i>Study</i>", protect_case=True)
    assert marked == "\\textbf{{EBV}} in \\textsc{{Liver}}: Case \\textit{{Study}}"
    assert lx.latex_field("<i>open <b>nested", protect_case=False) == (
        "\\textit{open \\textbf{nested}}"
    )
    assert lx.latex_field("a </i> b <x> c") == "a  b \\textless{}x\\textgreater{} c"
    assert lx.latex_field('<span class="nocase">iPhone</span> DNA', protect_case=True) == (
        "{iPhone} {DNA}"
    )
    assert lx.latex_field("<i>a</i>\n\tb") == "\\textit{a} b"
    assert lx.latex_field("<i>Ü</i>", ascii=True) == '\\textit{{\\"{U}}}'
    assert lx.latex_field(" <i>x</i> ") == "\\textit{x}"


def test_protection_decisions() -> None:
    assert lx._needs_protection("primary", True) is False
    assert lx._needs_protection("Primary", True) is False
    assert lx._needs_protection("Primary", False) is True
    assert lx._needs_protection("McArdle", True) is True
    assert lx._needs_protection("A", True) is False
    assert lx._protect_word("(EBV),", False, False) == "({EBV}),"
    assert lx._protect_word("x_y", False, False) == "x\\_y"
    assert lx._protect_word("Ü%", False, True) == '{{\\"{U}}}\\%'
    assert lx.strip_markup("<i>a</i> <sup>2</sup>") == "a 2"
    assert list(lx._tokens("<i>a</i> <x")) == [
        ("tag", "<i>"), ("word", "a"), ("tag", "</i>"), ("space", " "),
        ("word", "<"), ("word", "x"),
    ]  # fmt: skip
