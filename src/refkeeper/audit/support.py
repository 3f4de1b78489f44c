"""Claim support: how well a cited work's title, abstract and MeSH terms back a claim.

The method is lexical and explainable (no model is downloaded):

1. The claim and the record are turned into index terms (``audit.text.terms``): folded,
   British spellings mapped to American, Snowball-stemmed, stopwords dropped; hyphenated terms
   give the joined form and the parts.
2. Synonyms: acronyms the record or the claim defines ("Epstein-Barr virus (EBV)") expand to
   their long form; the record's MeSH headings are added to the record's vocabulary; a small
   built-in table joins common biomedical equivalents (tumour/neoplasm, liver/hepatic,
   heart/cardiac, ...), mapping each group onto one canonical term.
3. TF-IDF with binary term frequencies: the IDF comes from a table of PubMed abstracts
   shipped with the package (or one passed in). A text unit's support is the dot product of
   the claim's and the unit's TF-IDF vectors divided by the claim's own squared norm, i.e. the
   share of the claim's idf**2 weight that the unit contains, so scores lie in [0, 1] and
   compare across claims and records. An exact term counts 1, a term sharing a long stem
   prefix ("metastasis"/"metastatic") counts 0.6.
4. The score mixes the best single sentence of the record (title or an abstract sentence,
   which becomes the evidence; weight 0.8) with the coverage of the whole record (title +
   abstract + MeSH; weight 0.2).

A claim whose source has no abstract is "unverifiable" (no score); one below ``threshold``
is "weak". ``bench/bench_support.py`` measures the ROC AUC on real records.
"""

from __future__ import annotations

import gzip
import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from importlib import resources
from typing import Any

from refkeeper.audit.text import fold, sentences, stem, terms
from refkeeper.models import Work

DEFAULT_THRESHOLD = 0.20
"""Below this score a claim counts as weakly supported (calibrated by bench/bench_support.py)."""

SENTENCE_WEIGHT = 0.8
PREFIX_CREDIT = 0.6
_PREFIX_MIN = 6


class SupportStatus(StrEnum):
    SUPPORTED = "supported"
    WEAK = "weak"
    UNVERIFIABLE = "unverifiable"


@dataclass(frozen=True, slots=True)
class SupportResult:
    """The support of one claim by one work."""

    status: SupportStatus
    score: float | None
    evidence: str | None = None
    evidence_section: str | None = None  # "title", an abstract label, or "abstract"
    matched: tuple[str, ...] = ()  # claim words found in the record
    missing: tuple[str, ...] = ()  # claim words not found

    def to_json(self) -> dict[str, Any]:
        return {
            "status": str(self.status),
            "score": None if self.score is None else round(self.score, 4),
            "evidence": self.evidence,
            "evidence_section": self.evidence_section,
            "matched": list(self.matched),
            "missing": list(self.missing),
        }


# --------------------------------------------------------------------------- synonyms

_SYNONYM_GROUPS = (
    "tumor neoplasm neoplasia",
    "liver hepatic",
    "kidney renal",
    "heart cardiac",
    "lung pulmonary",
    "brain cerebral",
    "child children pediatric childhood",
    "infant neonate newborn neonatal",
    "death mortality",
    "treatment therapy therapeutic",
    "drug medication",
    "transplantation transplant graft allograft engraft",
    "immunosuppression immunosuppressed immunocompromised",
    "ebv epstein-barr",
    "hiv aids",
    "mi infarction",
    "stomach gastric",
    "bone osseous",
    "skin cutaneous dermal",
    "blood hematologic",
    "woman women female",
    "man men male",
    "elderly aged older",
    "increase increased higher elevated",
    "decrease decreased lower reduced reduction",
    "risk odds hazard",
    "symptom sign",
)


@lru_cache(maxsize=1)
def _synonyms() -> dict[str, str]:
    table: dict[str, str] = {}
    for group in _SYNONYM_GROUPS:
        stems = [t for word in group.split() for t in terms(word)[:1]]
        for s in stems:
            table.setdefault(s, stems[0])
    return table


def canonical(term: str) -> str:
    """The canonical term of a synonym group (the term itself when it has none)."""
    return _synonyms().get(term, term)


_ACRONYM = re.compile(r"\(([A-Z][A-Za-z0-9-]{1,9})[;,)]")


