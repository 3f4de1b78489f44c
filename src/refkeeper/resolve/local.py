"""``LocalPubMedSource``: candidates from a local PubMed index (no network, no rate limit).

Rounds (each batched over the references still open; the loop verifies in between, with the
same :func:`refkeeper.resolve.match.decide` as every other source):

1. ``index-id``: PMIDs, DOIs and PMC ids written in the reference or its key;
2. ``index-rare``: the reference's rarest words, all of them: the tokens of the whole text
   and of the parsed fields (title, authors, journal, year, volume, pages) that the index
   holds, ranked by how few records carry them; the three rarest must all occur (a misspelt
   word is simply not in the index and never chosen);
3. ``index-any``: for what is still open, any of the eight rarest, best BM25 ranks first.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from refkeeper.index.store import PubMedIndex, fts_tokens
from refkeeper.models import CSLItem, Work
from refkeeper.resolve.source import Probe, open_probes

RARE_TERMS = 3
"""Tokens that must all occur in the first search."""
ANY_TERMS = 8
"""Tokens of which any may occur in the second search."""
CANDIDATES = 5
"""Records taken from one search."""
_SKIP = frozenset("and the of in on for with to a an by at from et al".split())


def _field_text(fields: CSLItem) -> str:
    parts: list[str] = [str(fields.get("_raw") or "")]
    for key in ("title", "container-title", "container-title-short", "volume", "page"):
        if fields.get(key):
            parts.append(str(fields[key]))
    for role in ("author", "editor"):
        names = fields.get(role)
        if isinstance(names, list):
            for name in names[:3]:
                if isinstance(name, dict):
                    parts.append(str(name.get("family") or name.get("literal") or ""))
    issued = fields.get("issued")
    if isinstance(issued, dict) and issued.get("date-parts"):
        parts.append(str(issued["date-parts"][0][0]))
    return " ".join(parts)


def query_terms(index: PubMedIndex, fields: CSLItem) -> list[str]:
    """The tokens of the reference the index holds, rarest first (ties: text order)."""
    tokens = [t for t in dict.fromkeys(fts_tokens(_field_text(fields))) if t not in _SKIP]
    tokens = [t for t in tokens if len(t) > 1 or t.isdigit()]
    scored = [(index.document_frequency(t), i, t) for i, t in enumerate(tokens)]
    return [t for df, _, t in sorted(scored) if df > 0]


def rare_terms(index: PubMedIndex, fields: CSLItem, count: int = RARE_TERMS) -> list[str]:
    """``count`` rare tokens drawn from different parts of the reference when it has them:
    the rarest of the title, of the authors' names and of the pages, then the rarest left.
    Words of one title recur together (a series, a template): from several fields, the
    tokens narrow the search much more than the three rarest of one field would."""
    ranked = query_terms(index, fields)
    names = []
    for role in ("author", "editor"):
        for name in fields.get(role) or []:
            if isinstance(name, dict):
                names.append(str(name.get("family") or name.get("literal") or ""))
    groups = (
        set(fts_tokens(str(fields.get("title") or ""))),
        set(fts_tokens(" ".join(names[:3]))),
        set(fts_tokens(str(fields.get("page") or ""))),
    )
    chosen: list[str] = []
    for group in groups:
        best = next((t for t in ranked if t in group and t not in chosen), None)
        if best is not None:
            chosen.append(best)
    for token in ranked:
        if len(chosen) >= count:
            break
        if token not in chosen:
            chosen.append(token)
    return chosen[:count]


class LocalPubMedSource:
    """PubMed records from a local index built from the baseline and update files."""

    name = "pubmed-index"

    def __init__(self, index: PubMedIndex | Path | str) -> None:
        self.index = index if isinstance(index, PubMedIndex) else PubMedIndex(Path(index))

    def __repr__(self) -> str:
        return f"LocalPubMedSource({self.index!r})"

    # ------------------------------------------------------------------ Source

    def find(self, probes: Sequence[Probe]) -> Iterator[str]:
        self._identifiers(open_probes(probes, books=False))
        yield "index-id"
        if self._search(open_probes(probes, books=False), rare=True):
            yield "index-rare"
        if self._search(open_probes(probes, books=False), rare=False):
            yield "index-any"

    def lookup(
        self, kind: str, values: Sequence[str], *, refresh: bool = False
    ) -> dict[str, list[Work]]:
        if kind == "pmid":
            works = self.index.works(int(v) for v in values if v.isdigit())
            return {v: [works[int(v)]] if v.isdigit() and int(v) in works else [] for v in values}
        found = self.index.by_identifier(kind, values)
        if not found:
            return {}
        works = self.index.works(p for pmids in found.values() for p in pmids)
        return {v: [works[p] for p in pmids if p in works] for v, pmids in found.items()}

    def fetch(self, ids: Sequence[str], *, refresh: bool = False) -> list[Work]:
        """Records by PMID (the index holds the newest version it was given: ``refresh``
        changes nothing; ``refkeeper index update`` does)."""
        works = self.index.works(int(p) for p in ids if str(p).isdigit())
        return [works[int(p)] for p in ids if str(p).isdigit() and int(p) in works]

    def close(self) -> None:
        self.index.close()

    # ------------------------------------------------------------------ rounds

    def _identifiers(self, probes: Sequence[Probe]) -> None:
        pmids = [str(p.fields["PMID"]) for p in probes if p.fields.get("PMID")]
        by_pmid = self.index.works(int(x) for x in pmids if x.isdigit())
        for kind, name in (("doi", "DOI"), ("pmcid", "PMCID")):
            values = [str(p.fields[name]) for p in probes if p.fields.get(name)]
            found = self.index.by_identifier(kind, values) if values else {}
            works = self.index.works(x for xs in found.values() for x in xs)
            for p in probes:
                value = p.fields.get(name)
                if not value:
                    continue
                p.tried.append(f"index {value}[{kind}]")
                for pmid in found.get(str(value), []):
                    if pmid in works:
                        p.add(works[pmid], kind)
        for p in probes:
            value = str(p.fields.get("PMID") or "")
            if value:
                p.tried.append(f"index pmid {value}")
                if value.isdigit() and int(value) in by_pmid:
                    p.add(by_pmid[int(value)], "pmid")

    def _search(self, probes: Sequence[Probe], *, rare: bool) -> bool:
        asked: list[tuple[Probe, list[int]]] = []
        for p in probes:
            terms = query_terms(self.index, p.fields)
            if rare:
                chosen = rare_terms(self.index, p.fields)
                if len(chosen) < 2:
                    continue
                match = " AND ".join(f'"{t}"' for t in chosen)
            else:
                chosen = terms[:ANY_TERMS]
                if len(chosen) < 3:
                    continue
                match = " OR ".join(f'"{t}"' for t in chosen)
            p.tried.append(f"index: {match}")
            hits = [pmid for pmid, _ in self.index.search(match, CANDIDATES)]
            asked.append((p, hits))
        if not asked:
            return False
        works = self.index.works(x for _, hits in asked for x in hits)
        strategy = "index-rare" if rare else "index-any"
        for p, hits in asked:
            for pmid in hits:
                if pmid in works:
                    p.add(works[pmid], strategy)
        return True
