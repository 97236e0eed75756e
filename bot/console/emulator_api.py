"""The Web API methods of the emulator, and what Slack does with a response_url post.

Each method is a plain function ``(workspace, params) -> dict`` listed in :data:`METHODS`; the
emulator adds ``"ok": true``, or answers ``{"ok": false, "error": code}`` when one raises
:class:`SlackError`. They run under the emulator's lock. Errors are Slack's own codes for the case.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from .emulator_workspace import (
    CHANNEL_ID,
    USER_ID,
    Message,
    SlackError,
    Workspace,
    username,
)


def _channel(p: dict, key: str = "channel") -> str:
    channel = p.get(key)
    if not isinstance(channel, str) or not CHANNEL_ID.match(channel):
        raise SlackError("channel_not_found")
    return channel


def _blocks(ws: Workspace, value: Any) -> list[dict] | None:
    """Validated blocks (a copy; Slack gives every block without one a block_id), or None if absent."""
    if value is None or value == "":
        return None
    if not isinstance(value, list) or not all(isinstance(b, dict) and b.get("type") for b in value):
        raise SlackError("invalid_blocks_format")  # e.g. a Python repr sent through a form field
    blocks = copy.deepcopy(value)
    for block in blocks:
        block.setdefault("block_id", ws.new_id("b"))
    return blocks


def _thread_ts(p: dict) -> str | None:
    return p.get("thread_ts") or None


def _stream_in(m: Message, p: dict) -> None:
    m.text += p.get("markdown_text") or ""
    chunks = p.get("chunks") or []
    if not isinstance(chunks, list) or not all(isinstance(c, dict) for c in chunks):
        raise SlackError("invalid_arguments")
    for chunk in chunks:
        if chunk.get("type") == "markdown_text":
            m.text += chunk.get("text", "")
        else:
            m.chunks.append(copy.deepcopy(chunk))


def _own(ws: Workspace, p: dict, error: str) -> Message:
    m = ws.find(_channel(p), p.get("ts"))
    if m.bot_id != ws.bot_id or m.ephemeral_for:
        raise SlackError(error)
    return m


def auth_test(ws: Workspace, p: dict) -> dict:
    return {"url": f"{ws.root}/", "team": "Curator Console", "user": "curator", "team_id": ws.team_id,
            "user_id": ws.bot_user_id, "bot_id": ws.bot_id, "is_enterprise_install": False}


def chat_post_message(ws: Workspace, p: dict, ephemeral_for: str | None = None) -> dict:
    channel, blocks = _channel(p), _blocks(ws, p.get("blocks"))
    text = p.get("markdown_text") or p.get("text") or ""
    if not text and not blocks and not p.get("attachments"):
        raise SlackError("no_text")
    m = ws.post(ws.bot_message(channel, text=text, blocks=blocks or [], thread_ts=_thread_ts(p),
                               metadata=p.get("metadata") or None, ephemeral_for=ephemeral_for))
    return {"channel": channel, "ts": m.ts, "message": ws.message_json(m)}


def chat_post_ephemeral(ws: Workspace, p: dict) -> dict:
    if not isinstance(p.get("user"), str) or not USER_ID.match(p["user"]):
        raise SlackError("user_not_found")
    return {"message_ts": chat_post_message(ws, p, ephemeral_for=p["user"])["ts"]}


def chat_update(ws: Workspace, p: dict) -> dict:
    m = _own(ws, p, "cant_update_message")
    blocks = _blocks(ws, p.get("blocks"))
    if "text" in p or "markdown_text" in p:
        m.text = p.get("markdown_text") or p.get("text") or ""
    if blocks is not None:  # omitted blocks are kept, [] removes them
        m.blocks = blocks
    if "metadata" in p:
        m.metadata = p["metadata"] or None
    m.edited_ts = ws.new_ts()
    return {"channel": m.channel, "ts": m.ts, "text": m.text, "message": ws.message_json(m)}


def chat_delete(ws: Workspace, p: dict) -> dict:
    m = _own(ws, p, "cant_delete_message")
    ws.delete(m)
    return {"channel": m.channel, "ts": m.ts}


def chat_get_permalink(ws: Workspace, p: dict) -> dict:
    m = ws.find(_channel(p), p.get("message_ts"))  # message_not_found when absent
    return {"channel": m.channel, "permalink": f"{ws.root}/archives/{m.channel}/p{m.ts.replace('.', '')}"}


def chat_start_stream(ws: Workspace, p: dict) -> dict:
    channel, thread_ts = _channel(p), _thread_ts(p)
    if not thread_ts:
        raise SlackError("invalid_arguments")
    if not channel.startswith("D"):  # streams in channels must name their one reader
        for key in ("recipient_team_id", "recipient_user_id"):
            if not p.get(key):
                raise SlackError(f"missing_{key}")
    m = ws.bot_message(channel, thread_ts=thread_ts, streaming=True)
    _stream_in(m, p)
    ws.post(m)
    return {"channel": channel, "ts": m.ts}


def _streaming(ws: Workspace, p: dict) -> Message:
    m = ws.find(_channel(p), p.get("ts"))
    if not m.streaming:
        raise SlackError("message_not_in_streaming_state")
    return m


def chat_append_stream(ws: Workspace, p: dict) -> dict:
    m = _streaming(ws, p)
    _stream_in(m, p)
    return {"channel": m.channel, "ts": m.ts}


def chat_stop_stream(ws: Workspace, p: dict) -> dict:
    m = _streaming(ws, p)
    blocks = _blocks(ws, p.get("blocks"))
    _stream_in(m, p)
    m.blocks, m.streaming = blocks or m.blocks, False
    m.metadata = p.get("metadata") or m.metadata
    return {"channel": m.channel, "ts": m.ts, "message": ws.message_json(m)}


def _reaction(ws: Workspace, p: dict) -> tuple[Message, str, dict | None]:
    name = str(p.get("name") or "").strip(":")
    if not name:
        raise SlackError("invalid_name")
    m = ws.find(_channel(p), p.get("timestamp"))
    return m, name, next((r for r in m.reactions if r["name"] == name), None)


def reactions_add(ws: Workspace, p: dict) -> dict:
    m, name, reaction = _reaction(ws, p)
    if reaction is None:
        reaction = {"name": name, "users": [], "count": 0}
        m.reactions.append(reaction)
    if ws.bot_user_id in reaction["users"]:
        raise SlackError("already_reacted")
    reaction["users"].append(ws.bot_user_id)
    reaction["count"] += 1
    return {}


def reactions_remove(ws: Workspace, p: dict) -> dict:
    m, _, reaction = _reaction(ws, p)
    if reaction is None or ws.bot_user_id not in reaction["users"]:
        raise SlackError("no_reaction")
    reaction["users"].remove(ws.bot_user_id)
    reaction["count"] -= 1
    if not reaction["count"]:
        m.reactions.remove(reaction)
    return {}


def set_status(ws: Workspace, p: dict) -> dict:
    channel, thread_ts = _channel(p, "channel_id"), _thread_ts(p)
    if not thread_ts or "status" not in p:
        raise SlackError("invalid_arguments")
    if p["status"]:
        ws.statuses[(channel, thread_ts)] = p["status"]
        ws.status_history.setdefault((channel, thread_ts), []).append(p["status"])
    else:
        ws.statuses.pop((channel, thread_ts), None)
    return {}


def set_suggested_prompts(ws: Workspace, p: dict) -> dict:
    channel, prompts = _channel(p, "channel_id"), p.get("prompts")
    if not isinstance(prompts, list) or not prompts:
        raise SlackError("invalid_arguments")
    if not _thread_ts(p):  # under agent_view a thread_ts makes the call a silent no-op (Slack's method docs)
        ws.suggested_prompts[channel] = {"title": p.get("title") or "", "prompts": copy.deepcopy(prompts)}
    return {}


def _page(ws: Workspace, messages: list[Message], p: dict, default_limit: int) -> dict:
    raw = str(p.get("limit") or default_limit)
    if not raw.isdigit():
        raise SlackError("invalid_arguments")
    limit = int(raw)
    shown = [ws.message_json(m) for m in messages if not m.ephemeral_for]
    return {"messages": shown[:limit], "has_more": len(shown) > limit, "response_metadata": {"next_cursor": ""}}


def conversations_replies(ws: Workspace, p: dict) -> dict:
    channel = _channel(p)
    try:
        m = ws.find(channel, p.get("ts"))
    except SlackError:
        raise SlackError("thread_not_found") from None
    parent_ts = m.thread_ts or m.ts
    parent = ws.channels[channel].get(parent_ts)
    return _page(ws, ([parent] if parent else []) + ws.replies(channel, parent_ts), p, default_limit=1000)


def conversations_history(ws: Workspace, p: dict) -> dict:
    def key(ts: str) -> tuple[int, ...]:
        return tuple(int(x) for x in ts.split("."))

    oldest, latest = key(str(p.get("oldest") or "0")), key(str(p.get("latest") or "9999999999"))
    messages = [m for m in reversed(ws.top_level(_channel(p))) if oldest < key(m.ts) < latest]
    return {**_page(ws, messages, p, default_limit=100), "pin_count": 0}


def conversations_info(ws: Workspace, p: dict) -> dict:
    return {"channel": ws.channel_json(_channel(p))}


def users_info(ws: Workspace, p: dict) -> dict:
    user = p.get("user")
    if not isinstance(user, str) or not USER_ID.match(user):
        raise SlackError("user_not_found")
    name = "curator" if user == ws.bot_user_id else username(user)
    profile = {"real_name": name.title(), "display_name": name, "image_72": "", "team": ws.team_id}
    if user == ws.bot_user_id:
        profile["bot_id"] = ws.bot_id
    return {"user": {"id": user, "team_id": ws.team_id, "name": name, "real_name": name.title(), "deleted": False,
                     "is_bot": user == ws.bot_user_id, "is_admin": False, "tz": "UTC", "tz_offset": 0,
                     "profile": profile}}


def get_upload_url(ws: Workspace, p: dict) -> dict:
    if not p.get("filename") or not str(p.get("length", "")).isdigit():
        raise SlackError("invalid_arguments")
    f = ws.add_file(name=p["filename"], user=ws.bot_user_id, alt_txt=p.get("alt_txt"))
    return {"upload_url": f"{ws.root}/upload/v1/{f.id}", "file_id": f.id}


def complete_upload(ws: Workspace, p: dict) -> dict:
    items = p.get("files")
    if not isinstance(items, list) or not items or not all(isinstance(i, dict) and i.get("id") for i in items):
        raise SlackError("invalid_arguments")
    stored = [ws.files.get(i["id"]) for i in items]
    if any(f is None or not f.uploaded or f.completed for f in stored):
        raise SlackError("file_not_found")
    channels = [p["channel_id"]] if p.get("channel_id") else [c for c in str(p.get("channels") or "").split(",") if c]
    for c in channels:
        _channel({"channel": c})
    comment = p.get("initial_comment") or ""
    blocks = None if comment else _blocks(ws, p.get("blocks"))  # Slack ignores blocks beside initial_comment
    for item, f in zip(items, stored, strict=True):
        f.title, f.completed = item.get("title") or f.title, True
        ws.save_bot_file(f)
    for channel in channels:
        m = ws.bot_message(channel, text=comment, blocks=blocks or [], thread_ts=_thread_ts(p),
                           files=[ws.file_json(f) for f in stored])
        ws.post(m)
        for f in stored:
            f.shares.setdefault(channel, []).append({"ts": m.ts, **({"thread_ts": m.thread_ts} if m.thread_ts else {})})
    return {"files": [{"id": f.id, "title": f.title} for f in stored]}


def files_info(ws: Workspace, p: dict) -> dict:
    f = ws.files.get(str(p.get("file")))
    if f is None or not f.completed:
        raise SlackError("file_not_found")
    return {"file": ws.file_json(f), "comments": [], "response_metadata": {"next_cursor": ""}}


def views_open(ws: Workspace, p: dict) -> dict:
    view = p.get("view")
    if not isinstance(view, dict) or view.get("type") not in ("modal", "home"):
        raise SlackError("invalid_arguments")
    user = ws.triggers.pop(str(p.get("trigger_id")), None)
    if user is None:
        raise SlackError("invalid_trigger_id")  # unknown, or already exchanged for a view
    view_id = ws.new_id("V")
    ws.views[view_id] = {**_view_json(ws, view, view_id), "root_view_id": view_id, "previous_view_id": None,
                         "user": user}
    return {"view": _public_view(ws.views[view_id])}


def views_update(ws: Workspace, p: dict) -> dict:
    record = ws.views.get(str(p.get("view_id"))) or next(
        (v for v in ws.views.values() if p.get("external_id") and v["external_id"] == p["external_id"]), None)
    if record is None:
        raise SlackError("not_found")
    if p.get("hash") and p["hash"] != record["hash"]:
        raise SlackError("hash_conflict")
    if not isinstance(p.get("view"), dict):
        raise SlackError("invalid_arguments")
    record.update(_view_json(ws, p["view"], record["id"]))
    return {"view": _public_view(record)}


def _view_json(ws: Workspace, view: dict, view_id: str) -> dict:
    return {**copy.deepcopy(view), "id": view_id, "team_id": ws.team_id, "type": view["type"],
            "blocks": _blocks(ws, view.get("blocks")) or [], "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""), "external_id": view.get("external_id", ""),
            "state": {"values": {}}, "hash": ws.new_id("h"), "clear_on_close": bool(view.get("clear_on_close")),
            "notify_on_close": bool(view.get("notify_on_close")), "app_id": ws.app_id, "bot_id": ws.bot_id,
            "app_installed_team_id": ws.team_id}


def _public_view(record: dict) -> dict:
    return {k: copy.deepcopy(v) for k, v in record.items() if k != "user"}


METHODS: dict[str, Callable[[Workspace, dict], dict]] = {
    "auth.test": auth_test,
    "chat.postMessage": chat_post_message,
    "chat.postEphemeral": chat_post_ephemeral,
    "chat.update": chat_update,
    "chat.delete": chat_delete,
    "chat.getPermalink": chat_get_permalink,
    "chat.startStream": chat_start_stream,
    "chat.appendStream": chat_append_stream,
    "chat.stopStream": chat_stop_stream,
    "reactions.add": reactions_add,
    "reactions.remove": reactions_remove,
    "assistant.threads.setStatus": set_status,
    "assistant.threads.setSuggestedPrompts": set_suggested_prompts,
    "conversations.replies": conversations_replies,
    "conversations.history": conversations_history,
    "conversations.info": conversations_info,
    "users.info": users_info,
    "files.getUploadURLExternal": get_upload_url,
    "files.completeUploadExternal": complete_upload,
    "files.info": files_info,
    "views.open": views_open,
    "views.update": views_update,
}


def post_to_response_url(ws: Workspace, hook: dict, body: dict) -> None:
    """What Slack does with a response_url post: replace or delete the source message, or post anew."""
    source = ws.channels.get(hook["channel"], {}).get(hook.get("message_ts") or "")
    blocks = _blocks(ws, body.get("blocks"))
    if source is not None and body.get("delete_original"):
        ws.delete(source)
    elif source is not None and body.get("replace_original"):
        source.text, source.blocks = body.get("text") or "", blocks or []
    elif body.get("text") or blocks:
        visible_to = None if body.get("response_type") == "in_channel" else hook["user"]
        ws.post(ws.bot_message(hook["channel"], text=body.get("text") or "", blocks=blocks or [],
                               thread_ts=body.get("thread_ts") or hook.get("thread_ts"), ephemeral_for=visible_to))
