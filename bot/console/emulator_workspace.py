"""The emulated workspace: messages, files, views and ids, and what users do in it.

:class:`Workspace` holds all state; it is not thread-safe by itself (the emulator holds a lock around
every use) and does no network I/O. The user-side builders at the end (``user_message``,
``slash_command``, ``block_actions``, ...) record what the user did and return the payload as Slack
delivers it, ready for ``app.dispatch(BoltRequest(body=payload, mode="socket_mode"))``; shapes follow
Bolt's scenario tests and Slack's payload reference.

Channel ids are accepted by shape (``C…`` public, ``G…`` private, ``D…`` a DM), user ids likewise
(``U…``/``W…``): the workspace has no member lists.
"""

from __future__ import annotations

import copy
import mimetypes
import re
import secrets
import struct
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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

    def __init__(self, *, bot_user_id: str, bot_id: str, team_id: str, app_id: str, files_dir: Path | None) -> None:
        self.bot_user_id, self.bot_id, self.team_id, self.app_id = bot_user_id, bot_id, team_id, app_id
        self.files_dir = files_dir
        self.root = ""  # "http://127.0.0.1:PORT", set when the server starts
        self.channels: dict[str, dict[str, Message]] = {}  # channel -> ts -> message, in posting order
        self.files: dict[str, StoredFile] = {}
        self.views: dict[str, dict] = {}
        self.triggers: dict[str, str] = {}  # unused trigger_id -> user
        self.hooks: dict[str, dict] = {}  # response_url id -> {"channel", "user", "message_ts"?, "thread_ts"?}
        self.statuses: dict[tuple[str, str], str] = {}
        self.status_history: dict[tuple[str, str], list[str]] = {}  # every status a thread has shown, in order
        self.suggested_prompts: dict[str, dict] = {}
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


# --- what users do: the payloads Slack sends the app ---------------------------------------


def user_message(ws: Workspace, *, text: str, user: str, channel: str | None, channel_type: str | None,
                 thread_ts: str | None, files: list[dict] | None, mention_bot: bool) -> dict:
    """Post the user's message; return its ``message`` (or ``app_mention``) event_callback body."""
    channel = channel or dm_channel(user)
    channel_type = channel_type or CHANNEL_TYPES.get(channel[0], "channel")
    if mention_bot:
        text = f"<@{ws.bot_user_id}> {text}"
    shared = [copy.deepcopy(f) for f in files or []]
    m = ws.post(Message(ts=ws.new_ts(), channel=channel, user=user, text=text, thread_ts=thread_ts,
                        subtype="file_share" if shared else None, files=shared, blocks=[_rich_text(ws, text)]))
    share = {"ts": m.ts, **({"thread_ts": thread_ts} if thread_ts else {})}
    for f in shared:
        if stored := ws.files.get(f["id"]):
            stored.shares.setdefault(channel, []).append(dict(share))
    event = {**ws.message_json(m), "channel": channel, "event_ts": m.ts, "client_msg_id": str(uuid.uuid4())}
    if mention_bot and channel_type != "im":  # Slack sends no app_mention for the app's own DM
        event.update(type="app_mention")
        event.pop("subtype", None)
    else:
        event["channel_type"] = channel_type
    return _event_callback(ws, event)


def user_file(ws: Workspace, *, data: bytes, filename: str, user: str, mimetype: str | None) -> dict:
    """Store a file the user uploads; return the file object a ``file_share`` message carries."""
    f = ws.add_file(name=filename, user=user, mimetype=mimetype, data=data)
    f.uploaded = f.completed = True
    return ws.file_json(f)


def app_home_opened(ws: Workspace, *, user: str, tab: str) -> dict:
    event = {"type": "app_home_opened", "user": user, "channel": dm_channel(user), "tab": tab,
             "event_ts": ws.new_ts()}
    return _event_callback(ws, event)


def slash_command(ws: Workspace, *, command: str, text: str, user: str, channel: str | None) -> dict:
    """The form fields Slack POSTs for a slash command (every value a string)."""
    if not command.startswith("/"):
        raise ValueError(f"a slash command starts with '/': {command!r}")
    channel = channel or dm_channel(user)
    return {
        "token": VERIFICATION_TOKEN, "team_id": ws.team_id, "team_domain": "console", "channel_id": channel,
        "channel_name": _channel_name(channel), "user_id": user,
        "user_name": username(user), "command": command, "text": text, "api_app_id": ws.app_id,
        "is_enterprise_install": "false", "response_url": ws.new_hook(channel=channel, user=user),
        "trigger_id": ws.new_trigger(user),
    }


