"""Record-guided alignment: where does a reference, as written, say what a record says? Pure.

A reference string is read *with* a candidate record in hand instead of blindly: the record's
title is located in the text by a word-level local alignment (misspelt, dropped, added or
changed words allowed), its authors' surnames are looked up in the text before the title (in
any order, initials on either side), its journal names (full title, ISO abbreviation, any
abbreviation of it, a misspelt or shortened form) after it, and its year, volume, issue and
pages among the numbers that are left. Each field comes back as agreeing, disagreeing (with
what the reference says there instead) or not written. Parsed fields only help find what the
reference says where it disagrees; they never decide agreement, so a parse error can neither
lose a match nor invent a citation error.

Used by verification (``refkeeper.resolve.match``) and by the citation-error audit
(``refkeeper.audit.compare``): one reading of the reference for both.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz

from refkeeper.bibfields import MONTHS, year_of
from refkeeper.models import CSLItem, Work
from refkeeper.textfold import americanise, fold

# --------------------------------------------------------------------------- tokens


@dataclass(frozen=True, slots=True)
class Token:
    """A word or number of the reference: as written, folded, and where."""

    text: str
    norm: str
    start: int
    end: int

    @property
    def is_number(self) -> bool:
        return self.norm.isdigit()


_MASK = re.compile(
    r"<[^>]{1,80}>"  # markup
    r"|(?:https?://|www\.)\S+"  # links
    r"|\bdoi\s*:?\s*10\.\d{4,9}/\S+|\b10\.\d{4,9}/\S+"  # DOIs
    r"|\bPMID\s*:?\s*\d+|\bPMCID\s*:?\s*PMC\d+|\bPMC\d{3,9}\b"  # PubMed ids
    r"|\bISBN(?:-1[03])?\s*:?\s*[\dXx\- ]{10,17}",
    re.IGNORECASE,
)
_TOKEN = re.compile(r"[^\W_]+|&")


def _norm(word: str) -> str:
    if word == "&":
        return "and"
    return americanise(re.sub(r"[^a-z0-9]", "", fold(word)))


@lru_cache(maxsize=4096)
def tokenize(raw: str) -> tuple[Token, ...]:
    """The words and numbers of a reference string, identifiers, links and markup left out."""
    masked = _MASK.sub(lambda m: " " * len(m.group(0)), raw)
    out = []
    for m in _TOKEN.finditer(masked):
        norm = _norm(m.group(0))
        if norm:
            out.append(Token(m.group(0), norm, m.start(), m.end()))
    return tuple(out)


def words_of(text: object) -> list[str]:
    """Folded words of a field value, split as reference text is."""
    return [t.norm for t in tokenize(str(text or ""))]


# --------------------------------------------------------------------------- results


@dataclass(frozen=True, slots=True)
class TitleMatch:
    """The record's title located in the reference: similarity 0..1 and the differences."""

    similarity: float
    written: str  # the span of the reference aligned with the title ("" when not located)
    changes: tuple[tuple[str, str, str], ...] = ()  # (op, written words, record words)
    distinct: bool = False  # a content word or a number differs (another work, or an error)
    main_title_only: bool = False  # the reference gives the title without its subtitle
    start: int = 0  # token span [start, end) of the reference
    end: int = 0


@dataclass(frozen=True, slots=True)
class AuthorMatch:
    """One author of the record and where the reference names them."""

    index: int  # position in the record's list
    shown: str  # the record's name, as a person writes it: "Timmons CF"
    position: int | None = None  # token index of the surname in the reference
    exact: bool = False
    written: str = ""  # the surname as written there
    initials_ok: bool = True
    written_initials: str = ""


@dataclass(frozen=True, slots=True)
class FieldMatch:
    """One field: ``agree`` is 1.0 (the record's value is written), a partial agreement, 0.0
    (the reference writes something else: ``written``) or None (the reference gives none)."""

    agree: float | None
    written: str | None = None
    record: str | None = None


ABSENT = FieldMatch(None)


@dataclass(frozen=True, slots=True)
class Alignment:
    """A reference aligned with one record, field by field."""

    title: TitleMatch | None  # None: the reference writes no title (or the record has none)
    authors: tuple[AuthorMatch, ...]
    author_region: bool  # the reference has names before the title
    first_author: float | None  # 1 right, 0.9 written but not first, 0.8 misspelt, 0 absent
    authors_share: float | None  # share of the record's first authors found
    et_al: bool
    unmatched_names: tuple[str, ...]  # surnames written that are not the record's
    journal: FieldMatch = ABSENT
    year: FieldMatch = ABSENT
    volume: FieldMatch = ABSENT
    issue: FieldMatch = ABSENT
    page: FieldMatch = ABSENT  # first page
    last_page: FieldMatch = ABSENT
    page_written: str | None = None  # the page range as written
    identifiers: Mapping[str, FieldMatch] = field(default_factory=dict)
    ellipsis: bool = False  # the list is cut in the middle ("A, B, ... Z")


# --------------------------------------------------------------------------- title


_STOP = frozenset(
    "a an and the of in on for to with by at from as or is are de des der die und la le les "
    "et du del".split()
)
_ROMAN = re.compile(r"^(?:i{1,3}|iv|v|vi{1,3}|ix|x)$")


