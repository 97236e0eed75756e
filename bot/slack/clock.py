"""Time for pacing Slack calls: the monotonic clock, or one that runs faster (tests and benchmarks).

The bot's pacer and the Slack emulator read the same clock, so a test can play a minute of Slack's
rate tiers in a few seconds: limits, `Retry-After` and deadlines are all in clock seconds.
"""

from __future__ import annotations

import threading
import time


class Clock:
    """Monotonic seconds, and the real time a wait of that many clock seconds takes."""

    speed = 1.0

    def now(self) -> float:
        """Clock seconds since an arbitrary start."""
        return time.monotonic()

    def real(self, seconds: float) -> float:
        """How many real seconds `seconds` of this clock take."""
        return seconds / self.speed

    def wait(self, condition: threading.Condition, seconds: float | None) -> None:
        """Wait on `condition` (held) until notified or `seconds` of this clock passed (None: no limit)."""
        condition.wait(None if seconds is None else max(0.0, self.real(seconds)))


class ScaledClock(Clock):
    """A clock running `speed` times faster than real time: Slack's minute in 60/speed real seconds."""

    def __init__(self, speed: float) -> None:
        if speed <= 0:
            raise ValueError("a clock's speed must be positive")
        self.speed = speed
        self._start = time.monotonic()

    def now(self) -> float:
        """Clock seconds since this clock was made."""
        return (time.monotonic() - self._start) * self.speed


MONOTONIC = Clock()
