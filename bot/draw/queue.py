"""A fair, bounded queue for image generation: at most `limit` drawings at once, the rest wait in line."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator

MAX_WAIT_S = 600.0  # a drawing that cannot start within ten minutes is told so instead of waiting forever


class QueueTimeout(Exception):
    """The drawing waited too long for a free slot."""


class DrawCancelled(Exception):
    """The drawing was stopped while it waited in line: it never ran."""


class DrawQueue:
    """First come, first served; waiting callers hear their position whenever it changes."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._running = 0
        self._waiting: list[object] = []
        self._changed = threading.Condition()

    def wake(self) -> None:
        """Let every waiting caller look again (one of them was cancelled)."""
        with self._changed:
            self._changed.notify_all()

    @contextlib.contextmanager
    def slot(self, on_position: Callable[[int], None] | None = None, timeout: float = MAX_WAIT_S,
             cancelled: Callable[[], bool] = lambda: False) -> Iterator[None]:
        """Hold one of the `limit` slots for the duration of the block; `on_position(n)` while in line.

        Raises DrawCancelled, without ever running the block, once `cancelled()` is true while in line
        (call :meth:`wake` when it becomes true).
        """
        ticket = object()
        deadline = time.monotonic() + timeout
        with self._changed:
            self._waiting.append(ticket)
            reported = 0
            while not (self._waiting[0] is ticket and self._running < self._limit):
                if cancelled():
                    self._waiting.remove(ticket)
                    self._changed.notify_all()
                    raise DrawCancelled("stopped while waiting in line")
                position = self._waiting.index(ticket) + 1
                if position != reported and on_position:
                    reported = position
                    self._changed.release()  # never call out (Slack) while holding the lock
                    try:
                        on_position(position)
                    finally:
                        self._changed.acquire()
                    continue
                if not self._changed.wait(max(0.0, deadline - time.monotonic())) and time.monotonic() >= deadline:
                    self._waiting.remove(ticket)
                    self._changed.notify_all()
                    raise QueueTimeout(f"No drawing slot freed up within {timeout:.0f} s")
            self._waiting.pop(0)
            self._running += 1
            self._changed.notify_all()
        try:
            yield
        finally:
            with self._changed:
                self._running -= 1
                self._changed.notify_all()