def _similar_words(a: str, b: str) -> bool:
    """A misspelling: same length give or take two, a ratio of 75 or more."""
    return (
        len(a) >= 4
        and len(b) >= 4
        and abs(len(a) - len(b)) <= 2
        and (a[0] == b[0] or a[1:] == b[1:] or a[-3:] == b[-3:])
        and fuzz.ratio(a, b) >= 75
    )


def _distinctive(word: str) -> bool:
    """Words whose change makes another work: numbers, roman numerals, content words."""
    return word not in _STOP


def _boundary(raw: str, left: Token, right: Token) -> bool:
    """Punctuation (not a space or hyphen) separates two tokens."""
    gap = raw[left.end : right.start]
    return bool(re.sub(r"[\s\-\u2010-\u2015'’]", "", gap))


def align_title(raw: str, tokens: Sequence[Token], record_title: str) -> TitleMatch | None:
    """Smith-Waterman over words: +2 a word, +0.5 a misspelt word, -1 a change or gap."""
    rec = words_of(record_title)
    if not rec or not tokens:
        return None
    words = [t.norm for t in tokens]
    n, m = len(words), len(rec)
    rec_set = set(rec)
    if not rec_set & set(words) and not any(
        _similar_words(w, r) for w in set(words) for r in rec_set
    ):
        return TitleMatch(0.0, "")
    score = [[0.0] * (m + 1) for _ in range(n + 1)]
    move = [[0] * (m + 1) for _ in range(n + 1)]  # 1 diagonal, 2 raw word extra, 3 record word
    best, bi, bj = 0.0, 0, 0
    for i in range(1, n + 1):
        w = words[i - 1]
        row, prev = score[i], score[i - 1]
        mrow = move[i]
        for j in range(1, m + 1):
            r = rec[j - 1]
            if w == r:
                diag = prev[j - 1] + 2.0
            elif _similar_words(w, r):
                diag = prev[j - 1] + 0.5
            else:
                diag = prev[j - 1] - 1.0
            up = prev[j] - 1.0
            left = row[j - 1] - 1.0
            value, how = diag, 1
            if up > value:
                value, how = up, 2
            if left > value:
                value, how = left, 3
            if value <= 0:
                value, how = 0.0, 0
            row[j] = value
            mrow[j] = how
            if value > best:
                best, bi, bj = value, i, j
    if best <= 0:
        return TitleMatch(0.0, "")
    ops: list[tuple[str, int | None, int | None]] = []
    i, j = bi, bj
    while i > 0 and j > 0 and move[i][j]:
        how = move[i][j]
        if how == 1:
            w, r = words[i - 1], rec[j - 1]
            kind = "equal" if w == r else "misspelt" if _similar_words(w, r) else "changed"
            ops.append((kind, i - 1, j - 1))
            i, j = i - 1, j - 1
        elif how == 2:
            ops.append(("added", i - 1, None))
            i -= 1
        else:
            ops.append(("missing", None, j - 1))
            j -= 1
    ops.reverse()
    start, end = i, bi  # token span [start, end)
    # the record's words left over at either end: changed in place (no punctuation between
    # them and the aligned words) or not written
    head: list[tuple[str, int | None, int | None]] = []
    jj, ii = j, start
    while jj > 0:
        if ii > 0 and not _boundary(raw, tokens[ii - 1], tokens[ii]):
            kind = "misspelt" if _similar_words(words[ii - 1], rec[jj - 1]) else "changed"
            head.append((kind, ii - 1, jj - 1))
            ii -= 1
        else:
            head.append(("missing", None, jj - 1))
        jj -= 1
    head.reverse()
    start = ii
    tail: list[tuple[str, int | None, int | None]] = []
    jj, ii = bj, end
    while jj < m:
        if ii < n and not _boundary(raw, tokens[ii - 1], tokens[ii]):
            kind = "misspelt" if _similar_words(words[ii], rec[jj]) else "changed"
            tail.append((kind, ii, jj))
            ii += 1
        else:
            tail.append(("missing", None, jj))
        jj += 1
    end = ii
    ops = head + ops + tail
    exact = sum(1 for k, _, _ in ops if k == "equal")
    misspelt = sum(1 for k, _, _ in ops if k == "misspelt")
    span = end - start
    similarity = 2 * (exact + 0.8 * misspelt) / (m + span) if m + span else 0.0
    missing = [r for k, _, r in ops if k == "missing" and r is not None]
    main_only = False
    if missing and all(k == "equal" for k, _, _ in ops if k != "missing"):
        # a subtitle (or main title) the reference leaves out: the missing words are all at
        # one end, cut at the record title's own separator
        main = _main_title_words(record_title)
        if (
            main
            and ops[-len(missing) :]
            and all(k == "missing" for k, _, _ in ops[-len(missing) :])
        ):
            if rec[: m - len(missing)] == main:
                main_only = True
                similarity = max(similarity, 0.95)
    changes: list[tuple[str, str, str]] = []
    distinct = False
    for kind, wi, rj in _grouped(ops):
        if kind == "equal":
            continue
        written = " ".join(tokens[k].text for k in wi)
        record = " ".join(rec[k] for k in rj)
        changes.append((kind, written, record))
        if kind != "misspelt" and not main_only:
            affected = [words[k] for k in wi] + [rec[k] for k in rj]
            distinct = distinct or any(_distinctive(w) for w in affected)
    written_text = raw[tokens[start].start : tokens[end - 1].end] if end > start else ""
    return TitleMatch(similarity, written_text, tuple(changes), distinct, main_only, start, end)


