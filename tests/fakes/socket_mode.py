"""A fake of Slack's Socket Mode WebSocket: says hello, pushes envelopes, records the app's acks."""

from __future__ import annotations

import json
import threading
import uuid
from typing import Any

from websockets.sync.server import ServerConnection, serve


class FakeSocketMode:
    """One WebSocket endpoint on loopback; `push(payload)` delivers an events_api envelope to the app."""

    def __init__(self) -> None:
        self.acks: list[str] = []
        self._connections: list[ServerConnection] = []
        self._connected = threading.Event()
        self._lock = threading.Lock()
        self._server = serve(self._handle, "127.0.0.1", 0)
        self.url = f"ws://127.0.0.1:{self._server.socket.getsockname()[1]}/link"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def wait_connected(self, timeout: float = 60) -> bool:
        """Wait until the app has connected and been greeted."""
        return self._connected.wait(timeout)

    def push(self, payload: dict[str, Any], kind: str = "events_api") -> str:
        """Send an envelope to the connected app; returns its envelope_id."""
        envelope_id = uuid.uuid4().hex
        envelope = {"envelope_id": envelope_id, "type": kind, "payload": payload,
                    "accepts_response_payload": kind != "events_api", "retry_attempt": 0, "retry_reason": ""}
        with self._lock:
            self._connections[-1].send(json.dumps(envelope))
        return envelope_id

    def close(self) -> None:
        """Stop serving."""
        self._server.shutdown()

    def _handle(self, connection: ServerConnection) -> None:
        with self._lock:
            self._connections.append(connection)
        connection.send(json.dumps({"type": "hello", "num_connections": 1, "connection_info": {"app_id": "ACURATOR"}}))
        self._connected.set()
        for message in connection:
            envelope_id = json.loads(message).get("envelope_id")
            if envelope_id:
                with self._lock:
                    self.acks.append(envelope_id)
