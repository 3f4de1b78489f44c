"""Error-injection benchmark of the citation-error audit, on real PubMed records.

For each real record of ../shared/corpus/pubmed/ with authors, title, journal, year, volume and
pages, the script renders the correct reference in Vancouver (NLM) form (and, as stress tests,
in the worked example's WHO-page form with the full journal title, and in APA 7), and a copy
with ONE injected error, the field drawn with the frequencies Aronsky et al. (2005) reported for
biomedical references (author 39%, journal 31%, title 18%, pages 7%, year 3.5%, volume 1.3%).
Both strings are parsed with ``refkeeper.extract.refparse.parse_reference`` (so parser errors
count against the audit, as they would for a user) and compared with the true record by
``refkeeper.audit.compare_reference``. It prints, per field, the recall of injected errors and
the false-alarm rate on the clean references (share of clean references with any error reported
on that field), plus the severity grading of detected errors.

    python bench/bench_audit_errors.py [--style vancouver|who|apa|all] [--limit N] [--seed S]

Aim (issue 6): recall >= 95%, false alarms <= 1%.

``--mixed`` runs issue 11's set instead (``bench/mixed_set.py``: 700 references across the
tuned styles and, apart, 700 across the 10 held-out styles of ``bench/styled_corpus.py``, 30%
with the citation errors styled_corpus injects, 100 absent from the fake E-utilities). Each
reference is resolved through the fake (as a user's would be), and the audit compares only
what was resolved, with the reference TEXT aligned with its record. It prints per field the
recall of injected errors, per style the false alarms on clean references, and the field
findings on absent works (must be 0).

    python bench/bench_audit_errors.py --mixed [--set tuned|held-out|both] [--n 700]

Aim (issue 11): recall >= 0.95 per field, false alarms <= 1% of clean references per style,
no field finding on an absent work.
"""

from __future__ import annotations

import argparse
import gzip
import random
import re
import string
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from refkeeper.audit.compare import compare_reference, journal_equivalent
from refkeeper.bibfields import year_of
from refkeeper.extract.refparse import parse_reference
from refkeeper.models import Work
from refkeeper.resolve.pubmed import parse_pubmed_xml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))
CORPUS = ROOT.parent / "shared" / "corpus" / "pubmed" / "pubmed-real-records.xml.gz"

EN_DASH = "\u2013"
MIX = {"author": 39.0, "journal": 31.0, "title": 18.0, "page": 7.0, "year": 3.5, "volume": 1.3}


# --------------------------------------------------------------------------- rendering


def initials(given: str) -> str:
    parts = [p for p in re.split(r"[\s.\-]+", given) if p]
    out = ""
    for p in parts:
        out += p if (p.isupper() and len(p) <= 3) else p[0].upper()
    return out


def abbreviate_pages(page: str) -> str:
    match = re.fullmatch(r"([A-Za-z]*)(\d+)-([A-Za-z]*)(\d+)", page)
    if not match:
        return page
    p1, first, p2, last = match.groups()
    if p2 and p2 != p1 or len(first) != len(last):
        return page
    i = 0
    while i < len(first) - 1 and first[i] == last[i]:
        i += 1
    return f"{p1}{first}-{last[i:]}"


def expand_pages(page: str) -> str:
    match = re.fullmatch(r"([A-Za-z]*)(\d+)-([A-Za-z]*)(\d+)", page)
    if not match:
        return page
    p1, first, p2, last = match.groups()
    if len(last) < len(first):
        last = first[: len(first) - len(last)] + last
    return f"{p1}{first}-{p2 or p1}{last}"


def eligible(work: Work) -> bool:
    csl = work.csl
    authors = csl.get("author") or []
    return bool(
        authors
        and all(a.get("family") and a.get("given") for a in authors)
        and csl.get("title")
        and work.journal_iso
        and year_of(csl)
        and csl.get("volume")
        and re.fullmatch(r"[A-Za-z]?\d+(-[A-Za-z]?\d+)?", str(csl.get("page") or ""))
        and not str(csl.get("title")).startswith("[")
    )


def parts_of(work: Work, style: str = "vancouver") -> dict[str, Any]:
    csl = work.csl
    journal = str(work.journal_iso).replace(".", "")  # NLM/MedlineTA form
    if style in ("who", "apa") and work.journal_full:
        journal = str(work.journal_full)  # the full title, as many pages write it
    return {
        "style": style,
        "authors": [(a["family"], initials(a["given"])) for a in csl["author"]],
        "title": str(csl["title"]).rstrip("."),
        "journal": journal,
        "year": str(year_of(csl)),
        "volume": str(csl["volume"]),
        "issue": str(csl.get("issue") or ""),
        "page": abbreviate_pages(str(csl["page"])),
    }