def _grouped(
    ops: Sequence[tuple[str, int | None, int | None]],
) -> list[tuple[str, list[int], list[int]]]:
    """Runs of the same operation, with their written and record word indexes."""
    out: list[tuple[str, list[int], list[int]]] = []
    for kind, wi, rj in ops:
        if not out or out[-1][0] != kind:
            out.append((kind, [], []))
        if wi is not None:
            out[-1][1].append(wi)
        if rj is not None:
            out[-1][2].append(rj)
    return out


def _main_title_words(title: str) -> list[str]:
    for sep in (": ", ". ", "? ", " - ", " \u2013 "):
        if sep in title:
            return words_of(title.split(sep, 1)[0])
    return []


# --------------------------------------------------------------------------- authors


_NOT_NAMES = frozenset(
    "and et al eds ed editors editor jr sr ii iii iv 2nd 3rd md phd with by in".split()
)
_PARTICLES = frozenset(
    "de da di du del della der den des van von vande vanden vander le la lo ten ter dos das do "
    "al el st saint".split()
)


def initials_of(given: str) -> str:
    """ "Charles F" -> "cf", "C. F." -> "cf", "CF" -> "cf", "Jean-Pierre" -> "jp"."""
    out = []
    for part in re.split(r"[\s.\-]+", given.strip()):
        if not part:
            continue
        if part.isupper() and len(part) <= 3 and part.isalpha():
            out.append(part)
        else:
            out.append(part[0])
    return re.sub(r"[^a-z]", "", fold("".join(out)))


def _is_initials(token: Token) -> bool:
    """ "CF", "JR", "IMPLVO": initials written together (upper case, no vowel-word shape)."""
    text = token.text
    return text.isupper() and text.isalpha() and len(text) <= 6


def _token_initials(token: Token) -> str:
    return fold(token.text).lower() if _is_initials(token) else token.norm[:1]


def _record_people(csl: Mapping[str, Any]) -> list[tuple[list[str], str, str, str, str]]:
    """(family words, initials, literal, shown, initials of the capitalised given names) of
    the record's authors (or editors)."""
    people = csl.get("author") or csl.get("editor") or []
    out = []
    for person in people if isinstance(people, list) else []:
        if not isinstance(person, Mapping):
            continue
        literal = str(person.get("literal") or "")
        family = " ".join(
            str(person.get(k) or "") for k in ("non-dropping-particle", "family")
        ).strip()
        given = str(person.get("given") or "")
        inits = initials_of(given)
        if literal and not family:
            out.append((words_of(literal), "", literal, literal, ""))
        elif family:
            shown = f"{family} {inits.upper()}".strip()
            out.append((words_of(family), inits, "", shown, _capital_initials(given)))
    return out


def _capital_initials(given: str) -> str:
    """Initials of the given names that start with a capital ("Xian-de" -> "x")."""
    parts = [p for p in re.split(r"[\s.\-]+", given) if p]
    return initials_of(" ".join(p for p in parts if p[0].isupper()))


def _given_names(csl: Mapping[str, Any]) -> list[str]:
    people = csl.get("author") or csl.get("editor") or []
    return [
        str(p.get("given") or "")
        for p in (people if isinstance(people, list) else [])
        if isinstance(p, Mapping)
    ]


def _find_family(
    family: list[str],
    words: Sequence[str],
    allowed: Sequence[int],
    used: set[int],
    capitals: set[int],
    given: frozenset[str] = frozenset(),
) -> tuple[int, int, bool] | None:
    """Where ``family`` is written among the ``allowed`` token indexes: (first, last, exact)."""
    if not family:
        return None
    free = [k for k in allowed if k not in used]
    # names written in capitals only ("MA", "LI") are initials first, surnames last
    free.sort(key=lambda k: (k in capitals, k))
    squashed = "".join(family)
    core = [w for w in family if w not in _PARTICLES] or family
    for k in free:  # the whole family name, word for word or run together
        if words[k] == family[0] and all(
            k + d in free and words[k + d] == family[d] for d in range(1, len(family))
        ):
            return k, k + len(family) - 1, True
        if len(family) > 1 and words[k] == squashed:
            return k, k, True
    for k in free:  # its core without particles, or one part of a double name
        if len(words[k]) >= 3 and words[k] in core and len(family) > 1:
            # the other part written next to it, misspelt ("Garpcia-Tabar")?
            at = family.index(words[k])
            lo, hi = k - at, k - at + len(family) - 1
            span = range(lo, hi + 1)
            if lo >= 0 and all(j in free for j in span):
                pairs = [(words[j], family[j - lo]) for j in span]
                wrong = [(w, f) for w, f in pairs if w != f]
                if wrong and all(_similar_name(w, f) for w, f in wrong):
                    return lo, hi, False
            return k, k, True
    for k in free:  # misspelt (not a given name written in full: "Martjin" for "Martijn")
        w = words[k]
        if (
            k not in capitals
            and any(_similar_name(w, c) for c in core)
            and not any(w == g or _similar_name(w, g) for g in given)
        ):
            return k, k, False
    return None


