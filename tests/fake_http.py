"""What the local fakes of web services share: a threaded WSGI server on 127.0.0.1 (a free
port, real sockets), the requests it served, and faults injected per test.

A fake subclasses :class:`FakeHttpServer`, sets its data, then calls :meth:`_start`; its
``_wsgi`` records each request in ``served`` under ``_lock`` and asks :meth:`_fault` whether
the answer should fail. No pytest import: benchmarks use the fakes too.
"""

from __future__ import annotations

import threading
from typing import Any

from werkzeug.serving import WSGIRequestHandler, make_server


class QuietHandler(WSGIRequestHandler):
    """No access log on stderr."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return None

    def log(self, type: str, message: str, *args: Any) -> None:
        return None


class FakeHttpServer:
    """``url``: where the fake answers (``http://127.0.0.1:PORT`` + ``PATH``)."""

    FAULTS: tuple[str, ...] = ()
    PATH = "/"

    def _start(self) -> None:
        self.served: list[Any] = []
        self.faults: list[list[Any]] = []
        self.slow_seconds = 1.0
        self._lock = threading.Lock()
        self._server = make_server(
            "127.0.0.1", 0, self._wsgi, threaded=True, request_handler=QuietHandler
        )
        self.url = f"http://127.0.0.1:{self._server.server_port}{self.PATH}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def _wsgi(self, environ: dict[str, Any], start: Any) -> list[bytes]:
        raise NotImplementedError

    def __enter__(self) -> Any:
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def inject(self, kind: str, times: int | None = 1) -> None:
        """The next ``times`` answers (None: all) fail with ``kind`` (one of ``FAULTS``)."""
        if kind not in self.FAULTS:
            raise ValueError(f"unknown fault {kind!r}")
        self.faults.append([kind, times])

    def count(self) -> int:
        return len(self.served)

    def _fault(self) -> str | None:
        with self._lock:
            for fault in self.faults:
                if fault[1] is None or fault[1] > 0:
                    if fault[1] is not None:
                        fault[1] -= 1
                    return str(fault[0])
        return None
