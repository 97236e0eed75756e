"""uvicorn for `curator serve --http`, with what it lacks against slow or idle clients: a connection that
does not send a request's headers within HTTP_REQUEST_TIMEOUT_S of opening (or of its last response) is
closed. uvicorn itself limits connections (HTTP_MAX_CONNECTIONS, then 503) and closes idle keep-alives."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

if TYPE_CHECKING:
    from bot.config import Settings


def http_server(app: Any, settings: Settings, host: str, port: int) -> uvicorn.Server:
    """A uvicorn server for Curator's ASGI `app` on host:port (call `.run()`), with the request timeout and
    connection limit from the settings."""
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", http=_timed(settings.http_request_timeout_s),
                            timeout_keep_alive=30, limit_concurrency=settings.http_max_connections)
    return uvicorn.Server(config)


def _timed(header_timeout_s: float) -> type[H11Protocol]:
    class TimedH11Protocol(H11Protocol):
        """uvicorn's HTTP/1.1 protocol, closing a connection that waits too long for a request's headers."""

        _header_timer: asyncio.TimerHandle | None = None

        def connection_made(self, transport: Any) -> None:
            super().connection_made(transport)
            self._watch()

        def data_received(self, data: bytes) -> None:
            super().data_received(data)
            self._watch()

        def connection_lost(self, exc: Exception | None) -> None:
            self._unwatch()
            super().connection_lost(exc)

        def on_response_complete(self) -> None:
            super().on_response_complete()
            self._watch()

        def _watch(self) -> None:
            """Time the wait while the client owes the headers of its next request; stop once they came."""
            if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
                if self._header_timer is None:
                    self._header_timer = self.loop.call_later(header_timeout_s, self._close_idle)
            else:
                self._unwatch()

        def _unwatch(self) -> None:
            if self._header_timer is not None:
                self._header_timer.cancel()
                self._header_timer = None

        def _close_idle(self) -> None:
            self._header_timer = None
            if not self.transport.is_closing():
                self.transport.close()

    return TimedH11Protocol
