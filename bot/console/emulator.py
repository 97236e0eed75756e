"""A local emulator of the Slack Web API and workspace, on loopback, for ``curator console`` and the tests.

The real Bolt app and slack_sdk clients talk to it over HTTP exactly as they talk to Slack; the
emulator keeps the workspace (messages, threads, files, views) and plays the user's side::

    with SlackEmulator(files_dir=tmp) as slack:
        client = WebClient(token=slack.bot_token, base_url=slack.api_url)   # trailing "/" matters
        app = App(client=client, signing_secret="unused", token_verification_enabled=False)
        app.dispatch(BoltRequest(body=slack.user_message("hello"), mode="socket_mode"))
        slack.wait_for(lambda: slack.messages("DALICE", thread_ts=...))   # listeners run after the ack

Inspection: ``api_url``, ``calls`` / ``calls_to(method)`` (:class:`ApiCall`: method, params, headers,
response, status), ``response_url_posts``, ``messages(channel, thread_ts=None)`` (top level, or one
thread's replies) and ``thread_of(channel, ts)`` (parent + replies) as :class:`Message` snapshots,
``file(file_id)`` (:class:`StoredFile`, with ``saved_path`` for bot uploads when ``files_dir`` is set),
``thread_status(channel, thread_ts)``, ``suggested_prompts(channel)``, ``views()``, ``wait_for(pred)``.
Programming: ``fail_next(method, error, status, times, retry_after)``; ``socket_mode_url``: the WebSocket URL
that ``apps.connections.open`` returns to a client presenting ``app_token`` (for Socket Mode tests).
The user's side (each records what the user did and returns the payload the app must receive):
``user_message``, ``upload_file``, ``slash_command``, ``click``, ``submit_view``, ``app_home_opened``.

Routes on ``http://127.0.0.1:PORT``:
  ``/api/<method>``: the Web API (GET or POST; JSON, form or query params, merged; JSON-string params
    such as ``blocks`` decoded). ``Authorization: Bearer <bot_token>`` (or a ``token`` field) required:
    none -> ``not_authed``, wrong -> ``invalid_auth``. Unknown methods -> ``unknown_method``. Every answer
    is HTTP 200 ``{"ok": ...}`` with an ``x-oauth-scopes`` header, unless ``fail_next`` says otherwise.
    Methods: see ``emulator_api.METHODS``.
  ``POST /upload/v1/<file_id>``: the ``upload_url`` of files.getUploadURLExternal; takes the raw bytes,
    unauthenticated, and answers ``OK - <size>`` like files.slack.com.
  ``GET /files/<id>/<name>`` (``url_private``, thumbs) and ``/files/<id>/download/<name>``: the bytes with
    the bot's Bearer token; otherwise Slack's HTML login page with status 200.
  ``POST /response/<id>``: response_url (JSON). The post is recorded and shown: ``replace_original`` /
    ``delete_original`` act on the clicked message, anything else is a new message, ephemeral unless
    ``response_type`` is ``in_channel``. A slash command's ack body can be shown the same way by posting
    it to the payload's response_url.

Slack behaviour kept: a bot reply in a thread clears the thread's assistant status; blocks without a
block_id get one; a thread parent shows ``reply_count``/``latest_reply``; ephemeral messages stay out of
conversations.history/replies; ``blocks`` beside ``initial_comment`` are ignored, a non-JSON ``blocks``
string is ``invalid_blocks_format``; setSuggestedPrompts with a ``thread_ts`` shows nothing (agent_view).
Emulator conventions (not Slack facts): the DM between user ``UALICE`` and the bot is ``DALICE``;
channel and user ids are accepted by shape (``C/G/D…``, ``U/W…``); trigger_ids never expire but are
single-use; thumbs serve the original bytes; a streamed message's ``text`` is all its markdown, and
``stopStream`` blocks replace its blocks; response_url posts are answered ``ok`` (text/plain).

What slack_sdk 3.47 sends (observed against this emulator):
  files_upload_v2: ``files.getUploadURLExternal`` as a form (``filename``, ``length``, ``alt_txt``); a bare
    ``POST`` of the raw bytes to ``upload_url`` via urllib (no auth header, urllib's default
    ``application/x-www-form-urlencoded`` content type); ``files.completeUploadExternal`` as a form with
    ``files`` a JSON string ``[{"id", "title"}]`` and ``channel_id``, ``thread_ts``, ``initial_comment``.
    Slack answers ``files: [{"id", "title"}]`` only; the SDK copies it to ``file``. No files.info call.
  chat_stream: nothing until 256 buffered characters or ``stop()``; text goes as JSON ``chunks``
    (``[{"type": "markdown_text", "text": ...}]``), never ``markdown_text``. A short answer is one
    ``chat.startStream`` (channel, thread_ts, recipient ids, no text) then one ``chat.stopStream``
    (``chunks`` + ``blocks``).
  Bolt's per-request client adds ``team_id`` to the params of every call it makes.
"""