def _similar_name(written: str, record: str) -> bool:
    if min(len(written), len(record)) >= 4:
        return fuzz.ratio(written, record) >= 75
    return (
        min(len(written), len(record)) >= 2
        and written[0] == record[0]
        and abs(len(written) - len(record)) <= 1
        and fuzz.ratio(written, record) >= 80
    )


def _align_authors(
    raw: str, tokens: Sequence[Token], region: Sequence[int], csl: Mapping[str, Any]
) -> tuple[
    tuple[AuthorMatch, ...], float | None, float | None, bool, tuple[str, ...], set[int], bool
]:
    people = _record_people(csl)
    words = [t.norm for t in tokens]
    names = [
        k
        for k in region
        if not tokens[k].is_number and (_is_initials(tokens[k]) or tokens[k].norm not in _NOT_NAMES)
    ]
    et_al = any(
        words[k] == "et" and k + 1 < len(words) and words[k + 1] == "al" for k in region
    ) or any(tokens[k].text.lower() == "etal" for k in region)
    ellipsis = bool(region) and bool(re.search(r"\.\.\.|\u2026", raw[: tokens[region[-1]].end]))
    et_al = et_al or ellipsis  # APA's "A, B, ... Z": the list is cut, not wrong
    if not people:
        return (), None, None, et_al, (), set(), ellipsis
    used: set[int] = set()
    capitals = {k for k in names if _is_initials(tokens[k])}
    given_names = frozenset(
        w for person in _given_names(csl) for w in words_of(person) if len(w) >= 3
    )
    found: dict[int, tuple[int, int, bool]] = {}
    for exact_pass in (True, False):
        for i, (family, *_rest) in enumerate(people[:100]):
            if i in found:
                continue
            hit = _find_family(family, words, names, used, capitals, given_names)
            if hit is not None and (hit[2] or not exact_pass):
                found[i] = hit
                used.update(range(hit[0], hit[1] + 1))
    starts = sorted(h[0] for h in found.values())
    # which side of a surname its initials are on: "Timmons CF" / "Timmons, C. F." (after),
    # "C. F. Timmons" (before); Chicago and MLA invert only the first author
    free_names = [k for k in names if k not in used]
    lead_given_first = bool(starts) and any(k < starts[0] for k in free_names)

    def sides(i: int) -> tuple[str, str, str]:
        """The record's initials of author ``i``, and the initials written after and before
        the surname (up to the neighbouring surnames)."""
        first, last, _exact = found[i]
        prev = max((s for s in starts if s < first), default=-1)
        nxt = min((s for s in starts if s > first), default=len(tokens))
        after = "".join(_token_initials(tokens[k]) for k in free_names if last < k < nxt)
        before = "".join(_token_initials(tokens[k]) for k in free_names if prev < k < first)
        return people[i][1], after, before

    # the other authors: the side on which more of them carry their own initials
    votes = [
        sides(i) for i in found if people[i][1] and not people[i][2] and found[i][0] != starts[0]
    ]
    after_votes = sum(1 for inits, a, _b in votes if a.startswith(inits))
    before_votes = sum(1 for inits, _a, b in votes if b.endswith(inits))
    rest_family_first = after_votes >= before_votes
    matches = []
    for i, (_family, inits, literal, shown, _caps) in enumerate(people[:100]):
        hit = found.get(i)
        if hit is None:
            matches.append(AuthorMatch(i, shown))
            continue
        first, last, exact = hit
        ok, written_inits = True, ""
        if inits and not literal:
            _inits, after, before = sides(i)
            family_first = not lead_given_first if first == starts[0] else rest_family_first
            side = after if family_first else before
            # "Xian-de" is "X" to citeproc: the initials of the capitalised parts count too
            forms = {inits, people[i][4]} - {""}
            ok = not side or any(
                side.startswith(f) if family_first else side.endswith(f) for f in forms
            )
            if not ok:
                written_inits = side[: len(inits)] if family_first else side[-len(inits) :]
        written = " ".join(tokens[k].text for k in range(first, last + 1))
        matches.append(AuthorMatch(i, shown, first, exact, written, ok, written_inits))
    record_words = {w for family, *_rest in people for w in family}
    record_words |= {w for person in _given_names(csl) for w in words_of(person)}
    stray = [
        k
        for k in names
        if k not in used
        and len(words[k]) >= 3
        and not _is_initials(tokens[k])
        and tokens[k].text[:1].isupper()
        and words[k] not in record_words
        and words[k] not in _PARTICLES
    ]
    unmatched = tuple(tokens[k].text for k in stray)
    region_names = [k for k in names if len(words[k]) >= 2]
    first_author: float | None
    if not region_names:
        first_author = None
    else:
        lead = matches[0]
        earliest = min(starts, default=None)
        second = matches[1] if len(matches) > 1 else None
        swapped = (
            lead.position is None
            and second is not None
            and earliest is not None
            and second.position == earliest
            and not any(k < earliest for k in stray)
        )
        if swapped and second is not None:
            first_author = 0.9 if second.exact else 0.8  # the first two swapped, the first cut
        elif lead.position is None:
            first_author = 0.0
        elif not lead.exact:
            first_author = 0.8
        elif lead.position == earliest:
            first_author = 1.0
        else:
            first_author = 0.9
    share: float | None = None
    if region_names:
        last_found = max((m.index for m in matches if m.position is not None), default=0)
        k = min(3, len(matches))
        if et_al:
            k = max(1, min(k, last_found + 1))
        share = sum(1.0 if m.exact else 0.8 for m in matches[:k] if m.position is not None) / max(
            k, 1
        )
    return tuple(matches), first_author, share, et_al, unmatched, used, ellipsis


