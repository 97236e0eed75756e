"""Slack's rate tiers, enforced: per method, per workspace (and per channel where Slack counts so).

A call past its limit is answered as Slack answers it: HTTP 429, ``{"ok": false, "error": "ratelimited"}``
and ``Retry-After`` in whole seconds (docs.slack.dev/apis/web-api/rate-limits: "a HTTP 429 Too Many
Requests error, and a Retry-After HTTP header containing the number of seconds until you can retry").
The tiers and bursts are ``bot.slack.limits.METHOD_RATES``; a refused call spends nothing.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from bot.slack.buckets import TokenBucket
from bot.slack.clock import Clock
from bot.slack.limits import Rate, rates_of


class RateLimiter:
    """Token buckets keyed by (workspace, method[, channel]) on the emulator's clock."""

    def __init__(self, clock: Clock, overrides: Mapping[str, tuple[Rate, ...]] | None = None) -> None:
        self._clock = clock
        self._overrides = dict(overrides or {})
        self._buckets: dict[tuple[str, ...], TokenBucket] = {}

    def admit(self, team: str, method: str, channel: str) -> int | None:
        """Count one call; or, past a limit, the Retry-After (seconds) to answer with instead."""
        now = self._clock.now()
        buckets = [self._bucket(team, method, channel, rate) for rate in self._overrides.get(method, rates_of(method))]
        ready = max((b.ready_at(now) for b in buckets), default=now)
        if ready > now:
            return max(1, math.ceil(ready - now))
        for bucket in buckets:
            bucket.take(now)
        return None

    def _bucket(self, team: str, method: str, channel: str, rate: Rate) -> TokenBucket:
        key = (team, method, channel) if rate.per_channel else (team, method)
        if key not in self._buckets:
            self._buckets[key] = TokenBucket(rate.per_minute, rate.burst, stamp=self._clock.now())
        return self._buckets[key]
