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
4. The relevance mixes the best single sentence of the record (title or an abstract
   sentence; weight 0.5) with the coverage of the whole record (title + abstract + MeSH;
   weight 0.5). The claim is first cleaned of citation markers and markup.
5. The evidence sentence: the one holding the claim's most distinctive words (weighted also
   by how few of the record's sentences hold them) and its numbers, times the sentence's
   role (results and conclusions 1.0, background and aims 0.7, methods 0.6, the title 0.5).
6. The cues (``audit.cues``): the claim is read against the result and conclusion sentences
   (and the title) that share its words, for direction, negation and null results,
   comparisons, numbers and population.

Statuses: "unverifiable" (no abstract, no score), "related" (relevance below ``threshold``:
the record does not state the claim), "contradicted" (a conflicting cue pair; the score is
the relevance times 0.3), else "supported". ``bench/bench_support.py`` measures them on a
hand-written set of claims.
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

from refkeeper.audit.cues import (
    Conflict,
    Reading,
    compare,
    magnitude_conflicts,
    majority_conflicts,
    number_matches,
    population_conflicts,
    read,
)
from refkeeper.audit.text import clean_claim, fold, sentences, stem, terms
from refkeeper.models import Work

DEFAULT_THRESHOLD = 0.30
MIN_CANDIDATE = 0.1  # a sentence sharing less of the claim's weight is not read for cues
CANDIDATE_SHARE = 0.2  # nor one sharing less than this share of the best sentence's
MAX_CANDIDATES = 10  # the result and conclusion sentences read, best-covered first
CONTRADICTED_FACTOR = 0.3  # a contradicted claim's score: its relevance times this
FINDING_WEIGHT = 0.85  # sentences read for cues: results, conclusions (and the title)
NUMBER_BONUS = 0.15  # evidence: per claim number the sentence states
AGREEMENT_BONUS = 0.1  # evidence: a sentence whose cues agree with the claim's
AGREEMENT_WEIGHT = 1.0  # an agreeing cue pair, against a conflicting one
DOUBT_FACTOR = 0.5  # a supported score loses this times the share of conflicting cue pairs
"""Below this relevance a cited record is only related to the claim (calibrated on the tuning
records of bench/bench_support.py: about 5% of faithful paraphrases fall below it)."""

SENTENCE_WEIGHT = 0.5
PREFIX_CREDIT = 0.6
_PREFIX_MIN = 6


class SupportStatus(StrEnum):
    SUPPORTED = "supported"  # an abstract sentence states the claim's finding
    CONTRADICTED = "contradicted"  # a sentence states the opposite (see ``conflicts``)
    RELATED = "related"  # on topic, but no sentence states the finding
    UNVERIFIABLE = "unverifiable"  # the record has no abstract


