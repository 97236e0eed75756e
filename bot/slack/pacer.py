"""One pacer for every Slack write, with token buckets per workspace and method; nobody sleeps on a 429.

Listener workers never call Slack for messages themselves: they hand text and results to *jobs* (a
streamed answer, a post, an upload, a status) and go back to their work. One scheduler thread asks each
job for the call it wants next, orders the calls (a user's first visible text before finishing other
answers, finishing before progress), spends the buckets of Slack's tiers (``bot.slack.limits``, counted
per workspace: the event's team_id, since one org-wide token serves several) and hands each call to a
small pool of sender threads. A 429 blocks that bucket for its ``Retry-After`` and leaves the job as it
was: it keeps buffering and is asked again once the bucket opens. Only the scheduler waits, on a condition.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.slack.buckets import TokenBucket
from bot.slack.clock import MONOTONIC, Clock
from bot.slack.limits import METHOD_RATES, Rate, rates_of

log = logging.getLogger(__name__)

URGENT, FIRST_TEXT, FINISH, SESSION, PROGRESS = range(5)  # call priorities, most urgent first
DEFAULT_RETRY_AFTER_S = 1.0
# Calls reach Slack a little later than they leave, and unevenly: a pacer spending Slack's buckets to the
# brim would see 429s from that jitter alone. It keeps one call of each burst and 5% of each rate in hand.
HEADROOM = 0.95
UNPACED = (Rate(10**9, 10**9),)  # with rates=None: no pacing, but a 429 still blocks its method


@dataclass
class Call:
    """One Web API call a job wants to make: what it spends, how urgent it is, what to do with the answer."""

    method: str
    channel: str
    priority: int
    send: Callable[[], Any]
    begin: Callable[[], None] = lambda: None  # when (and only if) the call is sent: take what it carries
    done: Callable[[Any], None] = lambda _: None
    failed: Callable[[Exception], None] = lambda _: None
    age: float = 0.0  # among equal priorities the oldest goes first
    also: tuple[str, ...] = ()  # further methods the call spends (an upload's several calls)
    allowed: Callable[[], bool] = lambda: True  # asked again just before sending, after the calls chosen before


@dataclass(eq=False)
class Job:
    """Something to deliver in one thread; subclasses say which call they want next.

    ``next_call`` may be asked many times before a call is sent (a bucket may be empty): it must not
    change the job; what a sent call consumes is taken in its ``begin``.
    """

    team: str
    previous: Job | None = None  # the thread's job before this one: its message must exist first
    finished: bool = False
    created: bool = False  # its (first) message exists, or it will post none: the next job may create
    in_flight: bool = False

    def ready(self) -> bool:
        """Whether this job may create its message: the thread's earlier messages exist."""
        return self.previous is None or self.previous.created or self.previous.finished

    def next_call(self, now: float, pace: Pacer) -> Call | None:
        """The call this job wants now, or None."""
        raise NotImplementedError

    def wake_at(self, now: float) -> float | None:
        """When this job will want a call without anything else happening (None: only when poked)."""
        return None

    def holds(self) -> str:
        """The method its open message still needs to be finished (a stream: chat.stopStream), or ""."""
        return ""


@dataclass
class PacerStats:
    """What the pacer did, for benchmarks and logs."""

    sent: Counter = field(default_factory=Counter)
    rate_limited: Counter = field(default_factory=Counter)


