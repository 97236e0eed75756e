"""Thread history for follow-up questions, and the images shared in a thread, read from Slack.

conversations.replies returns a thread oldest first (the parent, then replies) a page at a time, so the
newest turns are on the last page: page with the cursor until ``has_more`` is false, keeping only the
tail (docs.slack.dev/reference/methods/conversations.replies). Each page is a Tier 3 call of the workspace,
taken from the pacer's buckets; when Slack's tiers leave none in time, the reply goes without it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.routing.router import strip_mentions
from bot.slack.outbox import Outbox
from bot.types import Turn

log = logging.getLogger(__name__)

MAX_TURNS = 10
MAX_TURN_CHARS = 2000
PAGE_SIZE = 200
MAX_PAGES = 25  # 5,000 messages: past that, the newest of the first 5,000
PAGE_WAIT_S = 5.0


class ThreadReader:
    """One thread's messages before a given ts, read page by page within the workspace's tier."""

    def __init__(self, client: WebClient, outbox: Outbox, channel: str, thread_ts: str, team: str = "") -> None:
        self._client, self._outbox = outbox.client_for(client), outbox
        self.channel, self.thread_ts, self.team = channel, thread_ts, team

    def messages(self, before_ts: str) -> Iterator[dict]:
        """The thread's messages older than `before_ts` ("" for all), oldest first; stops early (logged)
        when Slack refuses a page or its tier leaves none in time."""
        pacer, cursor = self._outbox.pacer, None
        for _ in range(MAX_PAGES):
            if not pacer.acquire(self.team, "conversations.replies", self.channel, timeout=PAGE_WAIT_S):
                log.info("thread %s read in part: Slack's tier for conversations.replies is spent", self.thread_ts)
                return
            try:
                page = self._client.conversations_replies(channel=self.channel, ts=self.thread_ts, limit=PAGE_SIZE,
                                                          cursor=cursor, latest=before_ts or None)
            except SlackApiError as exc:
                pacer.note_rate_limit(self.team, "conversations.replies", self.channel, exc)
                log.info("thread %s read in part (%s)", self.thread_ts, exc.response.get("error"))
                return
            for message in page.get("messages", []):
                if not before_ts or float(message.get("ts", 0)) < float(before_ts):
                    yield message
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not page.get("has_more") or not cursor:
                return


def thread_history(reader: ThreadReader, before_ts: str, bot_user_id: str) -> list[Turn]:
    """The thread's first message and its newest turns before `before_ts`: users' messages and the bot's answers."""
    parent: list[Turn] = []
    tail: list[Turn] = []
    for message in reader.messages(before_ts):
        turn = _turn(message, bot_user_id)
        if turn is None:
            continue
        if message.get("ts") == reader.thread_ts:
            parent.append(turn)
        else:
            tail = [*tail[-(MAX_TURNS - 1):], turn]
    return parent + tail[-(MAX_TURNS - len(parent)):]


def _turn(message: dict, bot_user_id: str) -> Turn | None:
    is_bot = bool(message.get("bot_id")) or message.get("user") == bot_user_id
    text = strip_mentions(message.get("text") or "")[:MAX_TURN_CHARS]
    return Turn("assistant" if is_bot else "user", text) if text else None


def thread_images(reader: ThreadReader, before_ts: str) -> list[dict]:
    """The image files posted in a thread before `before_ts` (uploads and the bot's own), oldest first."""
    return [
        file
        for message in reader.messages(before_ts)
        for file in message.get("files") or []
        if str(file.get("mimetype") or "").startswith("image/")
    ]
