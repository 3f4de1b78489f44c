"""Synthetic PubMed baseline and update files, made from the real records of the shared corpus.

No PubMed baseline can be downloaded here, so this makes files in the real layout: gzip'd
``PubmedArticleSet`` XML (the same DOCTYPE and elements as NLM's ``pubmed26nNNNN.xml.gz``),
PMIDs ascending across the baseline files, ``<DeleteCitation>`` at the end of update files.

- Every real record of ``../shared/corpus/pubmed/`` (and any ``extra`` files, such as the
  seed's built records in tests/data/ncbi/) is included unchanged, under its real PMID.
- The other records are copies of real records with a new PMID (from 90,000,001 up: far above
  any real PMID, so never confused with one) and varied so that every record is distinct but
  real-looking: title words swapped for words of other real titles, authors drawn from the
  real author names, journal (full title, ISO abbreviation, MedlineTA, ISSN, NLM id) taken
  from another real record, year, volume, issue and pages redrawn, the DOI and PMC id made
  from the new PMID (``10.<prefix of the template>/synth.<pmid>``, ``PMC9<pmid>``). Reference
  lists are dropped from copies (their PMIDs belong to other articles).
- Update files hold new records, revised versions of earlier records (the same PMID with a
  corrected page range or title and a later ``DateRevised``) and deletions.

A manifest (``manifest.json``) records what the update files revised and deleted, so that tests
and benches can check the index applied them.

    python bench/make_baseline.py OUT_DIR [--records 1000000] [--per-file 30000]
        [--updates 2] [--seed 5]

Output is large (about 1.3 KB of gzip per record): write it to a folder outside git
(``bench/.baseline/`` is ignored).
"""

from __future__ import annotations

import argparse
import copy
import gzip
import json
import random
import re
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "pubmed" / "pubmed-real-records.xml.gz"
SEED_RECORDS = sorted((ROOT / "tests" / "data" / "ncbi").glob("pubmed-*.xml"))
FIRST_SYNTHETIC_PMID = 90_000_001
HEADER = (
    b'<?xml version="1.0" encoding="utf-8"?>\n'
    b'<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2025//EN" '
    b'"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n'
    b"<PubmedArticleSet>\n"
)
FOOTER = b"</PubmedArticleSet>\n"
_WORD = re.compile(r"[A-Za-z][a-z]{4,}")
_MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


@dataclass
class Pools:
    """What real records offer to vary copies with."""

    templates: list[Any]
    words: list[str]
    authors: list[tuple[str, str, str]]  # last name, fore name, initials
    journals: list[Any]  # <Journal> elements (ISSN, JournalIssue, Title, ISOAbbreviation)
    journal_info: list[Any]  # the matching <MedlineJournalInfo>


@dataclass
class Plan:
    """What the update files did: for the manifest."""

    revised: dict[str, str] = field(default_factory=dict)  # pmid -> file
    deleted: dict[str, str] = field(default_factory=dict)
    added: dict[str, str] = field(default_factory=dict)


