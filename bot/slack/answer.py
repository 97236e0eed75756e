"""A streamed answer as a pacer job: first text as soon as Slack's tiers allow, coalesced appends, a closed
stream finished with chat.update, and posting instead of streaming when the stream budget is spent.

Streams use slack_sdk's ChatStream (one startStream, appendStreams, one stopStream). Per workspace,
chat.startStream and chat.stopStream are Tier 2 and chat.appendStream Tier 4 (``bot.slack.limits``), so:
- an answer streams when a startStream is available; otherwise it is posted whole with one
  chat.postMessage once written, or, if it is still being written after ``PARTIAL_POST_AFTER_S``, posted
  as far as it goes and finished with one chat.update (Tier 3): no more answers are left open in part
  than that tier's burst, and they share half its pace for progress, so finishing is never starved;
- appends carry everything written since the last one, at most every max(1.5 s, 0.6 s x open streams)
  unless 1,000 characters wait (the notes' pacing), and only when the Tier 4 bucket allows;
- a stream Slack closed (``message_not_in_streaming_state``, or ``stopped_by_user``) is finished with
  chat.update on ``ChatStream.ts``;
- a stream still being written after ``stop_after_s`` gets an agent session (Slack's Stop button), closed
  by ``stopStream(session_status="active")`` or agents.sessions.setStatus;
- Stop and the deadline finish the answer at once with what it has, saying why.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.web.chat_stream import ChatStream

from bot.slack.answer_posts import CLOSED, DONE, NEW, POSTED, STREAM, PostedAnswer, room
from bot.slack.format import markdown_to_mrkdwn, neutralise_mentions, safe_prefix_end
from bot.slack.jobs import Target, slack_error
from bot.slack.limits import MARKDOWN_TEXT_LIMIT, SECTION_TEXT_LIMIT
from bot.slack.pacer import (
    FINISH,
    FIRST_TEXT,
    PROGRESS,
    SESSION,
    URGENT,
    Call,
    Job,
    Pacer,
)
from bot.slack.stop import StopSignal

log = logging.getLogger(__name__)

PARTIAL_POST_AFTER_S = 2.0
FLUSH_MIN_S, FLUSH_PER_STREAM_S, FLUSH_CHARS = 1.5, 0.6, 1_000
STOPPED = "_Stopped._"
CLOSED_STREAM = ("message_not_in_streaming_state", "stopped_by_user")


STILL_WORKING = "is still working on it… (the model is slow to answer)"


def no_text_note(deadline_s: float) -> str:
    """What an answer says when the model wrote nothing in time (it hangs, or its retries take too long)."""
    return (f":warning: _The model did not start answering within {deadline_s:.0f} s "
            "(ANSWER_FIRST_TEXT_DEADLINE_S), so I stopped waiting. Please try again in a minute._")


def late_note(deadline_s: float) -> str:
    """What an answer says when it could not be finished in time."""
    return (f"_I couldn't finish this answer within {deadline_s:.0f} s (SLACK_ANSWER_DEADLINE_S), so it stops "
            "here. Ask again, or ask about one thing at a time._")


class AnswerJob(PostedAnswer):
    """One answer being written by a worker and delivered by the pacer."""

    def __init__(self, target: Target, previous: Job | None, signal: StopSignal, *, now: float,
                 deadline_s: float, stop_after_s: float, title: str, waits: tuple[float, float] = (0, 0)) -> None:
        """`waits`: seconds without text before the status says "still working", and before giving up."""
        super().__init__(team=target.team, previous=previous)
        self.target, self.signal, self.title = target, signal, title
        self.text, self.final, self.blocks, self.note = "", False, [], ""
        self.raw, self._released = "", 0  # the model's text as written, and how much of it `text` holds defused
        self.mode, self.shown, self.handed = NEW, 0, 0
        self.stream: ChatStream | None = None
        self.ts: str | None = None
        self.rest: list[str] = []  # parts still to post after the message (an answer longer than a section)
        self.started, self.first_text_at, self.last_flush = now, None, now
        self.deadline_s, self.deadline, self.stop_after = deadline_s, now + deadline_s, now + stop_after_s
        self.session = ""  # "", "opening", "open", "closed" or "unavailable"
        self.retry_at: float | None = None
        self.can_stream, self.note_handed, self.sending = True, False, ""
        self.opening = ""  # while its first call is in flight: the method its message will need to finish
        self.still_at = now + waits[0] if waits[0] else None  # the "still working" status, once
        self.give_up_at = now + waits[1] if waits[1] else None
        self.gave_up = False

    # the worker's side (with the pacer's lock held)

    def add(self, piece: str, now: float) -> None:
        """More of the answer (raw model text: mentions are defused on the whole text, so a mention split
        across pieces is defused too)."""
        if not self.final:
            self.raw += piece
            self._release(final=False)
            if self.first_text_at is None and self.text.strip():
                self.first_text_at = now

    def finish(self, blocks: list[dict], note: str = "") -> None:
        """The answer is complete (or stops here, `note` saying why); `blocks` go under it."""
        if not self.final:
            self._release(final=True)
            self.final, self.blocks, self.note = True, blocks, note

    def _release(self, final: bool) -> None:
        """Defuse and add to `text` what of `raw` no later piece can change (a trailing `<` waits)."""
        end = safe_prefix_end(self.raw, final)
        self.text += neutralise_mentions(self.raw[self._released:end])
        self._released = end

    @property
    def cancelled(self) -> bool:
        """The worker should stop reading the model: Stop was clicked, or the deadline passed."""
        return self.signal.is_set() or (self.final and self.note != "")

    # the pacer's side

    def next_call(self, now: float, pace: Pacer) -> Call | None:
        if self.signal.is_set():
            self.finish([], STOPPED)
        elif now >= self.deadline:
            self.finish([], late_note(self.deadline_s))
        elif self.give_up_at is not None and now >= self.give_up_at and not self.text.strip() and not self.final:
            self.gave_up = True
            self.finish([], no_text_note(self.give_up_at - self.started))
        if not self.ready():
            return None
        if self.still_at is not None and now >= self.still_at and self.mode == NEW and not self.final:
            return self._still_working()
        urgent = bool(self.note)
        if self.rest:
            return self._post_rest()
        if self.mode == NEW:
            return self._create(now, pace, urgent)
        if self.mode == STREAM:
            return self._session(now) or self._stream(now, pace, urgent)
        if self.mode in (POSTED, CLOSED):
            return self._update(now, pace, urgent)
        return self._close_session(urgent)

    def _still_working(self) -> Call:
        t = self.target
        return Call("assistant.threads.setStatus", t.channel, PROGRESS, lambda: t.client.assistant_threads_setStatus(
            channel_id=t.channel, thread_ts=t.thread_ts, status=STILL_WORKING), begin=self._said_still_working)

    def _said_still_working(self) -> None:
        self.still_at = None

    def wake_at(self, now: float) -> float | None:
        times = [self.deadline, self.retry_at, self.still_at, None if self.first_text_at else self.give_up_at]
        if self.first_text_at is not None and self.mode == NEW:
            times.append(self.first_text_at + PARTIAL_POST_AFTER_S)
        if self.mode == STREAM and not self.final:
            times.append(self.stop_after)
        return min((t for t in times if t is not None and t > now), default=None)

    def holds(self) -> str:
        if self.mode == STREAM:
            return "chat.stopStream"
        return "chat.update" if self.mode in (POSTED, CLOSED) else self.opening

    def _create(self, now: float, pace: Pacer, urgent: bool) -> Call | None:
        if not self.text.strip() and not self.final:
            return None
        if self.final and not (self.text + self.note).strip():
            self.created = self.finished = True  # interrupted before a word: the error message says why
            return None
        self.opening = ""  # an earlier attempt to open the message ended (a 429): it holds nothing yet
        can_stream = (self.can_stream and pace.available(self.team, "chat.startStream")
                      and room(self.team, pace, "chat.stopStream"))
        whole = self.final and len(markdown_to_mrkdwn(self._body())) <= SECTION_TEXT_LIMIT
        if self.final and (whole or not can_stream):
            return self._post(final=True, urgent=urgent)
        if can_stream:
            return self._start(pace, urgent)
        if now - (self.first_text_at or now) >= PARTIAL_POST_AFTER_S and room(self.team, pace, "chat.update"):
            return self._post(final=False, urgent=urgent, pace=pace)
        self.retry_at = now + 0.5  # look again soon: a startStream may free up
        return None

    def _body(self) -> str:
        return self.text + (f"\n\n{self.note}" if self.note else "")

    def _take_chunk(self) -> None:
        """Hand the next piece to ChatStream (which still holds what a 429 kept from going)."""
        room = MARKDOWN_TEXT_LIMIT - (self.handed - self.shown)
        self.sending = self.text[self.handed:self.handed + room]
        self.handed += len(self.sending)

    def _take_rest(self) -> None:
        """Hand everything left, and the note, to ChatStream for chat.stopStream."""
        note = f"\n\n{self.note}" if self.note and not self.note_handed else ""
        self.sending = self.text[self.handed:] + note
        self.handed, self.note_handed = len(self.text), True

    def _start(self, pace: Pacer, urgent: bool) -> Call:
        t = self.target
        if self.stream is None:
            self.stream = t.client.chat_stream(channel=t.channel, thread_ts=t.thread_ts, buffer_size=10**9,
                                               recipient_team_id=t.team or None, recipient_user_id=t.user or None)
        stream = self.stream
        return Call("chat.startStream", t.channel, URGENT if urgent else FIRST_TEXT,
                    lambda: stream.append(markdown_text=self.sending, chunks=[]), begin=self._open_stream,
                    done=self._started, failed=self._no_stream, age=self.started,
                    allowed=lambda: room(self.team, pace, "chat.stopStream"))

    def _open_stream(self) -> None:
        self.opening = "chat.stopStream"
        self._take_chunk()

    def _started(self, _: Any) -> None:
        self.mode, self.created = STREAM, True
        self.shown, self.ts = self.handed, self.stream.ts if self.stream else None

    def _no_stream(self, exc: Exception) -> None:
        log.info("streaming unavailable (%s); posting instead", slack_error(exc))
        self.stream, self.handed, self.shown, self.can_stream = None, 0, 0, False

    def _stream(self, now: float, pace: Pacer, urgent: bool) -> Call | None:
        stream, channel = self.stream, self.target.channel
        assert stream is not None
        if self.final and len(self.text) - self.handed <= MARKDOWN_TEXT_LIMIT - (self.handed - self.shown) - 100:
            status = "active" if self.session == "open" else None
            return Call("chat.stopStream", channel, URGENT if urgent else FINISH, lambda: stream.stop(
                markdown_text=self.sending or None, blocks=self.blocks or None, session_status=status),
                begin=self._take_rest, done=self._stopped, failed=self._closed, age=self.started)
        waiting = len(self.text) - self.handed
        interval = max(FLUSH_MIN_S, FLUSH_PER_STREAM_S * pace.holding(self.team, "chat.stopStream"))
        due = now - self.last_flush >= (FLUSH_PER_STREAM_S if waiting >= FLUSH_CHARS else interval)
        if not self.final and (not waiting or not due):
            self.retry_at = self.last_flush + interval if waiting else None
            return None
        return Call("chat.appendStream", channel, FINISH if self.final else PROGRESS,
                    lambda: stream.append(markdown_text=self.sending, chunks=[]), begin=self._take_chunk,
                    done=lambda _: self._appended(now), failed=self._closed, age=self.last_flush)

    def _appended(self, now: float) -> None:
        self.shown, self.last_flush = self.handed, now

    def _stopped(self, _: Any) -> None:
        self.mode, self.created = DONE, True
        self.session = "closed" if self.session == "open" else self.session
        self.finished = self.session != "open"

    def _closed(self, exc: Exception) -> None:
        """Slack closed the stream (its timeout, or the user's Stop): finish with chat.update on its ts."""
        error = slack_error(exc)
        if error not in CLOSED_STREAM:
            log.warning("streaming failed (%s); finishing with chat.update", error)
        if error == "stopped_by_user":
            self.signal.set()
        self.mode = CLOSED

    def _session(self, now: float) -> Call | None:
        """A stream still being written after stop_after gets Slack's Stop button."""
        if self.final or self.session or now < self.stop_after:
            return None
        t = self.target
        return Call("agents.sessions.setStatus", t.channel, SESSION, lambda: t.client.agents_sessions_setStatus(
            channel_id=t.channel, thread_ts=t.thread_ts, status="processing", title=self.title or None,
            initiator_user_id=t.user or None), begin=lambda: self._session_is("opening"),
            done=lambda _: self._session_is("open"), failed=lambda _: self._session_is("unavailable"))

    def _session_is(self, state: str) -> None:
        self.session = state

    def _close_session(self, urgent: bool) -> Call | None:
        if self.session != "open":
            self.finished = True
            return None
        t = self.target
        return Call("agents.sessions.setStatus", t.channel, URGENT if urgent else FINISH,
                    lambda: t.client.agents_sessions_setStatus(channel_id=t.channel, thread_ts=t.thread_ts,
                                                                status="active"),
                    done=lambda _: self._end(), failed=lambda _: self._end())

    def _end(self) -> None:
        self.session, self.mode, self.finished, self.created = "closed", DONE, True, True
