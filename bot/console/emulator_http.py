"""The emulator's HTTP side: routes on ``http://127.0.0.1:PORT`` and what each request goes through.

  ``/api/<method>``: the Web API (GET or POST; JSON, form or query params, merged; JSON-string params
    such as ``blocks`` decoded). In order: a programmed failure (``fail_next``); ``apps.connections.open``
    with the app-level token; ``unknown_method``; ``invalid_json``; the bot token (``Authorization: Bearer``
    or a ``token`` field: none -> ``not_authed``, wrong -> ``invalid_auth``); the manifest's scopes
    (``missing_scope`` with ``needed``/``provided``); the rate tier of the method in the channel's workspace
    (HTTP 429 ``ratelimited`` with ``Retry-After``); then the method. Answers carry ``x-oauth-scopes``.
  ``POST /upload/v1/<file_id>``: the ``upload_url`` of files.getUploadURLExternal; takes the raw bytes,
    unauthenticated, and answers ``OK - <size>`` like files.slack.com.
  ``GET /files/<id>/<name>`` (``url_private``, thumbs) and ``/files/<id>/download/<name>``: the bytes with
    the bot's Bearer token (and ``files:read``); otherwise Slack's HTML login page with status 200.
  ``POST /response/<id>``: response_url (JSON). ``replace_original`` / ``delete_original`` act on the
    clicked message, anything else is a new message, ephemeral unless ``response_type`` is ``in_channel``.
"""

from __future__ import annotations

import contextlib
import copy
import json
import logging
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import parse_qsl, urlsplit

from .emulator_api import METHODS, post_to_response_url
from .emulator_scopes import DOWNLOAD_SCOPE
from .emulator_workspace import SlackError

if TYPE_CHECKING:
    import threading
    from collections import deque

    from bot.slack.clock import Clock

    from .emulator_rates import RateLimiter
    from .emulator_scopes import AppContract
    from .emulator_workspace import Workspace

logger = logging.getLogger(__name__)

JSON_PARAMS = ("blocks", "attachments", "files", "view", "metadata", "chunks", "prompts", "loading_messages")
LOGIN_PAGE = b"<!DOCTYPE html><html><head><title>Slack</title></head><body>Sign in to Slack</body></html>"
TEXT = "text/plain; charset=utf-8"


class SlackEmulator(Protocol):
    """What the HTTP side reads and writes of the emulator (bot.console.emulator.SlackEmulator)."""

    bot_token: str
    bot_user_id: str
    clock: Clock
    contract: AppContract
    _ws: Workspace
    _lock: threading.RLock
    _rates: RateLimiter | None
    _calls: list[ApiCall]
    _response_posts: list[dict]
    _failures: dict[str, deque]

    def _socket_mode_url(self, token: str | None) -> dict:
        """apps.connections.open's answer for `token`."""
        ...


@dataclass
class ApiCall:
    """One Web API request as the emulator received it, and its answer."""

    method: str
    params: dict[str, Any]
    headers: dict[str, str]  # lower-case names
    response: dict[str, Any] = field(default_factory=dict)
    status: int = 200
    at: float = 0.0  # the emulator's clock when it answered


@dataclass
class Reply:
    """An HTTP answer."""

    status: int
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def web_api(emulator: SlackEmulator, method: str, query: str, headers: dict[str, str], body: bytes) -> Reply:
    """One Web API call: checked as Slack checks it, run, and recorded."""
    try:
        params, bad_body = parse_params(query, headers.get("content-type", ""), body), False
    except ValueError:
        params, bad_body = {}, True
    token = bearer(headers) or params.pop("token", None)
    extra = {"x-oauth-scopes": ",".join(sorted(emulator.contract.scopes))}
    with emulator._lock:
        emulator._ws.tick()
        failures = emulator._failures.get(method)
        failure = failures.popleft() if failures else None
        if failure is not None:
            status, response = failure.status, {"ok": False, "error": failure.error}
            if failure.retry_after is not None:
                extra["Retry-After"] = str(failure.retry_after)
        else:
            response = _answer(emulator, method, params, token, bad_body, extra)
            status = 429 if "Retry-After" in extra else 200
        emulator._calls.append(ApiCall(method, copy.deepcopy(params), headers, response, status, emulator.clock.now()))
    return Reply(status, "application/json; charset=utf-8", json.dumps(response).encode(), extra)