def render(p: dict[str, Any]) -> str:
    authors = p["authors"]
    names = ", ".join(f"{family} {inits}".strip() for family, inits in authors[:6])
    if len(authors) > 6 or p.get("et_al"):
        names += ", et al"
    if p.get("style") == "apa":  # APA 7: "Timmons, C. F., ... & Katz, J. A. (1995). ..."
        people = [f"{family}, {'. '.join(inits)}." for family, inits in authors[:20]]
        if len(authors) > 20 or p.get("et_al"):  # more than APA lists: 19 and "et al."
            names = ", ".join(people[:19]) + ", et al."
        else:
            names = people[0] if len(people) == 1 else ", ".join(people[:-1]) + ", & " + people[-1]
        issue = f"({p['issue']})" if p["issue"] else ""
        full = expand_pages(p["page"]).replace("-", EN_DASH)
        return f"{names} ({p['year']}). {p['title']}. {p['journal']}, {p['volume']}{issue}, {full}."
    if p.get("style") == "who":  # the WHO Classification pages' form (the worked example)
        return f"{names} ({p['year']})\n{p['title']}.\n{p['journal']} {p['volume']}: {p['page']}"
    issue = f"({p['issue']})" if p["issue"] else ""
    return f"{names}. {p['title']}. {p['journal']}. {p['year']};{p['volume']}{issue}:{p['page']}."


# --------------------------------------------------------------------------- injection


def misspell(word: str, rng: random.Random) -> str:
    letters = string.ascii_lowercase
    for _ in range(20):
        i = rng.randrange(1, len(word)) if len(word) > 1 else 0
        how = rng.choice(("sub", "swap", "drop", "add"))
        if how == "sub":
            new = word[:i] + rng.choice(letters) + word[i + 1 :]
        elif how == "swap" and i < len(word) - 1:
            new = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        elif how == "drop" and len(word) > 3:
            new = word[:i] + word[i + 1 :]
        else:
            new = word[:i] + rng.choice(letters) + word[i:]
        if new.lower() != word.lower():
            return new
    return word + "x"


def inject_author(p: dict[str, Any], rng: random.Random) -> str:
    authors = list(p["authors"])
    shown = authors[:6]
    kinds = ["first-misspelt", "initials"]
    if len(shown) >= 2:
        kinds += ["other-misspelt", "swapped-order"]
    if len(shown) >= 3:
        kinds += ["omitted"]
    kind = rng.choice(kinds)
    if kind == "first-misspelt":
        family, inits = authors[0]
        authors[0] = (misspell(family, rng), inits)
    elif kind == "other-misspelt":
        i = rng.randrange(1, len(shown))
        authors[i] = (misspell(authors[i][0], rng), authors[i][1])
    elif kind == "initials":
        i = rng.randrange(len(shown))
        family, inits = authors[i]
        other = rng.choice([c for c in string.ascii_uppercase if c != inits[:1]])
        authors[i] = (family, other + inits[1:])
    elif kind == "swapped-order":
        i = rng.randrange(len(shown) - 1)
        if authors[i][0].lower() == authors[i + 1][0].lower():
            authors[0] = (misspell(authors[0][0], rng), authors[0][1])
            kind = "first-misspelt"
        else:
            authors[i], authors[i + 1] = authors[i + 1], authors[i]
    else:
        del authors[rng.randrange(1, len(shown) - 1)]
        if len(p["authors"]) > 6:  # keep the rendered list at six, minus the dropped one
            authors = authors[:5]
            p["et_al"] = True
    p["authors"] = authors
    return kind


def inject_journal(
    p: dict[str, Any], rng: random.Random, journals: list[tuple[str, list[str]]], names: list[str]
) -> str:
    if rng.random() < 0.5:
        for _ in range(50):
            other, _other_names = rng.choice(journals)
            if not journal_equivalent(other, names):
                p["journal"] = other
                return "other-journal"
    tokens = p["journal"].split()
    candidates = [i for i, t in enumerate(tokens) if len(t) >= 3 and t.isalpha()]
    if not candidates:
        p["journal"] = rng.choice([j for j, n in journals if not journal_equivalent(j, names)])
        return "other-journal"
    i = rng.choice(candidates)
    for _ in range(20):
        tokens2 = list(tokens)
        tokens2[i] = misspell(tokens[i], rng)
        if not journal_equivalent(" ".join(tokens2), names):
            p["journal"] = " ".join(tokens2)
            return "misspelt-journal"
    p["journal"] = rng.choice([j for j, n in journals if not journal_equivalent(j, names)])
    return "other-journal"


