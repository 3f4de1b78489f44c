"""Folding text for comparison: accents, Greek letters, markup and British spellings. Pure.

Shared by verification (resolve/match.py, align.py), the audit (audit/text.py) and citation
keys (keys.py): :func:`strip_accents` and :func:`spell_out` are the one accent and letter
folding all of them use; :func:`fold` adds Greek letters and markup.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_GREEK = {
    "α": "alpha",
    "β": "beta",
    "γ": "gamma",
    "δ": "delta",
    "ε": "epsilon",
    "κ": "kappa",
    "λ": "lambda",
    "μ": "mu",
    "σ": "sigma",
    "τ": "tau",
    "ω": "omega",
}
_TAGS = re.compile(r"<[^>]{1,80}>")


_SPECIAL = str.maketrans(
    {
        **_GREEK,
        "ı": "i",
        "đ": "d",
        "ð": "d",
        "ß": "ss",
        "æ": "ae",
        "ø": "o",
        "ł": "l",
        "Ł": "L",
        "Ø": "O",
        "Æ": "AE",
        "þ": "th",
    }
)


def strip_accents(text: str) -> str:
    """``text`` decomposed (NFKD) without its combining marks: ``Königsrainer`` ->
    ``Konigsrainer``; compatibility forms spelt out (``ﬁ`` -> ``fi``)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def spell_out(text: str) -> str:
    """Lower-case letters that do not decompose, in ASCII: ``ß æ ø ł`` -> ``ss ae o l``."""
    return text.replace("ß", "ss").replace("æ", "ae").replace("ø", "o").replace("ł", "l")


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower-case ASCII form: Greek letters spelt out, accents removed, markup dropped."""
    if "<" in text:
        text = _TAGS.sub("", text)
    if text.isascii():
        return text.lower()
    text = text.lower().translate(_SPECIAL)  # capital Greek letters too ("TGF-Β2")
    return strip_accents(text).lower()


_BRITISH = (
    (re.compile(r"^oe(?=[a-z]{4})"), "e"),  # oedema, oesophagus, oestrogen
    (re.compile(r"aem"), "em"),  # haemorrhage, anaemia, leukaemia, ischaemia
    (re.compile(r"paed"), "ped"),  # paediatric
    (re.compile(r"(?<=[a-z]{3})our(s?)$"), r"or\1"),  # tumour, behaviour
    (re.compile(r"isation(s?)$"), r"ization\1"),
    (re.compile(r"(?<=[a-z]{3})tre(s?)$"), r"ter\1"),  # centre, litre
)


def americanise(word: str) -> str:
    """Fold common British spellings onto the American ones PubMed mostly uses."""
    if len(word) < 5:
        return word
    for pattern, repl in _BRITISH:
        word = pattern.sub(repl, word)
    return word
