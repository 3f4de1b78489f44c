"""The hand-labelled claim-support set (``bench/data/support_claims.jsonl``) and its checks.

How the set was made (issue 12): the PubMed records of ``../shared/corpus/pubmed/`` that have
an abstract, sorted by PMID and shuffled with ``random.Random(12)``, were taken in that order;
a record whose abstract states no finding (an editorial, a review that only announces its
topics) is kept in the file as ``{"pmid", "skipped": reason}`` so the order has no gaps. For
every other record a person wrote, in their own words:

- ``supported``: a paraphrase of one of the record's findings;
- ``contradicted``: a claim the record contradicts, of kind ``contradiction`` (``direction``
  reversed, ``null`` result stated as an effect, ``negation``, reversed ``comparison``, wrong
  ``magnitude``, wrong ``population``);
- ``related_pmid``: another corpus record on a related topic that does not state the supported
  claim (the same claim cited to it is the "unrelated" case);
- ``evidence``: the abstract sentences (index into the record's abstract sentences as
  ``refkeeper.audit.text.sentences`` splits them, and their text) that a reader would accept as
  evidence for the supported claim, marked before any scorer was run on the set;
- ``split``: every third record is ``held-out`` (never looked at while tuning the scorer).

``check()`` enforces the rules: the order and the seed, no claim copying more than four
consecutive words of its record's title or abstract, evidence texts that match the record.

    python bench/support_labels.py      # prints the set's figures, exits 1 on a violation
"""

from __future__ import annotations

import gzip
import json
import random
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from refkeeper.audit.text import fold, sentences
from refkeeper.models import Work
from refkeeper.resolve.pubmed import parse_pubmed_xml

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "pubmed" / "pubmed-real-records.xml.gz"
LABELS = Path(__file__).resolve().parent / "data" / "support_claims.jsonl"
SEED = 12
MAX_COPIED_RUN = 4
KINDS = frozenset({"direction", "null", "negation", "comparison", "magnitude", "population"})


@dataclass(frozen=True, slots=True)
class Labelled:
    pmid: str
    split: str  # "tuning" | "held-out"
    supported: str
    contradicted: str
    contradiction: str
    related_pmid: str
    evidence: tuple[tuple[int, str], ...]


@lru_cache(maxsize=2)
def corpus(path: Path = CORPUS) -> dict[str, Work]:
    """The corpus records that have an abstract, by PMID."""
    works = parse_pubmed_xml(gzip.decompress(path.read_bytes()))
    return {w.pmid: w for w in works if w.pmid and w.abstract_text.strip()}


def pick_order(works: Iterable[Work], seed: int = SEED) -> list[str]:
    """The PMIDs in the order the set takes them: sorted, then shuffled with ``seed``."""
    order = sorted(w.pmid for w in works if w.pmid)
    random.Random(seed).shuffle(order)
    return order


def abstract_sentences(work: Work) -> list[str]:
    return [s for section in work.abstract for s in sentences(section.text)]


def load(path: Path = LABELS) -> tuple[list[Labelled], list[tuple[str, str]]]:
    """The labelled records and the skipped ones (pmid, reason), in file order."""
    labelled: list[Labelled] = []
    skipped: list[tuple[str, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        if "skipped" in row:
            skipped.append((str(row["pmid"]), str(row["skipped"])))
            continue
        labelled.append(
            Labelled(
                str(row["pmid"]),
                str(row["split"]),
                str(row["supported"]),
                str(row["contradicted"]),
                str(row["contradiction"]),
                str(row["related_pmid"]),
                tuple((int(e["index"]), str(e["text"])) for e in row.get("evidence", ())),
            )
        )
    return labelled, skipped


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", fold(text))


def copied_runs(claim: str, source: str, longest: int = MAX_COPIED_RUN) -> list[str]:
    """Runs of more than ``longest`` consecutive words of ``claim`` that ``source`` contains
    (words folded to lower-case ASCII; punctuation ignored)."""
    size = longest + 1
    src = _words(source)
    grams = {tuple(src[i : i + size]) for i in range(len(src) - size + 1)}
    words = _words(claim)
    return [
        " ".join(words[i : i + size])
        for i in range(len(words) - size + 1)
        if tuple(words[i : i + size]) in grams
    ]


def source_text(work: Work) -> str:
    return f"{work.csl.get('title') or ''}\n{work.abstract_text}"


def check(path: Path = LABELS, records: dict[str, Work] | None = None) -> list[str]:
    """Every violation of the set's rules, as one line each (empty when the set is sound)."""
    records = corpus() if records is None else records
    labelled, skipped = load(path)
    problems: list[str] = []
    in_file = [x.pmid for x in labelled]
    all_rows = _file_order(path)
    expected = pick_order(records.values())[: len(all_rows)]
    if all_rows != expected:
        problems.append("records are not the seeded pick order (or have gaps)")
    if len(set(in_file)) != len(in_file):
        problems.append("a record is labelled twice")
    for item in labelled:
        work = records.get(item.pmid)
        if work is None:
            problems.append(f"{item.pmid}: not a corpus record with an abstract")
            continue
        if item.split not in {"tuning", "held-out"}:
            problems.append(f"{item.pmid}: split {item.split!r}")
        if item.contradiction not in KINDS:
            problems.append(f"{item.pmid}: contradiction kind {item.contradiction!r}")
        if item.related_pmid == item.pmid or item.related_pmid not in records:
            problems.append(f"{item.pmid}: related record {item.related_pmid} is not another one")
        text = source_text(work)
        for field, claim in (("supported", item.supported), ("contradicted", item.contradicted)):
            for run in copied_runs(claim, text):
                problems.append(f"{item.pmid}: {field} claim copies {run!r}")
        found = abstract_sentences(work)
        for index, sentence in item.evidence:
            if index >= len(found) or found[index] != sentence:
                problems.append(f"{item.pmid}: evidence {index} does not match the abstract")
    if len(labelled) < 60:
        problems.append(f"only {len(labelled)} labelled records (60 wanted)")
    if sum(1 for x in labelled if x.evidence) < 30:
        problems.append("fewer than 30 supported claims have marked evidence")
    if not skipped and len(all_rows) != len(labelled):
        problems.append("rows neither labelled nor skipped")
    return problems


def _file_order(path: Path) -> list[str]:
    return [
        str(json.loads(line)["pmid"])
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def split_of(items: Sequence[Labelled], split: str) -> list[Labelled]:
    return [x for x in items if x.split == split]


def main() -> int:
    labelled, skipped = load()
    problems = check()
    kinds: dict[str, int] = {}
    for item in labelled:
        kinds[item.contradiction] = kinds.get(item.contradiction, 0) + 1
    print(
        f"{len(labelled)} labelled records ({len(split_of(labelled, 'held-out'))} held out), "
        f"{len(skipped)} skipped (no finding); {3 * len(labelled)} claim-record pairs; "
        f"contradictions: {dict(sorted(kinds.items()))}; "
        f"{sum(1 for x in labelled if x.evidence)} supported claims with marked evidence"
    )
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
