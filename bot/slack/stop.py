"""Slack's Stop button: who is working in which thread, so that a click cancels exactly that work.

Slack stops nothing by itself (docs.slack.dev/reference/events/agent_session_stopped): the app must stop
reading the model, drop the queued drawing and move the session out of ``processing``. Work registers a
:class:`StopSignal` for its thread; the ``agent_session_stopped`` listener calls :meth:`StopSignals.stop`.
In one process; with several replicas the click lands on any of them, so the signal would have to travel
(pub/sub keyed by thread).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator


class StopSignal:
    """Set when the user clicks Stop in the thread; listeners hear it at once (a queue wakes up)."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._listeners: list[Callable[[], None]] = []

    def is_set(self) -> bool:
        """Whether the user stopped this work."""
        return self._event.is_set()

    def on_stop(self, listener: Callable[[], None]) -> None:
        """Call `listener` when Stop is clicked (at once if it already was)."""
        self._listeners.append(listener)
        if self.is_set():
            listener()

    def set(self) -> None:
        """The user clicked Stop."""
        self._event.set()
        for listener in list(self._listeners):
            listener()


class StopSignals:
    """The stop signals of the work running in each thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: dict[tuple[str, str], list[StopSignal]] = {}

    @contextlib.contextmanager
    def watching(self, channel: str, thread_ts: str) -> Iterator[StopSignal]:
        """A signal for work in this thread, registered while the block runs."""
        signal, key = StopSignal(), (channel, thread_ts)
        with self._lock:
            self._running.setdefault(key, []).append(signal)
        try:
            yield signal
        finally:
            with self._lock:
                self._running[key].remove(signal)
                if not self._running[key]:
                    del self._running[key]

    def stop(self, channel: str, thread_ts: str) -> int:
        """Stop all work in the thread; how many pieces of work were running."""
        with self._lock:
            signals = list(self._running.get((channel, thread_ts), []))
        for signal in signals:
            signal.set()
        return len(signals)
