"""A loopback TCP server that accepts every connection and never answers: a network that hangs."""

from __future__ import annotations

import socket
import threading
import time
from typing import Self


class HangingServer:
    """Accepts connections on 127.0.0.1 and holds them open without sending a byte until stopped."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._held: list[socket.socket] = []
        self.accepted_at: list[float] = []  # time.monotonic() of each accepted connection
        self._stopped = threading.Event()
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self._thread = threading.Thread(target=self._accept, name="hanging-server", daemon=True)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopped.set()
        self._listener.close()
        for connection in self._held:
            connection.close()

    @property
    def connections(self) -> int:
        """How many connections were accepted (and left hanging)."""
        return len(self._held)

    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                connection, _ = self._listener.accept()
            except OSError:  # closed by __exit__
                return
            self.accepted_at.append(time.monotonic())
            self._held.append(connection)
