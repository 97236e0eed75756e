"""The small jobs a thread's reply is made of: a status, a post (updatable), an upload, a session.

Each is a :class:`~bot.slack.pacer.Job`: the pacer asks it for its next call and tells it the result,
always with the pacer's lock held, so a job's state needs no lock of its own. Errors other than 429 end
the job (logged): nothing a user asked for waits on a status, and a post Slack refuses cannot be shown.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack.limits import SESSION_TITLE_LIMIT
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

log = logging.getLogger(__name__)

STATUS_WAIT_S = 2.0  # a status not shown by then is stale: the reply goes first
UPLOAD_CHECKS, UPLOAD_CHECK_EVERY_S = 20, 0.5  # waiting for Slack to finish processing an upload


@dataclass(frozen=True)
class Target:
    """Where a thread's replies go, and the client that sends them (one without blocking retries)."""

    client: WebClient
    channel: str
    thread_ts: str
    team: str = ""
    user: str = ""
    message_ts: str = ""  # the user's message, for the :eyes: fallback


def slack_error(exc: Exception) -> str:
    """Slack's error code, or the exception's name."""
    if isinstance(exc, SlackApiError):
        return str(exc.response.get("error") or exc.response.status_code)
    return type(exc).__name__


class StatusJob(Job):
    """"is searching…" under the thread (assistant.threads.setStatus), else an :eyes: reaction."""

    def __init__(self, target: Target, status: str, now: float, previous: Job | None) -> None:
        super().__init__(team=target.team, previous=previous)
        self.target, self.status, self.stale_at = target, status, now + STATUS_WAIT_S
        self.stage, self.reacted = "status", False

    def next_call(self, now: float, pace: Pacer) -> Call | None:
        if now >= self.stale_at or (self.stage == "reaction" and not self.target.message_ts):
            return self._end()
        t = self.target
        if self.stage == "status":
            return Call("assistant.threads.setStatus", t.channel, FIRST_TEXT, lambda: t.client.assistant_threads_setStatus(
                channel_id=t.channel, thread_ts=t.thread_ts, status=self.status), done=lambda _: self._end(),
                failed=self._no_status)
        return Call("reactions.add", t.channel, FIRST_TEXT, lambda: t.client.reactions_add(
            channel=t.channel, timestamp=t.message_ts, name="eyes"), done=self._reacted, failed=lambda _: self._end())

    def wake_at(self, now: float) -> float | None:
        return self.stale_at

    def _no_status(self, exc: Exception) -> None:
        log.debug("setStatus not allowed here (%s); reacting instead", slack_error(exc))
        self.stage = "reaction"

    def _reacted(self, _: Any) -> None:
        self.reacted = True
        self._end()

    def _end(self) -> None:
        self.created = self.finished = True


class UnreactJob(Job):
    """Takes the :eyes: reaction away once the reply is there."""

    def __init__(self, target: Target, status: StatusJob, previous: Job | None) -> None:
        super().__init__(team=target.team, previous=previous, created=True)
        self.target, self.status = target, status

    def next_call(self, now: float, pace: Pacer) -> Call | None:
        if not self.status.finished or not self.ready():
            return None
        if not self.status.reacted:
            self.finished = True
            return None
        t = self.target
        return Call("reactions.remove", t.channel, PROGRESS, lambda: t.client.reactions_remove(
            channel=t.channel, timestamp=t.message_ts, name="eyes"), done=self._end, failed=self._end)

    def _end(self, _: Any) -> None:
        self.finished = True  # a stale reaction is harmless


class PostJob(Job):
    """A message in the thread, updatable in place (the latest update wins) until :meth:`close`."""

    def __init__(self, target: Target, text: str, blocks: list[dict] | None, previous: Job | None,
                 updatable: bool = False) -> None:
        super().__init__(team=target.team, previous=previous)
        self.target, self.text, self.blocks = target, text, blocks
        self.ts: str | None = None
        self.pending: tuple[str, list[dict], bool] | None = None
        self.open = updatable

    def update(self, text: str, blocks: list[dict] | None = None, final: bool = False) -> None:
        """Show this instead (call with the pacer's lock held); `final`: no update follows."""
        self.pending = (text, blocks or [], final)
        self.open = not final

    def next_call(self, now: float, pace: Pacer) -> Call | None:
        t = self.target
        if not self.created:
            if not self.ready():
                return None
            return Call("chat.postMessage", t.channel, FIRST_TEXT, lambda: t.client.chat_postMessage(
                channel=t.channel, thread_ts=t.thread_ts or None, text=self.text, blocks=self.blocks,
                unfurl_links=False, unfurl_media=False), done=self._posted, failed=self._lost)
        if self.pending is None:
            self.finished = not self.open
            return None
        sent = self.pending
        return Call("chat.update", t.channel, FINISH if sent[2] else PROGRESS, lambda: t.client.chat_update(
            channel=t.channel, ts=self.ts, text=sent[0], blocks=sent[1]), done=lambda _: self._updated(sent),
            failed=self._lost)

    def _posted(self, response: Any) -> None:
        self.ts, self.created = response["ts"], True

    def _updated(self, sent: tuple) -> None:
        if self.pending is sent:
            self.pending = None

    def _lost(self, exc: Exception) -> None:
        log.warning("could not post in %s (%s)", self.target.channel, slack_error(exc))
        self.created = self.finished = True


