"""Slash commands: /ask, /draw, /find and /curator. The question is posted, then answered in its thread."""

from __future__ import annotations

import dataclasses
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.assistant import Curator
from bot.routing.router import SLASH_COMMANDS, Kind
from bot.services import Services
from bot.slack.blocks import HELP_TEXT, build_help_blocks
from bot.slack.format import escape
from bot.slack.message import from_command

_ECHO = {Kind.ASK: "asked", Kind.DRAW: "asked for a drawing of", Kind.FIND: "is looking for"}
USAGE = {
    "/ask": "Ask me a question, e.g. `/ask how do I fix VPN error 809?`",
    "/draw": "Tell me what to draw, e.g. `/draw a lighthouse at dusk --ar 16:9`",
    "/find": "Tell me what to find, e.g. `/find the payment flow diagram` (or upload an image)",
}


def register(app: App, services: Services) -> None:
    """One listener serves every Curator slash command."""
    curator = Curator(services)

    def handle_command(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, context: Any) -> None:
        ack()
        message = from_command(body)
        intent = services.router.route(message.text, command=message.command)
        if intent.kind is Kind.HELP:
            respond(text=HELP_TEXT, blocks=build_help_blocks(), response_type="ephemeral")
            return
        if not intent.text:
            respond(text=USAGE.get(message.command or "", USAGE["/ask"]), response_type="ephemeral")
            return
        try:
            posted = client.chat_postMessage(
                channel=message.channel, text=f"<@{message.user}> {_ECHO[intent.kind]}: {escape(intent.text)}"
            )
        except SlackApiError as exc:
            respond(text=_cannot_post(exc.response.get("error", "")), response_type="ephemeral")
            return
        threaded = dataclasses.replace(message, ts=posted["ts"], thread_ts=posted["ts"], text=intent.text,
                                       command=f"/{intent.kind.value}")
        curator.handle(threaded, client, context.bot_user_id or "")

    for command in SLASH_COMMANDS:
        app.command(command)(handle_command)


def _cannot_post(error: str) -> str:
    if error in ("not_in_channel", "channel_not_found"):
        return "I'm not in this channel yet: invite me with `/invite @Curator`, or ask me in a direct message."
    return f"I couldn't post here (Slack said `{error}`). Try again, or ask me in a direct message."
