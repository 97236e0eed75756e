"""Drawing controls: Regenerate, Variations, Edit (a modal), Change aspect: one listener per action id."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.imaging import blocks
from bot.imaging.records import Drawing
from bot.services import Services
from bot.slack.reply import ThreadReply

log = logging.getLogger(__name__)


def register(app: App, services: Services) -> None:
    """Listen to the drawing buttons and the edit modal."""
    flow = services.draw

    def on_drawing(body: dict[str, Any], client: WebClient, drawing_id: str, work: Callable[[ThreadReply, Drawing], None]) -> None:
        user = body.get("user", {}).get("id", "")
        drawing = flow.records.get(drawing_id)
        if drawing is None:
            client.chat_postEphemeral(channel=_channel(body), user=user, text="That drawing is no longer available.")
            return
        work(ThreadReply(client, drawing.channel, drawing.thread_ts, user=user), drawing)

    @app.action(blocks.REGENERATE)
    def handle_regenerate(ack: Ack, body: dict, action: dict, client: WebClient) -> None:
        ack()
        user = body["user"]["id"]
        on_drawing(body, client, action["value"], lambda reply, drawing: flow.regenerate(reply, user, drawing))

    @app.action(blocks.VARIATIONS)
    def handle_variations(ack: Ack, body: dict, action: dict, client: WebClient) -> None:
        ack()
        user = body["user"]["id"]
        on_drawing(body, client, action["value"], lambda reply, drawing: flow.variations(reply, user, drawing))

    @app.action(blocks.ASPECT)
    def handle_aspect(ack: Ack, body: dict, action: dict, client: WebClient) -> None:
        ack()
        user = body["user"]["id"]
        drawing_id, _, ratio = action["selected_option"]["value"].partition("|")
        on_drawing(body, client, drawing_id, lambda reply, drawing: flow.regenerate(reply, user, drawing, ratio))

    @app.action(blocks.EDIT)
    def handle_edit(ack: Ack, body: dict, action: dict, client: WebClient) -> None:
        ack()
        drawing = flow.records.get(action["value"])
        if drawing is None:
            client.chat_postEphemeral(channel=_channel(body), user=body["user"]["id"], text="That drawing is no longer available.")
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
        drawing_id = json.loads(view.get("private_metadata") or "{}").get("drawing_id", "")
        on_drawing(body, client, drawing_id, lambda reply, drawing: flow.edit(reply, user, drawing, instruction))


def _channel(body: dict[str, Any]) -> str:
    return body.get("channel", {}).get("id") or body.get("container", {}).get("channel_id", "")
