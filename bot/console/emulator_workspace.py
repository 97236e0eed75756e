"""The emulated workspace: messages, files, views, agent sessions and ids.

:class:`Workspace` holds all state; it is not thread-safe by itself (the emulator holds a lock around
every use) and does no network I/O. What Slack does later (a stream closing on its timeout, an upload
finishing its processing) is kept as pending work that :meth:`Workspace.tick` runs once its time on the
emulator's clock has come; the emulator ticks before every request and every inspection.

Channel ids are accepted by shape (``C…`` public, ``G…`` private, ``D…`` a DM), user ids likewise
(``U…``/``W…``): the workspace has no member lists. A channel belongs to the workspace (team) its first
user message named, else the emulator's own team: an org-wide install serves several with one token.
"""

from __future__ import annotations

import copy
import mimetypes
import re
import secrets
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.slack.clock import Clock

CHANNEL_ID = re.compile(r"^[CDG][A-Z0-9]{2,}$")
USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
THUMB_SIZES = (64, 80, 160, 360, 480, 720, 800, 960, 1024)
VERIFICATION_TOKEN = "console-verification-token"
CHANNEL_TYPES = {"D": "im", "C": "channel", "G": "group"}
MENTION = re.compile(r"<@([UW][A-Z0-9]+)>")


class SlackError(Exception):
    """A Web API error, answered as ``{"ok": false, "error": code}``."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code

    def details(self) -> dict:
        """Fields Slack sends beside the error code (none for most errors)."""
        return {}


@dataclass
class Message:
    """One message as users see it. ``thread_ts`` is the parent's ts for a reply, else None."""

    ts: str
    channel: str
    user: str
    text: str = ""
    thread_ts: str | None = None
    bot_id: str | None = None
    subtype: str | None = None
    blocks: list[dict] = field(default_factory=list)
    files: list[dict] = field(default_factory=list)
    reactions: list[dict] = field(default_factory=list)
    chunks: list[dict] = field(default_factory=list)  # streamed non-text chunks (task_update, plan_update, ...)
    metadata: dict | None = None
    edited_ts: str | None = None
    streaming: bool = False
    stream_end: str | None = None  # why a stream ended without chat.stopStream: "timeout" or "stopped_by_user"
    touched: float = 0.0  # clock time of the stream's last call
    ephemeral_for: str | None = None  # the only user who sees it, or None

    @property
    def edited(self) -> bool:
        return self.edited_ts is not None


@dataclass
class StoredFile:
    """A file's bytes and facts. ``saved_path`` is set for bot uploads when the emulator has a files_dir."""

    id: str
    name: str
    title: str
    mimetype: str
    user: str
    created: int
    data: bytes = b""
    alt_txt: str | None = None
    uploaded: bool = False  # bytes received (bot uploads go: getUploadURLExternal, POST, complete)
    completed: bool = False  # visible: completeUploadExternal done, or uploaded by a user
    saved_path: Path | None = None
    shares: dict[str, list[dict]] = field(default_factory=dict)  # channel -> [{"ts", "thread_ts"?}]


