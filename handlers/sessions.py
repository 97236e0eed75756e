"""Slack's Stop button: ``agent_session_stopped`` stops the work running in that thread.

Slack stops the app's streams in the thread and nothing else (docs.slack.dev/reference/events/
agent_session_stopped): the answer or drawing that registered a Stop signal there stops reading the
model or leaves the queue, says so in the thread and moves the session out of ``processing``.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.services import Services
from bot.slack.reply import ThreadReply

log = logging.getLogger(__name__)


def register(app: App, services: Services) -> None:
    """Listen to Stop clicks."""

    @app.event("agent_session_stopped")
    def handle_stop(event: dict[str, Any], body: dict[str, Any], client: WebClient) -> None:
        channel, thread_ts = event.get("channel", ""), event.get("thread_ts", "")
        stopped = services.outbox.stops.stop(channel, thread_ts)
        log.info("Stop clicked in %s/%s: %d piece(s) of work stopped", channel, thread_ts, stopped)
        if not stopped and channel and thread_ts:  # nothing runs there any more: the session must still move on
            ThreadReply(client, channel, thread_ts, team=body.get("team_id", ""), outbox=services.outbox).session(
                "", status="active")