# --------------------------------------------------------------------------- journal


_LABELS = frozenset("vol volume no nr issue iss n pp p pg page pages suppl s pt part".split())


def abbreviates(short: str, full: str) -> bool:
    """ISO 4 / NLM abbreviation of one word: the word itself, its beginning ("surg" for
    "surgery"), a contraction ("natl" for "national", "dept") or its consonants ("jpn")."""
    if short == full:
        return True
    if not short or not full or short[0] != full[0] or len(full) - len(short) < 2:
        return False
    if full.startswith(short):
        return True
    for cut in range(2, len(short)):
        if full.startswith(short[:cut]) and full.endswith(short[cut:]):
            return True
    if any(ch in "aeiou" for ch in short[1:]):
        return False
    rest = iter(full[1:])
    return all(ch in rest for ch in short[1:])


def _name_words(name: str) -> list[str]:
    name = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", name).split("(", 1)[0]
    return [w for w in words_of(name) if w not in _STOP]


def _word_fits(written: str, record: str, expand: bool) -> bool:
    """The written word is the record's or abbreviates it; with ``expand`` (the record has
    only its abbreviation) the written word may also spell out the record's."""
    return (
        written == record
        or abbreviates(written, record)
        or (expand and abbreviates(record, written))
    )


def _align_journal(
    tokens: Sequence[Token], free: Sequence[int], names: Sequence[str]
) -> tuple[float, list[int]] | None:
    """The record's journal among the ``free`` tokens: (agreement, token indexes)."""
    seq = [k for k in free if tokens[k].norm not in _STOP]
    words = [tokens[k].norm for k in seq]
    forms = [f for f in dict.fromkeys(tuple(_name_words(n)) for n in names) if f]
    expand = len(forms) == 1  # no full title to check a spelt-out name against

    def fits(w: str, r: str) -> bool:
        return _word_fits(w, r, expand)

    forms.sort(key=len, reverse=True)
    best: tuple[float, list[int]] | None = None
    for form in forms:
        size = len(form)
        for s in range(len(words) - size + 1):
            window = words[s : s + size]
            if all(fits(w, r) for w, r in zip(window, form, strict=True)):
                # the ISO form of a title with a subtitle, and the rest of the full title
                # written after it with a word misspelt ("Synlett : ... organic chemstry")
                for longer in forms:
                    if len(longer) <= size:
                        continue
                    tail = words[s : s + len(longer)]
                    agree = 0
                    while agree < len(tail) and fits(tail[agree], longer[agree]):
                        agree += 1
                    if size < agree < len(longer) and (
                        agree == len(tail) or not _similar_words(tail[agree], longer[agree])
                    ):
                        # the full title written past its ISO part, then cut short
                        if agree >= len(longer) - 2 and agree >= size + 2:
                            return 0.7, seq[s : s + agree]
                    if len(tail) < len(longer):
                        continue
                    bad = [(w, r) for w, r in zip(tail, longer, strict=True) if not fits(w, r)]
                    if 0 < len(bad) <= max(1, len(longer) // 4) and all(
                        _similar_words(w, r) for w, r in bad
                    ):
                        return 0.8, seq[s : s + len(longer)]
                return 1.0, seq[s : s + size]
    for form in forms:  # one word misspelt, or one word left out of a longer name
        size = len(form)
        for s in range(len(words) - size + 1):
            window = words[s : s + size]
            bad = [(w, r) for w, r in zip(window, form, strict=True) if not fits(w, r)]
            if len(bad) == 1 and size >= 2 and _similar_words(*bad[0]):
                best = best or (0.8, seq[s : s + size])
            if size == 1 and len(window[0]) >= 4 and _similar_words(window[0], form[0]):
                best = best or (0.8, seq[s : s + size])
        if size >= 3:
            for drop in range(size):
                short = form[:drop] + form[drop + 1 :]
                for s in range(len(words) - len(short) + 1):
                    window = words[s : s + len(short)]
                    if all(fits(w, r) for w, r in zip(window, short, strict=True)):
                        best = best or (0.7, seq[s : s + len(short)])
    return best


def journal_names(work: Work) -> list[str]:
    """Every name the record gives its journal (full, ISO, short, MEDLINE TA), once each."""
    csl = work.csl
    names = [
        work.journal_full,
        work.journal_iso,
        csl.get("container-title"),
        csl.get("container-title-short"),
        csl.get("journalAbbreviation"),
        csl.get("MedlineTA"),
        csl.get("medline-ta"),
    ]
    return [str(n) for n in dict.fromkeys(names) if n]


# --------------------------------------------------------------------------- numbers


@dataclass(frozen=True, slots=True)
class _Number:
    first: str
    last: str | None
    text: str
    start: int
    end: int
    before: str  # up to 12 characters before, folded
    after: str  # the next non-space character


_NUMBER = re.compile(
    r"(?<![A-Za-z0-9])([A-Za-z]{0,2}\d+[A-Za-z]?)"
    r"(?:\s*(?:-+|[\u2010-\u2015])\s*([A-Za-z]{0,2}\d+[A-Za-z]?))?(?![A-Za-z0-9])"
)


def _numbers(raw: str, skip: Sequence[tuple[int, int]]) -> list[_Number]:
    masked = _MASK.sub(lambda m: " " * len(m.group(0)), raw)
    for a, b in skip:
        masked = masked[:a] + " " * (b - a) + masked[b:]
    out = []
    for m in _NUMBER.finditer(masked):
        first, last = m.group(1), m.group(2)
        if not any(c.isdigit() for c in first):
            continue
        before = fold(masked[max(0, m.start() - 12) : m.start()])
        rest = masked[m.end() :].lstrip()
        out.append(_Number(first, last, m.group(0), m.start(), m.end(), before, rest[:1]))
    return out


def _page_key(value: str) -> str:
    value = value.strip().lower()
    m = re.match(r"([a-z]*)0*(\d+)([a-z]?)$", value)
    return f"{m.group(1)}{m.group(2)}{m.group(3)}" if m else value


def _expanded_last(first: str, last: str) -> str:
    f = re.match(r"([A-Za-z]*)(\d+)", first)
    la = re.match(r"([A-Za-z]*)(\d+)([A-Za-z]?)", last)
    if not f or not la:
        return last
    digits = la.group(2)
    if len(digits) < len(f.group(2)) and not la.group(1):
        digits = f.group(2)[: len(f.group(2)) - len(digits)] + digits
    return _page_key(f"{la.group(1) or f.group(1)}{digits}{la.group(3)}")


def record_pages(page: object) -> tuple[str, str | None] | None:
    text = str(page or "").strip()
    m = re.match(
        r"([A-Za-z]{0,3}\d+[A-Za-z]?)(?:\s*(?:-+|[\u2010-\u2015])\s*([A-Za-z]{0,3}\d+[A-Za-z]?))?",
        text,
    )
    if not m:
        return None
    first = _page_key(m.group(1))
    return first, (_expanded_last(m.group(1), m.group(2)) if m.group(2) else None)


def _leading_number(value: object) -> str | None:
    m = re.search(r"\d+", str(value or ""))
    return str(int(m.group(0))) if m else None


def _value(n: _Number) -> str:
    return _page_key(n.first)


def _is_year(n: _Number) -> bool:
    return n.last is None and n.first.isdigit() and 1800 <= int(n.first) <= 2100


def _prefixed(n: _Number, *labels: str) -> bool:
    return bool(re.search(r"\b(?:" + "|".join(labels) + r")\.?\s*$", n.before))


# --------------------------------------------------------------------------- the whole


def _ids(raw: str, parsed: Mapping[str, Any], work: Work) -> dict[str, FieldMatch]:
    from refkeeper.identifiers import find_identifiers

    written = find_identifiers(raw)
    for name in ("PMID", "DOI", "PMCID"):
        if parsed.get(name) and name not in written:
            written[name] = str(parsed[name])
    record = {"PMID": work.pmid, "DOI": work.doi or work.csl.get("DOI"), "PMCID": work.pmcid}
    out = {}
    for name, value in written.items():
        theirs = record.get(name)
        if theirs:
            same = str(value).strip().lower() == str(theirs).strip().lower()
            out[name] = FieldMatch(1.0 if same else 0.0, str(value), str(theirs))
    return out


def align(raw: str, work: Work, parsed: Mapping[str, Any] | None = None) -> Alignment:
    """Align a reference string with a record (``parsed``: the parser's reading, a hint)."""
    parsed = parsed or {}
    csl = work.csl
    tokens = tokenize(raw)
    title = align_title(raw, tokens, str(csl.get("title") or "")) if csl.get("title") else None
    title_span: tuple[int, int] | None = None
    if title is not None and title.written and title.similarity >= 0.3:
        title_span = (title.start, title.end)
    consumed: set[int] = set(range(*title_span)) if title_span else set()
    n = len(tokens)
    if title_span and title_span[0] > 0:
        region = list(range(title_span[0]))
    else:
        region = [k for k in range(n) if k not in consumed]
    authors, first_author, share, et_al, unmatched, used, ellipsis = _align_authors(
        raw, tokens, region, csl
    )
    if title_span and title_span[0] == 0:
        first_author = share = None  # no names before the title
        authors = tuple(AuthorMatch(a.index, a.shown) for a in authors)
        unmatched, used = (), set()
    consumed |= used
    # names not found still occupy the region: the journal is looked for after it
    after = title_span[1] if title_span else (max(used) + 1 if used else 0)
    free_after = [k for k in range(after, n) if k not in consumed]
    journal_field = ABSENT
    names = journal_names(work)
    is_article = bool(names) and str(csl.get("type", "article-journal")) != "book"
    jhit = _align_journal(tokens, free_after, names) if is_article else None
    if jhit is None and is_article and not title_span:
        jhit = _align_journal(tokens, [k for k in range(n) if k not in consumed], names)
    record_journal = work.journal_iso or (names[0] if names else None)
    if jhit is not None:
        agree, idx = jhit
        consumed |= set(idx)
        text = raw[tokens[idx[0]].start : tokens[idx[-1]].end]
        journal_field = FieldMatch(agree, text, record_journal)
    elif is_article:
        slot = []
        for k in free_after:
            if tokens[k].is_number or re.fullmatch(r"[a-z]{0,2}\d+[a-z]?", tokens[k].norm):
                break
            if tokens[k].norm not in _LABELS and tokens[k].norm not in MONTHS:
                slot.append(k)
        if title_span is None:
            slot = []
        if slot:
            text = raw[tokens[slot[0]].start : tokens[slot[-1]].end]
            journal_field = FieldMatch(0.0, text, record_journal)
    # numbers: everything not in the title or names
    skip = [(tokens[k].start, tokens[k].end) for k in consumed]
    numbers = _numbers(raw, skip)
    taken: set[int] = set()
    page_field, last_field, page_written = _align_pages(numbers, taken, csl, parsed)
    issue_field = _align_issue(numbers, taken, csl, parsed)
    volume_field = _align_volume(numbers, taken, csl, parsed)
    year_field = _align_year(numbers, taken, work, parsed)
    return Alignment(
        title=title,
        authors=authors,
        author_region=bool(region) and not (title_span and title_span[0] == 0),
        first_author=first_author,
        authors_share=share,
        et_al=et_al or bool(parsed.get("_et_al")),
        unmatched_names=unmatched,
        journal=journal_field,
        year=year_field,
        volume=volume_field,
        issue=issue_field,
        page=page_field,
        last_page=last_field,
        page_written=page_written,
        identifiers=_ids(raw, parsed, work),
        ellipsis=ellipsis,
    )


def _align_pages(
    numbers: list[_Number], taken: set[int], csl: Mapping[str, Any], parsed: Mapping[str, Any]
) -> tuple[FieldMatch, FieldMatch, str | None]:
    pages = record_pages(csl.get("page"))
    if pages is None:
        return ABSENT, ABSENT, None
    first, last = pages
    record = str(csl.get("page"))

    def rank(k: int) -> tuple[int, int]:
        n = numbers[k]
        context = (
            n.last is not None or _prefixed(n, "pp", "p", "pages", "page") or ":" in n.before[-2:]
        )
        return (0 if context else 1, k)

    hits = sorted((k for k, n in enumerate(numbers) if _value(n) == first), key=rank)
    ranges = [
        k
        for k, n in enumerate(numbers)
        if n.last is not None and not (_is_year(n) and len(n.last) == 4) and k not in hits
    ]
    if hits and rank(hits[0])[0] == 1 and ranges:
        hits = []  # a bare number that happens to be the first page ("no. 1"), a range elsewhere
    if hits:
        k = hits[0]
        taken.add(k)
        n = numbers[k]
        if n.last is not None and last is not None:
            agree = 1.0 if _expanded_last(n.first, n.last) == last else 0.0
            return FieldMatch(1.0, n.first, first), FieldMatch(agree, n.text, record), n.text
        return FieldMatch(1.0, n.first, first), ABSENT, n.text
    # what the reference gives instead: the parsed page, a range, or a number after "p."/":"
    wanted = record_pages(parsed.get("page"))
    for k, n in enumerate(numbers):
        if wanted and _value(n) == wanted[0] and k not in taken:
            taken.add(k)
            return FieldMatch(0.0, n.first, first), ABSENT, n.text
    for k, n in enumerate(numbers):
        is_range = n.last is not None and not (_is_year(n) and len(n.last) == 4)
        if k not in taken and (is_range or _prefixed(n, "pp", "p", "pages", "page")):
            taken.add(k)
            return FieldMatch(0.0, n.first, first), ABSENT, n.text
    return ABSENT, ABSENT, None


def _align_issue(
    numbers: list[_Number], taken: set[int], csl: Mapping[str, Any], parsed: Mapping[str, Any]
) -> FieldMatch:
    issue = _leading_number(csl.get("issue"))
    if issue is None:
        return ABSENT
    record = str(csl.get("issue"))

    def rank(k: int) -> tuple[int, int]:
        n = numbers[k]
        context = n.before.endswith("(") or _prefixed(n, "no", "issue", "nr", "n", "iss")
        return (0 if context else 1, k)

    hits = [k for k, n in enumerate(numbers) if k not in taken and n.last is None]
    exact = sorted((k for k in hits if _value(numbers[k]) == issue), key=rank)
    if exact and rank(exact[0])[0] == 0:
        taken.add(exact[0])
        return FieldMatch(1.0, numbers[exact[0]].first, record)
    for k in hits:
        n = numbers[k]
        if (n.before.endswith("(") and k > 0 and numbers[k - 1].end >= n.start - 2) or _prefixed(
            n, "no", "issue", "nr", "iss"
        ):
            if _value(n) != issue and not _is_year(n):
                taken.add(k)
                return FieldMatch(0.0, n.first, record)
    if exact:
        taken.add(exact[0])
        return FieldMatch(1.0, numbers[exact[0]].first, record)
    return ABSENT


def _align_volume(
    numbers: list[_Number], taken: set[int], csl: Mapping[str, Any], parsed: Mapping[str, Any]
) -> FieldMatch:
    volume = _leading_number(csl.get("volume"))
    if volume is None:
        return ABSENT
    record = str(csl.get("volume"))
    free = [k for k, n in enumerate(numbers) if k not in taken and n.last is None]

    def rank(k: int) -> tuple[int, int]:
        n = numbers[k]
        context = _prefixed(n, "vol", "volume", "v") or n.after in ("(", ":", ",")
        return (0 if context else 1, k)

    exact = sorted((k for k in free if _value(numbers[k]) == volume), key=rank)
    if exact:
        taken.add(exact[0])
        return FieldMatch(1.0, numbers[exact[0]].first, record)
    wanted = _leading_number(parsed.get("volume"))
    for k in free:
        if wanted and _value(numbers[k]) == wanted and not _is_year(numbers[k]):
            taken.add(k)
            return FieldMatch(0.0, numbers[k].first, record)
    for k in free:
        n = numbers[k]
        nxt = numbers[k + 1] if k + 1 < len(numbers) else None
        followed = nxt is not None and (k + 1 in taken) and n.after in ("(", ":", ",")
        if not _is_year(n) and (_prefixed(n, "vol", "volume") or followed):
            taken.add(k)
            return FieldMatch(0.0, n.first, record)
    return ABSENT


def record_years(work: Work) -> set[int]:
    years = set()
    year = year_of(work.csl)
    if year is not None:
        years.add(year)
    if work.medline_date:
        years.update(int(y) for y in re.findall(r"\b(1[5-9]\d\d|20\d\d)\b", work.medline_date))
    return years


def _align_year(
    numbers: list[_Number], taken: set[int], work: Work, parsed: Mapping[str, Any]
) -> FieldMatch:
    years = record_years(work)
    if not years:
        return ABSENT
    shown = "/".join(str(y) for y in sorted(years))
    free = [k for k, n in enumerate(numbers) if k not in taken and n.first.isdigit()]
    for k in free:
        n = numbers[k]
        if int(n.first) in years or (n.last and n.last.isdigit() and int(n.last) in years):
            taken.add(k)
            return FieldMatch(1.0, n.first, shown)
    candidates = [k for k in free if _is_year(numbers[k])]
    wanted = year_of(parsed)
    candidates.sort(key=lambda k: (int(numbers[k].first) != wanted, k))
    if candidates:
        k = candidates[0]
        taken.add(k)
        written = int(numbers[k].first)
        near = min(abs(written - y) for y in years)
        return FieldMatch(0.6 if near == 1 else 0.0, numbers[k].first, shown)
    return ABSENT


def title_written(al: Alignment, text: str) -> bool:
    """Does the reference write a title at all? Words that are neither the record's names,
    journal nor labels: three or more of them are a title (of this record or another)."""
    if al.title is not None and al.title.similarity >= 0.5:
        return True
    explained = {w for a in al.authors if a.written for w in words_of(a.written)}
    explained |= set(words_of(al.journal.written)) if al.journal.agree else set()
    loose = [
        t
        for t in tokenize(text)
        if len(t.norm) >= 4
        and not t.is_number
        and t.norm not in explained
        and not (t.text.isupper() and len(t.text) <= 6)
        and t.norm not in MONTHS
        and t.norm not in ("etal",)
    ]
    return len(loose) >= 3


# --------------------------------------------------------------------------- reference text


_STRUCTURED = re.compile(r"^\s*(?:@\w+\s*\{|\{|\[|TY\s+-|PMID-|%0|<)")


def is_free_text(raw: str) -> bool:
    """A reference as a person writes it, not a library entry's source (BibTeX, RIS, ...)."""
    return bool(raw.strip()) and not _STRUCTURED.match(raw)


def render_fields(item: CSLItem) -> str:
    """A plain reference string from CSL fields (for references read from a library)."""
    people = item.get("author") or item.get("editor") or []
    names = []
    for person in people if isinstance(people, list) else []:
        if isinstance(person, Mapping):
            if person.get("literal"):
                names.append(str(person["literal"]))
            else:
                family = " ".join(
                    str(person.get(k) or "") for k in ("non-dropping-particle", "family")
                ).strip()
                names.append(f"{family} {initials_of(str(person.get('given') or '')).upper()}")
    parts = []
    if names:
        parts.append(
            ", ".join(n.strip() for n in names) + (", et al" if item.get("_et_al") else "")
        )
    if item.get("title"):
        parts.append(str(item["title"]).rstrip("."))
    journal = item.get("container-title") or item.get("container-title-short")
    if journal:
        parts.append(str(journal))
    where = ""
    year = year_of(item)
    if year:
        where += str(year)
    if item.get("volume"):
        where += f";{item['volume']}" if where else str(item["volume"])
    if item.get("issue"):
        where += f"({item['issue']})"
    if item.get("page"):
        where += f":{item['page']}"
    if where:
        parts.append(where)
    text = ". ".join(parts)
    return text + "." if text else ""


def reference_text(item: Mapping[str, Any], raw: str | None = None) -> str:
    """The text to align: the reference as written, or its fields rendered."""
    text = raw if raw is not None else str(item.get("_raw") or "")
    if is_free_text(text):
        return text
    return render_fields(dict(item))
