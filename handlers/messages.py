"""Messages: DMs, @mentions, follow-ups in threads the bot has joined, and uploads (file_share)."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.assistant import Curator
from bot.services import Services
from bot.slack.message import IncomingMessage, from_event, mentions, skip_reason

log = logging.getLogger(__name__)


def register(app: App, services: Services) -> None:
    """Listen to every message event (so edits and deletions are acked, not 404) and to @mentions."""
    curator = Curator(services)

    @app.event("message")
    def handle_message(event: dict[str, Any], body: dict[str, Any], client: WebClient, context: Any) -> None:
        bot_user_id = context.bot_user_id or ""
        reason = skip_reason(event, bot_user_id)
        if reason:
            log.debug("skipping message: %s", reason)
            return
        message = from_event(event, team=body.get("team_id", ""))
        if not message.is_dm:
            if mentions(message.text, bot_user_id):
                # The app_mention event is the one answered, but Slack may send none for an upload that
                # mentions the bot (bolt-python #925): then this copy answers, whichever arrives first.
                if not (message.files and services.state.claim_event(_mention_key(message))):
                    return
            elif not (message.in_thread and services.state.in_thread(message.channel, message.thread_ts)):
                return  # channel chatter the bot was not asked about
        curator.handle(message, client, bot_user_id, request_id=context.get("request_id"))

    @app.event("app_mention")
    def handle_app_mention(event: dict[str, Any], body: dict[str, Any], client: WebClient, context: Any) -> None:
        if skip_reason(event, context.bot_user_id):
            return
        message = from_event(event, team=body.get("team_id", ""))
        if not services.state.claim_event(_mention_key(message)):
            return  # the message copy of this upload was answered already
        curator.handle(message, client, context.bot_user_id or "", request_id=context.get("request_id"))


def _mention_key(message: IncomingMessage) -> str:
    """One post, whichever of its two events (app_mention, message) carries it."""
    return f"mention:{message.channel}:{message.ts}"
