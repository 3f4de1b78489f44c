"""Reading a local PubMed index (read-only: many processes may open one index at once).

    index = PubMedIndex(Path("pubmed-index"))
    index.search('"timmons" AND "leiomyosarcomas"', limit=5)   # [(pmid, rank), ...]
    index.works([8620427])                                     # {8620427: Work}
    index.by_doi(["10.1097/00000478-200004000-00018"])

A record lives in the shard of the newest file that carried it; an older shard's copy, and a
PMID a later file deleted, are never returned.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
import unicodedata
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from lxml import etree

from refkeeper.errors import InputError
from refkeeper.index.build import MANIFEST, read_manifest
from refkeeper.models import Work
from refkeeper.resolve.pubmed import work_from_element
from refkeeper.resolve.xmlsafe import safe_parser

_TOKEN = re.compile(r"[0-9a-z]+")


def fts_tokens(text: str) -> list[str]:
    """``text`` cut into the tokens the index holds (lower case, accents off). Pure."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _TOKEN.findall(text.lower())


class _Shard:
    def __init__(self, path: Path, info: dict[str, Any]) -> None:
        if not path.is_file():
            raise InputError(
                f"the index names shard {path.name}, which is missing: rebuild the index",
                str(path.parent),
            )
        self.path = path
        self.info = info
        # immutable: shards never change once published (no locks, safe for many readers)
        self.db = sqlite3.connect(
            f"file:{path}?mode=ro&immutable=1", uri=True, check_same_thread=False
        )
        self.built = str(info.get("built") or "")

    def close(self) -> None:
        self.db.close()