@lru_cache(maxsize=4096)
def _acronyms(text: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    found: dict[str, tuple[str, ...]] = {}
    for match in _ACRONYM.finditer(text):
        abbr = match.group(1)
        letters = "".join(c for c in abbr.lower() if c.isalpha())
        if not letters or sum(1 for c in abbr if c.isupper()) < 2:
            continue
        long_words = re.split(r"[\s]+", text[max(0, match.start() - 100) : match.start()])[-6:]
        long_words = [w for w in long_words if w]
        # take words back from the parenthesis to the nearest one starting with the
        # acronym's first letter, at most as many as the acronym has letters (plus two)
        take: list[str] = []
        for word in reversed(long_words[-(len(letters) + 2) :]):
            take.insert(0, word)
            if fold(word)[:1] == letters[0]:
                key = terms(abbr)
                if key:
                    found[key[0]] = tuple(terms(" ".join(take)))
                break
    return tuple(found.items())


def acronyms(text: str) -> dict[str, list[str]]:
    """Acronyms defined as "long form (ABBR)": the acronym's term -> the long form's terms."""
    return {k: list(v) for k, v in _acronyms(text)}


# --------------------------------------------------------------------------- IDF


@lru_cache(maxsize=1)
def default_idf() -> dict[str, float]:
    """IDF of stems over the abstracts of the PubMed records in the project's corpus (shipped
    as ``audit/idf.json.gz``; rebuild with ``python -m refkeeper.audit.idf``)."""
    try:
        data = resources.files("refkeeper.audit").joinpath("idf.json.gz").read_bytes()
    except FileNotFoundError:
        return {}
    table = json.loads(gzip.decompress(data))
    n = float(table["documents"])
    return {t: math.log(1.0 + n / (1.0 + df)) for t, df in table["df"].items()}


def idf_from_texts(texts: Iterable[str]) -> dict[str, float]:
    """An IDF table from a collection of texts (one document each)."""
    df: Counter[str] = Counter()
    n = 0
    for text in texts:
        n += 1
        df.update({canonical(t) for t in terms(text)})
    return {t: math.log(1.0 + n / (1.0 + c)) for t, c in df.items()}


# --------------------------------------------------------------------------- scoring


@dataclass(frozen=True, slots=True)
class _Unit:
    text: str
    section: str
    terms: frozenset[str]


def _prefix_match(term: str, vocabulary: frozenset[str]) -> bool:
    """A term sharing a long stem prefix with a vocabulary term ("metastasi"/"metastat")."""
    if len(term) < _PREFIX_MIN + 1:
        return False
    heads = _heads(vocabulary)
    candidates = heads.get(term[:_PREFIX_MIN])
    if not candidates:
        return False
    return any(
        v != term
        and len(_common_prefix(term, v)) >= max(_PREFIX_MIN, 0.75 * min(len(v), len(term)))
        for v in candidates
    )


@lru_cache(maxsize=4096)
def _heads(vocabulary: frozenset[str]) -> dict[str, tuple[str, ...]]:
    heads: dict[str, list[str]] = {}
    for v in vocabulary:
        if len(v) >= _PREFIX_MIN:
            heads.setdefault(v[:_PREFIX_MIN], []).append(v)
    return {k: tuple(vs) for k, vs in heads.items()}


def _common_prefix(a: str, b: str) -> str:
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    return a[:i]


class SupportScorer:
    """Scores claims against works. Pass ``idf`` to use another background collection."""

    def __init__(
        self,
        idf: Mapping[str, float] | None = None,
        *,
        threshold: float = DEFAULT_THRESHOLD,
        sentence_weight: float = SENTENCE_WEIGHT,
    ) -> None:
        self.idf = dict(default_idf() if idf is None else idf)
        self.max_idf = max(self.idf.values(), default=1.0)
        self.threshold = threshold
        self.sentence_weight = sentence_weight
        self._units: dict[tuple[str, str, str], list[_Unit]] = {}

    def weight(self, term: str) -> float:
        """idf squared: the claim's and the record's TF-IDF vectors both carry the idf, so
        their dot product weighs each shared term by idf**2 (normalised by the claim's own)."""
        value = self.idf.get(term, self.max_idf)
        return value * value

    @staticmethod
    def _terms(text: str) -> frozenset[str]:
        return frozenset(canonical(t) for t in terms(text))

    @staticmethod
    def _augment(vocabulary: frozenset[str], defined: Mapping[str, list[str]]) -> frozenset[str]:
        """Acronyms both ways: a text with "EBV" also has "Epstein-Barr virus", and one with
        all the words of "Epstein-Barr virus" also has "EBV"."""
        extra: set[str] = set()
        for key, long_form in defined.items():
            long_terms = {canonical(t) for t in long_form}
            if canonical(key) in vocabulary:
                extra |= long_terms
            elif long_terms and long_terms <= vocabulary:
                extra.add(canonical(key))
        return vocabulary | extra if extra - vocabulary else vocabulary

    def units(self, work: Work) -> list[_Unit]:
        """The record's text units: its title and its abstract sentences (cached per record)."""
        key = (work.id, str(work.csl.get("title") or ""), work.abstract_text)
        cached = self._units.get(key)
        if cached is None:
            if len(self._units) > 1024:
                self._units.clear()
            cached = self._units[key] = self._make_units(work)
        return cached

    def _make_units(self, work: Work) -> list[_Unit]:
        out: list[_Unit] = []
        title = str(work.csl.get("title") or "")
        if title:
            out.append(_Unit(title, "title", self._terms(title)))
        for section in work.abstract:
            for sentence in sentences(section.text):
                out.append(_Unit(sentence, section.label or "abstract", self._terms(sentence)))
        return out

    def score(self, claim: str, work: Work) -> SupportResult:
        if not work.abstract_text.strip():
            return SupportResult(SupportStatus.UNVERIFIABLE, None)
        units = self.units(work)
        defined = acronyms(f"{work.csl.get('title') or ''} {work.abstract_text} {claim}")
        mesh_terms = frozenset(canonical(t) for m in work.mesh for t in terms(m))
        everything = self._augment(
            frozenset().union(mesh_terms, *(u.terms for u in units)), defined
        )
        unit_terms = [self._augment(u.terms, defined) for u in units]
        parts = sentences(claim)
        claim_parts = [claim, *parts] if len(parts) > 1 else [claim]
        best_score, best_unit, best_part = 0.0, None, claim
        for part in claim_parts:
            query = self._terms(part)
            total = sum(self.weight(t) for t in query)
            if total <= 0:
                continue
            whole = self._coverage(query, everything, total)
            for unit, vocabulary in zip(units, unit_terms, strict=True):
                cov = self._coverage(query, vocabulary, total)
                mixed = self.sentence_weight * cov + (1 - self.sentence_weight) * whole
                if best_unit is None or mixed > best_score:
                    best_score, best_unit, best_part = mixed, unit, part
        matched, missing = self._explain(best_part, everything)
        score = max(0.0, min(1.0, best_score))
        status = SupportStatus.SUPPORTED if score >= self.threshold else SupportStatus.WEAK
        return SupportResult(
            status,
            score,
            best_unit.text if best_unit else None,
            best_unit.section if best_unit else None,
            tuple(matched),
            tuple(missing),
        )

    def _coverage(self, query: frozenset[str], vocabulary: frozenset[str], total: float) -> float:
        if total <= 0:
            return 0.0
        got = 0.0
        for term in query:
            if term in vocabulary:
                got += self.weight(term)
            elif _prefix_match(term, vocabulary):
                got += PREFIX_CREDIT * self.weight(term)
        return got / total

    def _explain(self, claim: str, vocabulary: frozenset[str]) -> tuple[list[str], list[str]]:
        matched: list[str] = []
        missing: list[str] = []
        seen: set[str] = set()
        for word in re.findall(r"[\w'-]+", claim):
            word_terms = self._terms(word)
            if not word_terms or word.lower() in seen:
                continue
            seen.add(word.lower())
            if any(t in vocabulary or _prefix_match(t, vocabulary) for t in word_terms):
                matched.append(word)
            else:
                missing.append(word)
        return matched, missing


def score_support(claim: str, work: Work, *, threshold: float = DEFAULT_THRESHOLD) -> SupportResult:
    """Support of ``claim`` by ``work`` with the default IDF table."""
    return SupportScorer(threshold=threshold).score(claim, work)


__all__ = [
    "DEFAULT_THRESHOLD",
    "SupportResult",
    "SupportScorer",
    "SupportStatus",
    "acronyms",
    "default_idf",
    "idf_from_texts",
    "score_support",
    "stem",
]
