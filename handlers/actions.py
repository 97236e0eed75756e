"""Button clicks: feedback on answers (one listener per action id)."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, Respond

from bot.services import Services
from bot.slack.blocks import FEEDBACK_ACTION

log = logging.getLogger(__name__)


def register(app: App, services: Services) -> None:
    """Record 👍/👎 clicks on answers."""

    @app.action(FEEDBACK_ACTION)
    def handle_feedback(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        ack()
        vote, _, answer_id = (action.get("value") or "").partition(":")
        if vote not in ("up", "down") or not answer_id:
            log.warning("feedback click with an unexpected value: %r", action.get("value"))
            return
        container = body.get("container", {})
        services.state.record_feedback(
            answer_id, body.get("user", {}).get("id", ""), vote,
            container.get("channel_id", ""), container.get("message_ts", ""),
        )
        thanks = "Thanks! Glad it helped." if vote == "up" else "Thanks for telling me. I'll pass it on so the docs can improve."
        respond(text=thanks, response_type="ephemeral", replace_original=False)
