"""The Retry button under an "I was interrupted" notice: run the request again, once."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.assistant import Curator
from bot.services import Services
from bot.slack.interrupted import RETRY_ACTION
from bot.slack.message import IncomingMessage

FORGOTTEN = "I no longer have that request (requests are kept for a day): please ask again."
ALREADY = "That request has been retried already: its answer is in this thread."


def register(app: App, services: Services) -> None:
    """Serve an interrupted request again when someone presses its Retry button (the first press only)."""
    curator = Curator(services)

    @app.action(RETRY_ACTION)
    def handle_retry(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond,
                     context: Any) -> None:
        ack()
        request_id = action.get("value") or ""
        origin = services.requests.ledger.origin(request_id)
        if origin is None:
            respond(text=FORGOTTEN, response_type="ephemeral", replace_original=False)
            return
        retry_id = f"retry:{request_id}"
        if not services.requests.claim(retry_id):
            respond(text=ALREADY, response_type="ephemeral", replace_original=False)
            return
        services.requests.ledger.finish(retry_id)  # a later press finds it done, however late
        clicker = body.get("user", {}).get("id", "")
        note = f":repeat: <@{clicker}> retried this request." if clicker else ":repeat: Retried."
        respond(text=note, replace_original=True, blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": note}}])
        message = IncomingMessage(user=origin.user, channel=origin.channel, text=origin.text, ts=origin.ts,
                                  thread_ts=origin.thread_ts, team=origin.team, files=tuple(origin.files),
                                  command=origin.command)
        curator.handle(message, client, context.bot_user_id or "")