def read_articles(paths: Sequence[Path]) -> list[Any]:
    """The PubmedArticle elements of these files (gzip or plain XML)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    out = []
    for path in paths:
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        out += etree.fromstring(data, parser).findall("PubmedArticle")
    return out


def pools(real: Sequence[Any]) -> Pools:
    words: set[str] = set()
    authors: set[tuple[str, str, str]] = set()
    journals: list[Any] = []
    info: list[Any] = []
    for art in real:
        title = "".join(art.find("MedlineCitation/Article/ArticleTitle").itertext())
        words.update(w.lower() for w in _WORD.findall(title))
        for a in art.iterfind("MedlineCitation/Article/AuthorList/Author"):
            last, fore, ini = (a.findtext(t) for t in ("LastName", "ForeName", "Initials"))
            if last and ini:
                authors.add((last, fore or "", ini))
        journal = art.find("MedlineCitation/Article/Journal")
        medline = art.find("MedlineCitation/MedlineJournalInfo")
        if journal is not None and journal.findtext("ISOAbbreviation") and medline is not None:
            journals.append(journal)
            info.append(medline)
    templates = [a for a in real if a.find("MedlineCitation/Article/ArticleTitle") is not None]
    return Pools(templates, sorted(words), sorted(authors), journals, info)


def _set(parent: Any, tag: str, text: str) -> None:
    el = parent.find(tag)
    if el is None:
        el = etree.SubElement(parent, tag)
    el.text = text


def _vary_title(title: str, rng: random.Random, words: Sequence[str]) -> str:
    tokens = title.split()
    slots = [i for i, w in enumerate(tokens) if _WORD.fullmatch(w.strip(".,:;()")) and len(w) > 4]
    rng.shuffle(slots)
    for i in slots[: max(2, len(slots) // 2)]:
        word = tokens[i]
        core = word.strip(".,:;()")
        new = rng.choice(words)
        if core[:1].isupper():
            new = new.capitalize()
        tokens[i] = word.replace(core, new)
    text = " ".join(tokens)
    return text if text.endswith((".", "?", "]")) else text + "."


def vary(template: Any, pmid: int, rng: random.Random, pool: Pools) -> Any:
    """A copy of ``template`` made into a distinct, real-looking record with PMID ``pmid``."""
    art = copy.deepcopy(template)
    cit = art.find("MedlineCitation")
    cit.find("PMID").text = str(pmid)
    article = cit.find("Article")
    title_el = article.find("ArticleTitle")
    old_title = "".join(title_el.itertext())
    for child in list(title_el):
        title_el.remove(child)
    title_el.text = _vary_title(old_title, rng, pool.words)
    # authors
    authors = article.find("AuthorList")
    if authors is not None:
        for a in authors.findall("Author"):
            if a.find("LastName") is not None:
                last, fore, ini = rng.choice(pool.authors)
                a.find("LastName").text = last
                if a.find("ForeName") is not None:
                    a.find("ForeName").text = fore or ini
                if a.find("Initials") is not None:
                    a.find("Initials").text = ini
    # journal, from another real record
    j = rng.randrange(len(pool.journals))
    journal = copy.deepcopy(pool.journals[j])
    old_journal = article.find("Journal")
    year = rng.randint(1965, 2025)
    issue = journal.find("JournalIssue")
    if issue is not None:
        _set(issue, "Volume", str(rng.randint(1, 250)))
        if rng.random() < 0.8:
            _set(issue, "Issue", str(rng.randint(1, 12)))
        elif issue.find("Issue") is not None:
            issue.remove(issue.find("Issue"))
        date = issue.find("PubDate")
        if date is not None:
            for child in list(date):
                date.remove(child)
            etree.SubElement(date, "Year").text = str(year)
            if rng.random() < 0.7:
                etree.SubElement(date, "Month").text = rng.choice(_MONTHS)
    article.replace(old_journal, journal)
    info = cit.find("MedlineJournalInfo")
    if info is not None:
        cit.replace(info, copy.deepcopy(pool.journal_info[j]))
    # pages
    first = rng.randint(1, 2400)
    last = first + rng.randint(1, 16)
    pagination = article.find("Pagination")
    if pagination is None:
        pagination = etree.Element("Pagination")
        title_el.addnext(pagination)
    for child in list(pagination):
        pagination.remove(child)
    etree.SubElement(pagination, "StartPage").text = str(first)
    etree.SubElement(pagination, "EndPage").text = str(last)
    etree.SubElement(pagination, "MedlinePgn").text = _medline_pages(first, last)
    # identifiers made from the new PMID
    prefix = "10.1000"
    for loc in article.findall("ELocationID"):
        if loc.get("EIdType") == "doi" and loc.text and "/" in loc.text:
            prefix = loc.text.split("/", 1)[0]
        article.remove(loc)
    doi = f"{prefix}/synth.{pmid}"
    loc = etree.Element("ELocationID", EIdType="doi", ValidYN="Y")
    loc.text = doi
    pagination.addnext(loc)
    data = art.find("PubmedData")
    if data is not None:
        for refs in data.findall("ReferenceList"):
            data.remove(refs)
        ids = data.find("ArticleIdList")
        if ids is not None:
            for el in list(ids):
                ids.remove(el)
            etree.SubElement(ids, "ArticleId", IdType="pubmed").text = str(pmid)
            etree.SubElement(ids, "ArticleId", IdType="doi").text = doi
            if rng.random() < 0.3:
                etree.SubElement(ids, "ArticleId", IdType="pmc").text = f"PMC9{pmid}"
    for comments in cit.findall("CommentsCorrectionsList"):
        cit.remove(comments)  # errata and retractions of the template are not this record's
    return art


def _medline_pages(first: int, last: int) -> str:
    a, b = str(first), str(last)
    if len(a) == len(b):
        i = 0
        while i < len(a) - 1 and a[i] == b[i]:
            i += 1
        b = b[i:]
    return f"{a}-{b}"


def revise(article: Any, rng: random.Random) -> Any:
    """A later version of a record: pages corrected (or a title typo fixed), DateRevised
    moved on."""
    art = copy.deepcopy(article)
    cit = art.find("MedlineCitation")
    pagination = cit.find("Article/Pagination")
    start = pagination.find("StartPage") if pagination is not None else None
    if start is not None and start.text and start.text.isdigit():
        first = int(start.text) + 1
        last = first + rng.randint(2, 12)
        for child in list(pagination):
            pagination.remove(child)
        etree.SubElement(pagination, "StartPage").text = str(first)
        etree.SubElement(pagination, "EndPage").text = str(last)
        etree.SubElement(pagination, "MedlinePgn").text = _medline_pages(first, last)
    else:
        title = cit.find("Article/ArticleTitle")
        title.text = ("".join(title.itertext()).rstrip(".") + " (corrected).").strip()
        for child in list(title):
            title.remove(child)
    revised = cit.find("DateRevised")
    if revised is None:
        revised = etree.SubElement(cit, "DateRevised")
    for child in list(revised):
        revised.remove(child)
    for tag, value in (("Year", "2026"), ("Month", "11"), ("Day", "30")):
        etree.SubElement(revised, tag).text = value
    return art


def pmid_of(article: Any) -> int:
    return int(article.findtext("MedlineCitation/PMID"))


def _write(path: Path, items: Iterable[bytes], deleted: Sequence[str] = ()) -> None:
    tmp = path.with_name(path.name + ".part")
    with gzip.open(tmp, "wb", compresslevel=4) as out:
        out.write(HEADER)
        for blob in items:
            out.write(blob)
            out.write(b"\n")
        if deleted:
            out.write(b"<DeleteCitation>\n")
            for pmid in deleted:
                out.write(f'<PMID Version="1">{pmid}</PMID>\n'.encode())
            out.write(b"</DeleteCitation>\n")
        out.write(FOOTER)
    tmp.replace(path)


def _blob(article: Any) -> bytes:
    return bytes(etree.tostring(article, encoding="utf-8"))


def generate(
    out: Path,
    records: int,
    *,
    per_file: int = 30_000,
    updates: int = 2,
    seed: int = 5,
    extra: Sequence[Path] = (),
    year: int = 26,
    progress: bool = False,
    first_file: int = 1,
    first_pmid: int = FIRST_SYNTHETIC_PMID,
    with_real: bool = True,
) -> dict[str, Any]:
    """Write baseline files holding ``records`` records (the real ones among them) and
    ``updates`` update files to ``out``; returns (and writes) the manifest."""
    # a set made in parts (--first-file) must not repeat itself: each part draws its own
    rng = random.Random(seed if first_file == 1 else f"{seed}-{first_file}")
    out.mkdir(parents=True, exist_ok=True)
    real = read_articles([CORPUS, *extra])
    by_pmid = {pmid_of(a): a for a in real}
    pool = pools(real)
    real_sorted = [by_pmid[p] for p in sorted(by_pmid)] if with_real else []
    synthetic = max(0, records - len(real_sorted))

    def stream() -> Iterator[Any]:
        # PMIDs ascending, as in NLM's baseline: the real records first, then the copies
        yield from real_sorted
        for n in range(synthetic):
            yield vary(rng.choice(pool.templates), first_pmid + n, rng, pool)

    files: list[str] = []
    kept: list[int] = []  # a sample of PMIDs for the update files to revise and delete
    batch: list[bytes] = []
    number = first_file - 1
    started = time.perf_counter()
    for i, article in enumerate(stream()):
        batch.append(_blob(article))
        if rng.random() < 0.002 or len(kept) < 50:
            kept.append(pmid_of(article))
        if len(batch) == per_file:
            number += 1
            name = f"pubmed{year}n{number:04d}.xml.gz"
            _write(out / name, batch)
            files.append(name)
            batch = []
            if progress:
                rate = (i + 1) / (time.perf_counter() - started)
                print(f"  {name}: {i + 1} records ({rate:,.0f}/s)", file=sys.stderr)
    if batch:
        number += 1
        name = f"pubmed{year}n{number:04d}.xml.gz"
        _write(out / name, batch)
        files.append(name)

    plan = Plan()
    next_pmid = first_pmid + synthetic
    update_files: list[str] = []
    seed_pmids = {pmid_of(a) for a in read_articles(extra)} if extra else set()
    candidates = [p for p in kept if p not in seed_pmids]
    rng.shuffle(candidates)
    for _ in range(updates):
        number += 1
        name = f"pubmed{year}n{number:04d}.xml.gz"
        items = []
        for _k in range(max(1, per_file // 100)):
            article = vary(rng.choice(pool.templates), next_pmid, rng, pool)
            plan.added[str(next_pmid)] = name
            next_pmid += 1
            items.append(_blob(article))
        revised = [p for p in candidates[:5] if str(p) not in plan.deleted]
        candidates = candidates[5:]
        for p in revised:
            source = by_pmid.get(p)
            if source is None:
                source = vary(rng.choice(pool.templates), p, random.Random(p), pool)
            items.append(_blob(revise(source, rng)))
            plan.revised[str(p)] = name
        deleted = [str(p) for p in candidates[:3]]
        candidates = candidates[3:]
        for p in deleted:
            plan.deleted[p] = name
        _write(out / name, items, deleted)
        update_files.append(name)

    manifest = {
        "records": len(real_sorted) + synthetic,
        "real": len(real_sorted),
        "synthetic": synthetic,
        "first_synthetic_pmid": first_pmid,
        "baseline": files,
        "updates": update_files,
        "added": plan.added,
        "revised": plan.revised,
        "deleted": plan.deleted,
        "seed": seed,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return manifest


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--per-file", type=int, default=30_000)
    parser.add_argument("--updates", type=int, default=2)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument(
        "--with-seed", action="store_true", help="include the seed's built records (tests/data)"
    )
    parser.add_argument("--first-file", type=int, default=1, help="number of the first file")
    parser.add_argument("--first-pmid", type=int, default=FIRST_SYNTHETIC_PMID)
    parser.add_argument(
        "--no-real", action="store_true", help="synthetic records only (more files of a set)"
    )
    args = parser.parse_args()
    started = time.perf_counter()
    manifest = generate(
        args.out,
        args.records,
        per_file=args.per_file,
        updates=args.updates,
        seed=args.seed,
        extra=SEED_RECORDS if args.with_seed else (),
        progress=True,
        first_file=args.first_file,
        first_pmid=args.first_pmid,
        with_real=not args.no_real,
    )
    took = time.perf_counter() - started
    size = sum(p.stat().st_size for p in args.out.glob("*.xml.gz"))
    print(
        f"{manifest['records']:,} records ({manifest['real']} real) in "
        f"{len(manifest['baseline'])} baseline + {len(manifest['updates'])} update files, "
        f"{size / 1e6:,.1f} MB gzip, {took:.1f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