def _answer(emulator: SlackEmulator, method: str, params: dict, token: str | None, bad_body: bool,
            extra: dict[str, str]) -> dict[str, Any]:
    if method == "apps.connections.open":  # Socket Mode: the app-level token, not the bot's
        return emulator._socket_mode_url(token)
    if method not in METHODS:
        return {"ok": False, "error": "unknown_method"}
    if bad_body:
        return {"ok": False, "error": "invalid_json"}
    if token != emulator.bot_token:
        return {"ok": False, "error": "invalid_auth" if token else "not_authed"}
    try:
        emulator.contract.check(method, params)
    except SlackError as e:
        return {"ok": False, "error": e.code, **e.details()}
    channel = str(params.get("channel") or params.get("channel_id") or "")
    retry_after = emulator._rates.admit(emulator._ws.team_of(channel), method, channel) if emulator._rates else None
    if retry_after is not None:
        extra["Retry-After"] = str(retry_after)
        return {"ok": False, "error": "ratelimited"}
    try:
        return {"ok": True, **METHODS[method](emulator._ws, params)}
    except SlackError as e:
        return {"ok": False, "error": e.code, **e.details()}
    except Exception:  # a bug here must not look like a network failure that the SDK retries
        logger.exception("slack emulator: %s failed", method)
        return {"ok": False, "error": "internal_error"}


def download(emulator: SlackEmulator, file_id: str, headers: dict[str, str], attachment: bool) -> Reply:
    """A file's bytes for the bot's token; Slack's sign-in page otherwise."""
    if bearer(headers) != emulator.bot_token or DOWNLOAD_SCOPE not in emulator.contract.scopes:
        return Reply(200, "text/html; charset=utf-8", LOGIN_PAGE)
    with emulator._lock:
        f = emulator._ws.files.get(file_id)
        if f is None or not f.uploaded:
            return Reply(404, TEXT, b"file_not_found")
        disposition = {"Content-Disposition": f'attachment; filename="{f.name}"'} if attachment else {}
        return Reply(200, f.mimetype, f.data, disposition)


def receive_upload(emulator: SlackEmulator, file_id: str, body: bytes) -> Reply:
    """The raw bytes of a bot upload, POSTed to its upload_url."""
    with emulator._lock:
        f = emulator._ws.files.get(file_id)
        if f is None or f.completed or f.user != emulator.bot_user_id:
            return Reply(404, TEXT, b"upload_not_found")
        f.data, f.uploaded = body, True
    return Reply(200, TEXT, f"OK - {len(body)}".encode())


def response_url(emulator: SlackEmulator, hook_id: str, body: bytes) -> Reply:
    """A post to a response_url, shown as Slack shows it."""
    try:
        posted = json.loads(body or b"{}")
    except ValueError:
        return Reply(400, TEXT, b"invalid_payload")
    with emulator._lock:
        emulator._response_posts.append(copy.deepcopy(posted))
        hook = emulator._ws.hooks.get(hook_id)
        if hook is None:
            return Reply(404, TEXT, b"expired_url")
        try:
            post_to_response_url(emulator._ws, hook, posted)
        except SlackError as e:
            return Reply(400, TEXT, e.code.encode())
    return Reply(200, TEXT, b"ok")


class Server(ThreadingHTTPServer):
    """The emulator's HTTP server, on a free loopback port."""

    daemon_threads = True

    def __init__(self, emulator: SlackEmulator) -> None:
        self.emulator = emulator
        super().__init__(("127.0.0.1", 0), _Handler)


class _Handler(BaseHTTPRequestHandler):
    server: Server
    server_version = "SlackEmulator"

    def do_GET(self) -> None:
        self._route()

    def do_POST(self) -> None:
        self._route()

    def _route(self) -> None:
        emulator = self.server.emulator
        url = urlsplit(self.path)
        parts = url.path.strip("/").split("/")
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        headers = {k.lower(): v for k, v in self.headers.items()}
        post = self.command == "POST"
        if parts[0] == "api" and len(parts) == 2:
            reply = web_api(emulator, parts[1], url.query, headers, body)
        elif parts[0] == "files" and len(parts) in (3, 4) and not post:
            reply = download(emulator, parts[1], headers, attachment=len(parts) == 4)
        elif parts[:2] == ["upload", "v1"] and len(parts) == 3 and post:
            reply = receive_upload(emulator, parts[2], body)
        elif parts[0] == "response" and len(parts) == 2 and post:
            reply = response_url(emulator, parts[1], body)
        else:
            reply = Reply(404, TEXT, b"not found")
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(reply.body)

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("slack emulator: " + format, *args)


def parse_params(query: str, content_type: str, body: bytes) -> dict[str, Any]:
    """Query, then JSON or form body, merged; JSON-string values of structured params decoded."""
    params: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
    if "json" in content_type:
        data = json.loads(body or b"{}")
        if not isinstance(data, dict):
            raise ValueError("JSON body is not an object")
        params.update(data)
    elif body and "multipart" not in content_type:
        params.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    for key in JSON_PARAMS:
        value = params.get(key)
        if isinstance(value, str) and value[:1] in ("[", "{"):
            with contextlib.suppress(ValueError):  # else left as a string: the method answers invalid_*
                params[key] = json.loads(value)
    return params


def bearer(headers: dict[str, str]) -> str | None:
    """The token of an ``Authorization: Bearer`` header."""
    value = headers.get("authorization", "")
    return value[len("Bearer "):] if value.startswith("Bearer ") else None
