"""A local fake of the arXiv API (``/api/query?id_list=...``) on real sockets (127.0.0.1).

The entries it serves are recorded arXiv answers (tests/data/arxiv/, from the test fixtures
of the arxiv.py client, github.com/lukasschwab/arxiv.py, ``tests/fixtures/id_*.json``: the
Atom bodies as recorded). An ``id_list`` of several ids is answered with the recorded entries
of those ids inside the feed envelope of a recorded answer (the envelope is synthesized by
joining; the entries are recorded bytes); an unknown id is left out, as arXiv does
(id_list-0808.05394-1707.08567.xml: 0808.05394 has no entry); a malformed id answers 400 with
the recorded error feed (id_list-abc.xml).

Faults (``inject(kind, times)``): "429" (Retry-After: 1), "503", "html" (an HTML page with
status 200), "truncated" (the feed cut in half), "slow"
(answers after ``slow_seconds``: a client timeout). No pytest import: benchmarks use it too.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from fake_http import FakeHttpServer

DATA = Path(__file__).resolve().parent / "data" / "arxiv"
FAULTS = ("429", "503", "html", "truncated", "slow")
_ENTRY = re.compile(rb"  <entry>.*?</entry>\n", re.S)
_ID = re.compile(rb"<id>https?://arxiv\.org/abs/([^<]+?)(?:v\d+)?</id>")



@dataclass
class Served:
    id_list: str
    status: int


def recorded_entries() -> dict[str, bytes]:
    """Recorded <entry> elements by version-less arXiv id."""
    entries: dict[str, bytes] = {}
    for path in sorted(DATA.glob("id_list-*.xml")):
        for entry in _ENTRY.findall(path.read_bytes()):
            m = _ID.search(entry)
            if m:
                entries[m.group(1).decode()] = entry
    return entries


class FakeArxiv(FakeHttpServer):
    """``url``: the query endpoint (``http://127.0.0.1:PORT/api/query``)."""

    FAULTS = FAULTS
    PATH = "/api/query"

    def __init__(self) -> None:
        self.entries = recorded_entries()
        recorded = (DATA / "id_list-0808.05394-1707.08567.xml").read_bytes()
        self.head = recorded[: recorded.index(b"  <entry>")]
        self.error = (DATA / "id_list-abc.xml").read_bytes()
        self._start()

    def _wsgi(self, environ: dict[str, Any], start: Callable[..., Any]) -> list[bytes]:
        query = parse_qs(environ.get("QUERY_STRING", ""))
        id_list = (query.get("id_list") or [""])[0]
        status, headers, body = self._answer(id_list)
        with self._lock:
            self.served.append(Served(id_list, int(status.split()[0])))
        start(status, headers)
        return [body]

    def _answer(self, id_list: str) -> tuple[str, list[tuple[str, str]], bytes]:
        atom = [("Content-Type", "application/atom+xml; charset=utf-8")]
        fault = self._fault()
        if fault == "slow":  # answers after the client gave up: a timeout
            time.sleep(self.slow_seconds)
        if fault == "429":
            return "429 Too Many Requests", [("Retry-After", "1")], b"Too Many Requests"
        if fault == "503":
            return "503 Service Unavailable", [("Content-Type", "text/html")], b"<html></html>"
        if fault == "html":
            return "200 OK", [("Content-Type", "text/html")], b"<!DOCTYPE html><html></html>"
        ids = [i.strip() for i in id_list.split(",") if i.strip()]
        if any(not re.fullmatch(r"(\d{4}\.\d{4,5}|[a-z][a-z.-]*/\d{7})(v\d+)?", i) for i in ids):
            return "400 Bad Request", atom, self.error
        found = [self.entries[b] for i in ids if (b := re.sub(r"v\d+$", "", i)) in self.entries]
        body = self.head + b"".join(found) + b"</feed>\n"
        if fault == "truncated":
            body = body[: len(body) // 2]
        return "200 OK", atom, body