from __future__ import annotations

import contextlib
import copy
import json
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Self
from urllib.parse import parse_qsl, urlsplit

from . import emulator_workspace as workspace
from .emulator_api import METHODS, post_to_response_url
from .emulator_workspace import Message, SlackError, StoredFile, Workspace

__all__ = ["ApiCall", "Message", "SlackEmulator", "StoredFile"]

logger = logging.getLogger(__name__)

SCOPES = ("app_mentions:read,assistant:write,channels:history,chat:write,commands,files:read,files:write,"
          "groups:history,im:history,im:read,im:write,mpim:history,reactions:write,users:read")
JSON_PARAMS = ("blocks", "attachments", "files", "view", "metadata", "chunks", "prompts", "loading_messages")
LOGIN_PAGE = b"<!DOCTYPE html><html><head><title>Slack</title></head><body>Sign in to Slack</body></html>"


@dataclass
class ApiCall:
    """One Web API request as the emulator received it, and its answer."""

    method: str
    params: dict[str, Any]
    headers: dict[str, str]  # lower-case names
    response: dict[str, Any] = field(default_factory=dict)
    status: int = 200


@dataclass
class _Failure:
    error: str
    status: int
    retry_after: int | None


@dataclass
class _Reply:
    status: int
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


class SlackEmulator:
    """The Slack Web API and one workspace, served on 127.0.0.1 from a daemon thread."""

    def __init__(self, bot_token: str = "xoxb-console", bot_user_id: str = "UCURATOR", bot_id: str = "BCURATOR",
                 team_id: str = "TCONSOLE", files_dir: Path | None = None, app_id: str = "ACURATOR",
                 app_token: str = "xapp-console") -> None:
        self.bot_token, self.bot_user_id, self.bot_id, self.team_id = bot_token, bot_user_id, bot_id, team_id
        self.app_token = app_token
        self.socket_mode_url: str | None = None  # what apps.connections.open answers (a WebSocket URL)
        self._ws = Workspace(bot_user_id=bot_user_id, bot_id=bot_id, team_id=team_id, app_id=app_id,
                             files_dir=Path(files_dir) if files_dir else None)
        self._lock = threading.RLock()
        self._calls: list[ApiCall] = []
        self._response_posts: list[dict] = []
        self._failures: dict[str, deque[_Failure]] = {}
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # lifecycle

    def start(self) -> SlackEmulator:
        """Bind a free loopback port and serve from a daemon thread."""
        if self._server is not None:
            raise RuntimeError("the emulator is already running")
        self._server = _Server(self)
        self._ws.root = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="slack-emulator", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)  # type: ignore[union-attr]
            self._server = self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def api_url(self) -> str:
        """The Web API base URL for ``WebClient(base_url=...)``, with its trailing slash."""
        if not self._ws.root:
            raise RuntimeError("start the emulator first")
        return f"{self._ws.root}/api/"

    # inspection and programming

    @property
    def calls(self) -> list[ApiCall]:
        with self._lock:
            return list(self._calls)

    def calls_to(self, method: str) -> list[ApiCall]:
        return [c for c in self.calls if c.method == method]

    @property
    def response_url_posts(self) -> list[dict]:
        with self._lock:
            return copy.deepcopy(self._response_posts)

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
        """Poll until ``predicate()`` is true (listeners run after the ack, on other threads)."""
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.01)
        return True

    def fail_next(self, method: str, error: str = "ratelimited", status: int = 200, times: int = 1,
                  retry_after: int | None = None) -> None:
        """Answer the next ``times`` calls to ``method`` with ``{"ok": false, "error": error}``.

        A 429 always carries ``Retry-After`` (``retry_after``, default 1), as Slack's do.
        """
        if status == 429 and retry_after is None:
            retry_after = 1
        with self._lock:
            self._failures.setdefault(method, deque()).extend([_Failure(error, status, retry_after)] * times)

    # the workspace as users see it

    def messages(self, channel: str, thread_ts: str | None = None) -> list[Message]:
        """Top-level messages of a channel, or a thread's replies, oldest first (ephemeral ones included)."""
        with self._lock:
            found = self._ws.replies(channel, thread_ts) if thread_ts else self._ws.top_level(channel)
            return copy.deepcopy(found)

    def thread_of(self, channel: str, ts: str) -> list[Message]:
        """The parent message and its replies."""
        with self._lock:
            parent = self._ws.channels.get(channel, {}).get(ts)
            return copy.deepcopy(([parent] if parent else []) + self._ws.replies(channel, ts))

    def file(self, file_id: str) -> StoredFile:
        with self._lock:
            return copy.deepcopy(self._ws.files[file_id])

    def thread_status(self, channel: str, thread_ts: str) -> str | None:
        """The assistant status ("is thinking…") shown under a thread, if any."""
        with self._lock:
            return self._ws.statuses.get((channel, thread_ts))

    def thread_status_history(self, channel: str, thread_ts: str) -> list[str]:
        """Every status a thread has shown, oldest first (a status may come and go between two looks)."""
        with self._lock:
            return list(self._ws.status_history.get((channel, thread_ts), []))

    def suggested_prompts(self, channel: str) -> dict | None:
        with self._lock:
            return copy.deepcopy(self._ws.suggested_prompts.get(channel))

    def views(self) -> list[dict]:
        """Views opened with views.open, oldest first; each has the opening ``user``."""
        with self._lock:
            return copy.deepcopy(list(self._ws.views.values()))

    # simulating a user

    def user_message(self, text: str, user: str = "UALICE", channel: str | None = None,
                     channel_type: str | None = None, thread_ts: str | None = None,
                     files: list[dict] | None = None, mention_bot: bool = False) -> dict:
        """The user posts; returns the ``event_callback`` body (``message`` or ``app_mention``).

        ``channel`` defaults to the user's DM with the bot; ``channel_type`` follows the id (D: im,
        C: channel, G: group). ``mention_bot`` prefixes ``<@BOT> ``; outside a DM that makes the body an
        ``app_mention`` (Slack sends none in the app's own DM, and the ``message.channels`` copy is not
        produced). ``files`` (from :meth:`upload_file`) make it a ``file_share`` message.
        """
        with self._lock:
            return workspace.user_message(self._ws, text=text, user=user, channel=channel, channel_type=channel_type,
                                         thread_ts=thread_ts, files=files, mention_bot=mention_bot)

    def upload_file(self, path_or_bytes: Path | str | bytes, filename: str, user: str = "UALICE",
                    mimetype: str | None = None) -> dict:
        """Store a user's file; returns the Slack file object to pass as ``user_message(files=[...])``."""
        data = path_or_bytes if isinstance(path_or_bytes, bytes) else Path(path_or_bytes).read_bytes()
        with self._lock:
            return workspace.user_file(self._ws, data=data, filename=filename, user=user, mimetype=mimetype)

    def slash_command(self, command: str, text: str, user: str = "UALICE", channel: str | None = None) -> dict:
        with self._lock:
            return workspace.slash_command(self._ws, command=command, text=text, user=user, channel=channel)

    def click(self, action_id: str, message_ts: str, channel: str, value: str = "", user: str = "UALICE",
              block_id: str = "") -> dict:
        """A ``block_actions`` payload for the element ``action_id`` on that message (LookupError if absent)."""
        with self._lock:
            return workspace.block_actions(self._ws, action_id=action_id, message_ts=message_ts, channel=channel,
                                          value=value, user=user, block_id=block_id)

    def submit_view(self, callback_id: str, values: dict, user: str = "UALICE", private_metadata: str = "") -> dict:
        """A ``view_submission`` for the user's latest view opened with this callback_id."""
        with self._lock:
            return workspace.view_submission(self._ws, callback_id=callback_id, values=values, user=user,
                                            private_metadata=private_metadata)

    def app_home_opened(self, user: str = "UALICE", tab: str = "messages") -> dict:
        with self._lock:
            return workspace.app_home_opened(self._ws, user=user, tab=tab)

    # HTTP side (called by _Handler on server threads)

    def _web_api(self, method: str, query: str, headers: dict[str, str], body: bytes) -> _Reply:
        try:
            params, bad_body = _parse_params(query, headers.get("content-type", ""), body), False
        except ValueError:
            params, bad_body = {}, True
        token = _bearer(headers) or params.pop("token", None)
        extra = {"x-oauth-scopes": SCOPES}
        with self._lock:
            failures = self._failures.get(method)
            failure = failures.popleft() if failures else None
            status = failure.status if failure else 200
            if failure:
                response: dict[str, Any] = {"ok": False, "error": failure.error}
                if failure.retry_after is not None:
                    extra["Retry-After"] = str(failure.retry_after)
            elif method == "apps.connections.open":  # Socket Mode: the app-level token, not the bot's
                response = self._socket_mode_url(token)
            elif method not in METHODS:
                response = {"ok": False, "error": "unknown_method"}
            elif bad_body:
                response = {"ok": False, "error": "invalid_json"}
            elif token != self.bot_token:
                response = {"ok": False, "error": "invalid_auth" if token else "not_authed"}
            else:
                response = self._run(method, params)
            self._calls.append(ApiCall(method, copy.deepcopy(params), headers, response, status))
        return _Reply(status, "application/json; charset=utf-8", json.dumps(response).encode(), extra)

    def _socket_mode_url(self, token: str | None) -> dict:
        if token != self.app_token:
            return {"ok": False, "error": "invalid_auth" if token else "not_authed"}
        if not self.socket_mode_url:
            return {"ok": False, "error": "socket_mode_not_enabled"}
        return {"ok": True, "url": self.socket_mode_url}

    def _run(self, method: str, params: dict) -> dict:
        try:
            return {"ok": True, **METHODS[method](self._ws, params)}
        except SlackError as e:
            return {"ok": False, "error": e.code}
        except Exception:  # a bug here must not look like a network failure that the SDK retries
            logger.exception("slack emulator: %s failed", method)
            return {"ok": False, "error": "internal_error"}

    def _download(self, file_id: str, headers: dict[str, str], attachment: bool) -> _Reply:
        if _bearer(headers) != self.bot_token:
            return _Reply(200, "text/html; charset=utf-8", LOGIN_PAGE)
        with self._lock:
            f = self._ws.files.get(file_id)
            if f is None or not f.uploaded:
                return _Reply(404, "text/plain; charset=utf-8", b"file_not_found")
            disposition = {"Content-Disposition": f'attachment; filename="{f.name}"'} if attachment else {}
            return _Reply(200, f.mimetype, f.data, disposition)

    def _receive_upload(self, file_id: str, body: bytes) -> _Reply:
        with self._lock:
            f = self._ws.files.get(file_id)
            if f is None or f.completed or f.user != self.bot_user_id:
                return _Reply(404, "text/plain; charset=utf-8", b"upload_not_found")
            f.data, f.uploaded = body, True
        return _Reply(200, "text/plain; charset=utf-8", f"OK - {len(body)}".encode())

    def _response_url(self, hook_id: str, body: bytes) -> _Reply:
        try:
            posted = json.loads(body or b"{}")
        except ValueError:
            return _Reply(400, "text/plain; charset=utf-8", b"invalid_payload")
        with self._lock:
            self._response_posts.append(copy.deepcopy(posted))
            hook = self._ws.hooks.get(hook_id)
            if hook is None:
                return _Reply(404, "text/plain; charset=utf-8", b"expired_url")
            try:
                post_to_response_url(self._ws, hook, posted)
            except SlackError as e:
                return _Reply(400, "text/plain; charset=utf-8", e.code.encode())
        return _Reply(200, "text/plain; charset=utf-8", b"ok")


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, emulator: SlackEmulator) -> None:
        self.emulator = emulator
        super().__init__(("127.0.0.1", 0), _Handler)


class _Handler(BaseHTTPRequestHandler):
    """Routes one HTTP request to the emulator."""

    server: _Server
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
            reply = emulator._web_api(parts[1], url.query, headers, body)
        elif parts[0] == "files" and len(parts) in (3, 4) and not post:
            reply = emulator._download(parts[1], headers, attachment=len(parts) == 4)
        elif parts[:2] == ["upload", "v1"] and len(parts) == 3 and post:
            reply = emulator._receive_upload(parts[2], body)
        elif parts[0] == "response" and len(parts) == 2 and post:
            reply = emulator._response_url(parts[1], body)
        else:
            reply = _Reply(404, "text/plain; charset=utf-8", b"not found")
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(reply.body)

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("slack emulator: " + format, *args)


def _parse_params(query: str, content_type: str, body: bytes) -> dict[str, Any]:
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


def _bearer(headers: dict[str, str]) -> str | None:
    value = headers.get("authorization", "")
    return value[len("Bearer "):] if value.startswith("Bearer ") else None
