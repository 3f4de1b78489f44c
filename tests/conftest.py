"""Shared fixtures. An autouse guard makes any connection to a non-loopback host fail."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
EXAMPLE = ROOT / "data" / "examples" / "leiomyosarcoma-liver"

_real_connect = socket.socket.connect
_real_create_connection = socket.create_connection
_LOOPBACK = ("127.0.0.1", "::1", "localhost")


def _check(address: Any) -> None:
    if isinstance(address, tuple) and address and address[0] not in _LOOPBACK:
        raise RuntimeError(f"tests must not reach the network: connection to {address!r}")


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    def guarded_connect(self: socket.socket, address: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            _check(address)
        return _real_connect(self, address)

    def guarded_create_connection(address: Any, *args: Any, **kwargs: Any) -> Any:
        _check(address)
        return _real_create_connection(address, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket, "create_connection", guarded_create_connection)
    yield


@pytest.fixture
def example_dir() -> Path:
    return EXAMPLE


@pytest.fixture
def shared_dir() -> Path:
    return SHARED


# --------------------------------------------------------------------------- fake E-utilities
# (engineer "ncbi-data"; see tests/fake_eutils.py and tests/data/ncbi/README.md)


@pytest.fixture
def fake_eutils() -> Iterator[Any]:
    """A fresh FakeEutils on 127.0.0.1 serving the corpus + the built seed records.
    ``fake_eutils.url`` is the E-utilities base URL; ``.requests`` what it served;
    ``.inject(kind, times, path=...)`` faults; ``.rate_limit = True`` NCBI's limit."""
    from fake_eutils import FakeEutils

    server = FakeEutils()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def fake_eutils_env(fake_eutils: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """``fake_eutils`` with REFKEEPER_EUTILS_URL pointing at it (NCBI_API_KEY unset)."""
    monkeypatch.setenv("REFKEEPER_EUTILS_URL", fake_eutils.url)
    monkeypatch.delenv("NCBI_API_KEY", raising=False)
    return fake_eutils
