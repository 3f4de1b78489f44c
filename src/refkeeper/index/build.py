"""Build and update the local PubMed index from baseline and update files.

An index is a folder: ``manifest.json`` names its shards in the order they apply, each shard
an SQLite file (records as compressed PubMed XML, a full-text FTS5 table over title, authors,
journal, year, volume, issue, pages and identifiers, and the PMIDs it deleted). Shards never
change once written:

- ``build`` streams the files (lxml ``iterparse``, elements cleared as they are read: memory
  stays flat whatever the size) in name order, as NLM numbers them, into new shards (one, or
  one per file group when a Dask scheduler builds them in parallel), then replaces the
  manifest atomically. A build that is killed leaves the earlier manifest, and so the earlier
  index, untouched (the unfinished shard files are removed by the next build);
- ``update`` adds the next update files as a new shard: a newer version of a PMID hides the
  older one, a ``<DeleteCitation>`` hides the deleted PMIDs of every earlier shard;
- a corrupt or truncated file stops the build with an error naming the file and the byte;
  what was indexed before it (the earlier files, and the records of that file read before the
  damage) is kept and published, the file marked partial in the manifest.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import os
import resource
import secrets
import sqlite3
import time
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from lxml import etree

from refkeeper.errors import InputError
from refkeeper.fsutil import atomic_write_text
from refkeeper.index.fields import COLUMNS, record_fields

FORMAT = 1
MANIFEST = "manifest.json"
BATCH = 2000
"""Records written to SQLite per transaction batch."""
COMPRESS_LEVEL = 1
_RECORD_TAGS = ("PubmedArticle", "PubmedBookArticle", "DeleteCitation")

SCHEMA = f"""
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE records(pmid INTEGER PRIMARY KEY, version INTEGER, seq INTEGER, doi TEXT,
                     pmcid TEXT, xml BLOB);