def block_actions(ws: Workspace, *, action_id: str, message_ts: str, channel: str, value: str, user: str,
                  block_id: str) -> dict:
    """A click on an interactive element of a message. The element must be in the message's blocks."""
    try:
        m = ws.find(channel, message_ts)
    except SlackError:
        raise LookupError(f"no message {message_ts} in {channel}") from None
    found_block, element = _find_element(m.blocks, action_id)
    if element is None:
        raise LookupError(f"message {message_ts} has no element with action_id {action_id!r}")
    action: dict[str, Any] = {"action_id": action_id, "block_id": block_id or found_block, "type": element["type"],
                              "action_ts": ws.new_ts()}
    if element["type"] == "feedback_buttons":
        action["value"] = value or element["positive_button"]["value"]
    else:
        action["value"] = value or element.get("value", "")
        action.update({k: element[k] for k in ("text", "style") if k in element})
    container = {"type": "message", "message_ts": m.ts, "channel_id": channel, "is_ephemeral": bool(m.ephemeral_for)}
    if m.thread_ts:
        container["thread_ts"] = m.thread_ts
    payload = {
        "type": "block_actions", "user": _user(ws, user), "api_app_id": ws.app_id, "token": VERIFICATION_TOKEN,
        "container": container, "trigger_id": ws.new_trigger(user), "team": _team(ws), "enterprise": None,
        "is_enterprise_install": False, "channel": {"id": channel, "name": _channel_name(channel)},
        "state": {"values": {}}, "actions": [action],
        "response_url": ws.new_hook(channel=channel, user=user, message_ts=m.ts, thread_ts=m.thread_ts),
    }
    if not m.ephemeral_for:  # Slack leaves the message out for clicks on ephemeral messages
        payload["message"] = ws.message_json(m)
    return payload


def view_submission(ws: Workspace, *, callback_id: str, values: dict, user: str, private_metadata: str) -> dict:
    """Submit the user's most recently opened view with this callback_id.

    ``values`` is ``state.values`` as Slack sends it, ``{block_id: {action_id: {"type": ..., "value": ...}}}``;
    a plain string stands for a ``plain_text_input`` value.
    """
    record = next((v for v in reversed(ws.views.values())
                   if v["callback_id"] == callback_id and v["user"] == user), None)
    if record is None:
        raise LookupError(f"{user} has no open view with callback_id {callback_id!r} (open one with views.open)")
    state = {block: {action: {"type": "plain_text_input", "value": v} if isinstance(v, str) else copy.deepcopy(v)
                     for action, v in actions.items()} for block, actions in values.items()}
    view = {k: copy.deepcopy(v) for k, v in record.items() if k != "user"}
    view.update(state={"values": state}, private_metadata=private_metadata or record["private_metadata"])
    return {"type": "view_submission", "team": _team(ws), "user": _user(ws, user), "api_app_id": ws.app_id,
            "token": VERIFICATION_TOKEN, "trigger_id": ws.new_trigger(user), "view": view, "response_urls": [],
            "is_enterprise_install": False, "enterprise": None}


def _event_callback(ws: Workspace, event: dict) -> dict:
    return {
        "token": VERIFICATION_TOKEN, "team_id": ws.team_id, "api_app_id": ws.app_id, "event": event,
        "type": "event_callback", "event_id": ws.new_id("Ev"), "event_time": int(time.time()),
        "authorizations": [{"enterprise_id": None, "team_id": ws.team_id, "user_id": ws.bot_user_id,
                            "is_bot": True, "is_enterprise_install": False}],
        "is_ext_shared_channel": False,
    }


def _rich_text(ws: Workspace, text: str) -> dict:
    """The rich_text block Slack's composer attaches to a typed message, with mentions as user elements."""
    elements: list[dict] = []
    for i, part in enumerate(MENTION.split(text)):
        if i % 2:
            elements.append({"type": "user", "user_id": part})
        elif part:
            elements.append({"type": "text", "text": part})
    return {"type": "rich_text", "block_id": ws.new_id("b"),
            "elements": [{"type": "rich_text_section", "elements": elements}]}


def _find_element(blocks: list[dict], action_id: str) -> tuple[str, dict | None]:
    """The block_id and element with this action_id, searching nested elements and accessories."""
    def walk(node: Any) -> dict | None:
        if isinstance(node, dict):
            if node.get("action_id") == action_id:
                return node
            node = list(node.values())
        if isinstance(node, list):
            return next((hit for child in node if (hit := walk(child)) is not None), None)
        return None

    for block in blocks:
        if (element := walk(block)) is not None:
            return block.get("block_id", ""), element
    return "", None


def _user(ws: Workspace, user: str) -> dict:
    return {"id": user, "username": username(user), "name": username(user), "team_id": ws.team_id}


def _team(ws: Workspace) -> dict:
    return {"id": ws.team_id, "domain": "console"}


def _channel_name(channel: str) -> str:
    return "directmessage" if channel.startswith("D") else channel[1:].lower()
