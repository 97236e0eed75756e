"""Thread history for follow-up questions, read from Slack: the thread's first message and its newest turns.

conversations.replies returns a thread oldest first (the parent, then replies) a page at a time, so the
newest turns are on the last page: page with the cursor until ``has_more`` is false, keeping only the
tail (docs.slack.dev/reference/methods/conversations.replies). Each page is a Tier 3 call of the workspace,
taken from the pacer's buckets; when Slack's tiers leave none in time, the answer goes without history.
"""

from __future__ import annotations

import logging
from collections import deque

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.providers.base import Turn
from bot.router import strip_mentions
from bot.slack.outbox import Outbox

log = logging.getLogger(__name__)

MAX_TURNS = 10
MAX_TURN_CHARS = 2000
PAGE_SIZE = 200
MAX_PAGES = 25  # 5,000 messages: past that, the history is the newest turns of the first 5,000
PAGE_WAIT_S = 5.0


def thread_history(client: WebClient, channel: str, thread_ts: str, before_ts: str, bot_user_id: str,
                   outbox: Outbox, team: str = "") -> list[Turn]:
    """The last turns of a thread before `before_ts`: users' messages and the bot's answers."""
    quiet = outbox.client_for(client)
    parent: list[dict] = []
    tail: deque[dict] = deque(maxlen=2 * MAX_TURNS)
    cursor = None
    for _ in range(MAX_PAGES):
        if not outbox.pacer.acquire(team, "conversations.replies", channel, timeout=PAGE_WAIT_S):
            log.info("no thread history: Slack's tier for conversations.replies is spent; answering without it")
            return []
        try:
            page = quiet.conversations_replies(channel=channel, ts=thread_ts, limit=PAGE_SIZE, cursor=cursor,
                                               latest=before_ts or None)
        except SlackApiError as exc:
            outbox.pacer.note_rate_limit(team, "conversations.replies", channel, exc)
            log.info("no thread history (%s): answering without it", exc.response.get("error"))
            return []
        for message in page.get("messages", []):
            (parent if message.get("ts") == thread_ts else tail).append(message)
        cursor = (page.get("response_metadata") or {}).get("next_cursor")
        if not page.get("has_more") or not cursor:
            break
    first, newest = _turns(parent[:1], before_ts, bot_user_id), _turns(list(tail), before_ts, bot_user_id)
    return first + newest[-(MAX_TURNS - len(first)):]


def _turns(messages: list[dict], before_ts: str, bot_user_id: str) -> list[Turn]:
    turns = []
    for message in messages:
        if before_ts and float(message.get("ts", 0)) >= float(before_ts):
            continue
        is_bot = bool(message.get("bot_id")) or message.get("user") == bot_user_id
        text = strip_mentions(message.get("text") or "")[:MAX_TURN_CHARS]
        if text:
            turns.append(Turn("assistant" if is_bot else "user", text))
    return turns
