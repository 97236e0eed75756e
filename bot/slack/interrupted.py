"""Telling a user that their request was interrupted (a restart, a crash), with a Retry button."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.slack.format import escape, shorten
from bot.state.requests import Origin

RETRY_ACTION = "retry_request"
RESTARTING = "Curator is restarting"
RESTARTED = "Curator restarted"
MAX_ECHO_CHARS = 80


def interrupted_text(origin: Origin, reason: str) -> str:
    """The notice, in mrkdwn: what was interrupted (the request's words, escaped) and what to do."""
    asked = escape(shorten(" ".join(origin.text.split()), MAX_ECHO_CHARS))
    what = f"your request “{asked}”" if asked else "your request"
    return f":warning: I was interrupted while working on {what}: {reason}. Press Retry to run it again."


def build_retry_blocks(request_id: str, text: str) -> list[dict[str, Any]]:
    """The notice with one Retry button, whose value is the request's id."""
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": text}},
        {"type": "actions", "block_id": f"retry:{request_id}", "elements": [{
            "type": "button", "action_id": RETRY_ACTION, "value": request_id, "style": "primary",
            "text": {"type": "plain_text", "text": "Retry"}}]},
    ]


def tell_interrupted(client: WebClient, request_id: str, origin: Origin, reason: str) -> None:
    """Post the notice in the request's thread (raises SlackApiError or a connection error if Slack refuses)."""
    text = interrupted_text(origin, reason)
    client.chat_postMessage(channel=origin.channel, thread_ts=origin.thread_ts, text=text,
                            blocks=build_retry_blocks(request_id, text))
