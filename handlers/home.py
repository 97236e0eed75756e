"""The Messages tab: suggested prompts when someone opens a chat with Curator."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.services import Services

log = logging.getLogger(__name__)

SUGGESTED_PROMPTS = [
    {"title": "Ask the knowledge base", "message": "How do I fix VPN error 809?"},
    {"title": "Check a policy", "message": "What is the per diem in London?"},
    {"title": "Draw something", "message": "draw a lighthouse at dusk --ar 16:9"},
    {"title": "What can you do?", "message": "help"},
]


def register(app: App, services: Services) -> None:
    """Offer suggested prompts in the Messages tab."""

    @app.event("app_home_opened")
    def handle_app_home_opened(event: dict[str, Any], client: WebClient) -> None:
        if event.get("tab") != "messages" or not event.get("channel"):
            return
        try:
            # Under the agent view, suggested prompts must be set without thread_ts, or they silently fail.
            client.assistant_threads_setSuggestedPrompts(
                channel_id=event["channel"], title="Try asking", prompts=SUGGESTED_PROMPTS
            )
        except SlackApiError as exc:
            log.info("could not set suggested prompts: %s", exc.response.get("error"))
