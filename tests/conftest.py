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
