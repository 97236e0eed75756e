"""Small durable state the bot needs between events: delivered events, threads joined, answers, feedback,
and routing offers with the button people pressed (labelled data for the router).

SQLite by default. Every method is one short transaction keyed so that a shared database can replace this
class when several bot replicas run (the claim in `claim_event` is an atomic insert).
"""

from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import astuple, dataclass
from pathlib import Path

EVENT_TTL_S = 24 * 3600  # Slack retries within minutes; a day of event ids is plenty
PURGE_EVERY_S = 600

_SCHEMA = [
    "CREATE TABLE IF NOT EXISTS events (event_id TEXT PRIMARY KEY, seen_at REAL)",
    "CREATE TABLE IF NOT EXISTS threads (channel TEXT, thread_ts TEXT, joined_at REAL, PRIMARY KEY (channel, thread_ts))",
    ("CREATE TABLE IF NOT EXISTS answers (answer_id TEXT PRIMARY KEY, channel TEXT, thread_ts TEXT, question TEXT,"
    " cited TEXT, answered_at REAL)"),
    ("CREATE TABLE IF NOT EXISTS feedback (answer_id TEXT, user TEXT, vote TEXT, channel TEXT, message_ts TEXT,"
    " recorded_at REAL, PRIMARY KEY (answer_id, user))"),
    ("CREATE TABLE IF NOT EXISTS route_offers (route_id TEXT PRIMARY KEY, channel TEXT, thread_ts TEXT,"
    " message_ts TEXT, user TEXT, text TEXT, kind TEXT, alternative TEXT, confidence REAL, offered_at REAL)"),
    ("CREATE TABLE IF NOT EXISTS route_switches (route_id TEXT PRIMARY KEY, user TEXT, from_kind TEXT, to_kind TEXT,"
    " text TEXT, switched_at REAL)"),
]


@dataclass(frozen=True)
class RouteOffer:
    """A request routed while unsure, and the other reading offered with one button."""

    route_id: str
    channel: str
    thread_ts: str
    message_ts: str  # the user's message
    user: str
    text: str  # the message as the user wrote it
    kind: str
    alternative: str
    confidence: float


class StateStore:
    """SQLite-backed bot state, safe to share between listener threads."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False, timeout=10)
        self._lock = threading.Lock()
        self._purged_at = 0.0
        with self._lock, self._db:
            self._db.execute("PRAGMA journal_mode=WAL")
            # WAL + NORMAL: commits don't fsync; a power cut can lose the last moments of state, which for
            # de-dup and feedback is the right trade for a fast ack path.
            self._db.execute("PRAGMA synchronous=NORMAL")
            for statement in _SCHEMA:
                self._db.execute(statement)

    def claim_event(self, event_id: str) -> bool:
        """True the first time an event id is seen; False for a duplicate delivery or a retry of it."""
        now = time.time()
        with self._lock, self._db:
            cursor = self._db.execute("INSERT OR IGNORE INTO events VALUES (?, ?)", (event_id, now))
            if now - self._purged_at > PURGE_EVERY_S:
                self._db.execute("DELETE FROM events WHERE seen_at < ?", (now - EVENT_TTL_S,))
                self._purged_at = now
            return cursor.rowcount == 1

    def join_thread(self, channel: str, thread_ts: str) -> None:
        """Remember that the bot takes part in this thread, so follow-ups need no new @mention."""
        with self._lock, self._db:
            self._db.execute("INSERT OR IGNORE INTO threads VALUES (?, ?, ?)", (channel, thread_ts, time.time()))

    def in_thread(self, channel: str, thread_ts: str) -> bool:
        """Whether the bot has replied in this thread before."""
        with self._lock:
            row = self._db.execute(
                "SELECT 1 FROM threads WHERE channel = ? AND thread_ts = ?", (channel, thread_ts)
            ).fetchone()
        return row is not None

    def record_answer(self, answer_id: str, channel: str, thread_ts: str, question: str, cited: list[str]) -> None:
        """Keep what was asked and which documents the answer cited, so feedback can be traced to it."""
        with self._lock, self._db:
            self._db.execute(
                "INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?, ?, ?)",
                (answer_id, channel, thread_ts, question, "\n".join(cited), time.time()),
            )

    def record_feedback(self, answer_id: str, user: str, vote: str, channel: str, message_ts: str) -> None:
        """Store a user's vote on an answer; a second click by the same user replaces the first."""
        with self._lock, self._db:
            self._db.execute(
                "INSERT OR REPLACE INTO feedback VALUES (?, ?, ?, ?, ?, ?)",
                (answer_id, user, vote, channel, message_ts, time.time()),
            )

    def feedback(self, answer_id: str) -> dict[str, str]:
        """Votes on one answer, by user."""
        with self._lock:
            rows = self._db.execute("SELECT user, vote FROM feedback WHERE answer_id = ?", (answer_id,)).fetchall()
        return dict(rows)

    def last_answer_at(self, channel: str, thread_ts: str) -> float | None:
        """When the bot last answered in this thread (None: never)."""
        with self._lock:
            row = self._db.execute(
                "SELECT MAX(answered_at) FROM answers WHERE channel = ? AND thread_ts = ?", (channel, thread_ts)
            ).fetchone()
        return row[0]

    def record_offer(self, offer: RouteOffer) -> None:
        """Remember an unsure routing and the reading its button offers."""
        with self._lock, self._db:
            self._db.execute("INSERT OR REPLACE INTO route_offers VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                             (*astuple(offer), time.time()))

    def offer(self, route_id: str) -> RouteOffer | None:
        """An offer by id."""
        with self._lock:
            row = self._db.execute("SELECT * FROM route_offers WHERE route_id = ?", (route_id,)).fetchone()
        return RouteOffer(*row[:-1]) if row else None

    def claim_switch(self, offer: RouteOffer, user: str) -> bool:
        """Record that `user` pressed the offer's button; False if it was pressed before (the switch runs once).

        Each row is labelled data: this text meant `to_kind`, not the `from_kind` the router chose."""
        with self._lock, self._db:
            cursor = self._db.execute(
                "INSERT OR IGNORE INTO route_switches VALUES (?, ?, ?, ?, ?, ?)",
                (offer.route_id, user, offer.kind, offer.alternative, offer.text, time.time()),
            )
        return cursor.rowcount == 1

    def switched(self, route_id: str) -> bool:
        """Whether the offer's button was pressed."""
        with self._lock:
            row = self._db.execute("SELECT 1 FROM route_switches WHERE route_id = ?", (route_id,)).fetchone()
        return row is not None

    def switches(self) -> list[tuple[str, str, str]]:
        """Every press so far as (text, from_kind, to_kind), oldest first: the router's labelled data."""
        with self._lock:
            return self._db.execute(
                "SELECT text, from_kind, to_kind FROM route_switches ORDER BY switched_at").fetchall()

    def close(self) -> None:
        """Close the database once no other thread is using it (later calls raise sqlite3.ProgrammingError)."""
        with self._lock:
            self._db.close()
