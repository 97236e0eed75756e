"""The request lifecycle: received -> claimed (an owner and a lease) -> done.

A duplicate delivery of a done request is dropped, one of a request whose lease is still running is dropped
too (its owner is on it), and one whose lease ran out (its owner died) is taken over. A request the bot took
on (it knows where to reply: its origin) and whose owner died is found by `interrupted`, so the user is told.
Implementations: SQLite (bot.state.requests_sqlite) and in memory (MemoryRequests, here).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

REQUEST_TTL_S = 24 * 3600  # Slack retries within minutes; a day of request ids is plenty
PURGE_EVERY_S = 600  # how often a claim also forgets requests older than REQUEST_TTL_S


class Claim(StrEnum):
    """What claiming a delivery found."""

    NEW = "new"  # never seen: do it
    TAKEN_OVER = "taken over"  # its owner's lease ran out: do it
    HELD = "held"  # an owner's lease is running: a duplicate, drop it
    DONE = "done"  # finished: a duplicate, drop it


@dataclass(frozen=True)
class Origin:
    """Where a request came from and what it said: enough to tell its user, or to run it again."""

    channel: str
    thread_ts: str
    ts: str
    user: str
    team: str = ""
    text: str = ""
    files: tuple[dict, ...] = ()  # Slack's file objects of an upload, so a retry has them too
    command: str | None = None  # the slash command it came as


class RequestLedger(Protocol):
    """Requests with owners and leases. Every method is atomic, across processes for a shared store."""

    def claim(self, request_id: str, owner: str, lease_s: float) -> Claim:
        """Claim a delivery for `owner` for `lease_s` seconds, unless it is done or another lease runs."""

    def begin(self, request_id: str, owner: str, lease_s: float, origin: Origin) -> None:
        """The bot took the request on: it is `owner`'s, with a lease, and its user is known."""

    def renew(self, owner: str, lease_s: float) -> int:
        """Extend the leases of every request `owner` has begun and not finished; how many."""

    def finish(self, request_id: str) -> None:
        """The request ended (answered, refused, or its user told it was interrupted)."""

    def interrupted(self, owner: str, lease_s: float) -> list[tuple[str, Origin]]:
        """Take over every begun request whose lease ran out (its owner died), for `owner` to tell its user."""

    def origin(self, request_id: str) -> Origin | None:
        """Where the request came from, while it is remembered."""

    def close(self) -> None:
        """Release the store."""


@dataclass
class _Row:
    owner: str
    lease_until: float
    seen_at: float
    origin: Origin | None = None
    done: bool = False


class MemoryRequests:
    """RequestLedger in this process's memory (STATE_STORE=memory): nothing survives a restart."""

    def __init__(self, clock=time.time) -> None:
        self._rows: dict[str, _Row] = {}
        self._lock = threading.Lock()
        self._clock = clock
        self._purged_at = 0.0

    def claim(self, request_id: str, owner: str, lease_s: float) -> Claim:
        """Claim a delivery for `owner` for `lease_s` seconds, unless it is done or another lease runs."""
        now = self._clock()
        with self._lock:
            if now - self._purged_at > PURGE_EVERY_S:  # not on every claim: this is the ack path
                self._rows = {k: r for k, r in self._rows.items() if r.seen_at > now - REQUEST_TTL_S}
                self._purged_at = now
            row = self._rows.get(request_id)
            if row is None:
                self._rows[request_id] = _Row(owner, now + lease_s, now)
                return Claim.NEW
            if row.done:
                return Claim.DONE
            if row.lease_until > now:
                return Claim.HELD
            row.owner, row.lease_until = owner, now + lease_s
            return Claim.TAKEN_OVER

    def begin(self, request_id: str, owner: str, lease_s: float, origin: Origin) -> None:
        """The bot took the request on: it is `owner`'s, with a lease, and its user is known."""
        now = self._clock()
        with self._lock:
            self._rows[request_id] = _Row(owner, now + lease_s, now, origin)

    def renew(self, owner: str, lease_s: float) -> int:
        """Extend the leases of every request `owner` has begun and not finished; how many."""
        now = self._clock()
        with self._lock:
            rows = [r for r in self._rows.values() if r.owner == owner and r.origin and not r.done]
            for row in rows:
                row.lease_until = now + lease_s
            return len(rows)

    def finish(self, request_id: str) -> None:
        """The request ended (answered, refused, or its user told it was interrupted)."""
        with self._lock:
            if request_id in self._rows:
                self._rows[request_id].done = True

    def interrupted(self, owner: str, lease_s: float) -> list[tuple[str, Origin]]:
        """Take over every begun request whose lease ran out (its owner died), for `owner` to tell its user."""
        now = self._clock()
        taken = []
        with self._lock:
            for request_id, row in self._rows.items():
                if row.origin is not None and not row.done and row.lease_until <= now:
                    row.owner, row.lease_until = owner, now + lease_s
                    taken.append((request_id, row.origin))
        return taken

    def origin(self, request_id: str) -> Origin | None:
        """Where the request came from, while it is remembered."""
        with self._lock:
            row = self._rows.get(request_id)
            return row.origin if row else None

    def close(self) -> None:
        """Nothing to release."""
