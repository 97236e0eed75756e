"""Replying in a thread: acknowledge fast, stream the answer, fall back gracefully, never stay silent."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack.format import (
    SECTION_LIMIT,
    STREAM_CHUNK_LIMIT,
    markdown_to_mrkdwn,
    neutralise_mentions,
    split_text,
)

log = logging.getLogger(__name__)

Blocks = list[dict[str, Any]]
FLUSH_CHARS = 200  # stream text in pieces of about this size...
FLUSH_SECONDS = 0.7  # ...or at least this often, so the first words show up quickly
UPDATE_SECONDS = 1.2  # chat.update is Tier 3 (~50/min): the fallback edits at most this often


@dataclass
class ThreadReply:
    """Where and to whom the bot replies: one thread of one channel."""

    client: WebClient
    channel: str
    thread_ts: str
    message_ts: str = ""  # the user's message, for the reaction fallback
    team: str = ""
    user: str = ""
    _reacted: bool = False

    def acknowledge(self, status: str) -> None:
        """Show that work started: the assistant status where allowed, else an :eyes: reaction."""
        try:
            self.client.assistant_threads_setStatus(channel_id=self.channel, thread_ts=self.thread_ts, status=status)
            return
        except SlackApiError as exc:
            log.debug("setStatus not allowed here (%s); reacting instead", exc.response.get("error"))
        if self.message_ts:
            try:
                self.client.reactions_add(channel=self.channel, timestamp=self.message_ts, name="eyes")
                self._reacted = True
            except SlackApiError as exc:
                log.warning("could not acknowledge with a reaction: %s", exc.response.get("error"))

    def done(self) -> None:
        """Remove the :eyes: reaction once the reply is posted."""
        if self._reacted:
            try:
                self.client.reactions_remove(channel=self.channel, timestamp=self.message_ts, name="eyes")
            except SlackApiError:
                pass  # the reply is what matters; a stale reaction is harmless

    def post(self, text: str, blocks: Blocks | None = None) -> str:
        """Post a plain mrkdwn message in the thread; returns its ts."""
        response = self.client.chat_postMessage(
            channel=self.channel, thread_ts=self.thread_ts, text=text, blocks=blocks,
            unfurl_links=False, unfurl_media=False,
        )
        return response["ts"]

    def error(self, message: str) -> None:
        """Tell the user, visibly, that the request failed and what to do."""
        self.post(f":warning: {markdown_to_mrkdwn(message)}")

    def stream(self, pieces: Iterable[str], final_blocks: Callable[[], Blocks]) -> str:
        """Stream Markdown pieces into one message; blocks (citations, buttons) are added at the end."""
        streamer = _Streamer(self)
        try:
            for piece in pieces:
                streamer.add(neutralise_mentions(piece))
        except Exception:
            streamer.finish([], interrupted=True)
            raise
        return streamer.finish(final_blocks())


class _Streamer:
    """chat.startStream/appendStream/stopStream, or chat.postMessage + chat.update where streaming fails."""

    def __init__(self, reply: ThreadReply) -> None:
        self._reply = reply
        self._client = reply.client
        self._text = ""
        self._pending = ""
        self._ts: str | None = None
        self._streaming = True
        self._last_flush = time.monotonic()

    def add(self, piece: str) -> None:
        self._pending += piece
        self._text += piece
        due = time.monotonic() - self._last_flush >= (FLUSH_SECONDS if self._streaming else UPDATE_SECONDS)
        if len(self._pending) >= FLUSH_CHARS or (due and self._pending.strip()):
            self._flush()

    def finish(self, blocks: Blocks, interrupted: bool = False) -> str:
        if interrupted and not self._text:
            return self._ts or ""
        if self._streaming:
            try:
                return self._stop(blocks)
            except SlackApiError as exc:
                log.warning("streaming failed at stop (%s); posting instead", exc.response.get("error"))
                self._streaming = False
        return self._finish_by_update(blocks)

    def _flush(self) -> None:
        self._last_flush = time.monotonic()
        if self._streaming:
            try:
                self._append(self._pending)
                self._pending = ""
                return
            except SlackApiError as exc:
                log.info("streaming unavailable (%s); falling back to post + update", exc.response.get("error"))
                self._streaming = False
        self._update(self._text + " …")
        self._pending = ""

    def _append(self, markdown: str) -> None:
        for chunk in split_text(markdown, STREAM_CHUNK_LIMIT) or [""]:
            if self._ts is None:
                response = self._client.chat_startStream(
                    channel=self._reply.channel, thread_ts=self._reply.thread_ts, markdown_text=chunk,
                    recipient_team_id=self._reply.team or None, recipient_user_id=self._reply.user or None,
                )
                self._ts = response["ts"]
            else:
                self._client.chat_appendStream(channel=self._reply.channel, ts=self._ts, markdown_text=chunk)

    def _stop(self, blocks: Blocks) -> str:
        if self._ts is None:
            self._append(self._pending or self._text)
        elif self._pending:
            self._client.chat_appendStream(channel=self._reply.channel, ts=self._ts, markdown_text=self._pending)
        self._pending = ""
        self._client.chat_stopStream(channel=self._reply.channel, ts=self._ts, blocks=blocks or None)
        return self._ts or ""

    def _update(self, markdown: str) -> None:
        text = markdown_to_mrkdwn(markdown)[:SECTION_LIMIT]
        if self._ts is None:
            self._ts = self._reply.post(text)
        else:
            self._client.chat_update(channel=self._reply.channel, ts=self._ts, text=text)

    def _finish_by_update(self, blocks: Blocks) -> str:
        parts = split_text(markdown_to_mrkdwn(self._text))
        first, rest = (parts[0], parts[1:]) if parts else ("", [])
        section = [{"type": "section", "text": {"type": "mrkdwn", "text": first}}] if first else []
        if self._ts is None:
            self._ts = self._reply.post(first, blocks=section + (blocks if not rest else []))
        else:
            self._client.chat_update(
                channel=self._reply.channel, ts=self._ts, text=first, blocks=section + (blocks if not rest else [])
            )
        for index, part in enumerate(rest):
            last = index == len(rest) - 1
            part_blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": part}}] + (blocks if last else [])
            self._reply.post(part, blocks=part_blocks)
        return self._ts