def inject_title(p: dict[str, Any], rng: random.Random, vocabulary: list[str]) -> str:
    words = p["title"].split()
    content = [i for i, w in enumerate(words) if len(re.sub(r"\W", "", w)) >= 4]
    if not content:
        content = list(range(len(words)))
    i = rng.choice(content)
    kind = rng.choice(("dropped-word", "changed-word", "misspelt-word"))
    if kind == "dropped-word" and len(words) > 2:
        del words[i]
    elif kind == "changed-word":
        new = rng.choice(vocabulary)
        while new.lower() == words[i].lower():
            new = rng.choice(vocabulary)
        words[i] = new
    else:
        core = re.sub(r"\W", "", words[i]) or words[i]
        words[i] = misspell(core, rng)
        kind = "misspelt-word"
    p["title"] = " ".join(words)
    return kind


def inject_page(p: dict[str, Any], rng: random.Random) -> str:
    match = re.fullmatch(r"([A-Za-z]?)(\d+)(?:-([A-Za-z]?)(\d+))?", p["page"])
    assert match
    pre, first, pre2, last = match.groups()
    delta = rng.choice([-10, -2, -1, 1, 2, 10, 100])
    new_first = str(max(1, int(first) + delta))
    if new_first == first:
        new_first = str(int(first) + 1)
    if last and rng.random() < 0.3:
        full_last = first[: len(first) - len(last)] + last
        new_last = str(int(full_last) + rng.choice([1, 2, 5]))
        p["page"] = f"{pre}{first}-{pre2}{new_last}"
        return "last-page"
    if last:
        full_last = first[: len(first) - len(last)] + last
        end = max(int(full_last), int(new_first))
        p["page"] = abbreviate_pages(f"{pre}{new_first}-{pre}{end}")
    else:
        p["page"] = f"{pre}{new_first}"
    return "first-page"


def inject_number(p: dict[str, Any], key: str, rng: random.Random) -> str:
    value = int(re.sub(r"\D", "", p[key]) or 0)
    delta = rng.choice([-3, -2, -1, 1, 2, 3]) if key == "year" else rng.choice([-5, -1, 1, 2, 9])
    p[key] = str(max(1, value + delta))
    return f"{key}-changed"


def inject(
    field: str,
    bad: dict[str, Any],
    rng: random.Random,
    journals: list[tuple[str, list[str]]],
    names: list[str],
    vocabulary: list[str],
) -> str:
    if field == "author":
        return inject_author(bad, rng)
    if field == "journal":
        return inject_journal(bad, rng, journals, names)
    if field == "title":
        return inject_title(bad, rng, vocabulary)
    if field == "page":
        return inject_page(bad, rng)
    return inject_number(bad, field, rng)


# --------------------------------------------------------------------------- main


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--limit", type=int, default=0, help="use at most N records (0: all)")
    ap.add_argument("--seed", type=int, default=2005)
    ap.add_argument("--show", type=int, default=0, help="print N misses and false alarms")
    ap.add_argument(
        "--style",
        choices=("vancouver", "who", "apa", "all"),
        default="all",
        help="vancouver: 'Timmons CF, ... Title. Cancer. 1995;76(8):1481-9.'; who: the worked "
        "example's form with the FULL journal title; apa: APA 7 (full names of journals, "
        "'Family, I. I.' authors, full page ranges); all (default): one after the other",
    )
    ap.add_argument("--mixed", action="store_true", help="issue 11's mixed-style set")
    ap.add_argument("--set", choices=("tuned", "held-out", "both"), default="both")
    ap.add_argument("--n", type=int, default=700, help="with --mixed: references per set")
    ap.add_argument("--absent", type=int, default=100, help="with --mixed: absent works")
    args = ap.parse_args()
    if args.mixed:
        from mixed_set import HELD_OUT_MIX, TUNED_MIX

        sets = {"tuned": ("TUNED", TUNED_MIX), "held-out": ("HELD-OUT", HELD_OUT_MIX)}
        for key in sets if args.set == "both" else (args.set,):
            run_mixed(*sets[key], show=args.show, n=args.n, absent=args.absent)
        return 0
    for style in ("vancouver", "who", "apa") if args.style == "all" else (args.style,):
        print(f"=== style: {style} ===")
        run(style, args.limit, args.seed, args.show)
        print()
    return 0


