"""Shared by the export tests: the real works they run on (no tests here).

- ``corpus_works()``: the 1,648 real PubMed records of ../shared/corpus, parsed by refkeeper.
- ``example_works()``: the worked example (two PubMed records, one NLM Catalog book).
- ``book_works()``: hand-written real books and a chapter (tests/data/export/books.json).
- ``varied_works(n)``: n varied records for the style comparisons.
"""

from __future__ import annotations

import gzip
import json
from functools import lru_cache
from pathlib import Path

from refkeeper.models import Work

TESTS = Path(__file__).resolve().parent
DATA = TESTS / "data" / "export"
NCBI = TESTS / "data" / "ncbi"
CORPUS = TESTS.parent.parent / "shared" / "corpus" / "pubmed" / "pubmed-real-records.xml.gz"


@lru_cache(maxsize=1)
def corpus_works() -> tuple[Work, ...]:
    from refkeeper.resolve.pubmed import parse_pubmed_xml

    return tuple(parse_pubmed_xml(gzip.decompress(CORPUS.read_bytes())))


@lru_cache(maxsize=1)
def example_works() -> tuple[Work, ...]:
    from refkeeper.resolve.nlmcatalog import parse_nlmcatalog_xml
    from refkeeper.resolve.pubmed import parse_pubmed_xml

    works = [
        *parse_pubmed_xml((NCBI / "pubmed-8620427.xml").read_bytes()),
        *parse_pubmed_xml((NCBI / "pubmed-15919482.xml").read_bytes()),
        *parse_nlmcatalog_xml((NCBI / "nlmcatalog-who-digestive-4th.xml").read_bytes()),
    ]
    return tuple(works)


@lru_cache(maxsize=1)
def book_works() -> tuple[Work, ...]:
    items = json.loads((DATA / "books.json").read_text("utf-8"))
    return tuple(Work(id=i["id"], source="manual", csl=i) for i in items)


def _kinds(work: Work) -> set[str]:
    csl = work.csl
    kinds = set()
    authors = csl.get("author") or []
    if any("literal" in a for a in authors):
        kinds.add("collective")
    if not authors:
        kinds.add("no-author")
    if work.medline_date:
        kinds.add("medline-date")
    if (
        "suppl" in str(csl.get("issue", "")).lower()
        or "suppl" in str(csl.get("volume", "")).lower()
    ):
        kinds.add("supplement")
    page = str(csl.get("page", ""))
    if not page or page[:1].lower() == "e" or not page[:1].isdigit():
        kinds.add("electronic-pages")
    names = json.dumps(authors, ensure_ascii=False)
    if not names.isascii():
        kinds.add("non-ascii-names")
    if len(authors) > 6:
        kinds.add("many-authors")
    if work.pmcid:
        kinds.add("pmcid")
    return kinds


@lru_cache(maxsize=4)
def varied_works(n: int = 200) -> tuple[Work, ...]:
    """The example, the books, then up to 20 corpus records of each kind, then every k-th."""
    chosen: list[Work] = [*example_works(), *book_works()]
    seen = {w.id for w in chosen}
    corpus = corpus_works()
    per_kind: dict[str, int] = {}
    for work in corpus:
        kinds = _kinds(work)
        if work.id not in seen and any(per_kind.get(k, 0) < 20 for k in kinds):
            for k in kinds:
                per_kind[k] = per_kind.get(k, 0) + 1
            chosen.append(work)
            seen.add(work.id)
    stride = max(1, len(corpus) // n)
    for work in corpus[::stride]:
        if len(chosen) >= n:
            break
        if work.id not in seen:
            chosen.append(work)
            seen.add(work.id)
    return tuple(chosen[:n])
