"""Benchmark the free-text reference parser on the references of real articles.

Reads ``corpus/jats/references.jsonl`` from the shared folder (``REFKEEPER_SHARED`` or the
``shared`` folder next to the repository), parses every ``rendered_without_ids`` string with
:func:`refkeeper.extract.refparse.parse_reference` and prints, for each field, how often the
parse agrees with the publisher's structured metadata (only where that metadata has the field),
then the parsing speed.

"journal" is the structured ``source``: a journal's name, or for a book or web page its own
title; the parse's ``container-title`` (or, for what is not an article or chapter, its
``title``) is compared with it. Strings are compared case-, accent- and punctuation-blind.

A second set renders the 1,648 real PubMed records of ``corpus/pubmed/`` (those with authors,
title, journal, year, volume and pages) in three written forms, Vancouver/NLM, the WHO
Classification site's and APA 7, and scores the parse against the record the string was made
from (``--no-rendered`` skips). A third, larger and messier set has no field-by-field truth:
the free-text ``Citation`` strings of the reference lists inside
``corpus/pubmed/pubmed-real-records.xml.gz`` (every style publishers send to PubMed). For
those the script prints how many parse without a reported problem and how many yield an
author, a year and a journal or publisher (``--no-pubmed`` skips).

    /work/venv/bin/python bench/bench_parse.py [--show-misses FIELD] [--repeat N] [--no-pubmed]
                                               [--no-rendered]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import sys
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

from refkeeper.extract.refparse import ParsedReference, parse_reference

_INITIALS = re.compile(r"[A-Z](?:[a-z]?-?[A-Z])*[a-z]?")
FIELDS = ("first author", "year", "volume", "first page", "title", "journal")


def shared_dir() -> Path:
    env = os.environ.get("REFKEEPER_SHARED")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[1].parent / "shared"


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[\W_]+", "", text.casefold())


def _expected(rec: dict[str, Any]) -> dict[str, str | None]:
    authors = rec.get("authors") or []
    first = authors[0] if authors else None
    family: str | None = None
    if first:
        # structured names are "Family Initials" (JATS surname + given initials) or literal
        parts = first.rsplit(" ", 1)
        family = parts[0] if len(parts) == 2 and _INITIALS.fullmatch(parts[1]) else first
    fpage = rec.get("fpage")
    return {
        "first author": family,
        "year": rec.get("year"),
        "volume": rec.get("volume"),
        "first page": fpage.split()[0] if fpage else None,
        "title": rec.get("title"),
        "journal": rec.get("source"),
    }


def _got(parsed: ParsedReference) -> dict[str, str | None]:
    f = parsed.fields
    first: str | None = None
    names = f.get("author") or f.get("editor") or []
    if names:
        first = names[0].get("family") or names[0].get("literal")
    year: str | None = None
    issued = f.get("issued")
    if issued and issued.get("date-parts"):
        year = str(issued["date-parts"][0][0])
    page = f.get("page") or f.get("page-first")
    journal = f.get("container-title")
    if journal is None and f.get("type") not in ("article-journal", "chapter"):
        journal = f.get("title")  # a book's or web page's "source" is its own title
    return {
        "first author": first,
        "year": year,
        "volume": f.get("volume"),
        "first page": page.split("-", 1)[0] if page else None,
        "title": f.get("title"),
        "journal": journal,
    }


def _agree(field: str, want: str, got: str | None) -> bool:
    if got is None:
        return False
    return _norm(want) == _norm(got)


def _initials(given: str) -> str:
    return "".join(part[0] for part in re.split(r"[\s.\-]+", given) if part[:1].isupper())


def _short_pages(page: str) -> str:
    """``2514-2523`` -> ``2514-23`` (as NLM writes ranges)."""
    first, _, last = page.partition("-")
    if not (first.isdigit() and last.isdigit() and len(first) == len(last)):
        return page
    i = 0
    while i < len(last) - 1 and first[i] == last[i]:
        i += 1
    return f"{first}-{last[i:]}"


def render_record(csl: dict[str, Any], iso: str, full: str, style: str) -> str:
    """A written reference for a PubMed record in one of three forms."""
    authors = [(a["family"], _initials(a["given"])) for a in csl["author"]]
    year = csl["issued"]["date-parts"][0][0]
    title = str(csl["title"]).rstrip(".")
    vol, issue, page = csl["volume"], csl.get("issue"), csl["page"]
    if style == "apa":
        people = [f"{f}, {'. '.join(i)}." for f, i in authors[:19]]
        names = people[0] if len(people) == 1 else ", ".join(people[:-1]) + ", & " + people[-1]
        iss = f"({issue})" if issue else ""
        return f"{names} ({year}). {title}. {full}, {vol}{iss}, {page.replace('-', EN_DASH)}."
    names = ", ".join(f"{f} {i}" for f, i in authors[:6]) + (", et al" if len(authors) > 6 else "")
    if style == "who":
        return f"{names} ({year})\n{title}.\n{iso} {vol}: {_short_pages(page)}"
    iss = f"({issue})" if issue else ""
    return f"{names}. {title}. {iso}. {year};{vol}{iss}:{_short_pages(page)}."


EN_DASH = "\u2013"


def rendered_figures(path: Path) -> None:
    from refkeeper.resolve.pubmed import parse_pubmed_xml  # only this part needs it

    works = []
    for work in parse_pubmed_xml(gzip.decompress(path.read_bytes())):
        csl = work.csl
        if not (
            csl.get("author")
            and all(a.get("family") and a.get("given") for a in csl["author"])
            and csl.get("title")
            and not str(csl["title"]).startswith("[")
            and work.journal_iso
            and work.journal_full
            and csl.get("issued")
            and csl.get("volume")
            and re.fullmatch(r"[A-Za-z]?\d+(-[A-Za-z]?\d+)?", str(csl.get("page") or ""))
        ):
            continue
        works.append(work)
    print(f"\nPubMed records rendered in three forms: {len(works)} records from {path.name}")
    print(f"{'form':<11}" + "".join(f"{name:>14}" for name in FIELDS) + f"{'problems':>10}")
    for style in ("vancouver", "who", "apa"):
        hits = dict.fromkeys(FIELDS, 0)
        problems = 0
        for work in works:
            csl = work.csl
            iso = str(work.journal_iso).replace(".", "")  # the NLM/MedlineTA form
            journal = str(work.journal_full) if style == "apa" else iso
            parsed = parse_reference(render_record(csl, iso, str(work.journal_full), style))
            problems += bool(parsed.problems)
            got = _got(parsed)
            want = {
                "first author": csl["author"][0]["family"],
                "year": str(csl["issued"]["date-parts"][0][0]),
                "volume": csl["volume"],
                "first page": str(csl["page"]).split("-")[0],
                "title": str(csl["title"]),
                "journal": journal,
            }
            for name in FIELDS:
                hits[name] += _agree(name, want[name], got[name])
        n = len(works)
        row = "".join(f"{100.0 * hits[name] / n:>13.1f}%" for name in FIELDS)
        print(f"{style:<11}{row}{problems:>10}")


def pubmed_citations(path: Path) -> list[str]:
    """The ``Citation`` strings of the reference lists in a gzipped PubmedArticleSet."""
    from lxml import etree  # imported here: only this part of the bench needs it

    out: list[str] = []
    with gzip.open(path, "rb") as fh:
        for _, elem in etree.iterparse(
            fh, tag="Citation", resolve_entities=False, no_network=True, huge_tree=True
        ):
            text = "".join(elem.itertext()).strip()
            if text:
                out.append(text)
            elem.clear()
    return out


def pubmed_figures(path: Path) -> None:
    strings = pubmed_citations(path)
    if not strings:
        return
    start = time.perf_counter()
    parsed = [parse_reference(s) for s in strings]
    elapsed = time.perf_counter() - start
    # PubMed often has only the cited journal's locator: "J Biol Chem. 2010;285(32):24447-56"
    locator_only = [
        p
        for p in parsed
        if "author" not in p.fields and "editor" not in p.fields and "title" not in p.fields
    ]
    located = sum(
        bool(p.fields.get("container-title")) and "issued" in p.fields and "volume" in p.fields
        for p in locator_only
    )
    full = [p for p in parsed if not any(p is q for q in locator_only)]
    clean = sum(not p.problems for p in full)
    core = sum(
        bool(p.fields.get("author") or p.fields.get("editor"))
        and "issued" in p.fields
        and bool(p.fields.get("container-title") or p.fields.get("publisher"))
        for p in full
    )
    n, nf, nl = len(strings), len(full), len(locator_only)
    print(f"\nPubMed reference strings: {n} from {path.name} (no field truth)")
    print(f"  with authors or a title: {nf}")
    print(f"    parsed without a reported problem: {clean} ({100.0 * clean / nf:.1f}%)")
    print(f"    author, year and journal/publisher found: {core} ({100.0 * core / nf:.1f}%)")
    print(f"  with neither (journal locator only, or unrecognised): {nl}")
    print(f"    journal, year and volume found: {located} ({100.0 * located / max(nl, 1):.1f}%)")
    print(f"  speed: {n / elapsed:,.0f} references/s (one pass)")


# ---------------------------------------------------------------------- styled corpus

STYLED_FIELDS = (
    "first author", "all authors", "year", "title", "journal", "volume", "issue", "pages",
)  # fmt: skip
_PARTICLE_WORDS = frozenset(
    "van von der den de del della di da das do dos du la le ten ter op het".split()
)


def _surname_key(name: dict[str, Any]) -> str:
    return _norm(str(name.get("family") or name.get("literal") or ""))


def _same_surname(want: dict[str, Any], got: dict[str, Any]) -> bool:
    w, g = _surname_key(want), _surname_key(got)
    if not w or not g:
        return False
    if w == g:
        return True
    # "de Nys" written "Nys, R. de": the particle may move into the given names
    family = str(want.get("family") or "")
    words = family.split()
    core = [x for x in words if x.lower() not in _PARTICLE_WORDS]
    return bool(core) and len(core) < len(words) and _norm(" ".join(core)) == g


def _words(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " " + " ".join(re.sub(r"[\W_]+", " ", text.casefold()).split()) + " "


def _shown_authors(names: list[dict[str, Any]], text: str, title: str) -> list[dict[str, Any]]:
    """The record's authors the entry shows, in order (a style may cut the list, or show the
    first six, an ellipsis and the last); surnames are looked for as whole words before the
    title."""
    low = _words(text)
    end = low.find(_words(title)) if title else -1
    if end > 0:
        low = low[: end + 1]
    pos = 0
    shown: list[dict[str, Any]] = []
    for name in names:
        key = _words(str(name.get("family") or name.get("literal") or ""))
        if key.strip() == "":
            break
        found = low.find(key, pos)
        if found == -1:
            if shown:
                continue
            break
        shown.append(name)
        pos = found + len(key) - 1
    return shown


def _journal_forms(ref: Any) -> list[str]:
    t, work = ref.truth, ref.record
    forms = [t.get("container-title"), t.get("container-title-short"), t.get("journalAbbreviation")]
    if not any(e.field == "journal" for e in ref.errors):
        forms += [work.journal_iso, work.journal_full]
    return [str(f) for f in forms if f]


def _styled_truth(ref: Any) -> dict[str, Any]:
    """What the entry shows, field by field (None: the style does not show it)."""
    t = ref.truth
    text = ref.text
    low = _norm(text)
    out: dict[str, Any] = dict.fromkeys(STYLED_FIELDS)
    names = t.get("author") or []
    shown = _shown_authors(names, text, str(t.get("title") or "").rstrip("."))
    if shown:
        out["first author"] = names[0]
        out["all authors"] = shown
    year = str(t["issued"]["date-parts"][0][0])
    out["year"] = year if year in text else None  # Annals of Surgery omits it ahead of print
    title = str(t.get("title") or "").rstrip(".")
    if title and _norm(title) in low:
        out["title"] = title
    shown_forms = [f for f in _journal_forms(ref) if _norm(f) and _norm(f) in low]
    if shown_forms:
        out["journal"] = shown_forms
    volume = str(t.get("volume") or "")
    if volume and re.search(rf"(?<![\w]){re.escape(volume)}(?![\w])", text):
        out["volume"] = volume
    issue = str(t.get("issue") or "")
    page = str(t.get("page") or "")
    if issue:
        iss, vol = re.escape(issue), re.escape(volume)
        shapes = (
            rf"\(\s*{iss}\s*\)", rf"\b(?:no|No|Nr|nr|iss|Issue)\.?\s*{iss}(?![\w])",
            rf"(?<![\w]){vol}\s*[./]\s*{iss}(?![\w])", rf"(?<![\w]){vol},\s*{iss}\s*\(",
        )  # fmt: skip
        if any(re.search(shape, text) for shape in shapes):
            out["issue"] = issue
    if page:
        first = page.split("-")[0]
        if re.search(rf"(?<![\w]){re.escape(first)}(?![\w])", text):
            ranged = bool(re.search(rf"(?<![\w]){re.escape(first)}\s*[-\u2013]\s*\w", text))
            out["pages"] = page if ranged and "-" in page else first
    return out


def _styled_agree(name: str, want: Any, parsed: ParsedReference) -> bool:
    f = parsed.fields
    authors = f.get("author") or []
    if name == "first author":
        return bool(authors) and _same_surname(want, authors[0])
    if name == "all authors":
        return len(authors) == len(want) and all(
            _same_surname(w, g) for w, g in zip(want, authors, strict=True)
        )
    if name == "year":
        issued = f.get("issued")
        return bool(issued and issued.get("date-parts")) and str(issued["date-parts"][0][0]) == str(
            want
        )
    if name == "title":
        return _norm(str(f.get("title") or "")) == _norm(want)
    if name == "journal":
        got = _norm(str(f.get("container-title") or ""))
        return bool(got) and any(_norm(form) == got for form in want)
    if name in ("volume", "issue"):
        got = _norm(str(f.get(name) or ""))
        # PubMed's "145 ( Pt 2)": the volume is 145, the part an issue
        return got == _norm(want) or (name == "volume" and got == _norm(want.split("(")[0]))
    page = str(f.get("page") or f.get("page-first") or "")
    return page == want or ("-" not in want and page.split("-")[0] == want)


def _row(hits: dict[str, int], totals: dict[str, int]) -> str:
    return "".join(
        f"{100.0 * hits[n] / totals[n]:>12.1f}%" if totals[n] else f"{'-':>13}"
        for n in STYLED_FIELDS
    )


def styled_figures(
    *, tuned: bool, held_out: bool, errors: bool, limit: int | None, per_style: bool,
    show: str | None, show_style: str | None, only: list[str] | None = None,
) -> None:  # fmt: skip
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from styled_corpus import HELD_OUT, TUNED, styled_references

    sets = []
    if tuned:
        sets.append(("tuned", TUNED))
    if held_out:
        sets.append(("held-out", HELD_OUT))
    variants = (False, True) if errors else (False,)
    print(
        "\nPubMed records rendered in CSL styles by refkeeper's bibliography engine "
        "(bench/styled_corpus.py); a field counts where the entry shows it"
    )
    head = "".join(f"{n:>13}" for n in STYLED_FIELDS)
    print(f"{'set':<26}{'refs':>7}{head}{'refs/s':>9}")
    for label, every in sets:
        styles = [s for s in every if only is None or s in only]
        if not styles:
            continue
        for with_errors in variants:
            refs = styled_references(styles, errors=with_errors, limit=limit)
            start = time.perf_counter()
            parsed = [parse_reference(r.text) for r in refs]
            rate = len(refs) / (time.perf_counter() - start)
            hits: dict[str, dict[str, int]] = {}
            totals: dict[str, dict[str, int]] = {}
            misses: list[str] = []
            counts: dict[str, int] = {}
            for ref, p in zip(refs, parsed, strict=True):
                counts[ref.style] = counts.get(ref.style, 0) + 1
                truth = _styled_truth(ref)
                for key in ("all", ref.style):
                    hits.setdefault(key, dict.fromkeys(STYLED_FIELDS, 0))
                    totals.setdefault(key, dict.fromkeys(STYLED_FIELDS, 0))
                for name in STYLED_FIELDS:
                    want = truth[name]
                    if want is None:
                        continue
                    ok = _styled_agree(name, want, p)
                    for key in ("all", ref.style):
                        totals[key][name] += 1
                        hits[key][name] += ok
                    if not ok and show == name and (show_style in (None, ref.style)):
                        misses.append(f"  [{ref.style}] want {want!r}\n    got  {p.fields}\n"
                                      f"    raw  {ref.text}")  # fmt: skip

            for line in random.Random(0).sample(misses, min(len(misses), 25)):
                print(line)
            name = f"{label}, {'with errors' if with_errors else 'clean'}"
            print(f"{name:<26}{len(refs):>7}{_row(hits['all'], totals['all'])}{rate:>9,.0f}")
            if per_style:
                for style in styles:
                    if style in hits:
                        n_style = counts[style]
                        print(f"  {style[:30]:<30}{n_style:>7}{_row(hits[style], totals[style])}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--show-misses", metavar="FIELD", choices=FIELDS, default=None)
    ap.add_argument("--repeat", type=int, default=20, help="timing repetitions (default 20)")
    ap.add_argument("--no-pubmed", action="store_true", help="skip the PubMed citation strings")
    ap.add_argument("--no-rendered", action="store_true", help="skip the rendered PubMed records")
    ap.add_argument("--no-styled", action="store_true", help="skip the CSL-styled corpus")
    ap.add_argument("--tuned-only", action="store_true", help="styled corpus: tuned styles only")
    ap.add_argument("--held-out-only", action="store_true", help="styled: held-out styles only")
    ap.add_argument("--clean-only", action="store_true", help="styled: without injected errors")
    ap.add_argument("--limit", type=int, default=None, help="styled: first N records per style")
    ap.add_argument("--per-style", action="store_true", help="styled: a row per style")
    ap.add_argument("--show-styled", metavar="FIELD", choices=STYLED_FIELDS, default=None)
    ap.add_argument("--style", default=None, help="with --show-styled: misses of this style")
    ap.add_argument("--styles", default=None, help="styled: only these styles (a,b,...)")
    args = ap.parse_args(argv)

    path = shared_dir() / "corpus" / "jats" / "references.jsonl"
    if not path.is_file():
        print(f"corpus not found: {path} (set REFKEEPER_SHARED)", file=sys.stderr)
        return 2
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    strings = [r["rendered_without_ids"] for r in records]

    hits = dict.fromkeys(FIELDS, 0)
    totals = dict.fromkeys(FIELDS, 0)
    misses: list[tuple[str, str | None, str]] = []
    with_problems = 0
    for rec, raw in zip(records, strings, strict=True):
        parsed = parse_reference(raw)
        with_problems += bool(parsed.problems)
        want, got = _expected(rec), _got(parsed)
        for name in FIELDS:
            w = want[name]
            if not w:
                continue
            totals[name] += 1
            if _agree(name, w, got[name]):
                hits[name] += 1
            elif args.show_misses == name:
                misses.append((w, got[name], raw))

    timer: Callable[[], float] = time.perf_counter
    rounds: list[float] = []
    cpu_start = time.process_time()
    for _ in range(args.repeat):
        start = timer()
        for raw in strings:
            parse_reference(raw)
        rounds.append(timer() - start)
    cpu = time.process_time() - cpu_start
    n = len(strings)
    rounds.sort()
    best, median = n / rounds[0], n / rounds[len(rounds) // 2]
    cpu_rate = args.repeat * n / cpu if cpu > 0 else float("inf")

    print(f"references: {len(strings)} from {path}")
    print(f"{'field':<14}{'correct':>9}{'of':>6}{'accuracy':>10}")
    for name in FIELDS:
        acc = 100.0 * hits[name] / totals[name] if totals[name] else 0.0
        print(f"{name:<14}{hits[name]:>9}{totals[name]:>6}{acc:>9.1f}%")
    print(f"with problems reported: {with_problems} of {len(strings)}")
    print(
        f"speed: {median:,.0f} references/s median, {best:,.0f} best of {args.repeat} rounds "
        f"of {n}; {cpu_rate:,.0f}/s of CPU time (load on a shared machine slows the wall clock)"
    )
    for want_v, got_v, raw in misses:
        print(f"\n  want {want_v!r}\n  got  {got_v!r}\n  raw  {raw}")
    pubmed = shared_dir() / "corpus" / "pubmed" / "pubmed-real-records.xml.gz"
    if not args.no_styled and pubmed.is_file():
        styled_figures(
            tuned=not args.held_out_only,
            held_out=not args.tuned_only,
            errors=not args.clean_only,
            limit=args.limit,
            per_style=args.per_style,
            show=args.show_styled,
            show_style=args.style,
            only=args.styles.split(",") if args.styles else None,
        )
    if not args.no_rendered and pubmed.is_file():
        rendered_figures(pubmed)
    if not args.no_pubmed and pubmed.is_file():
        pubmed_figures(pubmed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
