"""Transports: Socket Mode, or HTTP (POST /slack/events, GET /healthz) served by uvicorn."""

from __future__ import annotations

import logging

from slack_bolt import App
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1_000_000  # Slack payloads are a few KB; anything this large is not from Slack


def build_http_app(bolt_app: App) -> Starlette:
    """An ASGI app that hands signed Slack requests to Bolt on a worker thread (never on the event loop)."""
    from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response

    async def slack_events(request: Request) -> Response:
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            return JSONResponse({"error": "payload too large"}, status_code=413)
        bolt_response = await run_in_threadpool(bolt_app.dispatch, to_bolt_request(request, body))
        return to_starlette_response(bolt_response)

    async def healthz(_: Request) -> Response:
        return JSONResponse({"ok": True})

    return Starlette(routes=[
        Route("/slack/events", slack_events, methods=["POST"]),
        Route("/healthz", healthz, methods=["GET"]),
    ])


def serve_http(bolt_app: App, host: str, port: int) -> None:
    """Serve the HTTP transport with uvicorn until interrupted."""
    import uvicorn

    log.warning("Curator listening on http://%s:%d/slack/events", host, port)
    uvicorn.run(build_http_app(bolt_app), host=host, port=port, log_level="warning", timeout_keep_alive=30)


def serve_socket_mode(bolt_app: App, app_token: str) -> None:
    """Connect to Slack over Socket Mode (no public URL needed) until interrupted."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    SocketModeHandler(bolt_app, app_token).start()