CREATE TABLE gone(pmid INTEGER PRIMARY KEY, seq INTEGER);
CREATE VIRTUAL TABLE fts USING fts5({", ".join(COLUMNS)}, detail=column,
                                    tokenize='unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE vocab USING fts5vocab(fts, 'row');
"""


@dataclass
class FileReport:
    """What one input file brought to the index."""

    name: str
    seq: int
    records: int = 0
    deleted: int = 0
    status: str = "complete"  # or "partial"
    error: str | None = None


@dataclass
class ShardReport:
    """One shard: its file, the files it applied (in order) and its size."""

    name: str
    first_seq: int
    last_seq: int
    files: list[FileReport] = field(default_factory=list)
    records: int = 0
    built: str = ""
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    peak_mb: float = 0.0  # the building process's peak memory (ru_maxrss) when done
    bytes: int = 0

    @property
    def failed(self) -> FileReport | None:
        return next((f for f in self.files if f.status != "complete"), None)


def ordered(paths: Sequence[Path]) -> list[Path]:
    """Files in the order they apply: by name, as NLM numbers baseline and update files."""
    return sorted(dict.fromkeys(Path(p) for p in paths), key=lambda p: p.name)


# ---------------------------------------------------------------------- reading a file


class _Counting(io.RawIOBase):
    """A read-only stream that counts the bytes read from it (where a damage was met)."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.raw.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self.count += n
        return n


def _open(path: Path) -> tuple[BinaryIO, _Counting, bool]:
    raw = open(path, "rb")  # noqa: SIM115 - closed by the caller
    gz = raw.read(2) == b"\x1f\x8b"
    raw.seek(0)
    counting = _Counting(raw)
    stream: BinaryIO = gzip.GzipFile(fileobj=counting) if gz else counting  # type: ignore[assignment]
    return stream, counting, gz


def _xml_offset(path: Path, gz: bool, line: int, column: int) -> int:
    """The byte offset of (line, column) in the (uncompressed) XML of ``path``."""
    offset = 0
    handle: Any = gzip.open(path, "rb") if gz else open(path, "rb")  # noqa: SIM115
    with contextlib.suppress(OSError, EOFError, zlib.error), handle:
        for number, text in enumerate(handle, start=1):
            if number == line:
                return offset + max(0, column - 1)
            offset += len(text)
    return offset


def read_file(path: Path) -> Iterator[tuple[str, Any]]:
    """The records of one baseline or update file, streamed: ``("record", element)`` for
    each PubmedArticle, ``("delete", [pmid, ...])`` for each DeleteCitation. Elements are
    cleared after use. Raises InputError naming the file and the byte at damage."""
    stream, counting, gz = _open(path)
    try:
        events = etree.iterparse(
            stream,
            events=("end",),
            tag=_RECORD_TAGS,
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=True,
            remove_comments=True,
        )
        try:
            for _event, elem in events:
                if elem.tag == "DeleteCitation":
                    pmids = [(p.text or "").strip() for p in elem.iterfind("PMID")]
                    yield "delete", [int(p) for p in pmids if p.isdigit()]
                else:
                    yield "record", elem
                elem.clear()
                parent = elem.getparent()
                if parent is not None:
                    while elem.getprevious() is not None:
                        del parent[0]
        except etree.XMLSyntaxError as exc:
            line, column = exc.position if exc.position else (0, 0)
            where = _xml_offset(path, gz, line, column)
            what = "the XML" if not gz else "the uncompressed XML"
            raise InputError(
                f"byte {where} of {what} (line {line}): not well-formed or truncated: {exc.msg}",
                str(path),
            ) from exc
        except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
            raise InputError(
                f"byte {counting.count} of the file: damaged or truncated gzip data ({exc})",
                str(path),
            ) from exc
    finally:
        stream.close()
        counting.raw.close()


# ---------------------------------------------------------------------- writing a shard


def _connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(str(path), isolation_level=None)
    db.execute("PRAGMA page_size=8192")
    db.execute("PRAGMA journal_mode=OFF")  # a shard is published only when complete
    db.execute("PRAGMA synchronous=OFF")
    db.execute("PRAGMA cache_size=-65536")
    return db


class _Writer:
    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.rows: list[tuple[Any, ...]] = []
        self.texts: list[tuple[Any, ...]] = []
        self.records = 0

    def add(self, elem: Any, seq: int) -> bool:
        fields = record_fields(elem)
        if fields is None:
            return False
        blob = zlib.compress(etree.tostring(elem, encoding="utf-8"), COMPRESS_LEVEL)
        self.rows.append((fields.pmid, fields.version, seq, fields.doi, fields.pmcid, blob))
        self.texts.append((fields.pmid, *fields.columns()))
        if len(self.rows) >= BATCH:
            self.flush()
        return True

    def delete(self, pmids: Sequence[int], seq: int) -> None:
        self.flush()
        self.db.execute("BEGIN")
        for pmid in pmids:
            self.db.execute("DELETE FROM records WHERE pmid = ?", (pmid,))
            self.db.execute("DELETE FROM fts WHERE rowid = ?", (pmid,))
            self.db.execute("INSERT OR REPLACE INTO gone(pmid, seq) VALUES (?, ?)", (pmid, seq))
        self.db.execute("COMMIT")

    def flush(self) -> None:
        if not self.rows:
            return
        rows, texts = self._newest(self.rows, self.texts)
        self.db.execute("BEGIN")
        pmids = [r[0] for r in rows]
        marks = ",".join("?" * len(pmids))
        query = f"SELECT pmid, version FROM records WHERE pmid IN ({marks})"
        older: dict[int, int] = dict(self.db.execute(query, pmids))
        if older:
            keep = [r[0] not in older or r[1] >= older[r[0]] for r in rows]
            rows = [r for r, k in zip(rows, keep, strict=True) if k]
            texts = [t for t, k in zip(texts, keep, strict=True) if k]
            self.db.executemany(
                "DELETE FROM fts WHERE rowid = ?", [(r[0],) for r in rows if r[0] in older]
            )
        self.db.executemany("INSERT OR REPLACE INTO records VALUES (?, ?, ?, ?, ?, ?)", rows)
        self.db.executemany(
            f"INSERT INTO fts(rowid, {', '.join(COLUMNS)}) VALUES ({', '.join('?' * 9)})", texts
        )
        self.db.executemany("DELETE FROM gone WHERE pmid = ?", [(r[0],) for r in rows])
        self.db.execute("COMMIT")
        self.records += len(rows)
        self.rows, self.texts = [], []

    @staticmethod
    def _newest(
        rows: list[tuple[Any, ...]], texts: list[tuple[Any, ...]]
    ) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        """One row per PMID in a batch: the highest version, the later one on a tie."""
        best: dict[int, int] = {}
        for i, row in enumerate(rows):
            j = best.get(row[0])
            if j is None or row[1] >= rows[j][1]:
                best[row[0]] = i
        if len(best) == len(rows):
            return rows, texts
        chosen = sorted(best.values())
        return [rows[i] for i in chosen], [texts[i] for i in chosen]


def build_shard(
    paths: Sequence[Path], target: Path, first_seq: int, built: str | None = None
) -> ShardReport:
    """Apply ``paths`` (in this order, file ``i`` with sequence number ``first_seq + i``) to a
    new shard written at ``target`` (as ``target.part`` first, renamed when complete). A
    damaged file ends the shard there: its records read so far are kept, the report says
    where it stopped (``ShardReport.failed``)."""
    started, cpu = time.perf_counter(), time.process_time()
    part = target.with_name(target.name + ".part")
    part.unlink(missing_ok=True)
    db = _connect(part)
    db.executescript(SCHEMA)
    writer = _Writer(db)
    report = ShardReport(
        target.name,
        first_seq,
        first_seq + len(paths) - 1,
        built=built or datetime.now(UTC).date().isoformat(),
    )
    try:
        for i, path in enumerate(paths):
            seq = first_seq + i
            file_report = FileReport(Path(path).name, seq)
            report.files.append(file_report)
            before = writer.records + len(writer.rows)
            try:
                for kind, item in read_file(Path(path)):
                    if kind == "delete":
                        writer.delete(item, seq)
                        file_report.deleted += len(item)
                    elif writer.add(item, seq):
                        file_report.records += 1
            except InputError as exc:
                file_report.status = "partial"
                file_report.error = str(exc)
                writer.flush()
                file_report.records = writer.records - before
                report.last_seq = seq
                break
            writer.flush()
        db.executescript(
            """
            CREATE INDEX records_doi ON records(doi) WHERE doi IS NOT NULL;
            CREATE INDEX records_pmcid ON records(pmcid) WHERE pmcid IS NOT NULL;
            INSERT INTO fts(fts) VALUES('optimize');
            """
        )
        report.records = db.execute("SELECT count(*) FROM records").fetchone()[0]
        db.execute(
            "INSERT INTO meta VALUES ('shard', ?)",
            (json.dumps(asdict(report), sort_keys=True),),
        )
        db.close()
        os.replace(part, target)
    except BaseException:
        db.close()
        part.unlink(missing_ok=True)
        raise
    report.seconds = time.perf_counter() - started
    report.cpu_seconds = time.process_time() - cpu
    report.peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    report.bytes = target.stat().st_size
    return report


# ---------------------------------------------------------------------- the manifest


def read_manifest(folder: Path) -> dict[str, Any]:
    """The index's manifest; InputError when ``folder`` holds no (complete) index."""
    path = Path(folder) / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(
            f"not a refkeeper PubMed index (no {MANIFEST}: build one with "
            "'refkeeper index build FILES -o DIR'; an interrupted first build leaves none)",
            str(folder),
        ) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"unreadable index manifest: {exc}", str(path)) from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise InputError(
            f"index format {data.get('format') if isinstance(data, dict) else '?'} is not "
            f"{FORMAT}: rebuild the index",
            str(path),
        )
    return data


