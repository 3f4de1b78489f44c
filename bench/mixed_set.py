"""The mixed-style reference set of the request and citation-error benches (issue 11).

700 distinct corpus records, each cited once in one of several CSL styles (rendered by
``styled_corpus``), 30% of them with the citation errors ``styled_corpus`` injects at the
Aronsky profile, and 100 of them absent from the fake E-utilities (their records taken out of
its index, so nothing may be accepted for them). Two sets, never mixed: the TUNED styles below
(styles looked at while building the verifier) and the 10 HELD_OUT styles of
``styled_corpus`` (never looked at: the figures that count).

    from mixed_set import mixed_cases, TUNED_MIX
    cases = mixed_cases(TUNED_MIX, n=700, absent=100)
"""

from __future__ import annotations

import difflib
import random
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

from styled_corpus import HELD_OUT, StyledReference, corpus_records, styled_references  # noqa: E402

TUNED_MIX: tuple[str, ...] = (
    "nlm-citation-sequence",
    "american-medical-association",
    "apa",
    "chicago-author-date",
    "harvard-cite-them-right",
    "nature",
    "ieee",
    "modern-language-association",
)
"""Eight tuned styles across the four families (none of them held out)."""

HELD_OUT_MIX: tuple[str, ...] = HELD_OUT

ERROR_SHARE = 0.30


@dataclass(frozen=True, slots=True)
class Case:
    """One reference of the set: the text, the record it cites, whether that record is
    absent from the server, and the injected errors that show in the text."""

    style: str
    text: str
    record: Any  # refkeeper.models.Work
    absent: bool
    errors: tuple[Any, ...]  # styled_corpus.InjectedError, only when they change the text

    @property
    def fields_in_error(self) -> set[str]:
        return {e.field for e in self.errors}


def mixed_cases(
    styles: Sequence[str], *, n: int = 700, absent: int = 100, seed: int = 11
) -> list[Case]:
    """``n`` distinct records spread evenly over ``styles`` (in a shuffled order), 30% with
    injected errors, ``absent`` of them marked absent (drawn from the clean and erroneous alike)."""
    rng = random.Random(f"mixed:{seed}")
    records = list(corpus_records())
    rng.shuffle(records)
    chosen = records[:n]
    absent_ids = {w.id for w in rng.sample(chosen, absent)}
    with_errors = {w.id for w in rng.sample(chosen, round(ERROR_SHARE * n))}
    by_style: dict[str, list[Any]] = {s: [] for s in styles}
    for i, work in enumerate(chosen):
        by_style[styles[i % len(styles)]].append(work)
    cases: list[Case] = []
    for style, works in by_style.items():
        ids = {w.id for w in works}
        clean = _index(styled_references([style]), ids)
        erroneous = _index(styled_references([style], errors=True), ids)
        for work in works:
            ref = erroneous.get(work.id) if work.id in with_errors else None
            plain = clean.get(work.id)
            if ref is None or not ref.changed:
                ref = plain
            if ref is None or plain is None:
                continue
            shown = tuple(e for e in ref.errors if visible(e, plain.text, ref.text))
            cases.append(Case(style, ref.text, work, work.id in absent_ids, shown))
    rng.shuffle(cases)
    return cases


def initials_of(given: str) -> str:
    from refkeeper.align import initials_of as initials

    return initials(given)


def _words(text: str) -> list[str]:
    from refkeeper.align import words_of

    return words_of(text)


def _related(error: Any) -> set[str]:
    """The words of the values an injected error changed (a journal's place qualifier in
    parentheses left out: "Small (Weinheim an der Bergstrasse" still names the journal)."""
    out: set[str] = set()
    for before, after in error.changes.values():
        if error.field == "author":
            people = [p for p, q in zip(before, after, strict=False) if p != q] + [
                q for p, q in zip(before, after, strict=False) if p != q
            ]
            for person in people:
                for key in ("family", "given"):
                    out.update(_words(str(person.get(key) or "")))
                given = str(person.get("given") or "")
                out.add(initials_of(given))  # "SK" as Vancouver writes "Sandip Kumar"
                out.update(initials_of(given))  # "S", "K" as APA writes it
        elif error.field == "year":
            out.update(str(part[0]) for part in (before.get("date-parts") or []) if part)
            out.update(str(part[0]) for part in (after.get("date-parts") or []) if part)
        else:
            for value in (before, after):
                text = str(value or "")
                if error.field == "journal":
                    text = re.sub(r"\([^)]*\)?", " ", text)
                out.update(_words(text))
    return out


def visible(error: Any, clean: str, written: str) -> bool:
    """Whether an injected error shows in the text: a word the error concerns is among the
    words that differ between the clean and the erroneous rendering (a style that writes the
    ISO abbreviation does not show an error put in the full journal title)."""
    a, b = _words(clean), _words(written)
    changed: set[str] = set()
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op != "equal":
            changed.update(a[i1:i2])
            changed.update(b[j1:j2])
    related = _related(error)
    if error.field == "journal":
        # the changed journal words must be in the journal's own name, not its qualifier
        return bool(changed & related)
    return bool(changed & related) or (error.field != "author" and bool(changed))


def _index(refs: list[StyledReference], ids: set[str]) -> dict[str, StyledReference]:
    return {r.record.id: r for r in refs if r.record.id in ids}


def fake_without(fake: Any, absent: set[str]) -> None:
    """Take the ``absent`` PMIDs out of a running FakeEutils' PubMed index."""
    from fake_eutils_index import Index

    pubmed = fake.indexes["pubmed"]
    fake.indexes["pubmed"] = [
        Index(d for d in ix.docs.values() if d.uid not in absent) for ix in pubmed
    ]