class PubMedIndex:
    """A local PubMed index, opened read-only."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        manifest = read_manifest(self.folder)
        self.shards = [_Shard(self.folder / s["name"], s) for s in manifest["shards"]]
        self.manifest = manifest
        self._parser = safe_parser()
        self._df: dict[str, int] = {}

    def __repr__(self) -> str:
        return f"PubMedIndex({str(self.folder)!r}, shards={len(self.shards)})"

    def close(self) -> None:
        for shard in self.shards:
            shard.close()

    def __getstate__(self) -> dict[str, Any]:  # workers open their own connections
        return {"folder": self.folder}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["folder"])  # type: ignore[misc]

    # ------------------------------------------------------------------ visibility

    def _visible(self, index: int, pmids: Iterable[int]) -> set[int]:
        """Those of ``pmids`` (found in shard ``index``) no later shard replaced or deleted."""
        left = set(pmids)
        for later in self.shards[index + 1 :]:
            if not left:
                break
            marks = ",".join("?" * len(left))
            args = list(left)
            hidden = {
                row[0]
                for row in later.db.execute(
                    f"SELECT pmid FROM records WHERE pmid IN ({marks}) "
                    f"UNION SELECT pmid FROM gone WHERE pmid IN ({marks})",
                    args + args,
                )
            }
            left -= hidden
        return left

    # ------------------------------------------------------------------ questions

    def document_frequency(self, token: str) -> int:
        """In how many records ``token`` occurs (any column; 0 when unknown). Cached."""
        cached = self._df.get(token)
        if cached is not None:
            return cached
        total = 0
        for shard in self.shards:
            row = shard.db.execute("SELECT doc FROM vocab WHERE term = ?", (token,)).fetchone()
            total += int(row[0]) if row else 0
        if len(self._df) > 500_000:
            self._df.clear()
        self._df[token] = total
        return total

    def search(self, match: str, limit: int = 10) -> list[tuple[int, float]]:
        """PMIDs matching an FTS5 query, best (lowest bm25 rank) first."""
        found: list[tuple[float, int]] = []
        for i, shard in enumerate(self.shards):
            rows = shard.db.execute(
                "SELECT rowid, bm25(fts, 10.0, 3.0, 2.0, 1.0, 1.0, 0.5, 1.0, 1.0) AS r "
                "FROM fts WHERE fts MATCH ? ORDER BY r LIMIT ?",
                (match, limit),
            ).fetchall()
            visible = self._visible(i, (r[0] for r in rows)) if i + 1 < len(self.shards) else None
            found += [(r[1], r[0]) for r in rows if visible is None or r[0] in visible]
        found.sort()
        return [(pmid, rank) for rank, pmid in found[:limit]]

    def titles(self, pmids: Sequence[int]) -> dict[int, str]:
        """The indexed title of each PMID (for a quick look before fetching records)."""
        return self._column("title", pmids)

    def _column(self, column: str, pmids: Sequence[int]) -> dict[int, str]:
        out: dict[int, str] = {}
        wanted = list(dict.fromkeys(pmids))
        for shard in reversed(self.shards):  # newest first
            left = [p for p in wanted if p not in out]
            if not left:
                break
            marks = ",".join("?" * len(left))
            for pmid, value in shard.db.execute(
                f"SELECT rowid, {column} FROM fts WHERE rowid IN ({marks})", left
            ):
                out.setdefault(pmid, value)
        return out

    def works(self, pmids: Iterable[int]) -> dict[int, Work]:
        """The records of these PMIDs (deleted or unknown ones absent): the same Work the
        E-utilities give, ``retrieved`` the day the shard holding it was built."""
        wanted = list(dict.fromkeys(int(p) for p in pmids))
        out: dict[int, Work] = {}
        gone: set[int] = set()
        for shard in reversed(self.shards):  # newest first: a later version wins
            left = [p for p in wanted if p not in out and p not in gone]
            if not left:
                break
            marks = ",".join("?" * len(left))
            for pmid, blob in shard.db.execute(
                f"SELECT pmid, xml FROM records WHERE pmid IN ({marks})", left
            ):
                work = self._work(blob, shard.built)
                if work is not None:
                    out[pmid] = work
            gone |= {
                row[0]
                for row in shard.db.execute(f"SELECT pmid FROM gone WHERE pmid IN ({marks})", left)
                if row[0] not in out
            }
        return out

    def _work(self, blob: bytes, built: str) -> Work | None:
        element = etree.fromstring(zlib.decompress(blob), self._parser)
        work = work_from_element(element)
        if work is None:
            return None
        return replace(work, retrieved=work.retrieved or built or None)

    def by_identifier(self, kind: str, values: Sequence[str]) -> dict[str, list[int]]:
        """PMIDs carrying each DOI (``kind="doi"``, case-insensitive) or PMC id."""
        column = {"doi": "doi", "pmcid": "pmcid"}.get(kind)
        if column is None:
            return {}
        out: dict[str, list[int]] = {}
        for value in dict.fromkeys(values):
            key = value.lower() if kind == "doi" else value.upper()
            pmids: list[int] = []
            for i, shard in enumerate(self.shards):
                rows = [
                    r[0]
                    for r in shard.db.execute(
                        f"SELECT pmid FROM records WHERE {column} = ?", (key,)
                    )
                ]
                if rows and i + 1 < len(self.shards):
                    rows = sorted(self._visible(i, rows))
                pmids += rows
            out[value] = sorted(set(pmids))
        return out

    @staticmethod
    def _replaced_count(shard: _Shard, later: Sequence[_Shard]) -> int:
        """How many of ``shard``'s records a later shard replaced or deleted (later shards
        attached nine at a time: SQLite attaches at most ten databases)."""
        hidden: set[int] = set()
        for start in range(0, len(later), 9):
            group = later[start : start + 9]
            names = [f"l{j}" for j in range(len(group))]
            try:
                for name, other in zip(names, group, strict=True):
                    shard.db.execute(
                        f"ATTACH DATABASE ? AS {name}", (f"file:{other.path}?mode=ro",)
                    )
                union = " UNION ".join(
                    f"SELECT pmid FROM {n}.records UNION SELECT pmid FROM {n}.gone" for n in names
                )
                hidden.update(
                    row[0]
                    for row in shard.db.execute(f"SELECT pmid FROM records WHERE pmid IN ({union})")
                )
            finally:
                for name in names:
                    with contextlib.suppress(sqlite3.OperationalError):
                        shard.db.execute(f"DETACH DATABASE {name}")
        return len(hidden)

    def stats(self) -> dict[str, Any]:
        """Records, deletions, files and disk size of the index."""
        records = 0
        for i, shard in enumerate(self.shards):
            count = shard.db.execute("SELECT count(*) FROM records").fetchone()[0]
            later = self.shards[i + 1 :]
            if later:
                count -= self._replaced_count(shard, later)
            records += count
        files = [f for s in self.manifest["shards"] for f in s["files"]]
        size = sum(s.path.stat().st_size for s in self.shards)
        return {
            "folder": str(self.folder),
            "records": records,
            "shards": len(self.shards),
            "files": len(files),
            "partial_files": [f["name"] for f in files if f.get("status") != "complete"],
            "deleted": sum(int(f.get("deleted", 0)) for f in files),
            "bytes": size + (self.folder / MANIFEST).stat().st_size,
            "bytes_per_record": round(size / records, 1) if records else None,
            "built": sorted({s.built for s in self.shards if s.built}),
            "updated": self.manifest.get("updated"),
        }
