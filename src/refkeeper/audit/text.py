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
