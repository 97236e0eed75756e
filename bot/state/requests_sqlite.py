"""The request lifecycle (RequestLedger) in SQLite, beside the bot state: each method is one transaction, so
two processes sharing the file never both take one request."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import asdict
from pathlib import Path

from bot.state.requests import PURGE_EVERY_S, REQUEST_TTL_S, Claim, Origin
from bot.state.sqlite import open_sqlite

_SCHEMA = [
    ("CREATE TABLE IF NOT EXISTS requests (request_id TEXT PRIMARY KEY, owner TEXT, lease_until REAL,"
     " seen_at REAL, origin TEXT, done INTEGER DEFAULT 0)"),
    "CREATE INDEX IF NOT EXISTS requests_open ON requests (done, lease_until)",
]


class SqliteRequests:
    """RequestLedger in SQLite, safe to share between threads and processes."""

    def __init__(self, path: Path, clock=time.time) -> None:
        self._db = open_sqlite(path, _SCHEMA)
        self._lock = threading.Lock()
        self._clock = clock
        self._purged_at = 0.0

    def claim(self, request_id: str, owner: str, lease_s: float) -> Claim:
        """Claim a delivery for `owner` for `lease_s` seconds, unless it is done or another lease runs."""
        now = self._clock()
        with self._lock, self._db:
            self._purge(now)
            if self._db.execute("INSERT OR IGNORE INTO requests (request_id, owner, lease_until, seen_at)"
                                " VALUES (?, ?, ?, ?)", (request_id, owner, now + lease_s, now)).rowcount:
                return Claim.NEW
            if self._db.execute("UPDATE requests SET owner = ?, lease_until = ? WHERE request_id = ? AND done = 0"
                                " AND lease_until <= ?", (owner, now + lease_s, request_id, now)).rowcount:
                return Claim.TAKEN_OVER
            done = self._db.execute("SELECT done FROM requests WHERE request_id = ?", (request_id,)).fetchone()
            return Claim.DONE if done and done[0] else Claim.HELD

    def begin(self, request_id: str, owner: str, lease_s: float, origin: Origin) -> None:
        """The bot took the request on: it is `owner`'s, with a lease, and its user is known."""
        now = self._clock()
        with self._lock, self._db:
            self._db.execute(
                "INSERT INTO requests VALUES (?, ?, ?, ?, ?, 0) ON CONFLICT (request_id) DO UPDATE SET"
                " owner = excluded.owner, lease_until = excluded.lease_until, origin = excluded.origin, done = 0",
                (request_id, owner, now + lease_s, now, json.dumps(asdict(origin))))

    def renew(self, owner: str, lease_s: float) -> int:
        """Extend the leases of every request `owner` has begun and not finished; how many."""
        with self._lock, self._db:
            return self._db.execute("UPDATE requests SET lease_until = ? WHERE owner = ? AND done = 0"
                                    " AND origin IS NOT NULL", (self._clock() + lease_s, owner)).rowcount

    def finish(self, request_id: str) -> None:
        """The request ended (answered, refused, or its user told it was interrupted)."""
        with self._lock, self._db:
            self._db.execute("UPDATE requests SET done = 1 WHERE request_id = ?", (request_id,))

    def interrupted(self, owner: str, lease_s: float) -> list[tuple[str, Origin]]:
        """Take over every begun request whose lease ran out (its owner died), for `owner` to tell its user."""
        now = self._clock()
        with self._lock, self._db:
            rows = self._db.execute(
                "UPDATE requests SET owner = ?, lease_until = ? WHERE done = 0 AND origin IS NOT NULL"
                " AND lease_until <= ? RETURNING request_id, origin", (owner, now + lease_s, now)).fetchall()
        return [(request_id, _origin(origin)) for request_id, origin in rows]

    def origin(self, request_id: str) -> Origin | None:
        """Where the request came from, while it is remembered."""
        with self._lock:
            row = self._db.execute("SELECT origin FROM requests WHERE request_id = ?", (request_id,)).fetchone()
        return _origin(row[0]) if row and row[0] else None

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()

    def _purge(self, now: float) -> None:
        if now - self._purged_at > PURGE_EVERY_S:
            self._db.execute("DELETE FROM requests WHERE seen_at < ?", (now - REQUEST_TTL_S,))
            self._purged_at = now


def _origin(stored: str) -> Origin:
    values = json.loads(stored)
    return Origin(**values | {"files": tuple(values.get("files") or ())})
