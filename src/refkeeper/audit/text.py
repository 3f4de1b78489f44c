"""Text normalisation shared by the audit: accents, spelling variants, tokens, stems.

Pure functions on strings. Biomedical tokenisation keeps hyphenated and alphanumeric terms
whole ("EBER-1" -> "eber1", "IL-6" -> "il6") and also yields their parts, folds British
spellings onto American ones (tumour -> tumor, haemorrhage -> hemorrhage), and stems with
the Snowball English stemmer (``snowballstemmer``).
"""

from __future__ import annotations

import re
from functools import lru_cache

import snowballstemmer

from refkeeper.textfold import americanise, fold

__all__ = ["americanise", "fold", "sentences", "stem", "terms", "words"]


STOPWORDS = frozenset(
    """a about above after again against all also although am an and any are as at be
    because been before being below between both but by can could did do does doing done
    during each either et etc few for from further had has have having here how however if
    in into is it its itself may might more most much must no nor not of off on once only
    or other our out over own per same should since so some such than that the their them
    then there these they this those through thus to too under until up upon very via was
    we were what when where whether which while who whom why will with within without would
    yet you your al i ii iii iv""".split()
)

_WORD = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")


def words(text: str) -> list[str]:
    """Folded words; hyphenated terms kept as one word with the hyphen."""
    return _WORD.findall(fold(text))


_STEMMER = snowballstemmer.stemmer("english")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Snowball stem of an (already folded) word, after British->American folding."""
    word = americanise(word)
    if word.isdigit() or len(word) <= 3:
        return word
    return str(_STEMMER.stemWord(word))


def terms(text: str, *, keep_stopwords: bool = False) -> list[str]:
    """Index terms of a text (a new list; see ``_terms``)."""
    return list(_terms(text, keep_stopwords))


@lru_cache(maxsize=16384)
def _terms(text: str, keep_stopwords: bool) -> tuple[str, ...]:
    """Index terms of a text: stems of its words; a hyphenated word gives the joined form and
    its parts ("epstein-barr" -> "epsteinbarr", "epstein", "barr")."""
    out: list[str] = []
    for word in words(text):
        if "-" in word or "'" in word:
            parts = [p for p in re.split(r"[-']", word) if p]
            joined = "".join(parts)
            if joined not in STOPWORDS:
                out.append(stem(joined))
            out.extend(stem(p) for p in parts if keep_stopwords or p not in STOPWORDS)
        elif keep_stopwords or word not in STOPWORDS:
            out.append(stem(word))
    return tuple(t for t in out if t and not (len(t) == 1 and not t.isdigit()))


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(\[\"'])")
_ABBREV_BEFORE = re.compile(
    r"(?:\b(?:e\.g|i\.e|vs|et al|approx|Fig|Figs|No|Dr|Mr|Mrs|Ms|St|cf|ca)\.|\b[A-Z]\.)$"
)


def sentences(text: str) -> list[str]:
    """Split a paragraph into sentences, keeping abbreviations (e.g., et al., initials) whole."""
    out: list[str] = []
    for para in re.split(r"\n+", text):
        para = para.strip()
        if not para:
            continue
        start = 0
        for match in _SENTENCE_END.finditer(para):
            head = para[start : match.start()]
            if _ABBREV_BEFORE.search(head):
                continue
            if head.strip():
                out.append(head.strip())
            start = match.end()
        tail = para[start:].strip()
        if tail:
            out.append(tail)
    return out


# --------------------------------------------------------------------------- claims as written

_MARKERS = (
    re.compile(r"\[\s*-?@[^\]]*\]"),  # pandoc [@key; @key2, p. 3]
    re.compile(r"(?<![\w@])@[\w:./-]+"),  # bare @key
    re.compile(r"\\[a-zA-Z]*cite[a-zA-Z]*\*?(?:\[[^\]]*\]){0,2}\{[^}]*\}"),  # \cite{..}
    re.compile(r"\[\s*\d+(?:\s*[-–,]\s*\d+)*\s*\]"),  # [1], [1-3], [1, 4]
    re.compile(r"<sup>[^<]*</sup>", re.I),
    re.compile(r"\^[\d,–-]+\^"),  # pandoc superscript ^1^
    re.compile(r"\(\s*(?:refs?\.?\s*)?\d+(?:\s*[-–,]\s*\d+)*\s*\)(?=[\s.,;:]|$)"),  # (1), (2-4)
)
_TAGS = re.compile(r"<[^>]{1,80}>")
_LATEX_COMMAND = re.compile(r"\\(?:emph|textit|textbf|textsc|mbox|text)\{([^}]*)\}")
_LATEX_OTHER = re.compile(r"\\[a-zA-Z]+\*?(?:\{[^}]*\})?")
_MARKUP = re.compile(r"(?<!\w)[*_`]{1,3}|[*_`]{1,3}(?!\w)|~~")


def clean_claim(text: str) -> str:
    """A claim as a reader reads it: citation markers (pandoc, LaTeX, numbered), HTML/LaTeX
    markup and Markdown emphasis removed, spaces squeezed."""
    for pattern in _MARKERS:
        text = pattern.sub(" ", text)
    text = _LATEX_COMMAND.sub(r"\1", text)
    text = _LATEX_OTHER.sub(" ", text)
    text = _TAGS.sub(" ", text)
    text = _MARKUP.sub("", text)
    text = text.replace("~", " ").replace("{", "").replace("}", "")
    text = re.sub(r"\s+([.,;:])", r"\1", text)
    return re.sub(r"\s+", " ", text).strip()


_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
NUMBER_WORDS: dict[str, int] = {**_UNITS, **_TENS, "hundred": 100, "thousand": 1000}


def number_word(word: str) -> int | None:
    """The value of a number written in words ("seven", "thirty-two", "sixty"), or None."""
    word = word.lower()
    if word in _UNITS or word in _TENS:
        return _UNITS.get(word, _TENS.get(word))
    head, _, tail = word.partition("-")
    if head in _TENS and tail in _UNITS and 0 < _UNITS[tail] < 10:
        return _TENS[head] + _UNITS[tail]
    return None
