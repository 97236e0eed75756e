"""What the draw flow remembers: each drawing (for buttons and edits in its thread) and the usage ledger.

SQLite beside the bot state; every method is one short transaction, so a shared database can replace it.
Image bytes live on disk under the images folder; rows hold their paths.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bot.types import DrawRequest, GeneratedImage

_SCHEMA = [
    ("CREATE TABLE IF NOT EXISTS drawings (drawing_id TEXT PRIMARY KEY, channel TEXT, thread_ts TEXT, user TEXT,"
     " request TEXT, model TEXT, paths TEXT, parent_id TEXT, created_at REAL)"),
    "CREATE INDEX IF NOT EXISTS drawings_by_thread ON drawings (channel, thread_ts, created_at)",
    ("CREATE TABLE IF NOT EXISTS usage (reservation_id TEXT PRIMARY KEY, user TEXT, day TEXT, model TEXT,"
     " images INTEGER, tokens INTEGER, cost_usd REAL, status TEXT, at REAL)"),
]


@dataclass(frozen=True)
class Drawing:
    """A finished drawing: who asked for what, where, and the image files."""

    drawing_id: str
    channel: str
    thread_ts: str
    user: str
    request: DrawRequest
    model: str
    paths: tuple[Path, ...]
    created_at: float = 0.0

    def first_image(self) -> GeneratedImage:
        """The first image, to edit or vary."""
        return GeneratedImage(self.paths[0].read_bytes(), "image/png")


@dataclass(frozen=True)
class UsageRow:
    """One line of `curator usage`."""

    day: str
    user: str
    model: str
    images: int
    tokens: int
    cost_usd: float


def today() -> str:
    """The quota day (UTC)."""
    return datetime.now(UTC).strftime("%Y-%m-%d")


class DrawingRecords:
    """Drawings by thread, and a usage ledger that also enforces the per-user daily quota."""

    def __init__(self, db_path: Path, images_dir: Path) -> None:
        db_path.parent.mkdir(parents=True, exist_ok=True)
        images_dir.mkdir(parents=True, exist_ok=True)
        self._images_dir = images_dir
        self._db = sqlite3.connect(db_path, check_same_thread=False, timeout=10)
        self._lock = threading.Lock()
        with self._lock, self._db:
            for statement in _SCHEMA:
                self._db.execute(statement)

    def reserve(self, user: str, images: int, quota: int) -> str | None:
        """Hold `images` of today's quota for `user`; None when that would exceed `quota`."""
        reservation = uuid.uuid4().hex
        with self._lock, self._db:
            (used,) = self._db.execute(
                "SELECT COALESCE(SUM(images), 0) FROM usage WHERE user = ? AND day = ? AND status != 'cancelled'",
                (user, today()),
            ).fetchone()
            if used + images > quota:
                return None
            self._db.execute(
                "INSERT INTO usage VALUES (?, ?, ?, '', ?, 0, 0, 'reserved', ?)",
                (reservation, user, today(), images, time.time()),
            )
        return reservation

    def used_today(self, user: str) -> int:
        """Images drawn or in progress for `user` today."""
        with self._lock:
            (used,) = self._db.execute(
                "SELECT COALESCE(SUM(images), 0) FROM usage WHERE user = ? AND day = ? AND status != 'cancelled'",
                (user, today()),
            ).fetchone()
        return used

    def settle(self, reservation: str, model: str, images: int, tokens: int, cost_usd: float) -> None:
        """Record what a reserved drawing really produced and cost."""
        with self._lock, self._db:
            self._db.execute(
                "UPDATE usage SET model = ?, images = ?, tokens = ?, cost_usd = ?, status = 'done' WHERE reservation_id = ?",
                (model, images, tokens, cost_usd, reservation),
            )

    def cancel(self, reservation: str) -> None:
        """Give back a reservation whose drawing failed."""
        with self._lock, self._db:
            self._db.execute("UPDATE usage SET status = 'cancelled' WHERE reservation_id = ?", (reservation,))

    def save(self, channel: str, thread_ts: str, user: str, request: DrawRequest, model: str,
             images: list[GeneratedImage], parent_id: str | None = None) -> Drawing:
        """Keep the images on disk and the drawing's record; returns the drawing."""
        drawing_id = uuid.uuid4().hex[:12]
        paths = []
        for index, image in enumerate(images):
            path = self._images_dir / f"{drawing_id}-{index}{_suffix(image.mime_type)}"
            path.write_bytes(image.data)
            paths.append(path)
        created_at = time.time()
        with self._lock, self._db:
            self._db.execute(
                "INSERT INTO drawings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (drawing_id, channel, thread_ts, user, json.dumps(request.__dict__), model,
                 json.dumps([str(p) for p in paths]), parent_id, created_at),
            )
        return Drawing(drawing_id, channel, thread_ts, user, request, model, tuple(paths), created_at)

    def get(self, drawing_id: str) -> Drawing | None:
        """A drawing by id."""
        with self._lock:
            row = self._db.execute("SELECT * FROM drawings WHERE drawing_id = ?", (drawing_id,)).fetchone()
        return _drawing(row) if row else None

    def with_image(self, path: str) -> Drawing | None:
        """The drawing one of whose images is stored at `path` (files are named `<drawing id>-<n>.<ext>`)."""
        drawing = self.get(Path(path).stem.rsplit("-", 1)[0])
        return drawing if drawing and any(str(p) == path for p in drawing.paths) else None

    def last_in_thread(self, channel: str, thread_ts: str) -> Drawing | None:
        """The newest drawing of a thread, which a reply like "make the sky purple" edits."""
        with self._lock:
            row = self._db.execute(
                "SELECT * FROM drawings WHERE channel = ? AND thread_ts = ? ORDER BY created_at DESC LIMIT 1",
                (channel, thread_ts),
            ).fetchone()
        return _drawing(row) if row else None

    def all(self) -> list[Drawing]:
        """Every drawing, oldest first (to index them again in a new embedding space)."""
        with self._lock:
            rows = self._db.execute("SELECT * FROM drawings ORDER BY created_at").fetchall()
        return [_drawing(row) for row in rows]

    def usage(self, days: int = 30) -> list[UsageRow]:
        """Images, tokens and estimated cost per day, user and model, newest first."""
        since = datetime.fromtimestamp(time.time() - days * 86400, UTC).strftime("%Y-%m-%d")
        with self._lock:
            rows = self._db.execute(
                "SELECT day, user, model, SUM(images), SUM(tokens), SUM(cost_usd) FROM usage"
                " WHERE status = 'done' AND day >= ? GROUP BY day, user, model ORDER BY day DESC, user",
                (since,),
            ).fetchall()
        return [UsageRow(*row) for row in rows]

    def close(self) -> None:
        """Close the database once no other thread is using it (later calls raise sqlite3.ProgrammingError)."""
        with self._lock:
            self._db.close()


def _drawing(row: tuple) -> Drawing:
    drawing_id, channel, thread_ts, user, request, model, paths, _, created_at = row
    return Drawing(drawing_id, channel, thread_ts, user, DrawRequest(**json.loads(request)), model,
                   tuple(Path(p) for p in json.loads(paths)), created_at)


def _suffix(mime_type: str) -> str:
    return {"image/jpeg": ".jpg", "image/webp": ".webp"}.get(mime_type, ".png")
