"""Switch buttons under unsure requests ("Draw this instead"): one listener per action id."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.assistant import Curator
from bot.offers import Click
from bot.services import Services
from bot.slack.blocks import SWITCH_ACTIONS


def register(app: App, services: Services) -> None:
    """Serve a request as the reading its switch button offers."""
    curator = Curator(services)

    def handle_switch(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond,
                      context: Any) -> None:
        ack()
        message = body.get("message") or {}
        container = body.get("container", {})
        click = Click(
            route_id=action.get("value") or "", user=body.get("user", {}).get("id", ""),
            channel=container.get("channel_id", ""), message_ts=container.get("message_ts", ""),
            blocks=message.get("blocks") or [], text=message.get("text") or "",
        )
        note = curator.switch(click, client, context.bot_user_id or "")
        if note:
            respond(text=note, response_type="ephemeral", replace_original=False)

    for action_id in SWITCH_ACTIONS:
        app.action(action_id)(handle_switch)
