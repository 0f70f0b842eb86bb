"""Free loopback ports for the servers the suite starts, never the virtual card reader's fixed one."""
from __future__ import annotations

import socket

from tests.support.smartcard.harness import VPCD_PORT

RESERVED = frozenset({VPCD_PORT})  # vpcd listens there for the virtual card (below the ephemeral range anyway)


def free_port() -> int:
    """A port nothing listens on now (the OS picks it), outside RESERVED."""
    while True:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        if port not in RESERVED:
            return port
