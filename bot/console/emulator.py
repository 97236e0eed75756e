"""A local emulator of the Slack Web API and workspace, on loopback, for ``curator console`` and the tests.

The real Bolt app and slack_sdk clients talk to it over HTTP exactly as they talk to Slack; the
emulator keeps the workspace (messages, threads, files, views, agent sessions), plays the user's side,
and holds Slack's contract where Slack would refuse a call::

    with SlackEmulator(files_dir=tmp) as slack:
        client = WebClient(token=slack.bot_token, base_url=slack.api_url)   # trailing "/" matters
        app = App(client=client, signing_secret="unused", token_verification_enabled=False)
        app.dispatch(BoltRequest(body=slack.user_message("hello"), mode="socket_mode"))
        slack.wait_for(lambda: slack.messages("DALICE", thread_ts=...))   # listeners run after the ack

The contract, each rule with its source beside it: rate tiers per method and workspace with bursts
(``emulator_rates``, ``bot.slack.limits``; ``rates=`` overrides some, ``rates=None`` turns them off), on
``clock`` (a ``ScaledClock`` plays a minute of tiers in a second); Block Kit limits (``emulator_blocks``);
manifest.yml's scopes and events (``emulator_scopes``); payload shapes and asynchronous Slack behaviour
(``emulator_users``, ``emulator_streams``, ``emulator_files``, ``emulator_conversations``). Routes:
``emulator_http``.

Inspection: ``api_url``, ``calls`` / ``calls_to(method)`` (:class:`ApiCall`), ``response_url_posts``,
``messages(channel, thread_ts=None)``, ``thread_of(channel, ts)``, ``file(file_id)``, ``thread_status``,
``session(channel, thread_ts)``, ``suggested_prompts(channel)``, ``views()``, ``wait_for(pred)``.
Programming: ``fail_next(method, error, status, times, retry_after)``; ``socket_mode_url``.
The user's side (each returns the payload the app must receive): ``user_message``, ``upload_file``,
``slash_command``, ``click``, ``submit_view``, ``app_home_opened``, ``stop_session`` (the Stop button).

Emulator conventions (not Slack facts): the DM between user ``UALICE`` and the bot is ``DALICE``;
channel and user ids are accepted by shape; trigger_ids never expire but are single-use; thumbs serve the
original bytes; a streamed message's ``text`` is all its markdown; response_url posts are answered ``ok``.
"""

from __future__ import annotations

import copy
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Self

from bot.slack.clock import MONOTONIC, Clock
from bot.slack.limits import Rate

from . import emulator_users as users
from .emulator_http import ApiCall, Server
from .emulator_rates import RateLimiter
from .emulator_scopes import AppContract, default_contract
from .emulator_workspace import Message, StoredFile, Workspace

__all__ = ["ApiCall", "Message", "SlackEmulator", "StoredFile"]

DEFAULT_RATES: object = object()  # Slack's published tiers


@dataclass
class _Failure:
    error: str
    status: int
    retry_after: int | None


