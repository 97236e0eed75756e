"""Normalise Slack events and slash commands into one typed message, and decide which events to skip."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Message subtypes that are user posts; everything else (edits, deletions, joins, bot posts) is skipped.
_USER_SUBTYPES = {None, "file_share", "thread_broadcast"}


@dataclass(frozen=True)
class IncomingMessage:
    """Who said what where: the only shape the core sees."""

    user: str
    channel: str
    text: str
    ts: str
    thread_ts: str  # the thread to reply in: the message's thread, or the message itself
    team: str = ""
    channel_type: str = ""
    files: tuple[dict[str, Any], ...] = field(default_factory=tuple)
    command: str | None = None
    mentioned: bool = False

    @property
    def is_dm(self) -> bool:
        """A direct message with the bot (its Messages tab)."""
        return self.channel_type == "im" or self.channel.startswith("D")

    @property
    def in_thread(self) -> bool:
        """A reply inside an existing thread."""
        return self.thread_ts != self.ts


def from_event(event: dict[str, Any], team: str = "") -> IncomingMessage:
    """A message or app_mention event as an IncomingMessage."""
    return IncomingMessage(
        user=event.get("user", ""),
        channel=event.get("channel", ""),
        text=event.get("text") or "",
        ts=event.get("ts", ""),
        thread_ts=event.get("thread_ts") or event.get("ts", ""),
        team=event.get("team") or team,
        channel_type=event.get("channel_type", ""),
        files=tuple(event.get("files") or ()),
        mentioned=event.get("type") == "app_mention",
    )


def from_command(body: dict[str, Any]) -> IncomingMessage:
    """A slash command as an IncomingMessage (it has no ts until the bot posts the question)."""
    channel = body.get("channel_id", "")
    return IncomingMessage(
        user=body.get("user_id", ""),
        channel=channel,
        text=body.get("text") or "",
        ts="",
        thread_ts="",
        team=body.get("team_id", ""),
        channel_type="im" if channel.startswith("D") else "channel",
        command=body.get("command"),
    )


def skip_reason(event: dict[str, Any], bot_user_id: str | None) -> str | None:
    """Why a message event must not be answered (a bot, an edit, a deletion...), or None to answer it."""
    if event.get("bot_id") or event.get("subtype") == "bot_message":
        return "bot message"
    if event.get("subtype") not in _USER_SUBTYPES:
        return f"subtype {event.get('subtype')}"
    if not event.get("user") or event.get("user") == bot_user_id:
        return "own or anonymous message"
    return None


def mentions(text: str, user_id: str | None) -> bool:
    """Whether the text @mentions this user."""
    return bool(user_id) and f"<@{user_id}" in (text or "")
