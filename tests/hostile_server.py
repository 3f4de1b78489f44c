"""A hostile E-utilities server on 127.0.0.1, for hardening tests and benches (no pytest).

Every request is recorded (method, path, query, body). What it answers is chosen per server:

- ``huge_valid``: a valid PubmedArticleSet of ``size`` bytes (the requested record repeated),
  streamed without a Content-Length unless ``announce`` is set;
- ``huge_invalid``: ``size`` bytes of text that is no XML at all;
- ``long_title`` / ``many_authors``: one valid record with a field far over the limits;
- ``controls``: the seed record with control and bidi-override characters in it;
- ``hang``: wait ``hang`` seconds before each answer;
- ``seed``: the seed's real answer for PMID 8620427 (tests/data/ncbi), as NCBI would answer.

    with HostileServer("huge_valid", size=200 * 2**20) as server:
        ... REFKEEPER_EUTILS_URL=server.url ...
        print(server.requests)
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

SEED_XML = (Path(__file__).parent / "data" / "ncbi" / "pubmed-8620427.xml").read_bytes()
_RECORD = SEED_XML[SEED_XML.index(b"<PubmedArticle>") : SEED_XML.index(b"</PubmedArticleSet>")]
_HEAD = b'<?xml version="1.0" encoding="UTF-8"?>\n<PubmedArticleSet>\n'
_TAIL = b"</PubmedArticleSet>\n"


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    query: dict[str, list[str]]
    body: dict[str, list[str]]
    scheme_host: str


def _record_with(field: bytes, value: bytes) -> bytes:
    start = _RECORD.index(b"<" + field + b">") + len(field) + 2
    end = _RECORD.index(b"</" + field + b">")
    return _RECORD[:start] + value + _RECORD[end:]


class HostileServer:
    def __init__(
        self, mode: str, *, size: int = 0, hang: float = 0.0, announce: bool = False
    ) -> None:
        self.mode = mode
        self.size = size
        self.hang = hang
        self.announce = announce
        self.requests: list[Seen] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                server._answer(self, b"")

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                server._answer(self, self.rfile.read(length))

        class Server(ThreadingHTTPServer):
            def handle_error(self, request: object, client_address: object) -> None:
                pass  # a client that hung up (what a bounded client does) is no error here

        self._httpd = Server(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._httpd.block_on_close = False
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}/entrez/eutils/"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()

    def __enter__(self) -> HostileServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def count(self, utility: str) -> int:
        with self._lock:
            return sum(1 for r in self.requests if r.path.endswith(utility))

    def _answer(self, handler: BaseHTTPRequestHandler, body: bytes) -> None:
        parts = urlsplit(handler.path)
        seen = Seen(
            handler.command,
            parts.path,
            parse_qs(parts.query),
            parse_qs(body.decode("utf-8", "replace")),
            handler.headers.get("Host", ""),
        )
        with self._lock:
            self.requests.append(seen)
        if self.hang:
            time.sleep(self.hang)
        chunks, length = self._body()
        try:
            handler.send_response(200)
            handler.send_header("Content-Type", "text/xml; charset=UTF-8")
            if length is not None:
                handler.send_header("Content-Length", str(length))
            else:
                handler.send_header("Connection", "close")
            handler.end_headers()
            for chunk in chunks:
                handler.wfile.write(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped reading: what a bounded client does
        handler.close_connection = True

    def _body(self) -> tuple[Iterator[bytes], int | None]:
        if self.mode == "seed":
            return iter([SEED_XML]), len(SEED_XML)
        if self.mode == "long_title":
            data = _HEAD + _record_with(b"ArticleTitle", b"Leiomyosarcoma " * 70_000) + _TAIL
            return iter([data]), len(data)
        if self.mode == "controls":  # C1 CSI, DEL and a bidi override in title and author
            title = b"Epstein-Barr virus&#x9B;2J&#x7F; leiomyosarcomas &#x202E;txt.exe&#x202C;"
            record = _record_with(b"ArticleTitle", title)
            record = record.replace(b"<LastName>Dawson", b"<LastName>Daw&#x9B;son", 1)
            data = _HEAD + record + _TAIL
            return iter([data]), len(data)
        if self.mode == "many_authors":
            many = b'<Author ValidYN="Y"><LastName>Katz</LastName><Initials>JA</Initials></Author>'
            record = _RECORD.replace(b"</AuthorList>", many * 30_000 + b"</AuthorList>")
            data = _HEAD + record + _TAIL
            return iter([data]), len(data)
        if self.mode in ("huge_valid", "huge_invalid"):
            if self.mode == "huge_valid":
                head, unit, tail = _HEAD, _RECORD, _TAIL
            else:
                head, unit, tail = b"", b"not an answer " * 1000, b""
            block = unit * max(1, 2**20 // len(unit))
            blocks = max(1, (self.size - len(head) - len(tail)) // len(block))
            total = len(head) + blocks * len(block) + len(tail)
            return _repeat(head, block, blocks, tail), total if self.announce else None
        raise ValueError(f"unknown mode {self.mode!r}")


def _repeat(head: bytes, block: bytes, blocks: int, tail: bytes) -> Iterator[bytes]:
    yield head
    for _ in range(blocks):
        yield block
    yield tail