@dataclass(frozen=True, slots=True)
class SupportResult:
    """The support of one claim by one work."""

    status: SupportStatus
    score: float | None
    evidence: str | None = None
    evidence_section: str | None = None  # "title", an abstract label, or "abstract"
    matched: tuple[str, ...] = ()  # claim words found in the record
    missing: tuple[str, ...] = ()  # claim words not found
    conflicts: tuple[Conflict, ...] = ()  # for "contradicted": the cue pairs that disagree
    absent_numbers: tuple[str, ...] = ()  # numbers of the claim stated nowhere in the record
    hedged: tuple[str, ...] = ()  # hedges of the evidence the claim does not carry
    relevance: float | None = None  # the lexical score before the cues are read

    @property
    def conflict(self) -> str | None:
        """The first conflicting cue pair, as "claim: increased; source: decreased"."""
        return str(self.conflicts[0]) if self.conflicts else None

    def to_json(self) -> dict[str, Any]:
        return {
            "status": str(self.status),
            "score": None if self.score is None else round(self.score, 4),
            "evidence": self.evidence,
            "evidence_section": self.evidence_section,
            "conflict": self.conflict,
            "conflicts": [
                {"kind": c.family, "claim": c.claim, "source": c.source} for c in self.conflicts
            ],
            "absent_numbers": list(self.absent_numbers),
            "hedged": list(self.hedged),
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
    "death mortality die died fatal",
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
    "risk odds hazard chance likelihood probability",
    "symptom sign",
    "conventional traditional standard usual",
    "gi gastrointestinal",
    "tear tears laceration lacerations",
    "bleed bleeding hemorrhage",
    "sugar glucose glycemic",
    "doctor physician clinician",
    "belly abdomen abdominal",
    "fatal lethal",
    "pregnant pregnancy gestation gestational",
    "weight-loss bariatric",
    "fever pyrexia",
    "job employment employed",
    "mouse mice murine",
    "baby infant",
    "efficacy effective effectiveness",
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
    weight: float = 1.0  # how likely the unit states a finding (see ``role_weight``)


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


@dataclass(frozen=True, slots=True)
class _Reading:
    conflicts: list[Conflict]
    contradicted: bool
    by_unit: dict[int, list[Conflict]]
    absent: list[str]
    bonus: dict[int, float]  # evidence bonus of the sentences whose cues agree with the claim
    doubt: float = 0.0  # the coverage-weighted share of conflicting cue pairs


# --------------------------------------------------------------------------- roles

TITLE_WEIGHT = 0.5
_RESULT_LABEL = re.compile(
    r"RESULT|FINDING|CONCLUSION|INTERPRETATION|SIGNIFICANCE|DISCUSSION|OUTCOME|SUMMARY", re.I
)
_BACKGROUND_LABEL = re.compile(
    r"BACKGROUND|INTRODUCTION|CONTEXT|RATIONALE|PURPOSE|OBJECTIVE|AIM|HYPOTHES|IMPORTANCE", re.I
)
_METHOD_LABEL = re.compile(
    r"METHOD|DESIGN|SETTING|PARTICIPANT|MATERIAL|MEASURE|INTERVENTION|PATIENTS|SUBJECTS"
    r"|REGISTRATION|LEVEL OF EVIDENCE|FUNDING|EXPOSURE",
    re.I,
)
_AIM_CUES = re.compile(
    r"\b(?:we aimed|the aim|aims? (?:to|of|was)|objective|purpose|this study (?:was|is) "
    r"(?:designed|to)|we (?:investigated|examined|evaluated|assessed|explored) whether"
    r"|(?:was|is) to (?:evaluate|investigate|assess|determine|examine|explore|compare|identify)"
    r"|here,? we (?:investigate|examine|review|describe|present|discuss|propose))\b",
    re.I,
)
_METHOD_CUES = re.compile(
    r"\b(?:were (?:recruited|included|enrolled|randomi[sz]ed|measured|analy[sz]ed|collected|"
    r"obtained|assessed|evaluated|exposed|treated|divided|reviewed|selected|compared|tested)"
    r"|was (?:performed|conducted|used|measured|calculated|obtained|determined|administered)"
    r"|we (?:used|conducted|performed|recruited|enrolled|searched|analy[sz]ed|collected)"
    r"|(?:retrospective|prospective|cross-sectional) (?:study|review|cohort|analysis)"
    r"|data (?:were|was) "
    r"|(?:is|are|was|were) (?:proposed|used|applied|implemented|described|developed|designed)"
    r"|this (?:paper|article|review|report)|in this (?:paper|article|review|study))",
    re.I,
)
_STUDY_VERB = re.compile(r"\bwe (?:investigated|examined|studied|explored|analy[sz]ed)\b", re.I)
_RESULT_CUES = re.compile(
    r"\b(?:we (?:found|show|showed|demonstrate|demonstrated|observed|report|identified|"
    r"conclude)|(?:results?|findings|data|analys[ie]s) (?:show|showed|suggest|suggested|"
    r"indicate|indicated|reveal|revealed|demonstrate|demonstrated|confirm|confirmed)"
    r"|in conclusion|(?:was|were) (?:significantly|associated|correlated|higher|lower|"
    r"greater|more|less|not|similar|found)|significant(?:ly)?|p\s*[<=>≤]|"
    r"odds ratio|hazard ratio|95%)",
    re.I,
)


def role_weight(label: str | None, sentence: str, index: int, count: int, labelled: bool) -> float:
    """How likely an abstract sentence states a finding: results and conclusions 1.0,
    background and aims 0.7, methods 0.6, by its structured-abstract label, else by its cue
    words and position (the first sentence of an unlabelled abstract is background)."""
    if label:
        if _RESULT_LABEL.search(label):
            return 1.0
        if _BACKGROUND_LABEL.search(label) and not _METHOD_LABEL.search(label):
            return 0.7
        if _METHOD_LABEL.search(label):
            return 0.6
    if _AIM_CUES.search(sentence):
        return 0.7
    if _METHOD_CUES.search(sentence) and not _RESULT_CUES.search(sentence):
        return 0.65
    if _STUDY_VERB.search(sentence) and not _RESULT_CUES.search(sentence):
        return 0.7  # "We investigated the genomics of ...": what was studied, not found
    if _RESULT_CUES.search(sentence):
        return 1.0
    if labelled and label:
        return 0.85
    if count > 2 and index == 0:
        return 0.7
    if index >= count - 2:
        return 0.95
    return 0.9


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
            out.append(_Unit(title, "title", self._terms(title), TITLE_WEIGHT))
        texts = [
            (section.label, sentence)
            for section in work.abstract
            for sentence in sentences(section.text)
        ]
        labelled = any(label for label, _ in texts)
        for i, (label, sentence) in enumerate(texts):
            weight = role_weight(label, sentence, i, len(texts), labelled)
            out.append(_Unit(sentence, label or "abstract", self._terms(sentence), weight))
        return out

    def score(self, claim: str, work: Work) -> SupportResult:
        """The support of ``claim`` (citation markers and markup are removed first) by ``work``:
        the lexical relevance of the record, the best evidence sentence (results and
        conclusions before background and methods, the title last), and what the claim's
        cues say against the sentences that share its words."""
        if not work.abstract_text.strip():
            return SupportResult(SupportStatus.UNVERIFIABLE, None)
        claim = clean_claim(claim) or claim
        units = self.units(work)
        title = str(work.csl.get("title") or "")
        defined = acronyms(f"{title} {work.abstract_text} {claim}")
        mesh_terms = frozenset(canonical(t) for m in work.mesh for t in terms(m))
        everything = self._augment(
            frozenset().union(mesh_terms, *(u.terms for u in units)), defined
        )
        unit_terms = [self._augment(u.terms, defined) for u in units]
        parts = sentences(claim)
        claim_parts = [claim, *parts] if len(parts) > 1 else [claim]
        best_score, best_part = 0.0, claim
        coverage: list[float] = [0.0] * len(units)
        for part in claim_parts:
            query = self._terms(part)
            total = sum(self.weight(t) for t in query)
            if total <= 0:
                continue
            whole = self._coverage(query, everything, total)
            for k, vocabulary in enumerate(unit_terms):
                cov = self._coverage(query, vocabulary, total)
                coverage[k] = max(coverage[k], cov)
                mixed = self.sentence_weight * cov + (1 - self.sentence_weight) * whole
                if mixed > best_score:
                    best_score, best_part = mixed, part
        relevance = max(0.0, min(1.0, best_score))
        matched, missing = self._explain(best_part, everything)
        if not units:
            return SupportResult(SupportStatus.RELATED, relevance, relevance=relevance)
        mine = read(claim, canonical)
        readings = [read(u.text, canonical) for u in units]
        focus = self._focus(self._terms(claim), unit_terms, mine, readings)
        top = max(coverage)
        candidates = [
            k
            for k in sorted(range(len(units)), key=lambda k: coverage[k], reverse=True)[
                :MAX_CANDIDATES
            ]
            if coverage[k] >= max(MIN_CANDIDATE, CANDIDATE_SHARE * top)
            and (units[k].weight >= FINDING_WEIGHT or units[k].section == "title")
        ]
        reading = self._read_against(claim, mine, work, readings, candidates, coverage)
        # the evidence: the sentence sharing the claim's most distinctive words, weighted by
        # how likely its role (results, conclusions) makes it a statement of a finding
        evidence = max(
            range(len(units)),
            key=lambda k: (focus[k] * units[k].weight + reading.bonus.get(k, 0.0), coverage[k]),
        )
        if relevance < self.threshold:
            status, score = SupportStatus.RELATED, relevance
        elif reading.contradicted:
            status, score = SupportStatus.CONTRADICTED, relevance * CONTRADICTED_FACTOR
            evidence = next((k for k in candidates if reading.by_unit.get(k)), evidence)
        else:
            status, score = SupportStatus.SUPPORTED, relevance * (1 - DOUBT_FACTOR * reading.doubt)
        unit = units[evidence]
        hedged: tuple[str, ...] = ()
        if not mine.hedges:
            hedged = tuple(dict.fromkeys(readings[evidence].hedges))
        return SupportResult(
            status,
            score,
            unit.text,
            unit.section,
            tuple(matched),
            tuple(missing),
            tuple(reading.conflicts) if status == SupportStatus.CONTRADICTED else (),
            tuple(reading.absent),
            hedged,
            relevance,
        )

    def _focus(
        self,
        query: frozenset[str],
        unit_terms: list[frozenset[str]],
        mine: Reading,
        readings: list[Reading],
    ) -> list[float]:
        """Per unit, the share of the claim's weight it holds when each claim term is also
        weighted by how few of the record's units contain it (the record's topic words,
        in every sentence, tell no sentence apart), plus the claim's numbers it states."""
        n = len(unit_terms)
        local = {t: math.log(1.0 + n / (1.0 + sum(1 for v in unit_terms if t in v))) for t in query}
        total = sum(self.weight(t) * local[t] for t in query) or 1.0
        out: list[float] = []
        for vocabulary, theirs in zip(unit_terms, readings, strict=True):
            got = sum(self.weight(t) * local[t] for t in query if t in vocabulary)
            pool = [x.value for x in theirs.numbers]
            hits = sum(1 for v in mine.numbers if number_matches(v.value, pool, v.bound))
            out.append(got / total + NUMBER_BONUS * hits)
        return out

    def _read_against(
        self,
        claim: str,
        mine: Reading,
        work: Work,
        readings: list[Reading],
        candidates: list[int],
        coverage: list[float],
    ) -> _Reading:
        """The claim's cues read against the candidate sentences: a sentence contradicts the
        claim when its conflicting cue pairs outnumber the agreeing ones, supports it when the
        agreeing ones do; the claim is contradicted when a candidate contradicts it and none
        supports it, or on a strong conflict (a number the record never states where the
        sentence states another in the same unit, a population the record never mentions, a
        comparison the other way round)."""
        title = str(work.csl.get("title") or "")
        whole = read(f"{title}\n{work.abstract_text}", canonical)
        found: list[Conflict] = []
        by_unit: dict[int, list[Conflict]] = {}
        bonus: dict[int, float] = {}
        balance = 0.0
        against = pro = 0.0
        strong = False
        seen: set[tuple[str, str, str]] = set()
        for k in candidates:
            conflicts, agreeing = compare(mine, readings[k], whole.phrases)
            conflicts += majority_conflicts(claim, readings[k])  # "most" against 13%, 7%
            by_unit[k] = conflicts
            balance += coverage[k] * (AGREEMENT_WEIGHT * agreeing - len(conflicts))
            against += coverage[k] * len(conflicts)
            pro += coverage[k] * agreeing
            if agreeing > len(conflicts):
                bonus[k] = AGREEMENT_BONUS
            strong = strong or any(c.source.endswith("(the other way round)") for c in conflicts)
            for conflict in conflicts:
                key = (conflict.family, conflict.claim, conflict.source)
                if key not in seen:
                    seen.add(key)
                    found.append(conflict)
        numeric, absent = magnitude_conflicts(mine, whole)
        population = population_conflicts(mine, whole)
        found += numeric + population
        contradicted = bool(numeric or population) or strong or (bool(found) and balance < 0)
        doubt = against / (against + pro + 0.5) if against else 0.0
        return _Reading(found, contradicted, by_unit, absent, bonus, doubt)

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
