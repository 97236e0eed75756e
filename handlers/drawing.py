"""Drawing controls: Regenerate, Variations, Edit (a modal), Change aspect: one listener per action id."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.draw import blocks
from bot.services import Services
from bot.slack.reply import ThreadReply
from bot.state.drawings import Drawing

log = logging.getLogger(__name__)

GONE = "That drawing is no longer available."


def register(app: App, services: Services) -> None:
    """Listen to the drawing buttons and the edit modal."""
    flow = services.draw

    def on_drawing(body: dict[str, Any], client: WebClient, drawing_id: str, where: tuple[str, str],
                   work: Callable[[ThreadReply, Drawing], None]) -> None:
        user = body.get("user", {}).get("id", "")
        drawing = flow.records.get(drawing_id)
        if drawing is None:
            channel, thread_ts = where
            client.chat_postEphemeral(channel=channel, thread_ts=thread_ts or None, user=user, text=GONE)
            return
        work(ThreadReply(client, drawing.channel, drawing.thread_ts, team=_team(body), user=user,
                         outbox=services.outbox), drawing)

    @app.action(blocks.REGENERATE)
    def handle_regenerate(ack: Ack, body: dict, action: dict, client: WebClient) -> None:
        ack()
        user = body["user"]["id"]
        on_drawing(body, client, action["value"], _clicked_in(body),
                   lambda reply, drawing: flow.regenerate(reply, user, drawing))

    @app.action(blocks.VARIATIONS)
    def handle_variations(ack: Ack, body: dict, action: dict, client: WebClient) -> None:
        ack()
        user = body["user"]["id"]
        on_drawing(body, client, action["value"], _clicked_in(body),
                   lambda reply, drawing: flow.variations(reply, user, drawing))

    @app.action(blocks.ASPECT)
    def handle_aspect(ack: Ack, body: dict, action: dict, client: WebClient) -> None:
        ack()
        selected = action.get("selected_option")
        if not selected:  # the user cleared the select (Slack sends selected_option: null): nothing to redraw
            return
        user = body["user"]["id"]
        drawing_id, _, ratio = str(selected.get("value") or "").partition("|")
        on_drawing(body, client, drawing_id, _clicked_in(body),
                   lambda reply, drawing: flow.regenerate(reply, user, drawing, ratio))

    @app.action(blocks.EDIT)
    def handle_edit(ack: Ack, body: dict, action: dict, client: WebClient) -> None:
        ack()
        drawing = flow.records.get(action["value"])
        if drawing is None:
            channel, thread_ts = _clicked_in(body)
            client.chat_postEphemeral(channel=channel, thread_ts=thread_ts or None, user=body["user"]["id"], text=GONE)
            return
        client.views_open(trigger_id=body["trigger_id"], view=blocks.build_edit_modal(drawing))

    @app.view(blocks.EDIT_MODAL)
    def handle_edit_submission(ack: Ack, body: dict, view: dict, client: WebClient) -> None:
        state = view["state"]["values"][blocks.EDIT_INPUT_BLOCK][blocks.EDIT_INPUT_ACTION]
        instruction = (state.get("value") or "").strip()
        if not instruction:
            ack(response_action="errors", errors={blocks.EDIT_INPUT_BLOCK: "Say what should change."})
            return
        ack()
        user = body["user"]["id"]
        # A view submission carries no channel: the modal's private_metadata says where the drawing was.
        metadata = json.loads(view.get("private_metadata") or "{}")
        where = (metadata.get("channel", ""), metadata.get("thread_ts", ""))
        on_drawing(body, client, metadata.get("drawing_id", ""), where,
                   lambda reply, drawing: flow.edit(reply, user, drawing, instruction))


def _clicked_in(body: dict[str, Any]) -> tuple[str, str]:
    """The channel and thread of the message a button was clicked on."""
    container = body.get("container", {})
    channel = body.get("channel", {}).get("id") or container.get("channel_id", "")
    return channel, container.get("thread_ts") or container.get("message_ts", "")


def _team(body: dict[str, Any]) -> str:
    return (body.get("team") or {}).get("id", "") or body.get("user", {}).get("team_id", "")
