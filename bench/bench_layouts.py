"""Reading accuracy on the hand-written layout documents of tests/data/extract/layouts/.

Each document's expected figures are in ``expected.json`` there (references, the reference
labels or keys that claims cite, direct links, clean claim texts, required findings). Documents
marked ``"heldout": true`` (in ``heldout/``) were written before tuning and never tuned on;
their figures are printed apart.

    python bench/bench_layouts.py
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from refkeeper.extract import extract_file
from refkeeper.models import Extraction, LinkKind

ROOT = Path(__file__).resolve().parent.parent
LAYOUTS = ROOT / "tests" / "data" / "extract" / "layouts"


def cited_targets(x: Extraction) -> set[str]:
    by_id = {r.id: r for r in x.references}
    out: set[str] = set()
    for link in x.links:
        if link.kind == LinkKind.DIRECT and link.reference_id in by_id:
            ref = by_id[link.reference_id]
            out.add(ref.label or ref.key or ref.id)
    return out


def score(name: str, want: dict[str, Any]) -> dict[str, Any]:
    x = extract_file(LAYOUTS / name)
    cited = cited_targets(x)
    want_cited = set(want["cited"])
    direct = {(lk.claim_id, lk.reference_id) for lk in x.links if lk.kind == LinkKind.DIRECT}
    row: dict[str, Any] = {
        "name": name,
        "kind": x.kind,
        "refs": len(x.references),
        "want_refs": want["references"],
        "cited_ok": len(cited & want_cited),
        "want_cited": len(want_cited),
        "cited_extra": len(cited - want_cited),
        "unmatched": sum(f.kind == "unmatched-marker" for f in x.findings),
        "links": len(direct),
        "want_links": want.get("links"),
    }
    texts = [c.text for c in x.claims]
    row["claims_ok"] = sum(t in texts for t in want.get("claims", []))
    row["want_claims"] = len(want.get("claims", []))
    kinds = {f.kind for f in x.findings}
    row["findings_ok"] = sum(k in kinds for k in want.get("findings", []))
    row["want_findings"] = len(want.get("findings", []))
    return row


def main() -> None:
    expected = json.loads((LAYOUTS / "expected.json").read_text(encoding="utf-8"))
    for heldout in (False, True):
        print("held-out documents (never tuned on)" if heldout else "tuned documents")
        print(
            f"  {'document':40} {'kind':9} {'refs':>7} {'cited':>7} {'extra':>5} "
            f"{'unmatch':>7} {'links':>7} {'claims':>6}"
        )
        tot = {"refs": 0, "want_refs": 0, "cited_ok": 0, "want_cited": 0, "exact": 0, "n": 0}
        for name, want in expected.items():
            if bool(want.get("heldout")) != heldout:
                continue
            r = score(name, want)
            links = f"{r['links']}/{r['want_links']}" if r["want_links"] is not None else "-"
            claims = f"{r['claims_ok']}/{r['want_claims']}" if r["want_claims"] else "-"
            print(
                f"  {name:40} {r['kind']:9} {r['refs']:>3}/{r['want_refs']:<3} "
                f"{r['cited_ok']:>3}/{r['want_cited']:<3} {r['cited_extra']:>5} "
                f"{r['unmatched']:>7} {links:>7} {claims:>6}"
            )
            tot["refs"] += min(r["refs"], r["want_refs"])
            tot["want_refs"] += r["want_refs"]
            tot["cited_ok"] += r["cited_ok"]
            tot["want_cited"] += r["want_cited"]
            tot["n"] += 1
            tot["exact"] += (
                r["refs"] == r["want_refs"]
                and r["cited_ok"] == r["want_cited"]
                and not r["cited_extra"]
                and r["unmatched"] == want.get("unmatched", 0)
                and r["claims_ok"] == r["want_claims"]
                and r["findings_ok"] == r["want_findings"]
                and (r["want_links"] is None or r["links"] == r["want_links"])
            )
        print(
            f"  total: references {tot['refs']}/{tot['want_refs']}, cited references "
            f"{tot['cited_ok']}/{tot['want_cited']}, documents read exactly "
            f"{tot['exact']}/{tot['n']}\n"
        )


if __name__ == "__main__":
    main()