class UploadJob(Job):
    """Files into the thread (files_upload_v2), then a wait until Slack has finished processing them, so
    that the thread's next message comes after them; if Slack refuses them, a message saying so instead."""

    def __init__(self, target: Target, upload: dict[str, Any], previous: Job | None,
                 error_text: Callable[[str], str] | None = None) -> None:
        super().__init__(team=target.team, previous=previous)
        self.target, self.upload, self.error_text = target, upload, error_text
        self.file_id: str | None = None
        self.error: str | None = None
        self.checks, self.check_at = 0, 0.0

    def next_call(self, now: float, pace: Pacer) -> Call | None:
        t = self.target
        if self.error is not None:
            return Call("chat.postMessage", t.channel, FIRST_TEXT, lambda: t.client.chat_postMessage(
                channel=t.channel, thread_ts=t.thread_ts, text=self.error), done=lambda _: self._end(),
                failed=lambda _: self._end())
        if self.file_id is None:
            if not self.ready():
                return None
            return Call("files.getUploadURLExternal", t.channel, FIRST_TEXT, lambda: t.client.files_upload_v2(
                channel=t.channel, thread_ts=t.thread_ts, **self.upload), done=self._uploaded, failed=self._failed,
                also=("files.completeUploadExternal",))
        if now < self.check_at:
            return None
        return Call("files.info", t.channel, FINISH, lambda: t.client.files_info(file=self.file_id),
                    done=lambda r: self._checked(r, now), failed=lambda _: self._end())

    def wake_at(self, now: float) -> float | None:
        return self.check_at if self.file_id and not self.finished else None

    def _uploaded(self, response: Any) -> None:
        files = response.get("files") or [response.get("file") or {}]
        self.file_id = files[-1].get("id")
        if not self.file_id:
            self._end()

    def _checked(self, response: Any, now: float) -> None:
        """Processing is asynchronous (python-slack-sdk #1521): the thread's next message waits for the share."""
        self.checks += 1
        if self.target.channel in _shared_in(response.get("file") or {}) or self.checks >= UPLOAD_CHECKS:
            self._end()
        else:
            self.check_at = now + UPLOAD_CHECK_EVERY_S

    def _failed(self, exc: Exception) -> None:
        log.warning("upload to %s failed: %s", self.target.channel, slack_error(exc))
        if self.error_text is None:
            self._end()
        else:
            self.error = self.error_text(slack_error(exc))

    def _end(self) -> None:
        self.created = self.finished = True


def _shared_in(file: dict) -> set[str]:
    shares = file.get("shares") or {}
    return {channel for kind in shares.values() for channel in kind}


class SessionJob(Job):
    """The thread's agent session (the native Stop button): processing while work runs, active after."""

    def __init__(self, target: Target, title: str, status: str = "processing") -> None:
        super().__init__(team=target.team, created=True)
        self.target, self.title = target, title[:SESSION_TITLE_LIMIT]
        self.wanted, self.shown, self.urgent = status, "", status != "processing"

    def close(self, urgent: bool = False) -> None:
        """Work ended: move the session out of processing (call with the pacer's lock held)."""
        self.wanted = "active"
        self.urgent = urgent
        if not self.shown and not self.in_flight:
            self.finished = True  # the Stop button never showed: nothing to move

    def next_call(self, now: float, pace: Pacer) -> Call | None:
        if self.wanted == self.shown:
            self.finished = self.wanted == "active"
            return None
        t, status = self.target, self.wanted
        priority = SESSION if status == "processing" else (URGENT if self.urgent else FINISH)
        return Call("agents.sessions.setStatus", t.channel, priority, lambda: t.client.agents_sessions_setStatus(
            channel_id=t.channel, thread_ts=t.thread_ts, status=status, title=self.title or None,
            initiator_user_id=t.user or None), done=lambda _: self._shown(status), failed=self._failed)

    def _shown(self, status: str) -> None:
        self.shown = status

    def _failed(self, exc: Exception) -> None:
        log.info("no agent session in %s (%s)", self.target.channel, slack_error(exc))
        self.finished = True


class SettledJob(Job):
    """Posts nothing: once every earlier job of the reply is delivered (or given up), calls `settled` once."""

    def __init__(self, team: str, previous: Job | None, settled: Callable[[], None]) -> None:
        super().__init__(team=team, previous=previous, created=True)
        self.settled = settled

    def next_call(self, now: float, pace: Pacer) -> Call | None:
        job = self.previous
        while job is not None:
            if not job.finished:
                return None
            job = job.previous
        self.finished = True
        self.settled()
        return None

