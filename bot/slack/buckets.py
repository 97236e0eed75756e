"""Token buckets: a rate per minute with a burst, and a block until a `Retry-After` has passed."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class TokenBucket:
    """`burst` calls at once, refilled at `per_minute`; times are clock seconds passed in by the caller."""

    per_minute: float
    burst: float
    tokens: float = -1.0  # -1: full
    stamp: float = 0.0
    blocked_until: float = 0.0

    def __post_init__(self) -> None:
        if self.tokens < 0:
            self.tokens = self.burst

    def _refill(self, now: float) -> None:
        if now > self.stamp:
            self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.per_minute / 60)
            self.stamp = now

    def ready_at(self, now: float) -> float:
        """The earliest time a call may be made (now, if one may be made now)."""
        self._refill(now)
        refill = 0.0 if self.tokens >= 1 else (1 - self.tokens) * 60 / self.per_minute
        return max(now + refill, self.blocked_until)

    def left(self, now: float) -> float:
        """How many calls could be made at once now."""
        self._refill(now)
        return 0.0 if self.blocked_until > now else self.tokens

    def take(self, now: float) -> bool:
        """Spend one call if one may be made now."""
        if self.ready_at(now) > now:
            return False
        self.tokens -= 1
        return True

    def block(self, until: float) -> None:
        """Allow no call before `until` (Slack answered 429 with a Retry-After)."""
        self.blocked_until = max(self.blocked_until, until)
