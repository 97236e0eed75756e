"""conversations.replies, .history and .info: reading what was said, a page at a time.

From the method pages: replies come oldest first (the parent, then its replies), ``limit`` up to 1,000 per
page, ``has_more`` and ``response_metadata.next_cursor`` lead to the next page (``invalid_cursor`` for a
cursor that is not one); ``oldest``/``latest`` bound the timestamps (exclusive unless ``inclusive``).
History is newest first. Ephemeral messages are never listed.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable

from .emulator_workspace import Message, SlackError, Workspace, channel_param

MAX_LIMIT = 1000


def _key(ts: str) -> tuple[int, ...]:
    return tuple(int(x) for x in ts.split("."))


def _bounded(messages: list[Message], p: dict) -> list[Message]:
    oldest, latest = _key(str(p.get("oldest") or "0")), _key(str(p.get("latest") or "9999999999"))
    inclusive = str(p.get("inclusive") or "").lower() in ("1", "true")
    if inclusive:
        return [m for m in messages if oldest <= _key(m.ts) <= latest]
    return [m for m in messages if oldest < _key(m.ts) < latest]


def _page(ws: Workspace, messages: list[Message], p: dict, default_limit: int) -> dict:
    raw = str(p.get("limit") or default_limit)
    if not raw.isdigit():
        raise SlackError("invalid_arguments")
    limit = min(int(raw) or default_limit, MAX_LIMIT)
    shown = [m for m in _bounded(messages, p) if not m.ephemeral_for]
    start = _start(p.get("cursor"))
    page = shown[start:start + limit]
    more = start + limit < len(shown)
    cursor = base64.b64encode(f"next:{start + limit}".encode()).decode() if more else ""
    return {"messages": [ws.message_json(m) for m in page], "has_more": more,
            "response_metadata": {"next_cursor": cursor}}


def _start(cursor: object) -> int:
    if not cursor:
        return 0
    try:
        kind, _, index = base64.b64decode(str(cursor), validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        raise SlackError("invalid_cursor") from None
    if kind != "next" or not index.isdigit():
        raise SlackError("invalid_cursor")
    return int(index)


def conversations_replies(ws: Workspace, p: dict) -> dict:
    channel = channel_param(p)
    try:
        m = ws.find(channel, p.get("ts"))
    except SlackError:
        raise SlackError("thread_not_found") from None
    return _page(ws, ws.in_thread(channel, m.thread_ts or m.ts), p, default_limit=MAX_LIMIT)


def conversations_history(ws: Workspace, p: dict) -> dict:
    messages = list(reversed(ws.top_level(channel_param(p))))
    return {**_page(ws, messages, p, default_limit=100), "pin_count": 0}


def conversations_info(ws: Workspace, p: dict) -> dict:
    return {"channel": ws.channel_json(channel_param(p))}


CONVERSATION_METHODS: dict[str, Callable[[Workspace, dict], dict]] = {
    "conversations.replies": conversations_replies,
    "conversations.history": conversations_history,
    "conversations.info": conversations_info,
}