class SlackEmulator:
    """The Slack Web API and one workspace (or several of one org), served on 127.0.0.1 from a thread."""

    def __init__(self, bot_token: str = "xoxb-console", bot_user_id: str = "UCURATOR", bot_id: str = "BCURATOR",
                 team_id: str = "TCONSOLE", files_dir: Path | None = None, app_id: str = "ACURATOR",
                 app_token: str = "xapp-console", *, clock: Clock = MONOTONIC,
                 rates: Mapping[str, tuple[Rate, ...]] | None | object = DEFAULT_RATES,
                 contract: AppContract | None = None, stream_timeout_s: float | None = 300.0) -> None:
        self.bot_token, self.bot_user_id, self.bot_id, self.team_id = bot_token, bot_user_id, bot_id, team_id
        self.app_token, self.clock = app_token, clock
        self.contract = contract or default_contract()
        self.socket_mode_url: str | None = None  # what apps.connections.open answers (a WebSocket URL)
        self._ws = Workspace(bot_user_id=bot_user_id, bot_id=bot_id, team_id=team_id, app_id=app_id,
                             files_dir=Path(files_dir) if files_dir else None, clock=clock,
                             events=self.contract.events)
        self._ws.stream_timeout_s = stream_timeout_s
        self._rates = None if rates is None else RateLimiter(clock, None if rates is DEFAULT_RATES else rates)
        self._lock = threading.RLock()
        self._calls: list[ApiCall] = []
        self._response_posts: list[dict] = []
        self._failures: dict[str, deque[_Failure]] = {}
        self._server: Server | None = None
        self._thread: threading.Thread | None = None

    # lifecycle

    def start(self) -> SlackEmulator:
        """Bind a free loopback port and serve from a daemon thread."""
        if self._server is not None:
            raise RuntimeError("the emulator is already running")
        self._server = Server(self)
        self._ws.root = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="slack-emulator", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving."""
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
        """Every Web API call so far, in order."""
        with self._lock:
            return list(self._calls)

    def calls_to(self, method: str) -> list[ApiCall]:
        """The calls to one method."""
        return [c for c in self.calls if c.method == method]

    @property
    def response_url_posts(self) -> list[dict]:
        """Bodies posted to response_urls."""
        with self._lock:
            return copy.deepcopy(self._response_posts)

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 20.0) -> bool:
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

    def _read(self, read: Callable[[Workspace], object]) -> object:
        with self._lock:
            self._ws.tick()
            return copy.deepcopy(read(self._ws))

    def messages(self, channel: str, thread_ts: str | None = None) -> list[Message]:
        """Top-level messages of a channel, or a thread's replies, oldest first (ephemeral ones included)."""
        return self._read(lambda ws: ws.replies(channel, thread_ts) if thread_ts else ws.top_level(channel))

    def thread_of(self, channel: str, ts: str) -> list[Message]:
        """The parent message and its replies."""
        return self._read(lambda ws: ws.in_thread(channel, ts))

    def file(self, file_id: str) -> StoredFile:
        """A stored file."""
        return self._read(lambda ws: ws.files[file_id])

    def thread_status(self, channel: str, thread_ts: str) -> str | None:
        """The assistant status ("is thinking…") shown under a thread, if any."""
        return self._read(lambda ws: ws.statuses.get((channel, thread_ts)))

    def session(self, channel: str, thread_ts: str) -> dict | None:
        """The thread's agent session ({"status", "title", "user"}), if one was created."""
        return self._read(lambda ws: ws.sessions.get((channel, thread_ts)))

    def thread_status_history(self, channel: str, thread_ts: str) -> list[str]:
        """Every status a thread has shown, oldest first (a status may come and go between two looks)."""
        with self._lock:
            return list(self._ws.status_history.get((channel, thread_ts), []))

    def suggested_prompts(self, channel: str) -> dict | None:
        """The suggested prompts set for a DM."""
        return self._read(lambda ws: ws.suggested_prompts.get(channel))

    def views(self) -> list[dict]:
        """Views opened with views.open, oldest first; each has the opening ``user``."""
        return self._read(lambda ws: list(ws.views.values()))

    # simulating a user (see emulator_users for each payload)

    def _act(self, action: Callable[..., dict], **kwargs: object) -> dict:
        with self._lock:
            self._ws.tick()
            return action(self._ws, **kwargs)

    def user_message(self, text: str, user: str = "UALICE", channel: str | None = None,
                     channel_type: str | None = None, thread_ts: str | None = None,
                     files: list[dict] | None = None, mention_bot: bool = False, team: str | None = None) -> dict:
        """The user posts; returns the ``event_callback`` body (``message`` or ``app_mention``)."""
        return self._act(users.user_message, text=text, user=user, channel=channel, channel_type=channel_type,
                         thread_ts=thread_ts, files=files, mention_bot=mention_bot, team=team)

    def upload_file(self, path_or_bytes: Path | str | bytes, filename: str, user: str = "UALICE",
                    mimetype: str | None = None) -> dict:
        """Store a user's file; returns the Slack file object to pass as ``user_message(files=[...])``."""
        data = path_or_bytes if isinstance(path_or_bytes, bytes) else Path(path_or_bytes).read_bytes()
        return self._act(users.user_file, data=data, filename=filename, user=user, mimetype=mimetype)

    def slash_command(self, command: str, text: str, user: str = "UALICE", channel: str | None = None) -> dict:
        """The form a slash command posts."""
        return self._act(users.slash_command, command=command, text=text, user=user, channel=channel)

    def click(self, action_id: str, message_ts: str, channel: str, value: str | None = "", user: str = "UALICE",
              block_id: str = "") -> dict:
        """A ``block_actions`` payload for the element ``action_id`` on that message (LookupError if absent)."""
        return self._act(users.block_actions, action_id=action_id, message_ts=message_ts, channel=channel,
                         value=value, user=user, block_id=block_id)

    def submit_view(self, callback_id: str, values: dict, user: str = "UALICE", private_metadata: str = "") -> dict:
        """A ``view_submission`` for the user's latest view opened with this callback_id."""
        return self._act(users.view_submission, callback_id=callback_id, values=values, user=user,
                         private_metadata=private_metadata)

    def app_home_opened(self, user: str = "UALICE", tab: str = "messages") -> dict:
        """The user opens the app's Messages (or Home) tab."""
        return self._act(users.app_home_opened, user=user, tab=tab)

    def stop_session(self, channel: str, thread_ts: str, user: str = "UALICE") -> dict:
        """The user clicks Stop under the thread's processing agent session."""
        return self._act(users.stop_session, channel=channel, thread_ts=thread_ts, user=user)

    def _socket_mode_url(self, token: str | None) -> dict:
        if token != self.app_token:
            return {"ok": False, "error": "invalid_auth" if token else "not_authed"}
        if not self.socket_mode_url:
            return {"ok": False, "error": "socket_mode_not_enabled"}
        return {"ok": True, "url": self.socket_mode_url}
