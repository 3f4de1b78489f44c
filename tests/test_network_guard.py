import socket

import pytest


def test_outgoing_connections_fail() -> None:
    with pytest.raises(RuntimeError, match="must not reach the network"):
        socket.create_connection(("93.184.216.34", 80), timeout=1)