def _write_manifest(folder: Path, shards: Sequence[ShardReport | dict[str, Any]]) -> None:
    entries = [asdict(s) if isinstance(s, ShardReport) else s for s in shards]
    manifest = {
        "format": FORMAT,
        "shards": entries,
        "records_added": sum(int(s["records"]) for s in entries),
        "updated": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    atomic_write_text(folder / MANIFEST, json.dumps(manifest, indent=1, sort_keys=True) + "\n")


def _clean(folder: Path, keep: set[str]) -> None:
    """Shard files no manifest names (an earlier index, an interrupted build)."""
    for path in folder.glob("shard-*.sqlite*"):
        if path.name not in keep:
            path.unlink(missing_ok=True)


def _shard_name(stamp: str, number: int) -> str:
    return f"shard-{stamp}-{number:04d}.sqlite"


BuildShard = Callable[[Sequence[Path], Path, int, str], ShardReport]


def _groups(paths: Sequence[Path], count: int) -> list[list[Path]]:
    """``paths`` in ``count`` contiguous groups of near-equal size (order kept)."""
    count = max(1, min(count, len(paths)))
    size, extra = divmod(len(paths), count)
    out, start = [], 0
    for i in range(count):
        end = start + size + (1 if i < extra else 0)
        out.append(list(paths[start:end]))
        start = end
    return out


def _run(
    folder: Path,
    groups: Sequence[Sequence[Path]],
    first_seq: int,
    previous: Sequence[dict[str, Any]],
    map_shards: Callable[[list[tuple[list[Path], Path, int, str]]], list[ShardReport]]
    | None = None,
) -> list[ShardReport]:
    folder.mkdir(parents=True, exist_ok=True)
    # unique per run: a build and an update in the same second of one process must never
    # name a shard alike (the update would replace a shard of the build)
    stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S") + f"-{os.getpid()}-{secrets.token_hex(4)}"
    built = datetime.now(UTC).date().isoformat()
    jobs = []
    seq = first_seq
    for number, group in enumerate(groups):
        target = folder / _shard_name(stamp, number)
        jobs.append(([Path(p).resolve() for p in group], target, seq, built))
        seq += len(group)
    if map_shards is None:
        reports: list[ShardReport] = []
        for job in jobs:
            report = build_shard(*job)
            reports.append(report)
            if report.failed is not None:
                break  # files after a damaged one are not applied: the order matters
    else:
        reports = map_shards(jobs)
        # a damaged file ends the index there: later shards would apply after a gap
        cut = next((i for i, r in enumerate(reports) if r.failed is not None), None)
        if cut is not None:
            for late in reports[cut + 1 :]:
                (folder / late.name).unlink(missing_ok=True)
            reports = reports[: cut + 1]
    _write_manifest(folder, [*previous, *reports])
    keep = {str(s["name"]) for s in previous} | {r.name for r in reports}
    _clean(folder, keep)
    return reports


def build_index(
    paths: Sequence[Path],
    folder: Path,
    *,
    shards: int = 1,
    map_shards: Callable[[list[tuple[list[Path], Path, int, str]]], list[ShardReport]]
    | None = None,
) -> list[ShardReport]:
    """A new index in ``folder`` from baseline (and update) files; an index already there
    is replaced only when the new one is complete (atomically, through the manifest).
    ``shards`` > 1 splits the files into that many contiguous groups, built by ``map_shards``
    (e.g. on Dask workers) or one after the other. Raises InputError for a damaged file,
    after publishing what was indexed before it."""
    files = ordered(paths)
    if not files:
        raise InputError("no input files given")
    _check_readable(files)
    reports = _run(Path(folder), _groups(files, shards), 0, [], map_shards)
    _raise_if_failed(reports)
    return reports


def update_index(paths: Sequence[Path], folder: Path) -> list[ShardReport]:
    """Apply update files to an existing index, as a new shard (the index stays usable
    as it was until the shard is complete)."""
    files = ordered(paths)
    if not files:
        raise InputError("no input files given")
    _check_readable(files)
    manifest = read_manifest(Path(folder))
    previous = list(manifest["shards"])
    first = max((int(s["last_seq"]) for s in previous), default=-1) + 1
    reports = _run(Path(folder), [files], first, previous)
    _raise_if_failed(reports)
    return reports


def _check_readable(files: Sequence[Path]) -> None:
    for path in files:
        if not path.is_file():
            raise InputError("no such file", str(path))


def _raise_if_failed(reports: Sequence[ShardReport]) -> None:
    for report in reports:
        failed = report.failed
        if failed is not None:
            raise InputError(
                f"{failed.error} ({failed.records} records of this file and every earlier "
                f"file were indexed and kept; later files were not applied)"
            )
