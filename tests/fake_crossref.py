"""A local fake of Crossref's REST API (``/works``) on real sockets (127.0.0.1).

Records: the Crossref ``work`` answers recorded in habanero's cassettes (tests/data/crossref/,
see its README: bytes as recorded), the two items of the recorded ``/works?query=ecology``
answer, and the works written for the tests in tests/data/doi/records.json (under the test
prefix 10.5555). ``/works/<DOI>`` answers the record (a recorded one with its recorded bytes);
``/works?filter=doi:A,doi:B`` answers the records of those DOIs (a ``work-list``);
``/works?query.bibliographic=...&rows=N`` ranks the records by the words they share with the
query (Crossref's own ranking is not known; its relevance ``score`` is not to be trusted
anyway) and answers in the envelope of the recorded ``work-list`` answer, with Crossref's
recorded rate-limit headers (``x-rate-limit-limit: 10``, ``x-rate-limit-interval: 1s``).
An unknown DOI answers 404 "Resource not found." as Crossref does.

Faults (``inject(kind, times)``): "429" (Retry-After: 1), "500", "html" (HTML with status
200), "truncated" (the JSON cut in half), "slow"
(answers after ``slow_seconds``: a client timeout). No pytest import: benchmarks use it too.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote

from fake_http import FakeHttpServer

DATA = Path(__file__).resolve().parent / "data" / "crossref"
WRITTEN = Path(__file__).resolve().parent / "data" / "doi" / "records.json"
FAULTS = ("429", "500", "html", "truncated", "slow")
HEADERS = [("Content-Type", "application/json"), ("x-rate-limit-limit", "10"),
           ("x-rate-limit-interval", "1s"), ("x-api-pool", "polite")]  # fmt: skip



@dataclass
class Served:
    path: str
    query: dict[str, str]
    user_agent: str
    status: int


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if len(w) > 2}


def _item_text(item: dict[str, Any]) -> str:
    parts: list[str] = []
    for key in ("title", "container-title"):
        value = item.get(key)
        parts += value if isinstance(value, list) else [str(value or "")]
    parts += [str(a.get("family", "")) for a in item.get("author", []) if isinstance(a, dict)]
    return " ".join(parts)


class FakeCrossref(FakeHttpServer):
    """``url``: the REST base (``http://127.0.0.1:PORT/``); ``served``: every request."""

    FAULTS = FAULTS

    def __init__(self, *, extra: list[dict[str, Any]] | None = None) -> None:
        self.answers: dict[str, bytes] = {}
        self.items: dict[str, dict[str, Any]] = {}
        for path in sorted(DATA.glob("work-*.json")):
            raw = path.read_bytes()
            item = json.loads(raw)["message"]
            self.answers[item["DOI"].lower()] = raw
            self.items[item["DOI"].lower()] = item
        self.envelope = json.loads((DATA / "works-query-ecology.json").read_bytes())
        written = json.loads(WRITTEN.read_text(encoding="utf-8"))["records"]
        for item in [*self.envelope["message"]["items"], *written, *(extra or [])]:
            self.items.setdefault(str(item["DOI"]).lower(), item)
        self._start()

    def _wsgi(self, environ: dict[str, Any], start: Callable[..., Any]) -> list[bytes]:
        path = unquote(environ.get("PATH_INFO", ""))
        query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        status, headers, body = self._answer(path, query)
        with self._lock:
            self.served.append(
                Served(path, query, environ.get("HTTP_USER_AGENT", ""), int(status.split()[0]))
            )
        start(status, headers)
        return [body]

    def _answer(self, path: str, query: dict[str, str]) -> tuple[str, list[tuple[str, str]], bytes]:
        fault = self._fault()
        if fault == "slow":  # answers after the client gave up: a timeout
            time.sleep(self.slow_seconds)
        if fault == "429":
            return "429 Too Many Requests", [("Retry-After", "1")], b"Too Many Requests"
        if fault == "500":
            return "500 Internal Server Error", [("Content-Type", "text/html")], b"<html></html>"
        if fault == "html":
            return "200 OK", [("Content-Type", "text/html")], b"<!DOCTYPE html><html></html>"
        if path.startswith("/works/"):
            doi = path[len("/works/"):].lower()
            if doi in self.answers:
                body = self.answers[doi]
            elif doi in self.items:
                body = json.dumps({"status": "ok", "message-type": "work",
                                   "message-version": "1.0.0", "message": self.items[doi]}).encode()
            else:
                return "404 Not Found", [("Content-Type", "text/plain")], b"Resource not found."
        elif path.rstrip("/") == "/works" and query.get("filter"):
            asked = [f[4:].lower() for f in query["filter"].split(",") if f.startswith("doi:")]
            chosen = [self.items[d] for d in asked if d in self.items]
            envelope = json.loads(json.dumps(self.envelope))
            envelope["message"].update(
                {"items": chosen, "total-results": len(chosen),
                 "items-per-page": int(query.get("rows", "20")), "query": {"start-index": 0}}
            )  # fmt: skip
            body = json.dumps(envelope).encode()
        elif path.rstrip("/") == "/works":
            text = query.get("query.bibliographic") or query.get("query") or ""
            rows = int(query.get("rows", "20"))
            wanted = _words(text)
            ranked = sorted(
                ((len(wanted & _words(_item_text(item))), doi) for doi, item in self.items.items()),
                key=lambda pair: (-pair[0], pair[1]),
            )
            chosen = [dict(self.items[doi], score=float(n)) for n, doi in ranked if n][:rows]
            envelope = json.loads(json.dumps(self.envelope))
            envelope["message"].update(
                {"items": chosen, "total-results": len(chosen), "items-per-page": rows,
                 "query": {"start-index": 0, "search-terms": text}}
            )  # fmt: skip
            body = json.dumps(envelope).encode()
        else:
            return "404 Not Found", [("Content-Type", "text/plain")], b"Resource not found."
        if fault == "truncated":
            body = body[: len(body) // 2]
        return "200 OK", HEADERS, body