def run(style: str, limit: int, seed: int, show: int) -> None:
    rng = random.Random(seed)

    works = [w for w in parse_pubmed_xml(gzip.decompress(CORPUS.read_bytes())) if eligible(w)]
    if limit:
        works = works[:limit]
    journals = sorted(
        {(str(w.journal_iso), (str(w.journal_iso), str(w.journal_full))) for w in works},
        key=lambda j: j[0],
    )
    journal_list = [(j, list(n)) for j, n in journals]
    vocabulary = sorted(
        {w for work in works for w in str(work.csl["title"]).split() if w.isalpha() and len(w) >= 5}
    )

    fields = list(MIX)
    weights = [MIX[f] for f in fields]
    ok_injected: Counter[str] = Counter()  # where the parser read the clean form cleanly
    ok_detected: Counter[str] = Counter()
    ok_alarm: Counter[str] = Counter()
    ok_n = 0
    injected: Counter[str] = Counter()
    detected: Counter[str] = Counter()
    major_detected: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    kinds_missed: Counter[str] = Counter()
    false_alarm: Counter[str] = Counter()
    parse_problems = 0
    misses: list[str] = []
    alarms: list[str] = []
    started = time.perf_counter()

    for work in works:
        clean = parts_of(work, style)
        text = render(clean)
        parsed = parse_reference(text)
        parse_problems += bool(parsed.problems)
        parsed_ok = not parsed.problems
        ok_n += parsed_ok
        flagged = {e.field for e in compare_reference(parsed.fields, work, raw=text)}
        for f in flagged:
            false_alarm[f] += 1
            ok_alarm[f] += parsed_ok
        if flagged and len(alarms) < show:
            alarms.append(
                f"{sorted(flagged)} {text}\n   -> "
                f"{[e.message for e in compare_reference(parsed.fields, work, raw=text)]}"
            )

        bad = parts_of(work, style)
        field = rng.choices(fields, weights)[0]
        names = [str(work.journal_iso), str(work.journal_full)]
        kind = inject(field, bad, rng, journal_list, names, vocabulary)
        bad_text = render(bad)
        errors = compare_reference(parse_reference(bad_text).fields, work, raw=bad_text)
        injected[field] += 1
        kinds[f"{field}/{kind}"] += 1
        hits = [e for e in errors if e.field == field]
        ok_injected[field] += parsed_ok
        ok_detected[field] += parsed_ok and bool(hits)
        if hits:
            detected[field] += 1
            major_detected[field] += any(e.severity == "major" for e in hits)
        else:
            kinds_missed[f"{field}/{kind}"] += 1
            if len(misses) < show:
                misses.append(f"{field}/{kind}: {bad_text}\n   -> {[e.message for e in errors]}")
    elapsed = time.perf_counter() - started

    n = len(works)
    print(f"records: {n} real PubMed records with authors, title, journal, year, volume, pages")
    print(
        f"references audited: {2 * n} ({n} clean + {n} with one injected error), "
        f"{2 * n / elapsed:,.0f} references/s (parse + compare)"
    )
    print(f"clean references the parser reported problems for: {parse_problems}")
    print()
    print(
        f"{'field':8} {'Aronsky':>8} {'injected':>9} {'detected':>9} {'recall':>8} "
        f"{'graded major':>13} {'false alarms (clean)':>21}"
    )
    total_inj = total_det = 0
    for f in fields:
        inj, det = injected[f], detected[f]
        total_inj += inj
        total_det += det
        recall = det / inj if inj else float("nan")
        fa = false_alarm[f] / n if n else 0.0
        print(
            f"{f:8} {MIX[f]:7.1f}% {inj:9d} {det:9d} {recall:8.1%} {major_detected[f]:13d} "
            f"{false_alarm[f]:6d} = {fa:7.2%}"
        )
    extra = {k: v for k, v in false_alarm.items() if k not in MIX}
    any_alarm = sum(false_alarm.values())
    print(
        f"{'all':8} {'':8} {total_inj:9d} {total_det:9d} {total_det / total_inj:8.1%} "
        f"{'':13} other fields {extra or '{}'}"
    )
    clean_with_any = any_alarm / n if n else 0.0
    print(
        f"field-level false alarms on clean references: {any_alarm} of {n * len(fields)} "
        f"field checks; clean references with any alarm <= {clean_with_any:.2%}"
    )
    print()
    print(
        f"the same on the {ok_n} references whose clean form the parser read without a "
        "problem (the audit's own share):"
    )
    for f in fields:
        inj, det = ok_injected[f], ok_detected[f]
        recall = det / inj if inj else float("nan")
        print(
            f"{f:8} injected {inj:5d} detected {det:5d} recall {recall:7.1%}   false alarms "
            f"{ok_alarm[f]:4d} = {ok_alarm[f] / max(ok_n, 1):6.2%}"
        )
    tot_i, tot_d = sum(ok_injected.values()), sum(ok_detected.values())
    print(f"{'all':8} injected {tot_i:5d} detected {tot_d:5d} recall {tot_d / max(tot_i, 1):7.1%}")
    print()
    print("injected error kinds (missed):")
    for key in sorted(kinds):
        print(f"  {key:28} {kinds[key]:5d}  ({kinds_missed[key]} missed)")
    for line in misses:
        print("MISS", line)
    for line in alarms:
        print("ALARM", line)


