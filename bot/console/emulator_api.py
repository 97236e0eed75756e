"""The Web API methods of the emulator: messages, reactions, statuses, users; and every method's table.

Each method is a plain function ``(workspace, params) -> dict`` listed in :data:`METHODS`; the emulator
adds ``"ok": true``, or answers ``{"ok": false, "error": code}`` when one raises :class:`SlackError`.
They run under the emulator's lock. Errors are Slack's own codes from each method's docs.slack.dev page.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.slack.limits import MARKDOWN_TEXT_LIMIT, POST_TEXT_LIMIT, UPDATE_TEXT_LIMIT

from .emulator_blocks import check_blocks
from .emulator_conversations import CONVERSATION_METHODS
from .emulator_files import FILE_METHODS
from .emulator_streams import STREAM_METHODS
from .emulator_views import VIEW_METHODS
from .emulator_workspace import (
    USER_ID,
    Message,
    SlackError,
    Workspace,
    channel_param,
    thread_param,
    username,
)


def _own(ws: Workspace, p: dict, error: str) -> Message:
    m = ws.find(channel_param(p), p.get("ts"))
    if m.bot_id != ws.bot_id or m.ephemeral_for:
        raise SlackError(error)
    return m


def _text(p: dict, limit: int | None) -> str:
    """The message text: markdown_text (never beside text or blocks: markdown_text_conflict) or text."""
    markdown = p.get("markdown_text")
    if markdown and (p.get("text") or p.get("blocks")):
        raise SlackError("markdown_text_conflict")
    if markdown and len(markdown) > MARKDOWN_TEXT_LIMIT:
        raise SlackError("msg_too_long")  # "Limit this field to 12,000 characters"; the code is not published
    text = markdown or p.get("text") or ""
    if limit is not None and len(text) > limit:
        raise SlackError("msg_too_long")
    return text


def auth_test(ws: Workspace, p: dict) -> dict:
    return {"url": f"{ws.root}/", "team": "Curator Console", "user": "curator", "team_id": ws.team_id,
            "user_id": ws.bot_user_id, "bot_id": ws.bot_id, "is_enterprise_install": False}


def chat_post_message(ws: Workspace, p: dict, ephemeral_for: str | None = None) -> dict:
    channel, blocks = channel_param(p), check_blocks(p.get("blocks"), ws.new_id)
    text = _text(p, limit=None)[:POST_TEXT_LIMIT]  # longer text is truncated, not refused
    if not text and not blocks and not p.get("attachments"):
        raise SlackError("no_text")
    m = ws.post(ws.bot_message(channel, text=text, blocks=blocks or [], thread_ts=thread_param(p),
                               metadata=p.get("metadata") or None, ephemeral_for=ephemeral_for))
    return {"channel": channel, "ts": m.ts, "message": ws.message_json(m)}


def chat_post_ephemeral(ws: Workspace, p: dict) -> dict:
    if not isinstance(p.get("user"), str) or not USER_ID.match(p["user"]):
        raise SlackError("user_not_found")
    return {"message_ts": chat_post_message(ws, p, ephemeral_for=p["user"])["ts"]}


def chat_update(ws: Workspace, p: dict) -> dict:
    m = _own(ws, p, "cant_update_message")
    if m.streaming:
        raise SlackError("streaming_state_conflict")  # "currently streaming text and cannot be edited"
    blocks = check_blocks(p.get("blocks"), ws.new_id)
    if "text" in p or "markdown_text" in p:
        m.text = _text(p, limit=UPDATE_TEXT_LIMIT)
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
    m = ws.find(channel_param(p), p.get("message_ts"))  # message_not_found when absent
    return {"channel": m.channel, "permalink": f"{ws.root}/archives/{m.channel}/p{m.ts.replace('.', '')}"}


def _reaction(ws: Workspace, p: dict) -> tuple[Message, str, dict | None]:
    name = str(p.get("name") or "").strip(":")
    if not name:
        raise SlackError("invalid_name")
    m = ws.find(channel_param(p), p.get("timestamp"))
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
    channel, thread_ts = channel_param(p, "channel_id"), thread_param(p)
    if not thread_ts or "status" not in p:
        raise SlackError("invalid_arguments")
    if p["status"]:
        if ws.statuses.get((channel, thread_ts)) != p["status"]:  # the status it already shows is not shown anew
            ws.status_history.setdefault((channel, thread_ts), []).append(p["status"])
        ws.statuses[(channel, thread_ts)] = p["status"]
    else:
        ws.statuses.pop((channel, thread_ts), None)
    return {}


def set_suggested_prompts(ws: Workspace, p: dict) -> dict:
    channel, prompts = channel_param(p, "channel_id"), p.get("prompts")
    if not isinstance(prompts, list) or not prompts:
        raise SlackError("invalid_arguments")
    if not thread_param(p):  # under agent_view a thread_ts makes the call a silent no-op (Slack's method docs)
        ws.suggested_prompts[channel] = {"title": p.get("title") or "", "prompts": [dict(x) for x in prompts]}
    return {}


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


METHODS: dict[str, Callable[[Workspace, dict], dict]] = {
    "auth.test": auth_test,
    "chat.postMessage": chat_post_message,
    "chat.postEphemeral": chat_post_ephemeral,
    "chat.update": chat_update,
    "chat.delete": chat_delete,
    "chat.getPermalink": chat_get_permalink,
    "reactions.add": reactions_add,
    "reactions.remove": reactions_remove,
    "assistant.threads.setStatus": set_status,
    "assistant.threads.setSuggestedPrompts": set_suggested_prompts,
    "users.info": users_info,
    **STREAM_METHODS,
    **CONVERSATION_METHODS,
    **FILE_METHODS,
    **VIEW_METHODS,
}


def post_to_response_url(ws: Workspace, hook: dict, body: dict) -> None:
    """What Slack does with a response_url post: replace or delete the source message, or post anew."""
    source = ws.channels.get(hook["channel"], {}).get(hook.get("message_ts") or "")
    blocks = check_blocks(body.get("blocks"), ws.new_id)
    if source is not None and body.get("delete_original"):
        ws.delete(source)
    elif source is not None and body.get("replace_original"):
        source.text, source.blocks = body.get("text") or "", blocks or []
    elif body.get("text") or blocks:
        visible_to = None if body.get("response_type") == "in_channel" else hook["user"]
        ws.post(ws.bot_message(hook["channel"], text=body.get("text") or "", blocks=blocks or [],
                               thread_ts=body.get("thread_ts") or hook.get("thread_ts"), ephemeral_for=visible_to))
