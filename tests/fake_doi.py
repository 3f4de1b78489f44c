"""A local fake of doi.org content negotiation, on real sockets (127.0.0.1).

``GET /<doi>`` with ``Accept: application/vnd.citationstyles.csl+json`` answers as doi.org
does for a Crossref DOI (recorded in habanero's test cassettes, see tests/data/doi/README.md):
a ``302`` to the registry (``/crossref/v1/works/<DOI, %-encoded>/transform``) with doi.org's
recorded "Handle Redirect" page, then ``200`` with the CSL-JSON record and Crossref's
rate-limit headers (``x-rate-limit-limit: 5``, ``x-rate-limit-interval: 1s``). An unknown DOI
answers ``404`` with doi.org's recorded "DOI Not Found" HTML page.

Records: the real recorded CSL-JSON of 10.1126/science.169.3946.635 (bytes as recorded), plus
the works of ``tests/data/doi/records.json`` (written by hand for the tests: a software
release, a preprint, a dataset and a journal article, all under Crossref's test prefix
10.5555, so no real DOI is invented).

Faults (``inject(kind, times)``): "429" (with ``Retry-After: retry_after``), "500", "503",
"html" (an HTML error page with status 200), "truncated" (the JSON cut in half), "slow"
(answers after ``slow_seconds``: a client timeout).
No pytest import: benchmarks use it too.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from fake_http import FakeHttpServer

DATA = Path(__file__).resolve().parent / "data" / "doi"
RECORDED = {"10.1126/science.169.3946.635": DATA / "science.169.3946.635.csl.json"}
CSL_JSON = "application/vnd.citationstyles.csl+json"
FAULTS = ("429", "500", "503", "html", "truncated", "slow")



@dataclass
class Served:
    path: str
    accept: str
    user_agent: str
    status: int


def load_records(extra: Iterable[dict[str, Any]] = ()) -> dict[str, bytes]:
    """CSL-JSON answers by lower-case DOI: the recorded ones (bytes as recorded), then the
    hand-written ones."""
    records = {doi: path.read_bytes() for doi, path in RECORDED.items()}
    written = json.loads((DATA / "records.json").read_text(encoding="utf-8"))["records"]
    for item in [*written, *extra]:
        records[str(item["DOI"]).lower()] = json.dumps(item, ensure_ascii=False).encode()
    return records


class FakeDoi(FakeHttpServer):
    """``url``: the doi.org base URL (``http://127.0.0.1:PORT/``); ``served``: every request."""

    FAULTS = FAULTS

    def __init__(self, *, extra: Iterable[dict[str, Any]] = (), retry_after: int = 1) -> None:
        self.records = load_records(extra)
        self.retry_after = retry_after
        self._start()

    def _wsgi(self, environ: dict[str, Any], start: Callable[..., Any]) -> list[bytes]:
        path = unquote(environ.get("PATH_INFO", ""))
        accept = environ.get("HTTP_ACCEPT", "")
        status, headers, body = self._answer(path, accept)
        with self._lock:
            self.served.append(
                Served(path, accept, environ.get("HTTP_USER_AGENT", ""), int(status.split()[0]))
            )
        start(status, headers)
        return [body]

    def _answer(self, path: str, accept: str) -> tuple[str, list[tuple[str, str]], bytes]:
        html = [("Content-Type", "text/html;charset=utf-8")]
        prefix = "/crossref/v1/works/"
        if path.startswith(prefix) and path.endswith("/transform"):
            doi = path[len(prefix) : -len("/transform")].lower()
            record = self.records.get(doi)
            if record is None:
                return "404 Not Found", html, (DATA / "doi-not-found.html").read_bytes()
            fault = self._fault()
            if fault == "slow":  # answers after the client gave up: a timeout
                time.sleep(self.slow_seconds)
            if fault == "429":
                return "429 Too Many Requests", [
                    ("Content-Type", "text/plain"), ("Retry-After", str(self.retry_after))
                ], b"Too Many Requests"  # fmt: skip
            if fault in ("500", "503"):
                return f"{fault} Server Error", html, b"<html><body>error</body></html>"
            if fault == "html":
                return "200 OK", html, b"<!DOCTYPE html><html><body>Maintenance</body></html>"
            if fault == "truncated":
                record = record[: len(record) // 2]
            return "200 OK", [
                ("Content-Type", CSL_JSON), ("x-rate-limit-limit", "5"),
                ("x-rate-limit-interval", "1s"),
            ], record  # fmt: skip
        doi = path.lstrip("/").lower()
        if doi in self.records and CSL_JSON in accept:
            page = (DATA / "handle-redirect.html").read_bytes()
            target = f"{self.url}crossref/v1/works/{quote(doi, safe='')}/transform"
            return "302 Found", [*html, ("Location", target)], page
        return "404 Not Found", html, (DATA / "doi-not-found.html").read_bytes()