class Pacer:
    """Schedules every job's calls within Slack's rate tiers, per workspace."""

    def __init__(self, clock: Clock = MONOTONIC, rates: Mapping[str, tuple[Rate, ...]] | None = METHOD_RATES,
                 senders: int = 8) -> None:
        self.clock, self.stats = clock, PacerStats()
        self._rates = rates
        self._buckets: dict[tuple[str, ...], TokenBucket] = {}
        self._jobs: list[Job] = []
        self._free = senders
        self._senders = ThreadPoolExecutor(max_workers=senders, thread_name_prefix="slack-send")
        self.lock = threading.Condition()
        self._thread: threading.Thread | None = None
        self._closed = False

    def submit(self, job: Job) -> Job:
        """Deliver `job`; the scheduler starts with the first one."""
        with self.lock:
            if self._closed:
                raise RuntimeError("the Slack pacer is closed")
            self._jobs.append(job)
            if self._thread is None:
                self._thread = threading.Thread(target=self._schedule, name="slack-pacer", daemon=True)
                self._thread.start()
            self.lock.notify_all()
        return job

    def poke(self) -> None:
        """A job changed (more text, finished, stopped): look again. Call with or without the lock."""
        with self.lock:
            self.lock.notify_all()

    def available(self, team: str, method: str, channel: str = "") -> bool:
        """Whether a call to `method` could go now (call with the lock held)."""
        now = self.clock.now()
        return all(b.ready_at(now) <= now for b in self._buckets_of(team, method, channel))

    def acquire(self, team: str, method: str, channel: str = "", timeout: float = 5.0) -> bool:
        """Spend one call for a caller that needs its answer (a read), waiting for the bucket (not sleeping
        on a 429) up to `timeout` clock seconds; False when none came in time."""
        with self.lock:
            deadline = self.clock.now() + timeout
            while True:
                now = self.clock.now()
                buckets = self._buckets_of(team, method, channel)
                ready = max((b.ready_at(now) for b in buckets), default=now)
                if ready <= now:
                    for bucket in buckets:
                        bucket.take(now)
                    return True
                if ready > deadline:
                    return False
                self.clock.wait(self.lock, ready - now)

    def note_rate_limit(self, team: str, method: str, channel: str, exc: SlackApiError) -> None:
        """A direct call got a 429: block its bucket for the Retry-After, as for paced calls."""
        if exc.response.status_code == 429:
            with self.lock:
                self.stats.rate_limited[method] += 1
                until = self.clock.now() + retry_after(exc)
                for bucket in self._buckets_of(team, method, channel):
                    bucket.block(until)

    def holding(self, team: str, method: str) -> int:
        """How many open messages of the workspace wait for a call to `method` to be finished (lock held)."""
        return sum(1 for job in self._jobs if job.team == team and job.holds() == method)

    def calls_left(self, team: str, method: str, channel: str = "") -> int:
        """How many calls to `method` could go at once right now (lock held)."""
        now = self.clock.now()
        return int(min((b.left(now) for b in self._buckets_of(team, method, channel)), default=1))

    def per_minute(self, team: str, method: str, channel: str = "") -> float:
        """The pace the pacer keeps for `method` (lock held)."""
        return min((b.per_minute for b in self._buckets_of(team, method, channel)), default=60.0)

    def idle(self) -> bool:
        """No job left to deliver."""
        with self.lock:
            return not self._jobs

    def close(self) -> None:
        """Stop scheduling; jobs not yet delivered are dropped."""
        with self.lock:
            self._closed = True
            self.lock.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._senders.shutdown(wait=False, cancel_futures=True)

    def _buckets_of(self, team: str, method: str, channel: str) -> list[TokenBucket]:
        buckets = []
        for rate in UNPACED if self._rates is None else self._rates.get(method, rates_of(method)):
            key = (team, method, channel) if rate.per_channel else (team, method)
            if key not in self._buckets:
                self._buckets[key] = TokenBucket(rate.per_minute * HEADROOM, max(1, rate.burst - 1),
                                                 stamp=self.clock.now())
            buckets.append(self._buckets[key])
        return buckets

    def _schedule(self) -> None:
        with self.lock:
            while not self._closed:
                wake = self._dispatch(self.clock.now())
                if wake is not None and wake <= self.clock.now():
                    continue
                self.clock.wait(self.lock, None if wake is None else wake - self.clock.now())

    def _dispatch(self, now: float) -> float | None:
        """Send what may go now, best first; the time to look again (None: when poked)."""
        self._jobs = [job for job in self._jobs if not job.finished]
        wanted = [(job, call) for job in self._jobs if not job.in_flight and (call := self._ask(job, now))]
        wanted.sort(key=lambda pair: (pair[1].priority, pair[1].age))
        wakes = [t for job in self._jobs if not job.in_flight and (t := job.wake_at(now)) is not None and t > now]
        sent = False
        for job, call in wanted:
            if not self._free:
                break
            if not call.allowed():
                continue  # an earlier call of this round took its room: the job is asked again
            buckets = [b for m in (call.method, *call.also) for b in self._buckets_of(job.team, m, call.channel)]
            ready = max((b.ready_at(now) for b in buckets), default=now)
            if ready > now:
                wakes.append(ready)
                continue
            for bucket in buckets:
                bucket.take(now)
            call.begin()
            job.in_flight, self._free, sent = True, self._free - 1, True
            try:
                self._senders.submit(self._send, job, call)
            except RuntimeError:  # closed meanwhile (the senders are shut down): nothing more is delivered
                self._closed = True
                return None
        if sent and len(wanted) > 1:
            return now  # what was chosen changed the buckets: let every job choose again at once
        return min(wakes, default=None)

    def _ask(self, job: Job, now: float) -> Call | None:
        try:
            return job.next_call(now, self)
        except Exception:  # a bug in one job must not stop every other delivery
            log.exception("a Slack delivery job failed; dropping it")
            job.created = job.finished = True
            return None

    def _send(self, job: Job, call: Call) -> None:
        try:
            response = call.send()
        except SlackApiError as exc:
            with self.lock:
                if exc.response.status_code == 429:
                    self._rate_limited(job, call, exc)
                else:
                    call.failed(exc)
        except Exception as exc:  # noqa: BLE001 - a connection error after the client's own bounded retries
            log.warning("Slack %s failed: %s", call.method, exc)
            with self.lock:
                call.failed(exc)
        else:
            with self.lock:
                self.stats.sent[call.method] += 1
                call.done(response)
        finally:
            with self.lock:
                job.in_flight = False
                self._free += 1
                self.lock.notify_all()

    def _rate_limited(self, job: Job, call: Call, exc: SlackApiError) -> None:
        """Block the bucket until Retry-After has passed; the job keeps its state and is asked again."""
        for method in (call.method, *call.also):
            self.note_rate_limit(job.team, method, call.channel, exc)
        log.info("Slack rate-limited %s in %s; retrying after %.1f s", call.method, job.team or "the workspace",
                 retry_after(exc))


def retry_after(exc: SlackApiError) -> float:
    """Seconds from a 429's Retry-After header (1 when absent or unreadable)."""
    headers = getattr(exc.response, "headers", None) or {}
    for name, value in headers.items():
        if name.lower() == "retry-after":
            raw = value[0] if isinstance(value, list | tuple) else value
            try:
                return max(0.0, float(raw))
            except (TypeError, ValueError):
                break
    return DEFAULT_RETRY_AFTER_S
