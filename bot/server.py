"""Transports: Socket Mode, or HTTP (POST /slack/events, GET /healthz) served by uvicorn."""

from __future__ import annotations

import json
import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from slack_bolt import App
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1_000_000  # Slack payloads are a few KB; anything this large is not from Slack


def build_http_app(bolt_app: App, signing_secret: str, background_workers: int = 32) -> Starlette:
    """An ASGI app that verifies Slack's signature, then hands the request to Bolt on a worker thread.

    Events API callbacks are acknowledged as soon as the signature checks out: Slack ignores the body of
    that 200, so the ack never queues behind other requests' work. Commands, actions and views, whose
    ack can carry a response, go through Bolt before answering.
    """
    from slack_bolt.adapter.starlette.handler import (
        to_bolt_request,
        to_starlette_response,
    )
    from slack_sdk.signature import SignatureVerifier

    verifier = SignatureVerifier(signing_secret)
    background = ThreadPoolExecutor(max_workers=background_workers, thread_name_prefix="slack-dispatch")

    async def slack_events(request: Request) -> Response:
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            return JSONResponse({"error": "payload too large"}, status_code=413)
        if not verifier.is_valid_request(body, dict(request.headers)):
            return JSONResponse({"error": "invalid request"}, status_code=401)
        bolt_request = to_bolt_request(request, body)
        if _is_event_callback(request, body):
            background.submit(_dispatch_logged, bolt_app, bolt_request)
            return Response(status_code=200)
        bolt_response = await run_in_threadpool(bolt_app.dispatch, bolt_request)
        return to_starlette_response(bolt_response)

    async def healthz(_: Request) -> Response:
        return JSONResponse({"ok": True})

    return Starlette(routes=[
        Route("/slack/events", slack_events, methods=["POST"]),
        Route("/healthz", healthz, methods=["GET"]),
    ])


def _is_event_callback(request: Request, body: bytes) -> bool:
    if "json" not in request.headers.get("content-type", ""):
        return False
    try:
        return json.loads(body).get("type") == "event_callback"
    except (ValueError, AttributeError):
        return False


def _dispatch_logged(bolt_app: App, bolt_request: Any) -> None:
    try:
        response = bolt_app.dispatch(bolt_request)
        if response.status >= 400:
            log.warning("event not handled (%s): %s", response.status, response.body[:200])
    except Exception:
        log.exception("event dispatch failed")


def serve_http(bolt_app: App, signing_secret: str, host: str, port: int) -> None:
    """Serve the HTTP transport with uvicorn until interrupted."""
    import uvicorn

    log.warning("Curator listening on http://%s:%d/slack/events", host, port)
    app = build_http_app(bolt_app, signing_secret)
    uvicorn.run(app, host=host, port=port, log_level="warning", timeout_keep_alive=30)


def serve_socket_mode(bolt_app: App, app_token: str) -> None:
    """Connect to Slack over Socket Mode (no public URL needed) until interrupted."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    SocketModeHandler(bolt_app, app_token).start()
