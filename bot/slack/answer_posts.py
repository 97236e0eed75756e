"""The posted side of an answer: shown whole by chat.postMessage, or in part and finished by chat.update
(Tier 3), split into further messages when longer than a section; a post Slack refuses ends the answer."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.slack.format import markdown_to_mrkdwn, split_text
from bot.slack.jobs import slack_error
from bot.slack.pacer import FINISH, FIRST_TEXT, PROGRESS, URGENT, Call, Job, Pacer

log = logging.getLogger(__name__)

UPDATE_EVERY_S = 5.0  # a posted answer still being written is updated at most this often (chat.update: Tier 3)
NEW, STREAM, POSTED, CLOSED, DONE = "new", "stream", "posted", "closed", "done"


def room(team: str, pace: Pacer, finisher: str) -> bool:
    """Whether one more answer may be left open (a stream, or a post shown in part) that needs a call to
    `finisher` to be finished: no more are open than that method's bucket could finish at once now, so
    answers written at the same moment are not kept waiting for stopStream's Tier 2 or chat.update's Tier 3
    (the rest appear whole, by chat.postMessage, when written)."""
    return pace.holding(team, finisher) < pace.calls_left(team, finisher)


def _update_every(team: str, pace: Pacer) -> float:
    """How often an answer shown in part is brought up to date: the open ones share half of chat.update's
    pace, the other half is kept for finishing them."""
    return max(UPDATE_EVERY_S, pace.holding(team, "chat.update") * 120 / pace.per_minute(team, "chat.update"))


def _section(text: str) -> list[dict]:
    return [{"type": "section", "text": {"type": "mrkdwn", "text": text}}] if text else []


class PostedAnswer(Job):
    """An answer's posting calls; :class:`bot.slack.answer.AnswerJob` holds the state they share."""

    def _parts(self, final: bool) -> tuple[str, list[dict], list[str]]:
        """The first message's text and blocks, and the parts that follow as further messages."""
        parts = split_text(markdown_to_mrkdwn(self._body() if final else self.text)) or [""]
        first, rest = parts[0], parts[1:] if final else []
        if not final:
            first += " …"
        return first, _section(first) + (self.blocks if final and not rest else []), rest

    def _post(self, final: bool, urgent: bool, pace: Pacer | None = None) -> Call:
        t = self.target
        text, blocks, rest = self._parts(final)
        shown, partial = len(self.text), pace is not None
        return Call("chat.postMessage", t.channel, URGENT if urgent else FIRST_TEXT, lambda: t.client.chat_postMessage(
            channel=t.channel, thread_ts=t.thread_ts, text=text, blocks=blocks, unfurl_links=False,
            unfurl_media=False), done=lambda r: self._posted(r, shown, final, rest), failed=self._lost,
            age=self.started, begin=lambda: self._opening("chat.update" if partial else ""),
            allowed=lambda: not partial or room(self.team, pace, "chat.update"))

    def _opening(self, finisher: str) -> None:
        self.opening = finisher

    def _posted(self, response: Any, shown: int, final: bool, rest: list[str]) -> None:
        self.ts, self.created, self.shown = response["ts"], True, shown
        self.mode = DONE if final else POSTED
        self.rest = rest
        self.finished = final and not rest and self.session != "open"

    def _update(self, now: float, pace: Pacer, urgent: bool) -> Call | None:
        t = self.target
        every = _update_every(self.team, pace)
        if not self.final and (self.mode == CLOSED or len(self.text) == self.shown or now - self.last_flush < every):
            self.retry_at = self.last_flush + every if self.mode == POSTED else None
            return None
        text, blocks, rest = self._parts(self.final)
        shown, final = len(self.text), self.final
        return Call("chat.update", t.channel, (URGENT if urgent else FINISH) if final else PROGRESS,
                    lambda: t.client.chat_update(channel=t.channel, ts=self.ts, text=text, blocks=blocks),
                    done=lambda _: self._updated(now, shown, final, rest), failed=self._lost, age=self.started)

    def _updated(self, now: float, shown: int, final: bool, rest: list[str]) -> None:
        self.shown, self.last_flush = shown, now
        if final:
            self.mode, self.rest = DONE, rest
            self.finished = not rest and self.session != "open"

    def _post_rest(self) -> Call:
        t = self.target
        part, last = self.rest[0], len(self.rest) == 1
        blocks = _section(part) + (self.blocks if last else [])
        return Call("chat.postMessage", t.channel, FINISH, lambda: t.client.chat_postMessage(
            channel=t.channel, thread_ts=t.thread_ts, text=part, blocks=blocks, unfurl_links=False,
            unfurl_media=False), done=lambda _: self._rest_posted(), failed=self._lost, age=self.started)

    def _rest_posted(self) -> None:
        self.rest.pop(0)
        self.finished = not self.rest and self.session != "open"

    def _lost(self, exc: Exception) -> None:
        if isinstance(exc, SlackApiError) and slack_error(exc) == "streaming_state_conflict" and self.stream:
            self.mode = STREAM  # still streaming after all: stop it instead
            return
        log.warning("could not deliver an answer in %s (%s)", self.target.channel, slack_error(exc))
        self.created = self.finished = True
