"""Mutation fuzzing of the extractors on real inputs (no pytest import: bench uses it too).

Each kind has real documents (the worked example's WHO page, the test corpus of Markdown,
LaTeX, numbered lists and libraries). A mutation is a byte flip, a truncation or the
duplication of a slice; the mutated bytes go through the same decoding and extraction as a
file on disk. The property: an extractor returns a result or raises the project's own
:class:`~refkeeper.errors.RefkeeperError`, never anything else.

    python bench/bench_fuzz.py --per-kind 2000 --seed 16
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from refkeeper.errors import RefkeeperError
from refkeeper.extract import extract_string
from refkeeper.extract.documents import decode

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "extract"
EXAMPLE = ROOT / "data" / "examples" / "leiomyosarcoma-liver"

SEEDS: dict[str, tuple[Path, ...]] = {
    "who": (EXAMPLE / "document.txt", DATA / "who-split-claim.txt"),
    "markdown": (DATA / "paper.md",),
    "latex": (DATA / "paper.tex", DATA / "bibitems.tex"),
    "numbered": (DATA / "vancouver.txt", DATA / "ama.md", DATA / "who-numbered.txt"),
    "bibtex": (DATA / "refs.bib",),
    "csl-json": (DATA / "refs.json",),
    "ris": (DATA / "refs.ris",),
    "medline": (DATA / "pubmed.nbib",),
}


def flip(data: bytes, rng: random.Random) -> bytes:
    """One to eight bytes set to random values (control bytes, quotes and braces included)."""
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        out[rng.randrange(len(out))] = rng.choice(
            (rng.randrange(256), rng.choice(b"{}[]()@\\\"',=%\n\t|-"))
        )
    return bytes(out)


def truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(1, len(data))]


def duplicate(data: bytes, rng: random.Random) -> bytes:
    """A random slice (often a whole entry or line) inserted again somewhere."""
    start = rng.randrange(len(data))
    end = min(len(data), start + rng.randint(1, 400))
    at = rng.randrange(len(data) + 1)
    return data[:at] + data[start:end] * rng.randint(1, 3) + data[at:]


MUTATIONS: dict[str, Callable[[bytes, random.Random], bytes]] = {
    "flip": flip,
    "truncate": truncate,
    "duplicate": duplicate,
}


def extract_bytes(data: bytes, kind: str, source: str) -> str:
    """Decode and extract like ``extract_file``; the outcome's name ("ok" or the error class)."""
    try:
        text = decode(data, source)
        extract_string(text, kind=kind, source=source, base_dir=DATA)
    except RefkeeperError as exc:
        message = str(exc)
        if not message or "\n" in message:
            raise AssertionError(f"{kind}: error message not one line: {message!r}") from exc
        return type(exc).__name__
    return "ok"


def fuzz_kind(kind: str, count: int, seed: int) -> Counter[str]:
    """``count`` mutated inputs of ``kind``; raises AssertionError (with the seed and case
    number to replay it) on any exception that is not a RefkeeperError."""
    rng = random.Random(f"{seed}:{kind}")
    originals = [p.read_bytes() for p in SEEDS[kind]]
    outcomes: Counter[str] = Counter()
    names = sorted(MUTATIONS)
    for case in range(count):
        name = names[case % len(names)]
        data = MUTATIONS[name](rng.choice(originals), rng)
        try:
            outcomes[extract_bytes(data, kind, f"fuzz-{kind}-{case}")] += 1
        except AssertionError:
            raise
        except Exception as exc:
            raise AssertionError(
                f"{kind} case {case} (seed {seed}, {name}): {type(exc).__name__}: {exc}"
            ) from exc
        outcomes[name] += 1
    return outcomes
