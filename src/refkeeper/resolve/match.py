"""Verification: how well does a candidate record fit a reference as written? Pure functions.

Every candidate, whatever found it (an identifier, ECitMatch, a search), is scored field by
field against the reference's CSL fields: title similarity (rapidfuzz), first author, author
count, year, journal (abbreviation or full title), volume, first page, and for books the
edition. A record is accepted only when its score clears :data:`ACCEPT` with a clear
:data:`MARGIN` over the runner-up *and* it passes hard checks (a title that is really the same,
years within one, the same first author, the same edition). Otherwise the reference is
ambiguous (candidates and scores kept) or not found. A wrong PMID is worse than none.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz

from refkeeper.align import ABSENT, align, reference_text, title_written, words_of
from refkeeper.bibfields import edition_number, year_of
from refkeeper.models import Candidate, CSLItem, Status, Work
from refkeeper.textfold import spell_out, strip_accents

ACCEPT = 0.80
"""Minimum weighted score for a record to be accepted."""
MARGIN = 0.10
"""Minimum lead of the accepted record over the runner-up."""
CONSIDER = 0.55
"""Below this a candidate is not worth showing as a possible answer."""

WEIGHTS: dict[str, float] = {
    "identifier": 3.0,
    "title": 4.0,
    "first_author": 2.0,
    "authors": 1.0,
    "author_count": 0.5,
    "year": 1.5,
    "journal": 1.5,
    "volume": 1.0,
    "issue": 0.5,
    "page": 1.5,
    "edition": 2.0,
}

_STOPWORDS = frozenset(
    "a an and the of in on for to with by at from de des der die und la le les et".split()
)


# ---------------------------------------------------------------------- normalisation


def norm_text(value: object) -> str:
    """Lower case, accents folded, markup and punctuation to spaces, collapsed."""
    text = str(value or "")
    text = re.sub(r"<[^>]+>", " ", text)
    text = spell_out(strip_accents(text))
    text = re.sub(r"[^0-9a-z]+", " ", text.lower())
    return " ".join(text.split())


def first_page(value: object, *, keep_zeros: bool = False) -> str:
    """``'1481-1489'`` -> ``'1481'``; ``'e0123'`` -> ``'e0123'``; ``'S12-4'`` -> ``'s12'``;
    leading zeros dropped (``'010501'`` -> ``'10501'``) unless ``keep_zeros``."""
    text = str(value or "").strip().lower()
    text = re.split(r"\s*[-\u2010-\u2015,;:]\s*", text, maxsplit=1)[0]
    text = re.sub(r"^(?:pp?\.?\s*)", "", text)
    return text if keep_zeros else (text.lstrip("0") or text)


def _names(item: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    for role in ("author", "editor"):
        names = item.get(role)
        if isinstance(names, list) and names:
            return [n for n in names if isinstance(n, Mapping)]
    return []


def _initials(name: Mapping[str, Any]) -> str:
    given = str(name.get("given") or "")
    if re.fullmatch(r"[A-Z]{1,4}", given.replace(".", "").replace(" ", "")):
        return given.replace(".", "").replace(" ", "").lower()
    return "".join(part[0] for part in re.split(r"[\s.\-]+", norm_text(given)) if part)


# ---------------------------------------------------------------------- field similarity


def title_similarity(a: object, b: object) -> float:
    """0..1. A reference may drop a subtitle, or cite a translated title in brackets."""
    x, y = norm_text(a), norm_text(b)
    if not x or not y:
        return 0.0
    if x == y:
        return 1.0
    best = fuzz.ratio(x, y) / 100
    shorter, longer = (x, y) if len(x) <= len(y) else (y, x)
    if len(shorter.split()) >= 4 and len(shorter) >= 0.5 * len(longer):
        # a subtitle left out (or added): the shorter title starts the longer one
        best = max(best, 0.92 * fuzz.ratio(shorter, longer[: len(shorter)]) / 100)
        best = max(best, 0.9 * fuzz.token_set_ratio(x, y) / 100)
    return best


def journal_abbreviates(abbrev: str, full: str) -> bool:
    """Does ``abbrev`` ("am j surg pathol") abbreviate ``full`` ("the american journal of
    surgical pathology")? Each abbreviated word is a prefix of the next significant word."""
    short = abbrev.split()
    words = [w for w in full.split() if w not in _STOPWORDS]
    if not short or len(short) != len(words):
        return False
    return all(w.startswith(s) for s, w in zip(short, words, strict=True))


# ---------------------------------------------------------------------- scoring


@dataclass(frozen=True, slots=True)
class Score:
    """A candidate scored against a reference: the weighted score and each field's agreement."""

    work: Work
    score: float
    fields: Mapping[str, float]
    blockers: tuple[str, ...] = ()

    def candidate(self) -> Candidate:
        return Candidate(self.work.id, self.score, dict(self.fields), label_of(self.work))


def label_of(work: Work) -> str:
    csl = work.csl
    names = _names(csl)
    first = ""
    if names:
        n = names[0]
        first = str(n.get("family") or n.get("literal") or "")
        initials = _initials(n).upper()
        if n.get("family") and initials:
            first += f" {initials}"
    parts = [first, str(year_of(csl) or "")]
    journal = work.journal_iso or csl.get("container-title-short") or csl.get("container-title")
    if journal:
        parts.append(str(journal))
    elif csl.get("title"):
        parts.append(str(csl["title"])[:60])
    where = str(csl.get("volume") or "")
    if csl.get("page"):
        where += f":{first_page(csl['page'])}" if where else first_page(csl["page"])
    parts.append(where)
    return " ".join(p for p in parts if p)


def _arxiv_base(value: object) -> str | None:
    """An arXiv id without its version (``2101.00001v2`` -> ``2101.00001``)."""
    return re.sub(r"v\d+$", "", str(value).strip()) if value else None


def _identifier_agreement(ref: Mapping[str, Any], work: Work) -> float | None:
    pairs = (
        (ref.get("PMID"), work.pmid),
        (ref.get("DOI"), work.doi),
        (ref.get("PMCID"), work.pmcid),
        (ref.get("ISBN"), work.isbn),
        (_arxiv_base(ref.get("arXiv")), _arxiv_base(work.csl.get("arXiv"))),
    )
    result: float | None = None
    for mine, theirs in pairs:
        if mine and theirs:
            if str(mine).strip().lower() == str(theirs).strip().lower():
                return 1.0
            result = 0.0
    return result


def _quick_overlap(text: str, work: Work) -> bool:
    """Worth aligning: some of the record's title words, or its first author and a number,
    are in the reference at all (most candidates of a batched search are not)."""
    words = set(words_of(text))
    title = [w for w in words_of(work.csl.get("title")) if len(w) > 3]
    if title and sum(w in words for w in title) >= max(1, 0.3 * len(title)):
        return True
    names = _names(work.csl)
    family = words_of(names[0].get("family") or names[0].get("literal")) if names else []
    numbers = {str(work.csl.get(k) or "").split("-")[0] for k in ("volume", "page")}
    return bool(family) and family[-1] in words and bool(numbers & words)


def score_candidate(ref: CSLItem, work: Work) -> Score:
    """Score one candidate record against a reference. Pure.

    The reference's text (``_raw``, or its fields rendered) is aligned with the record
    (:func:`refkeeper.align.align`); parsed fields only help where the text is unclear."""
    fields: dict[str, float] = {}
    blockers: list[str] = []
    ident = _identifier_agreement(ref, work)
    if ident is not None:
        fields["identifier"] = ident
    text = reference_text(ref)
    if not text or (ident is None and not _quick_overlap(text, work)):
        if text and work.csl.get("title"):
            fields["title"] = 0.0
            blockers.append("title differs (0.00)")
        score = (
            sum(WEIGHTS[k] * v for k, v in fields.items())
            / max(sum(WEIGHTS[k] for k in fields), 1e-9)
            if fields
            else 0.0
        )
        return Score(work, score, fields, tuple(blockers))
    al = align(text, work, ref)
    csl = work.csl
    title_sim: float | None = None
    if al.title is not None and title_written(al, text):
        title_sim = al.title.similarity
        if ref.get("title") and csl.get("title"):
            title_sim = max(title_sim, title_similarity(ref["title"], csl["title"]))
        fields["title"] = title_sim
    if al.first_author is not None:
        fields["first_author"] = al.first_author
    if al.authors_share is not None:
        fields["authors"] = al.authors_share
        if al.authors and not al.authors[0].initials_ok:
            fields["first_author"] = fields.get("first_author", 0.0) * 0.8
        written = sum(1 for a in al.authors if a.position is not None) + len(al.unmatched_names)
        if not al.et_al and written > 1:
            diff = abs(written - len(al.authors))
            fields["author_count"] = 1.0 if diff == 0 else 0.5 if diff == 1 else 0.0
        elif written > len(al.authors):
            fields["author_count"] = 0.0
    for name, match in (
        ("year", al.year),
        ("journal", al.journal if work.source == "pubmed" else ABSENT),
        ("volume", al.volume),
        ("issue", al.issue),
        ("page", al.page),
    ):
        if match.agree is not None:
            fields[name] = match.agree
    re_, ce = edition_number(ref.get("edition")), edition_number(csl.get("edition"))
    if re_ and ce:
        fields["edition"] = 1.0 if re_ == ce else 0.0

    total = sum(WEIGHTS[k] for k in fields)
    score = sum(WEIGHTS[k] * v for k, v in fields.items()) / total if total else 0.0

    if fields.get("identifier") == 1.0:
        # the identifier decides unless the rest contradicts it (a mistyped PMID/DOI)
        others = sum(
            1 for k in ("first_author", "year", "journal", "volume", "page") if fields.get(k) == 0
        )
        title = fields.get("title", 1.0)
        if (title < 0.5 and fields.get("first_author", 0) < 0.8) or (title < 0.8 and others >= 2):
            blockers.append("the identifier's record has a different title")
        return Score(work, score, fields, tuple(blockers))
    if fields.get("identifier") == 0.0:
        blockers.append("the reference's identifier belongs to another record")
    if fields.get("edition") == 0.0:
        blockers.append("edition differs")
    # Disagreements: one is a citation error, two are another work.
    differ: list[str] = []
    if "title" in fields:
        if fields["title"] < 0.8:
            blockers.append(f"title differs ({fields['title']:.2f})")
        elif al.title is not None and (al.title.distinct or fields["title"] < 0.9):
            differ.append(f"title words differ ({fields['title']:.2f})")
    elif not all(fields.get(k, 0.0) >= 0.9 for k in ("first_author", "year", "volume", "page")):
        blockers.append("no title to compare and the citation fields do not all agree")
    if fields.get("first_author") == 0.0:
        differ.append("first author differs")
    if "year" in fields and fields["year"] < 1.0:
        differ.append(f"year differs ({al.year.written} vs {al.year.record})")
    if fields.get("journal") == 0.0:
        differ.append("journal differs")
    if fields.get("volume") == 0.0:
        differ.append("volume differs")
    if fields.get("page") == 0.0:
        differ.append("first page differs")
    if fields.get("issue") == 0.0 and differ:
        differ.append("issue differs")
    agreeing = sum(
        1
        for k in ("first_author", "year", "journal", "volume", "page")
        if fields.get(k, 0.0) >= (0.7 if k == "journal" else 0.8)
    )
    # the whole title word for word is strong evidence by itself
    exact_title = fields.get("title") == 1.0 and len(words_of(csl.get("title"))) >= 5
    if len(differ) >= 2:
        blockers.extend(differ)
    elif differ and (agreeing < (2 if exact_title else 3) or fields.get("title", 1.0) < 0.9):
        blockers.extend(differ)
        blockers.append("too few other fields agree")
    elif not differ and "title" in fields and agreeing == 0 and fields.get("authors", 0) < 0.5:
        blockers.append("neither first author nor year agrees")
    return Score(work, score, fields, tuple(blockers))


@dataclass(frozen=True, slots=True)
class Decision:
    status: Status
    best: Score | None
    candidates: tuple[Candidate, ...] = ()
    reason: str = ""
    scores: tuple[Score, ...] = field(default=())


def decide(ref: CSLItem, works: Sequence[Work]) -> Decision:
    """Score every candidate and decide: accepted, ambiguous (with scores) or not found."""
    unique = {w.id: w for w in works}
    scores = sorted(
        (score_candidate(ref, w) for w in unique.values()),
        key=lambda s: (-s.score, s.work.id),
    )
    shown = tuple(s.candidate() for s in scores if s.score >= CONSIDER)[:5]
    if not scores:
        return Decision(Status.NOT_FOUND, None, (), "no candidate record found")
    best = scores[0]
    runner = scores[1] if len(scores) > 1 else None
    margin = best.score - (runner.score if runner else 0.0)
    by_identifier = best.fields.get("identifier") == 1.0
    if (best.score >= ACCEPT or by_identifier) and not best.blockers and margin >= MARGIN:
        return Decision(Status.RESOLVED, best, shown or (best.candidate(),), "", tuple(scores))
    if best.score >= ACCEPT and not best.blockers and runner is not None:
        reason = (
            f"two records fit almost equally: {best.work.id} ({best.score:.2f}) and "
            f"{runner.work.id} ({runner.score:.2f})"
        )
        return Decision(Status.AMBIGUOUS, None, shown, reason, tuple(scores))
    if shown:
        why = "; ".join(best.blockers) or f"score {best.score:.2f} below {ACCEPT:.2f}"
        reason = f"best candidate {best.work.id} not accepted: {why}"
        return Decision(Status.AMBIGUOUS, None, shown, reason, tuple(scores))
    reason = (
        f"{len(scores)} candidate record(s) considered, none fits "
        f"(best {best.work.id} scored {best.score:.2f})"
    )
    return Decision(Status.NOT_FOUND, None, (), reason, tuple(scores))
