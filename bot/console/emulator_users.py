"""What users do in the emulated workspace, as the payloads Slack sends the app.

Each builder records what the user did and returns the payload as Slack delivers it, ready for
``app.dispatch(BoltRequest(body=payload, mode="socket_mode"))``; shapes follow Bolt's scenario tests and
Slack's payload references (docs.slack.dev/reference/interaction-payloads, .../reference/events).
"""

from __future__ import annotations

import copy
import time
import uuid
from typing import Any

from .emulator_workspace import (
    CHANNEL_TYPES,
    MENTION,
    VERIFICATION_TOKEN,
    Message,
    SlackError,
    Workspace,
    dm_channel,
    username,
)


def user_message(ws: Workspace, *, text: str, user: str, channel: str | None, channel_type: str | None,
                 thread_ts: str | None, files: list[dict] | None, mention_bot: bool, team: str | None = None) -> dict:
    """Post the user's message; return its ``message`` (or ``app_mention``) event_callback body.

    ``team`` puts the channel in another workspace of the same (org-wide) install.
    """
    channel = channel or dm_channel(user)
    if team:
        ws.channel_teams.setdefault(channel, team)
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
    event = {**ws.message_json(m), "channel": channel, "event_ts": m.ts, "client_msg_id": str(uuid.uuid4()),
             "team": ws.team_of(channel)}
    if mention_bot and channel_type != "im":  # Slack sends no app_mention for the app's own DM
        event.update(type="app_mention")
        event.pop("subtype", None)
    else:
        event["channel_type"] = channel_type
    return _event_callback(ws, event, ws.team_of(channel))


def user_file(ws: Workspace, *, data: bytes, filename: str, user: str, mimetype: str | None) -> dict:
    """Store a file the user uploads; return the file object a ``file_share`` message carries."""
    f = ws.add_file(name=filename, user=user, mimetype=mimetype, data=data)
    f.uploaded = f.completed = True
    return ws.file_json(f)


def app_home_opened(ws: Workspace, *, user: str, tab: str) -> dict:
    event = {"type": "app_home_opened", "user": user, "channel": dm_channel(user), "tab": tab,
             "event_ts": ws.new_ts()}
    return _event_callback(ws, event, ws.team_id)


def slash_command(ws: Workspace, *, command: str, text: str, user: str, channel: str | None) -> dict:
    """The form fields Slack POSTs for a slash command (every value a string)."""
    if not command.startswith("/"):
        raise ValueError(f"a slash command starts with '/': {command!r}")
    channel = channel or dm_channel(user)
    return {
        "token": VERIFICATION_TOKEN, "team_id": ws.team_of(channel), "team_domain": "console", "channel_id": channel,
        "channel_name": _channel_name(channel), "user_id": user,
        "user_name": username(user), "command": command, "text": text, "api_app_id": ws.app_id,
        "is_enterprise_install": "false", "response_url": ws.new_hook(channel=channel, user=user),
        "trigger_id": ws.new_trigger(user),
    }


def block_actions(ws: Workspace, *, action_id: str, message_ts: str, channel: str, value: str, user: str,
                  block_id: str) -> dict:
    """A click on an interactive element of a message. The element must be in the message's blocks.

    On a ``static_select``, ``value`` picks the option with that value and ``None`` deselects: Slack then
    sends ``selected_option: null`` (block_actions payload reference); a select has no ``value``.
    """
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
    elif element["type"] == "static_select":
        action["selected_option"] = _option(element, value)
        action["placeholder"] = copy.deepcopy(element.get("placeholder"))
    else:
        action["value"] = value or element.get("value", "")
        action.update({k: element[k] for k in ("text", "style") if k in element})
    container = {"type": "message", "message_ts": m.ts, "channel_id": channel, "is_ephemeral": bool(m.ephemeral_for)}
    if m.thread_ts:
        container["thread_ts"] = m.thread_ts
    payload = {
        "type": "block_actions", "user": _user(ws, user), "api_app_id": ws.app_id, "token": VERIFICATION_TOKEN,
        "container": container, "trigger_id": ws.new_trigger(user), "team": _team(ws, channel), "enterprise": None,
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
    return {"type": "view_submission", "team": _team(ws, None), "user": _user(ws, user), "api_app_id": ws.app_id,
            "token": VERIFICATION_TOKEN, "trigger_id": ws.new_trigger(user), "view": view, "response_urls": [],
            "is_enterprise_install": False, "enterprise": None}


def stop_session(ws: Workspace, *, channel: str, thread_ts: str, user: str) -> dict:
    """The user clicks Stop on the thread's agent session: Slack stops the app's streams in it and sends
    ``agent_session_stopped`` (docs.slack.dev/reference/events/agent_session_stopped). Slack shows the
    button only while the session is ``processing`` and the app subscribes to the event."""
    session = ws.sessions.get((channel, thread_ts))
    if session is None or session["status"] != "processing":
        raise LookupError(f"no agent session is processing in {channel}/{thread_ts}: there is no Stop button")
    if "agent_session_stopped" not in ws.events:
        raise LookupError("the Stop button is a loading indicator: the app does not subscribe to agent_session_stopped")
    stopped = [m for m in ws.replies(channel, thread_ts) if m.streaming and m.bot_id == ws.bot_id]
    for m in stopped:
        m.streaming, m.stream_end = False, "stopped_by_user"
    event = {"type": "agent_session_stopped", "user": user, "channel": channel, "thread_ts": thread_ts,
             "streaming_message_ts": [m.ts for m in stopped], "event_ts": ws.new_ts()}
    return _event_callback(ws, event, ws.team_of(channel))


def _option(element: dict, value: str | None) -> dict | None:
    if value is None:
        return None
    option = next((o for o in element.get("options", []) if o.get("value") == value), None)
    if option is None:
        raise LookupError(f"select {element.get('action_id')!r} has no option with value {value!r}")
    return copy.deepcopy(option)


def _event_callback(ws: Workspace, event: dict, team: str) -> dict:
    return {
        "token": VERIFICATION_TOKEN, "team_id": team, "api_app_id": ws.app_id, "event": event,
        "type": "event_callback", "event_id": ws.new_id("Ev"), "event_time": int(time.time()),
        "authorizations": [{"enterprise_id": None, "team_id": team, "user_id": ws.bot_user_id,
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


def _team(ws: Workspace, channel: str | None) -> dict:
    team = ws.team_of(channel) if channel else ws.team_id
    return {"id": team, "domain": "console" if team == ws.team_id else team.lower()}


def _channel_name(channel: str) -> str:
    return "directmessage" if channel.startswith("D") else channel[1:].lower()
