"""Text -> LaTeX for BibTeX fields: escaping, title-case protection, accents.

Pure functions. Field text arrives as CSL-JSON strings, which may carry the CSL rich-text
markup (``<i>``, ``<b>``, ``<sup>``, ``<sub>``, ``<span class="nocase">``); that markup becomes
the matching LaTeX command. With ``ascii=True`` every non-ASCII character becomes the LaTeX
accent command or symbol that names it (``{\\k{a}}``, ``{\\dj}``, ``{\\textdegree}``): a
document typesets them with ``\\usepackage[T1]{fontenc}`` (OT1, pdfLaTeX's historical default,
lacks the ogonek and a few others). Otherwise UTF-8 is kept (BibLaTeX with biber).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator

_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
}

# Combining marks (after NFD) -> accent command.
_ACCENTS = {
    "\u0300": "`",
    "\u0301": "'",
    "\u0302": "^",
    "\u0303": "~",
    "\u0304": "=",
    "\u0306": "u",
    "\u0307": ".",
    "\u0308": '"',
    "\u030a": "r",
    "\u030b": "H",
    "\u030c": "v",
    "\u0323": "d",
    "\u0327": "c",
    "\u0328": "k",
    "\u0331": "b",
    "\u0326": "textcommabelow",  # Romanian ș ț (LaTeX kernel since 2018 / T1)
}

# Characters without a decomposition (or better written as a symbol).
_SYMBOLS = {
    "ß": r"{\ss}",
    "æ": r"{\ae}",
    "Æ": r"{\AE}",
    "œ": r"{\oe}",
    "Œ": r"{\OE}",
    "ø": r"{\o}",
    "Ø": r"{\O}",
    "å": r"{\aa}",
    "Å": r"{\AA}",
    "ł": r"{\l}",
    "Ł": r"{\L}",
    "ı": r"{\i}",
    "ȷ": r"{\j}",
    "đ": r"{\dj}",
    "Đ": r"{\DJ}",
    "ð": r"{\dh}",
    "Ð": r"{\DH}",
    "þ": r"{\th}",
    "Þ": r"{\TH}",
    "¡": r"{\textexclamdown}",
    "¿": r"{\textquestiondown}",
    "§": r"{\S}",
    "¶": r"{\P}",
    "©": r"{\textcopyright}",
    "®": r"{\textregistered}",
    "™": r"{\texttrademark}",
    "°": r"{\textdegree}",
    "º": r"{\textordmasculine}",
    "ª": r"{\textordfeminine}",
    "·": r"{\textperiodcentered}",
    "•": r"{\textbullet}",
    "¬": r"$\neg$",
    "±": r"$\pm$",
    "×": r"$\times$",
    "÷": r"$\div$",
    "µ": r"$\mu$",
    "≤": r"$\leq$",
    "≥": r"$\geq$",
    "≠": r"$\neq$",
    "≈": r"$\approx$",
    "∼": r"$\sim$",
    "→": r"$\rightarrow$",
    "←": r"$\leftarrow$",
    "↑": r"$\uparrow$",
    "↓": r"$\downarrow$",
    "↔": r"$\leftrightarrow$",
    "∞": r"$\infty$",
    "−": r"$-$",
    "′": r"$'$",
    "″": r"$''$",
    "€": r"{\texteuro}",
    "£": r"{\pounds}",
    "¥": r"{\textyen}",
    "¢": r"{\textcent}",
    "–": "--",
    "—": "---",
    "‐": "-",
    "‑": "-",
    "‒": "--",
    "―": "---",
    "‘": "`",
    "’": "'",
    "ʼ": "'",
    "‚": ",",
    "“": "``",
    "”": "''",
    "„": ",,",
    "«": r"{\guillemotleft}",
    "»": r"{\guillemotright}",
    "…": r"{\ldots}",
    "\u00a0": "~",
    "\u2009": r"\,",
    "\u202f": r"\,",
    "\u3000": " ",
    "\u2002": " ",
    "\u2003": " ",
    "\u200b": "",
    "\u200c": "",
    "\u200d": "",
    "\ufeff": "",
    "\u00ad": r"\-",
}

_GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ζ": "zeta",
    "η": "eta", "θ": "theta", "ι": "iota", "κ": "kappa", "λ": "lambda", "μ": "mu", "ν": "nu",
    "ξ": "xi", "π": "pi", "ρ": "rho", "σ": "sigma", "ς": "varsigma", "τ": "tau",
    "υ": "upsilon", "φ": "phi", "ϕ": "phi", "χ": "chi", "ψ": "psi", "ω": "omega",
    "Γ": "Gamma", "Δ": "Delta", "Θ": "Theta", "Λ": "Lambda", "Ξ": "Xi", "Π": "Pi",
    "Σ": "Sigma", "Υ": "Upsilon", "Φ": "Phi", "Ψ": "Psi", "Ω": "Omega",
}  # fmt: skip
for _char, _name in _GREEK.items():
    _SYMBOLS[_char] = f"$\\{_name}$"
# Greek capitals that look Latin.
_SYMBOLS.update({"Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K",
                 "Μ": "M", "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Χ": "X", "ο": "o"})  # fmt: skip

_SUPERSCRIPTS = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻", "0123456789+-", strict=True))
_SUBSCRIPTS = dict(zip("₀₁₂₃₄₅₆₇₈₉₊₋", "0123456789+-", strict=True))


def _accent(char: str) -> str:
    """One non-ASCII character as LaTeX (ASCII only)."""
    if char in _SYMBOLS:
        return _SYMBOLS[char]
    if char in _SUPERSCRIPTS:
        return f"\\textsuperscript{{{_SUPERSCRIPTS[char]}}}"
    if char in _SUBSCRIPTS:
        return f"\\textsubscript{{{_SUBSCRIPTS[char]}}}"
    decomposed = unicodedata.normalize("NFD", char)
    base, marks = decomposed[0], decomposed[1:]
    if marks and base.isascii():
        if base == "i" and marks[0] in _ACCENTS:
            base = r"\i"  # dotless i under an accent
        out = base
        for mark in marks:
            command = _ACCENTS.get(mark)
            if command is None:
                continue
            out = f"\\{command}{{{out}}}"
        return "{" + out + "}"
    if marks:  # accented non-ASCII base (e.g. ǿ): accent the converted base
        return _accent(base)
    folded = unicodedata.normalize("NFKD", char)
    if folded != char and folded.isascii():
        return folded
    # Last resort: a character pdfLaTeX has no glyph for; keep its Unicode name readable.
    name = unicodedata.name(char, f"U+{ord(char):04X}").lower()
    return f"[{name}]"


_ACCENTED = functools.lru_cache(maxsize=8192)(_accent)
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_ESCAPES = str.maketrans({**_SPECIAL, "\u00a0": "~", "\ufeff": "", "\u200b": ""})


def to_ascii_latex(text: str) -> str:
    """Replace every non-ASCII character of already escaped ``text`` with LaTeX."""
    if text.isascii():
        return text
    return _NON_ASCII.sub(lambda m: _ACCENTED(m.group(0)), text)


# Brace markers: raw text is built with OPEN/CLOSE where LaTeX braces go, then escaped in one
# pass by ``finish`` (which turns the markers into braces); fast for long lists.
OPEN, CLOSE = "\x01", "\x02"
_FINISH = str.maketrans(
    {**_SPECIAL, "\u00a0": "~", "\ufeff": "", "\u200b": "", OPEN: "{", CLOSE: "}"}
)


def clean(text: str) -> str:
    """Raw text without stray brace markers (control characters no record should hold)."""
    if OPEN in text or CLOSE in text:
        return text.replace(OPEN, "").replace(CLOSE, "")
    return text


def finish(raw: str, ascii: bool = False) -> str:
    """Raw text with OPEN/CLOSE markers -> escaped LaTeX with braces."""
    out = raw.translate(_FINISH)
    return to_ascii_latex(out) if ascii and not out.isascii() else out


def plain(text: str, ascii: bool = False) -> str:
    """Plain text (no CSL markup, e.g. a name) -> LaTeX: escaped, white space collapsed."""
    if "<" in text:
        return latex_field(text, ascii=ascii)
    out = " ".join(text.split()).translate(_ESCAPES)
    return to_ascii_latex(out) if ascii and not out.isascii() else out


def escape(text: str, *, ascii: bool = False) -> str:
    """Escape LaTeX special characters (``& % $ # _ { } ~ ^ \\``) in plain text."""
    out = text.translate(_ESCAPES)
    if ascii and not out.isascii():
        out = to_ascii_latex(out)
    return out


# ------------------------------------------------------------------ CSL markup and case

_TAG = re.compile(r"<(/?)(i|b|sup|sub|sc|span)(?:\s+[^>]*)?>", re.IGNORECASE)
_OPEN = {
    "i": r"\textit{",
    "b": r"\textbf{",
    "sup": r"\textsuperscript{",
    "sub": r"\textsubscript{",
    "sc": r"\textsc{",
    "span": "{",
}
_TOKEN = re.compile(r"(<[^<>]*>)|(\s+)|([^\s<]+|<)")
_WORD_CORE = re.compile(r"^([\W_]*)(.*?)([\W_]*)$", re.DOTALL)


def _tokens(text: str) -> Iterator[tuple[str, str]]:
    for match in _TOKEN.finditer(text):
        tag, space, word = match.groups()
        if tag is not None and _TAG.fullmatch(tag):
            yield "tag", tag
        elif space is not None:
            yield "space", space
        else:
            yield "word", match.group(0)


def _needs_protection(core: str, sentence_start: bool) -> bool:
    """Would a BibTeX/biblatex case change damage this word?"""
    if core.lower() == core:  # no capital at all
        return False
    if not sentence_start:
        return True
    # "Primary" at the start survives a sentence-case change; "EBV", "mRNA", "McArdle" not.
    letters = [c for c in core if c.isalpha()]
    return any(c.isupper() for c in letters[1:])


def _protect_word(word: str, sentence_start: bool, ascii: bool) -> str:
    match = _WORD_CORE.match(word)
    assert match is not None
    lead, core, trail = match.groups()
    if _needs_protection(core, sentence_start):
        return (
            escape(lead, ascii=ascii)
            + "{"
            + escape(core, ascii=ascii)
            + "}"
            + escape(trail, ascii=ascii)
        )
    return escape(word, ascii=ascii)


def latex_field(text: str, *, ascii: bool = False, protect_case: bool = False) -> str:
    """CSL rich text -> a LaTeX field value (without the outer braces).

    ``protect_case`` braces words whose capitals must survive a change of case (titles):
    acronyms and mixed case anywhere (``{EBV}``, ``{mRNA}``), capitalised words that are not
    at the start of the title or of a subtitle (``{Epstein-Barr}``: proper names).
    """
    if text.isdigit():  # volumes, issues, years
        return text
    if "<" not in text:  # the common case, fast: no markup
        words = clean(text).split()
        if protect_case:
            sentence_start = True
            for index, word in enumerate(words):
                if word.lower() != word:  # a capital: maybe protect
                    match = _WORD_CORE.match(word)
                    assert match is not None
                    lead, core, trail = match.groups()
                    if _needs_protection(core, sentence_start):
                        words[index] = f"{lead}{OPEN}{core}{CLOSE}{trail}"
                sentence_start = word[-1] == ":"
        return finish(" ".join(words), ascii)
    out: list[str] = []
    stack: list[str] = []
    sentence_start = True
    for kind, value in _tokens(text):
        if kind == "tag":
            tag = _TAG.fullmatch(value)
            assert tag is not None
            closing, name = tag.group(1) == "/", tag.group(2).lower()
            if closing:
                if stack and stack[-1] == name:
                    stack.pop()
                    out.append("}")
            else:
                stack.append(name)
                out.append(_OPEN[name])
            continue
        if kind == "space":
            out.append(" ")
            continue
        if protect_case and "span" not in stack:
            out.append(_protect_word(value, sentence_start, ascii))
        else:
            out.append(escape(value, ascii=ascii))
        sentence_start = value.endswith(":")
    out.extend("}" for _ in stack)
    return "".join(out).strip()


def strip_markup(text: str) -> str:
    """CSL rich text -> plain text (for fields written verbatim)."""
    return _TAG.sub("", text)
