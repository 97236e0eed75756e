"""The state seam: what the bot keeps between events (BotState), what drawing keeps (DrawingLedger: drawings
and the quota ledger), where image bytes go (ImageFiles) and the draw slots (DrawSlots). Implementations:
SQLite (bot.state.sqlite, bot.state.drawings), in memory (bot.state.memory), slots in one process
(bot.state.slots). A store shared by several processes (e.g. Redis) implements the same protocols.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from bot.types import DrawRequest, GeneratedImage


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


class BotState(Protocol):
    """Delivered events, threads joined, answers, feedback and routing offers. Every method is atomic."""

    def claim_event(self, event_id: str) -> bool:
        """True the first time an event id is seen; False for a duplicate delivery or a retry of it."""
        ...

    def join_thread(self, channel: str, thread_ts: str) -> None:
        """Remember that the bot takes part in this thread, so follow-ups need no new @mention."""
        ...

    def in_thread(self, channel: str, thread_ts: str) -> bool:
        """Whether the bot has replied in this thread before."""
        ...

    def record_answer(self, answer_id: str, channel: str, thread_ts: str, question: str, cited: list[str]) -> None:
        """Keep what was asked and which documents the answer cited."""
        ...

    def record_feedback(self, answer_id: str, user: str, vote: str, channel: str, message_ts: str) -> None:
        """Store a user's vote on an answer; a second click by the same user replaces the first."""
        ...

    def feedback(self, answer_id: str) -> dict[str, str]:
        """Votes on one answer, by user."""
        ...

    def last_answer_at(self, channel: str, thread_ts: str) -> float | None:
        """When the bot last answered in this thread (None: never)."""
        ...

    def record_offer(self, offer: RouteOffer) -> None:
        """Remember an unsure routing and the reading its button offers."""
        ...

    def offer(self, route_id: str) -> RouteOffer | None:
        """An offer by id."""
        ...

    def claim_switch(self, offer: RouteOffer, user: str) -> bool:
        """Record that `user` pressed the offer's button; False if it was pressed before."""
        ...

    def switched(self, route_id: str) -> bool:
        """Whether the offer's button was pressed."""
        ...

    def switches(self) -> list[tuple[str, str, str]]:
        """Every press so far as (text, from_kind, to_kind), oldest first."""
        ...

    def close(self) -> None:
        """Release the store."""
        ...


class ImageFiles(Protocol):
    """Where drawn images are kept: a path every process serving the workspace can read."""

    def write(self, name: str, image: GeneratedImage) -> Path:
        """Keep `image` as `name` (plus its suffix); returns where it is."""
        ...


class DrawingLedger(Protocol):
    """Drawings by thread, and the usage ledger that enforces the per-user daily quota."""

    def reserve(self, user: str, images: int, quota: int) -> str | None:
        """Hold `images` of today's quota for `user`, atomically; None when that would exceed `quota`."""
        ...

    def used_today(self, user: str) -> int:
        """Images drawn or in progress for `user` today."""
        ...

    def settle(self, reservation: str, model: str, images: int, tokens: int, cost_usd: float) -> None:
        """Record what a reserved drawing really produced and cost."""
        ...

    def cancel(self, reservation: str) -> None:
        """Give back a reservation whose drawing failed or was stopped."""
        ...

    def save(self, channel: str, thread_ts: str, user: str, request: DrawRequest, model: str,
             images: list[GeneratedImage], parent_id: str | None = None) -> Drawing:
        """Keep the images and the drawing's record; returns the drawing."""
        ...

    def get(self, drawing_id: str) -> Drawing | None:
        """A drawing by id."""
        ...

    def with_image(self, path: str) -> Drawing | None:
        """The drawing one of whose images is stored at `path`."""
        ...

    def last_in_thread(self, channel: str, thread_ts: str) -> Drawing | None:
        """The newest drawing of a thread."""
        ...

    def all(self) -> list[Drawing]:
        """Every drawing, oldest first."""
        ...

    def usage(self, days: int = 30) -> list[UsageRow]:
        """Images, tokens and estimated cost per day, user and model, newest first."""
        ...

    def close(self) -> None:
        """Release the ledger."""
        ...


class DrawSlots(Protocol):
    """At most N drawings at once; the others wait in line and hear their position."""

    def slot(self, on_position: Callable[[int], None] | None = None, timeout: float = ...,
             cancelled: Callable[[], bool] = ...) -> contextlib.AbstractContextManager[None]:
        """Hold a slot for the block; raises DrawCancelled (never running it) once `cancelled()` while in line."""
        ...

    def wake(self) -> None:
        """Let every waiting caller look again (one of them was cancelled)."""
        ...


class DiskImageFiles:
    """Image files in one folder (shared by processes on one host, or a shared volume)."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder

    def write(self, name: str, image: GeneratedImage) -> Path:
        """Write the bytes as `<name><suffix of its type>`."""
        path = self.folder / f"{name}{_suffix(image.mime_type)}"
        path.write_bytes(image.data)
        return path


def _suffix(mime_type: str) -> str:
    return {"image/jpeg": ".jpg", "image/webp": ".webp"}.get(mime_type, ".png")
