"""Transports: Socket Mode, or HTTP (POST /slack/events, GET /healthz) served by uvicorn."""

from __future__ import annotations

import asyncio
import json
import logging
import signal
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from slack_bolt import App
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

if TYPE_CHECKING:
    from bot.config import Settings

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1_000_000  # Slack payloads are a few KB; anything this large is not from Slack


def build_http_app(bolt_app: App, signing_secret: str, background_workers: int = 32,
                   body_timeout_s: float = 10.0) -> Starlette:
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
        try:
            body = await asyncio.wait_for(_read_limited(request), body_timeout_s)
        except TimeoutError:
            return JSONResponse({"error": "body not received in time"}, status_code=408,
                                headers={"connection": "close"})
        if body is None:
            return JSONResponse({"error": "payload too large"}, status_code=413, headers={"connection": "close"})
        if not _is_utf8(body):  # nothing Slack signs: its scheme signs UTF-8 text (slack_sdk would raise)
            return JSONResponse({"error": "malformed body"}, status_code=400)
        if not verifier.is_valid_request(body, dict(request.headers)):
            return JSONResponse({"error": "invalid request"}, status_code=401)
        if not _well_formed(request.headers.get("content-type", ""), body):
            # Signed by Slack but not a payload Bolt can read: a 4xx, so Slack does not retry it.
            return JSONResponse({"error": "malformed body"}, status_code=400)
        bolt_request = to_bolt_request(request, body)
        if _is_event_callback(request, body):
            background.submit(_dispatch_logged, bolt_app, bolt_request)
            return Response(status_code=200)
        bolt_response = await run_in_threadpool(bolt_app.dispatch, bolt_request)
        return to_starlette_response(bolt_response)

    async def healthz(_: Request) -> Response:
        return JSONResponse({"ok": True})

    app = Starlette(routes=[
        Route("/slack/events", slack_events, methods=["POST"]),
        Route("/healthz", healthz, methods=["GET"]),
    ])
    app.state.dispatch = background  # acked events still being handed to Bolt: waited for on shutdown
    return app


async def _read_limited(request: Request) -> bytes | None:
    """The body, or None when it is larger than MAX_BODY_BYTES: refused by its Content-Length before a
    byte is read, or as soon as more than that has arrived when it gives none (or lies)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        return None
    body = bytearray()
    async for piece in request.stream():
        body += piece
        if len(body) > MAX_BODY_BYTES:
            return None
    return bytes(body)


def _is_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _well_formed(content_type: str, body: bytes) -> bool:
    """Whether a signed body is a payload Bolt can parse: a JSON object, or a form whose `payload` (when
    present) is a JSON object."""
    text = body.decode("utf-8")
    try:
        if "json" in content_type:
            return isinstance(json.loads(text), dict)
        form = parse_qs(text, keep_blank_values=True, strict_parsing=bool(text))
        payload = form.get("payload")
        return payload is None or isinstance(json.loads(payload[0]), dict)
    except ValueError:
        return False


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


def serve_http(bolt_app: App, settings: Settings, host: str, port: int) -> None:
    """Serve the HTTP transport with uvicorn until interrupted (request timeout and connection limit from
    the settings)."""
    from bot.http_server import http_server

    app = http_app_for(bolt_app, settings)
    stop_on_signals()  # uvicorn re-raises the signal it stopped on: to this handler, not to the default's exit
    http_server(app, settings, host, port).run()  # SIGTERM/SIGINT: stops accepting, finishes open requests
    app.state.dispatch.shutdown(wait=True)  # every acked event reaches its listener before the drain


def http_app_for(bolt_app: App, settings: Settings) -> Any:
    """Curator's ASGI app for `bolt_app`, with the signing secret and body timeout from the settings."""
    secret = settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else ""
    return build_http_app(bolt_app, secret, body_timeout_s=settings.http_request_timeout_s)


def serve_socket_mode(bolt_app: App, settings: Settings, on_ready: Callable[[], None] = lambda: None) -> int:
    """Connect to Slack over Socket Mode (no public URL needed) and serve until interrupted; 0 on Ctrl-C, 1 when
    the first connection fails (one line says why). A connection lost later is re-opened by slack_sdk itself."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    handler = SocketModeHandler(bolt_app, settings.slack_app_token.get_secret_value())
    problem = _connect_within(handler, settings)
    if problem:
        print(problem, file=sys.stderr)
        return 1
    on_ready()
    try:
        stop_on_signals().wait()
    finally:
        handler.close()  # no new events; what was received is drained by the caller
    return 0


def stop_on_signals() -> threading.Event:
    """An event set by SIGTERM (a deploy) or SIGINT (Ctrl-C), instead of dying at once; main thread only."""
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    return stop


def _connect_within(handler: Any, settings: Settings) -> str | None:
    """Open the WebSocket on a daemon thread (slack_sdk's handshake has no timeout of its own); None once open,
    else one line saying what failed."""
    from slack_sdk.errors import SlackApiError

    from bot.slack.preflight import unreachable_message

    failure: list[BaseException] = []

    def connect() -> None:
        try:
            handler.connect()
        except BaseException as exc:  # noqa: BLE001 - reported by the caller
            failure.append(exc)

    worker = threading.Thread(target=connect, name="socket-mode-connect", daemon=True)
    worker.start()
    limit = settings.slack_connect_timeout_s * 2  # apps.connections.open, then the WebSocket handshake
    worker.join(limit)
    if worker.is_alive():
        return (f"Could not reach Slack's Socket Mode WebSocket (no handshake within {limit:g} s). Check this "
                "machine's network, proxy and firewall (outbound wss:// to *.slack.com); `curator doctor` tests it.")
    if not failure:
        return None
    exc = failure[0]
    if isinstance(exc, SlackApiError):
        return (f"Slack refused to open the Socket Mode connection ({exc.response.get('error')}): check "
                "SLACK_APP_TOKEN and that Socket Mode is on (docs/slack-setup.md).")
    return unreachable_message(settings, "Socket Mode", exc)