class Workspace:
    """All state of the emulated workspace. Not thread-safe by itself: the emulator holds a lock."""

    def __init__(self, *, bot_user_id: str, bot_id: str, team_id: str, app_id: str, files_dir: Path | None,
                 clock: Clock, events: frozenset[str] = frozenset()) -> None:
        self.bot_user_id, self.bot_id, self.team_id, self.app_id = bot_user_id, bot_id, team_id, app_id
        self.files_dir, self.clock, self.events = files_dir, clock, events  # events: the manifest's bot_events
        self.root = ""  # "http://127.0.0.1:PORT", set when the server starts
        self.channels: dict[str, dict[str, Message]] = {}  # channel -> ts -> message, in posting order
        self.files: dict[str, StoredFile] = {}
        self.views: dict[str, dict] = {}
        self.triggers: dict[str, str] = {}  # unused trigger_id -> user
        self.hooks: dict[str, dict] = {}  # response_url id -> {"channel", "user", "message_ts"?, "thread_ts"?}
        self.statuses: dict[tuple[str, str], str] = {}
        self.status_history: dict[tuple[str, str], list[str]] = {}  # every status a thread has shown, in order
        self.suggested_prompts: dict[str, dict] = {}
        self.sessions: dict[tuple[str, str], dict] = {}  # (channel, thread_ts) -> {"status", "title", "user"}
        self.channel_teams: dict[str, str] = {}
        self.stream_timeout_s: float | None = 300.0  # undocumented in Slack; the emulator's choice
        self.processing_s = 0.2  # how long an upload "processes" before its message appears
        self._pending: list[tuple[float, Callable[[], None]]] = []
        self._last_us = 0
        self._seq = 0
        self._run = secrets.token_hex(2).upper()  # ids from different runs never collide

    # ids and timestamps

    def new_ts(self) -> str:
        """A message ts: wall-clock microseconds, strictly increasing, so ts order is posting order."""
        self._last_us = max(time.time_ns() // 1000, self._last_us + 1)
        return f"{self._last_us // 1_000_000}.{self._last_us % 1_000_000:06d}"

    def new_id(self, prefix: str) -> str:
        """A fresh id; unique across runs too, so saved files and the bot's event de-dup never collide."""
        self._seq += 1
        return f"{prefix}{self._run}{self._seq:06d}"

    def team_of(self, channel: str) -> str:
        """The workspace a channel belongs to."""
        return self.channel_teams.get(channel, self.team_id)

    # what Slack does later

    def later(self, seconds: float, work: Callable[[], None]) -> None:
        """Run `work` once `seconds` of the clock have passed (at the next tick after that)."""
        self._pending.append((self.clock.now() + seconds, work))

    def tick(self) -> None:
        """Run pending work that is due, and close streams idle past the stream timeout."""
        now = self.clock.now()
        due, self._pending = [w for t, w in self._pending if t <= now], [(t, w) for t, w in self._pending if t > now]
        for work in due:
            work()
        if self.stream_timeout_s is None:
            return
        for messages in self.channels.values():
            for m in messages.values():
                if m.streaming and now - m.touched > self.stream_timeout_s:
                    m.streaming, m.stream_end = False, "timeout"

    # messages

    def post(self, message: Message) -> Message:
        """Add a message. A visible bot reply clears the thread's assistant status, as Slack does."""
        self.channels.setdefault(message.channel, {})[message.ts] = message
        if message.bot_id and message.thread_ts and not message.ephemeral_for:
            self.statuses.pop((message.channel, message.thread_ts), None)
        return message

    def find(self, channel: str, ts: str | None) -> Message:
        message = self.channels.get(channel, {}).get(ts or "")
        if message is None:
            raise SlackError("message_not_found")
        return message

    def in_thread(self, channel: str, thread_ts: str) -> list[Message]:
        """A thread's parent (if any) and replies, oldest first."""
        parent = self.channels.get(channel, {}).get(thread_ts)
        return ([parent] if parent else []) + self.replies(channel, thread_ts)

    def delete(self, message: Message) -> None:
        del self.channels[message.channel][message.ts]

    def top_level(self, channel: str) -> list[Message]:
        return [m for m in self.channels.get(channel, {}).values() if m.thread_ts in (None, m.ts)]

    def replies(self, channel: str, thread_ts: str) -> list[Message]:
        return [m for m in self.channels.get(channel, {}).values() if m.thread_ts == thread_ts and m.ts != thread_ts]

    def bot_message(self, channel: str, **fields: Any) -> Message:
        return Message(ts=self.new_ts(), channel=channel, user=self.bot_user_id, bot_id=self.bot_id, **fields)

    def message_json(self, m: Message) -> dict:
        """The message as the Web API and events show it."""
        out: dict[str, Any] = {"type": "message", "ts": m.ts, "user": m.user, "text": m.text, "team": self.team_id}
        if m.subtype:
            out["subtype"] = m.subtype
        if m.bot_id:
            out.update(bot_id=m.bot_id, app_id=self.app_id, bot_profile=self._bot_profile())
        out["blocks"] = copy.deepcopy(m.blocks)
        if m.files:
            out.update(files=copy.deepcopy(m.files), upload=False, display_as_bot=False)
        if m.metadata:
            out["metadata"] = copy.deepcopy(m.metadata)
        if m.edited_ts:
            out["edited"] = {"user": m.user, "ts": m.edited_ts}
        if m.reactions:
            out["reactions"] = copy.deepcopy(m.reactions)
        if m.thread_ts and m.thread_ts != m.ts:
            parent = self.channels.get(m.channel, {}).get(m.thread_ts)
            out.update(thread_ts=m.thread_ts, parent_user_id=parent.user if parent else m.user)
        elif replies := [r for r in self.replies(m.channel, m.ts) if not r.ephemeral_for]:
            users = list(dict.fromkeys(r.user for r in replies))
            out.update(thread_ts=m.ts, reply_count=len(replies), reply_users_count=len(users), reply_users=users,
                       latest_reply=replies[-1].ts, is_locked=False, subscribed=False)
        return out

    def _bot_profile(self) -> dict:
        return {"id": self.bot_id, "app_id": self.app_id, "name": "Curator", "team_id": self.team_id, "deleted": False}

    # files

    def add_file(self, *, name: str, user: str, title: str | None = None, mimetype: str | None = None,
                 data: bytes = b"", alt_txt: str | None = None) -> StoredFile:
        mimetype = mimetype or mimetypes.guess_type(name)[0] or "application/octet-stream"
        stored = StoredFile(id=self.new_id("F"), name=name, title=title or name, mimetype=mimetype, user=user,
                            created=int(time.time()), data=data, alt_txt=alt_txt)
        self.files[stored.id] = stored
        return stored

    def file_json(self, f: StoredFile) -> dict:
        """The file object as Slack sends it in events, files.info and messages."""
        url = f"{self.root}/files/{f.id}/{f.name}"
        filetype = _filetype(f.name)
        out: dict[str, Any] = {
            "id": f.id, "created": f.created, "timestamp": f.created, "name": f.name, "title": f.title,
            "mimetype": f.mimetype, "filetype": filetype, "pretty_type": filetype.upper(), "user": f.user,
            "user_team": self.team_id, "editable": False, "size": len(f.data), "mode": "hosted",
            "is_external": False, "external_type": "", "is_public": False, "public_url_shared": False,
            "display_as_bot": False, "username": "", "url_private": url,
            "url_private_download": f"{self.root}/files/{f.id}/download/{f.name}",
            "permalink": f"{self.root}/team/files/{f.user}/{f.id}/{f.name}",
            "has_rich_preview": False, "file_access": "visible",
        }
        if f.alt_txt:
            out["alt_txt"] = f.alt_txt
        if size := image_size(f.data):
            out.update(_thumbs(url, *size))
        if f.shares:
            private = {ch: v for ch, v in f.shares.items() if not ch.startswith("C")}
            public = {ch: v for ch, v in f.shares.items() if ch.startswith("C")}
            out["shares"] = {k: copy.deepcopy(v) for k, v in (("public", public), ("private", private)) if v}
            out["channels"] = [ch for ch in f.shares if ch.startswith("C")]
            out["groups"] = [ch for ch in f.shares if ch.startswith("G")]
            out["ims"] = [ch for ch in f.shares if ch.startswith("D")]
        return out

    def save_bot_file(self, f: StoredFile) -> None:
        if self.files_dir is not None:
            self.files_dir.mkdir(parents=True, exist_ok=True)
            f.saved_path = self.files_dir / f"{f.id}-{re.sub(r'[^A-Za-z0-9._-]', '_', f.name)}"
            f.saved_path.write_bytes(f.data)

    # interactivity

    def new_trigger(self, user: str) -> str:
        trigger = f"{self.new_id('')}.{int(time.time())}.{self.team_id.lower()}"
        self.triggers[trigger] = user
        return trigger

    def new_hook(self, **target: Any) -> str:
        hook = self.new_id("H")
        self.hooks[hook] = target
        return f"{self.root}/response/{hook}"

    def channel_json(self, channel: str) -> dict:
        created = int(time.time())
        if channel.startswith("D"):
            return {"id": channel, "created": created, "is_im": True, "is_org_shared": False,
                    "user": "U" + channel[1:], "is_user_deleted": False, "priority": 0, "context_team_id": self.team_id}
        name = channel[1:].lower()
        return {"id": channel, "name": name, "name_normalized": name, "created": created, "creator": "UADMIN",
                "is_channel": channel.startswith("C"), "is_group": channel.startswith("G"), "is_im": False,
                "is_mpim": False, "is_private": channel.startswith("G"), "is_archived": False, "is_general": False,
                "is_member": True, "is_shared": False, "is_ext_shared": False, "is_org_shared": False,
                "context_team_id": self.team_id, "topic": {"value": "", "creator": "", "last_set": 0},
                "purpose": {"value": "", "creator": "", "last_set": 0}}


def dm_channel(user: str) -> str:
    """The DM between a user and the bot, by the emulator's convention: UALICE <-> DALICE."""
    return "D" + user[1:]


def username(user: str) -> str:
    return user[1:].lower()


def image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height of a PNG, GIF or JPEG, read from its header; None for anything else."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        return struct.unpack(">II", data[16:24])
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        return struct.unpack("<HH", data[6:10])
    if data[:2] == b"\xff\xd8":
        i = 2
        while i + 9 <= len(data) and data[i] == 0xFF:
            marker, length = data[i + 1], struct.unpack(">H", data[i + 2:i + 4])[0]
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                height, width = struct.unpack(">HH", data[i + 5:i + 9])
                return width, height
            i += 2 + length
    return None


def _thumbs(url: str, width: int, height: int) -> dict:
    """Slack's thumb_* fields. The emulator does not resize: every thumb URL serves the original bytes."""
    out: dict[str, Any] = {"original_w": width, "original_h": height, "thumb_tiny": ""}
    for size in THUMB_SIZES:
        if size <= 360 or max(width, height) > size:
            scale = min(1.0, size / max(width, height, 1))
            out[f"thumb_{size}"] = url
            if size > 80:
                out[f"thumb_{size}_w"], out[f"thumb_{size}_h"] = round(width * scale), round(height * scale)
    return out


def _filetype(name: str) -> str:
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return {"jpeg": "jpg", "txt": "text", "": "binary"}.get(ext, ext)


def channel_param(p: dict, key: str = "channel") -> str:
    """The channel a call names (``channel_not_found`` unless it has a channel id's shape)."""
    channel = p.get(key)
    if not isinstance(channel, str) or not CHANNEL_ID.match(channel):
        raise SlackError("channel_not_found")
    return channel


def thread_param(p: dict) -> str | None:
    """The thread a call names, if any."""
    return p.get("thread_ts") or None
