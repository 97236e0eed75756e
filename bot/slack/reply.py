"""Replying in a thread: acknowledge fast, stream the answer, never stay silent, never sleep on a 429.

Every call goes through the app's :class:`~bot.slack.outbox.Outbox`: the worker hands over text and
results as jobs and carries on (the model keeps being read while Slack's tiers hold a call back); the
thread's messages appear in the order they were handed over.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from slack_sdk import WebClient

from bot.slack.answer import AnswerJob
from bot.slack.format import markdown_to_mrkdwn
from bot.slack.jobs import (
    PostJob,
    SessionJob,
    SettledJob,
    StatusJob,
    Target,
    UnreactJob,
    UploadJob,
)
from bot.slack.outbox import Outbox
from bot.slack.pacer import Job
from bot.slack.stop import StopSignal

log = logging.getLogger(__name__)

Blocks = list[dict[str, Any]]


@dataclass
class ThreadReply:
    """Where and to whom the bot replies: one thread of one channel, through the app's outbox."""

    client: WebClient
    channel: str
    thread_ts: str
    message_ts: str = ""  # the user's message, for the reaction fallback
    team: str = ""
    user: str = ""
    outbox: Outbox | None = None
    _last: Job | None = field(default=None, repr=False)
    _status: StatusJob | None = field(default=None, repr=False)

    @property
    def _target(self) -> Target:
        return Target(self._outbox.client_for(self.client), self.channel, self.thread_ts, self.team, self.user,
                      self.message_ts)

    @property
    def _outbox(self) -> Outbox:
        if self.outbox is None:
            raise RuntimeError("ThreadReply needs the app's outbox (Services.outbox)")
        return self.outbox

    def _submit(self, job: Job) -> Any:
        self._last = job
        return self._outbox.submit(job)

    def _change(self, change: Callable[[], None]) -> None:
        """Change a job's state under the pacer's lock, and let the pacer look again."""
        with self._outbox.pacer.lock:
            change()
            self._outbox.pacer.lock.notify_all()

    def acknowledge(self, status: str) -> None:
        """Show that work started: the assistant status where allowed, else an :eyes: reaction."""
        self._status = self._submit(StatusJob(self._target, status, self._outbox.clock.now(), self._last))

    def done(self) -> None:
        """Remove the :eyes: reaction once the reply is posted."""
        if self._status is not None:
            self._submit(UnreactJob(self._target, self._status, self._last))

    def settled(self, then: Callable[[], None]) -> None:
        """Call `then` once everything handed over so far is delivered to Slack (or given up)."""
        self._submit(SettledJob(self.team, self._last, then))

    def post(self, text: str, blocks: Blocks | None = None, updatable: bool = False) -> PostJob:
        """Post a mrkdwn message in the thread; `updatable` keeps it open for :meth:`update`."""
        return self._submit(PostJob(self._target, text, blocks, self._last, updatable=updatable))

    def update(self, message: PostJob, text: str, blocks: Blocks | None = None, final: bool = False) -> None:
        """Show `text` (and `blocks`) in a message posted with ``updatable=True``; the latest update wins."""
        self._change(lambda: message.update(text, blocks, final))

    def error(self, message: str) -> None:
        """Tell the user, visibly, that the request failed and what to do."""
        self.post(f":warning: {markdown_to_mrkdwn(message)}")

    def upload(self, error_text: Callable[[str], str] | None = None, **files: Any) -> None:
        """Upload files into the thread (``files_upload_v2`` arguments); if Slack refuses them, post
        ``error_text(code)`` in their place."""
        self._submit(UploadJob(self._target, files, self._last, error_text))

    def watching(self) -> contextlib.AbstractContextManager[StopSignal]:
        """A Stop signal for work in this thread (set when the user clicks Stop), while the block runs."""
        return self._outbox.stops.watching(self.channel, self.thread_ts)

    def session(self, title: str, status: str = "processing") -> SessionJob:
        """Slack's Stop button for work that takes a while (an agent session, processing until closed);
        ``status="active"`` only moves the thread's session out of processing."""
        return self._submit(SessionJob(self._target, title, status))

    def close_session(self, session: SessionJob, urgent: bool = False) -> None:
        """The work is over: move the session out of processing."""
        self._change(lambda: session.close(urgent))

    def stream(self, pieces: Iterable[str], final_blocks: Callable[[], Blocks], title: str = "") -> None:
        """Stream Markdown pieces into one message; blocks (citations, buttons) are added at the end.

        Returns once the model is read (or Stop or the deadline cut it short); the pacer delivers the rest.
        """
        outbox = self._outbox
        with outbox.stops.watching(self.channel, self.thread_ts) as signal:
            job = AnswerJob(self._target, self._last, signal, now=outbox.clock.now(), deadline_s=outbox.deadline_s,
                            stop_after_s=outbox.stop_after_s, title=title,
                            waits=(outbox.still_working_s, outbox.first_text_s))
            signal.on_stop(outbox.pacer.poke)
            self._submit(job)
            try:
                self._read(pieces, job, signal)
            except Exception:
                if job.gave_up:  # the user was already told it took too long: a later error would be a 2nd answer
                    log.warning("answer failed after its deadline had been shown", exc_info=True)
                    return
                self._change(lambda: job.finish([]))  # what was shown stays; the caller says what went wrong
                raise
            blocks = [] if job.cancelled else final_blocks()
            self._change(lambda: job.finish(blocks))

    def _read(self, pieces: Iterable[str], job: AnswerJob, signal: StopSignal) -> None:
        clock = self._outbox.clock
        for piece in pieces:
            with self._outbox.pacer.lock:
                if job.cancelled:
                    break
                job.add(piece, clock.now())
                self._outbox.pacer.lock.notify_all()
        if job.cancelled and hasattr(pieces, "close"):
            pieces.close()  # stop reading the model: its stream is closed, not drained
