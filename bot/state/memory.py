"""The state stores in memory (BotState and DrawingLedger): for fast tests and throwaway runs; one process,
nothing persists. Each method holds one lock, so every claim and reservation is atomic."""

from __future__ import annotations

import threading
import time
import uuid
from collections import defaultdict
from datetime import UTC, datetime

from bot.state.base import Drawing, ImageFiles, RouteOffer, UsageRow, today
from bot.types import DrawRequest, GeneratedImage


class MemoryState:
    """Delivered events, threads, answers, feedback and routing offers, in dicts."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._events: set[str] = set()
        self._threads: set[tuple[str, str]] = set()
        self._answered: dict[tuple[str, str], float] = {}
        self.answers: dict[str, tuple[str, str, str, list[str]]] = {}  # id -> channel, thread, question, cited
        self._votes: dict[str, dict[str, str]] = defaultdict(dict)
        self._offers: dict[str, RouteOffer] = {}
        self._switches: dict[str, tuple[str, str, str]] = {}

    def claim_event(self, event_id: str) -> bool:
        """True the first time an event id is seen."""
        with self._lock:
            first = event_id not in self._events
            self._events.add(event_id)
        return first

    def join_thread(self, channel: str, thread_ts: str) -> None:
        """Remember that the bot takes part in this thread."""
        with self._lock:
            self._threads.add((channel, thread_ts))

    def in_thread(self, channel: str, thread_ts: str) -> bool:
        """Whether the bot has replied in this thread before."""
        return (channel, thread_ts) in self._threads

    def record_answer(self, answer_id: str, channel: str, thread_ts: str, question: str, cited: list[str]) -> None:
        """Keep what was asked and which documents the answer cited, and when."""
        with self._lock:
            self.answers[answer_id] = (channel, thread_ts, question, list(cited))
            self._answered[(channel, thread_ts)] = time.time()

    def record_feedback(self, answer_id: str, user: str, vote: str, channel: str, message_ts: str) -> None:
        """A user's vote; a second click replaces the first."""
        with self._lock:
            self._votes[answer_id][user] = vote

    def feedback(self, answer_id: str) -> dict[str, str]:
        """Votes on one answer, by user."""
        return dict(self._votes.get(answer_id, {}))

    def last_answer_at(self, channel: str, thread_ts: str) -> float | None:
        """When the bot last answered in this thread (None: never)."""
        return self._answered.get((channel, thread_ts))

    def record_offer(self, offer: RouteOffer) -> None:
        """Remember an unsure routing."""
        with self._lock:
            self._offers[offer.route_id] = offer

    def offer(self, route_id: str) -> RouteOffer | None:
        """An offer by id."""
        return self._offers.get(route_id)

    def claim_switch(self, offer: RouteOffer, user: str) -> bool:
        """Record the press of the offer's button; False if it was pressed before."""
        with self._lock:
            if offer.route_id in self._switches:
                return False
            self._switches[offer.route_id] = (offer.text, offer.kind, offer.alternative)
        return True

    def switched(self, route_id: str) -> bool:
        """Whether the offer's button was pressed."""
        return route_id in self._switches

    def switches(self) -> list[tuple[str, str, str]]:
        """Every press so far, oldest first."""
        return list(self._switches.values())

    def close(self) -> None:
        """Nothing to release."""


class MemoryDrawings:
    """Drawings and the usage ledger in lists; image bytes go to `files`."""

    def __init__(self, files: ImageFiles) -> None:
        self._files = files
        self._lock = threading.Lock()
        self._drawings: dict[str, Drawing] = {}
        self._usage: dict[str, dict] = {}  # reservation -> user, day, model, images, tokens, cost, status

    def reserve(self, user: str, images: int, quota: int) -> str | None:
        """Hold `images` of today's quota for `user`; None when that would exceed `quota`."""
        with self._lock:
            if self._used(user) + images > quota:
                return None
            reservation = uuid.uuid4().hex
            self._usage[reservation] = {"user": user, "day": today(), "model": "", "images": images, "tokens": 0,
                                        "cost": 0.0, "status": "reserved"}
        return reservation

    def _used(self, user: str) -> int:
        return sum(u["images"] for u in self._usage.values()
                   if u["user"] == user and u["day"] == today() and u["status"] != "cancelled")

    def used_today(self, user: str) -> int:
        """Images drawn or in progress for `user` today."""
        with self._lock:
            return self._used(user)

    def settle(self, reservation: str, model: str, images: int, tokens: int, cost_usd: float) -> None:
        """Record what a reserved drawing really produced and cost."""
        with self._lock:
            self._usage[reservation].update(model=model, images=images, tokens=tokens, cost=cost_usd, status="done")

    def cancel(self, reservation: str) -> None:
        """Give back a reservation."""
        with self._lock:
            self._usage[reservation]["status"] = "cancelled"

    def save(self, channel: str, thread_ts: str, user: str, request: DrawRequest, model: str,
             images: list[GeneratedImage], parent_id: str | None = None) -> Drawing:
        """Keep the images and the drawing."""
        drawing_id = uuid.uuid4().hex[:12]
        paths = tuple(self._files.write(f"{drawing_id}-{index}", image) for index, image in enumerate(images))
        drawing = Drawing(drawing_id, channel, thread_ts, user, request, model, paths, time.time())
        with self._lock:
            self._drawings[drawing_id] = drawing
        return drawing

    def get(self, drawing_id: str) -> Drawing | None:
        """A drawing by id."""
        return self._drawings.get(drawing_id)

    def with_image(self, path: str) -> Drawing | None:
        """The drawing one of whose images is stored at `path`."""
        return next((d for d in self.all() if any(str(p) == path for p in d.paths)), None)

    def last_in_thread(self, channel: str, thread_ts: str) -> Drawing | None:
        """The newest drawing of a thread."""
        return next((d for d in reversed(self.all()) if (d.channel, d.thread_ts) == (channel, thread_ts)), None)

    def all(self) -> list[Drawing]:
        """Every drawing, oldest first."""
        return sorted(self._drawings.values(), key=lambda d: d.created_at)

    def usage(self, days: int = 30) -> list[UsageRow]:
        """Images, tokens and cost per day, user and model, newest first."""
        since = datetime.fromtimestamp(time.time() - days * 86400, UTC).strftime("%Y-%m-%d")
        rows: dict[tuple[str, str, str], list[float]] = defaultdict(lambda: [0, 0, 0.0])
        with self._lock:
            for u in self._usage.values():
                if u["status"] == "done" and u["day"] >= since:
                    row = rows[(u["day"], u["user"], u["model"])]
                    row[0] += u["images"]
                    row[1] += u["tokens"]
                    row[2] += u["cost"]
        ordered = sorted(rows.items(), key=lambda item: item[0][1])  # by user, then newest day first (stable)
        ordered.sort(key=lambda item: item[0][0], reverse=True)
        return [UsageRow(day, user, model, int(i), int(t), c) for (day, user, model), (i, t, c) in ordered]

    def close(self) -> None:
        """Nothing to release."""