# --------------------------------------------------------------------------- issue 11: mixed


def run_mixed(
    name: str, styles: tuple[str, ...], *, show: int = 0, n: int = 700, absent: int = 100
) -> None:
    """Resolve issue 11's mixed set through the fake, then audit what was resolved."""
    import tempfile

    from fake_eutils import FakeEutils
    from mixed_set import fake_without, mixed_cases
    from refkeeper.models import Reference, Status
    from refkeeper.resolve import EntrezClient, RateLimiter, make_session, resolve_references

    cases = mixed_cases(styles, n=n, absent=absent)
    parsed = [dict(parse_reference(c.text).fields) for c in cases]
    refs = [
        Reference(f"r{i}", c.text, None, f)
        for i, (c, f) in enumerate(zip(cases, parsed, strict=True))
    ]
    with FakeEutils() as fake, tempfile.TemporaryDirectory() as tmp:
        fake_without(fake, {str(c.record.pmid) for c in cases if c.absent})
        client = EntrezClient(
            make_session(Path(tmp) / "c.sqlite"),
            base_url=fake.url,
            email="bench@example.org",
            limiter=RateLimiter(sleep=lambda s: None),
        )
        out = resolve_references(refs, client)
    per_style: dict[str, Counter[str]] = {}
    injected: Counter[str] = Counter()
    detected: Counter[str] = Counter()
    detected_resolved: Counter[str] = Counter()
    injected_resolved: Counter[str] = Counter()
    absent_findings = 0
    alarms: list[str] = []
    misses: list[str] = []
    for case, fields, res in zip(cases, parsed, out, strict=True):
        work = res.work if res.status is Status.RESOLVED else None
        errors = compare_reference(fields, work, raw=case.text) if work is not None else []
        found = {"author" if e.field == "editor" else e.field for e in errors}
        g = per_style.setdefault(case.style, Counter())
        if case.absent:
            absent_findings += bool(found)
            continue
        if not case.errors:
            g["clean"] += 1
            g["clean_resolved"] += work is not None
            g["alarm"] += bool(found)
            if found and len(alarms) < show:
                alarms.append(f"[{case.style}] {case.text}\n   -> {[e.message for e in errors]}")
            continue
        for error in case.errors:
            injected[error.field] += 1
            detected[error.field] += error.field in found
            injected_resolved[error.field] += work is not None
            detected_resolved[error.field] += work is not None and error.field in found
            if work is not None and error.field not in found and len(misses) < show:
                misses.append(
                    f"[{case.style}] {error.field}/{error.kind}: {case.text}\n"
                    f"   -> {[e.message for e in errors]}"
                )
    print(f"=== {name} styles: {len(cases)} references, {len(styles)} styles ===")
    print(f"{'field':8} {'injected':>9} {'detected':>9} {'recall':>8} {'of resolved':>12}")
    for f in MIX:
        inj, det = injected[f], detected[f]
        r_inj, r_det = injected_resolved[f], detected_resolved[f]
        print(
            f"{f:8} {inj:9d} {det:9d} {det / inj if inj else float('nan'):8.3f} "
            f"{r_det / r_inj if r_inj else float('nan'):12.3f}"
        )
    print(f"{'style':<48} {'clean':>6} {'resolved':>8} {'false alarms':>13}")
    for style in sorted(per_style):
        g = per_style[style]
        rate = g["alarm"] / g["clean"] if g["clean"] else 0.0
        print(f"{style:<48} {g['clean']:>6} {g['clean_resolved']:>8} {g['alarm']:>5} = {rate:6.2%}")
    total_clean = sum(g["clean"] for g in per_style.values())
    total_alarm = sum(g["alarm"] for g in per_style.values())
    print(
        f"{'ALL':<48} {total_clean:>6} {'':>8} {total_alarm:>5} = {total_alarm / total_clean:6.2%}"
    )
    print(f"field findings on absent works: {absent_findings} (aim 0)")
    for line in misses:
        print("MISS", line)
    for line in alarms:
        print("ALARM", line)
    print()


if __name__ == "__main__":
    sys.exit(main())
