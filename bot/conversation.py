"""Thread history for follow-up questions, and the images shared in a thread, read from Slack."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.providers.base import Turn
from bot.router import strip_mentions

log = logging.getLogger(__name__)

MAX_TURNS = 10
MAX_TURN_CHARS = 2000


def thread_history(client: WebClient, channel: str, thread_ts: str, before_ts: str, bot_user_id: str) -> list[Turn]:
    """The last turns of a thread before `before_ts`: users' messages and the bot's answers."""
    try:
        response = client.conversations_replies(channel=channel, ts=thread_ts, limit=50)
    except SlackApiError as exc:
        log.info("no thread history (%s): answering without it", exc.response.get("error"))
        return []
    turns = []
    for message in response.get("messages", []):
        if float(message.get("ts", 0)) >= float(before_ts or "inf"):
            continue
        is_bot = bool(message.get("bot_id")) or message.get("user") == bot_user_id
        text = strip_mentions(message.get("text") or "")[:MAX_TURN_CHARS]
        if text:
            turns.append(Turn("assistant" if is_bot else "user", text))
    return turns[-MAX_TURNS:]


def thread_images(client: WebClient, channel: str, thread_ts: str, before_ts: str) -> list[dict]:
    """The image files posted in a thread before `before_ts` (uploads and the bot's own), oldest first."""
    try:
        response = client.conversations_replies(channel=channel, ts=thread_ts, limit=200)
    except SlackApiError as exc:
        log.info("no thread images (%s)", exc.response.get("error"))
        return []
    return [
        file
        for message in response.get("messages", [])
        if float(message.get("ts", 0)) < float(before_ts or "inf")
        for file in message.get("files") or []
        if str(file.get("mimetype") or "").startswith("image/")
    ]
