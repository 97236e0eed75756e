"""Streaming messages (chat.startStream/appendStream/stopStream) and agent sessions (the Stop button).

From the method pages and docs.slack.dev/ai/agent-sessions: a stream is a bot reply that grows until
stopped; text arrives as ``markdown_text`` or ``markdown_text`` chunks (≤12,000 characters per call);
streams in channels must name their recipient. Slack ends a stream by itself on an undocumented idle
timeout (``message_not_in_streaming_state`` afterwards; the emulator's timeout is
``Workspace.stream_timeout_s``) and when the user clicks Stop (``stopped_by_user`` for appends). A
stopped stream can still be finished with chat.stopStream, which the agent_session_stopped page names as a
way to move the session out of ``processing``. agents.sessions.setStatus creates the thread's session
or changes its status; while the app does not subscribe to agent_session_stopped it answers with the
``missing_agent_session_stopped_event_subscription`` warning.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

from bot.slack.limits import MARKDOWN_TEXT_LIMIT, SESSION_TITLE_LIMIT

from .emulator_blocks import check_blocks
from .emulator_workspace import (
    Message,
    SlackError,
    Workspace,
    channel_param,
    thread_param,
)

SESSION_STATUSES = ("active", "processing", "suspended", "closed")


def _stream_in(ws: Workspace, m: Message, p: dict) -> None:
    chunks = p.get("chunks") or []
    if not isinstance(chunks, list) or not all(isinstance(c, dict) for c in chunks):
        raise SlackError("invalid_chunks")
    text = (p.get("markdown_text") or "") + "".join(c.get("text", "") for c in chunks if c.get("type") == "markdown_text")
    if len(text) > MARKDOWN_TEXT_LIMIT:
        raise SlackError("msg_too_long")  # "Limit this field to 12,000 characters"; the code is not published
    m.text += text
    m.chunks.extend(copy.deepcopy(c) for c in chunks if c.get("type") != "markdown_text")
    m.touched = ws.clock.now()


def chat_start_stream(ws: Workspace, p: dict) -> dict:
    channel = channel_param(p)
    if not channel.startswith("D"):  # streams in channels must name their one reader
        for key in ("recipient_team_id", "recipient_user_id"):
            if not p.get(key):
                raise SlackError(f"missing_{key}")
    m = ws.bot_message(channel, thread_ts=thread_param(p), streaming=True)
    _stream_in(ws, m, p)
    ws.post(m)
    return {"channel": channel, "ts": m.ts}


def _stream(ws: Workspace, p: dict) -> Message:
    m = ws.find(channel_param(p), p.get("ts"))
    if m.bot_id != ws.bot_id:
        raise SlackError("message_not_owned_by_app")
    return m


def chat_append_stream(ws: Workspace, p: dict) -> dict:
    m = _stream(ws, p)
    if not m.streaming:
        raise SlackError("stopped_by_user" if m.stream_end == "stopped_by_user" else "message_not_in_streaming_state")
    _stream_in(ws, m, p)
    return {"channel": m.channel, "ts": m.ts}


def chat_stop_stream(ws: Workspace, p: dict) -> dict:
    m = _stream(ws, p)
    if not m.streaming and m.stream_end != "stopped_by_user":
        raise SlackError("message_not_in_streaming_state")
    status = p.get("session_status")
    if status is not None and status not in SESSION_STATUSES:
        raise SlackError("invalid_status")
    blocks = check_blocks(p.get("blocks"), ws.new_id)
    _stream_in(ws, m, p)
    m.blocks, m.streaming, m.stream_end = blocks or m.blocks, False, "stopped"
    m.metadata = p.get("metadata") or m.metadata
    if status and m.thread_ts:
        ws.sessions.setdefault((m.channel, m.thread_ts), {"title": "", "user": None})["status"] = status
    return {"channel": m.channel, "ts": m.ts, "message": ws.message_json(m)}


def sessions_set_status(ws: Workspace, p: dict) -> dict:
    channel, thread_ts, status = channel_param(p, "channel_id"), thread_param(p), p.get("status")
    if status not in SESSION_STATUSES:
        raise SlackError("invalid_status")
    if not thread_ts:
        raise SlackError("thread_ts_required")  # for thread-based sessions in regular channels and DMs
    title = str(p.get("title") or "")
    if len(title) > SESSION_TITLE_LIMIT:
        raise SlackError("invalid_arguments")
    session = ws.sessions.setdefault((channel, thread_ts), {"title": title, "user": p.get("initiator_user_id")})
    session["status"] = status
    answer = {"status": status, "agent_status": status, "title": session["title"]}
    if "agent_session_stopped" not in ws.events:
        answer["warning"] = "missing_agent_session_stopped_event_subscription"
    return answer


def sessions_rename(ws: Workspace, p: dict) -> dict:
    session = ws.sessions.get((channel_param(p, "channel_id"), thread_param(p) or ""))
    if session is None:
        raise SlackError("channel_not_found")
    title = str(p.get("title") or "")
    if not title or len(title) > SESSION_TITLE_LIMIT:
        raise SlackError("invalid_arguments")
    session["title"] = title
    return {"title": title}


STREAM_METHODS: dict[str, Callable[[Workspace, dict], dict]] = {
    "chat.startStream": chat_start_stream,
    "chat.appendStream": chat_append_stream,
    "chat.stopStream": chat_stop_stream,
    "agents.sessions.setStatus": sessions_set_status,
    "agents.sessions.rename": sessions_rename,
}
