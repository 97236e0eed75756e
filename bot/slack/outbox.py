"""Where replies leave from: the process's one pacer, the Stop signals, and the answer timings."""

from __future__ import annotations

import copy
import threading
from collections.abc import Mapping

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from bot.config import Settings
from bot.slack.clock import MONOTONIC, Clock
from bot.slack.limits import METHOD_RATES, Rate
from bot.slack.pacer import Job, Pacer
from bot.slack.stop import StopSignals


class Outbox:
    """The pacer (per-workspace tiers), Stop signals and deadlines shared by every reply of the app."""

    def __init__(self, settings: Settings, clock: Clock = MONOTONIC,
                 rates: Mapping[str, tuple[Rate, ...]] | None = METHOD_RATES) -> None:
        self.pacer = Pacer(clock=clock, rates=rates)
        self.stops = StopSignals()
        self.deadline_s = settings.slack_answer_deadline_s
        self.stop_after_s = settings.slack_stop_button_after_s
        self.first_text_s = settings.answer_first_text_deadline_s
        self.still_working_s = settings.answer_still_working_after_s
        self._clients: dict[tuple, WebClient] = {}
        self._lock = threading.Lock()

    @property
    def clock(self) -> Clock:
        """The pacer's clock."""
        return self.pacer.clock

    def client_for(self, client: WebClient) -> WebClient:
        """`client` without RateLimitErrorRetryHandler, whose 429 sleep would hold a sender: the pacer waits."""
        key = (client.token, client.base_url, client.default_params.get("team_id"))
        with self._lock:
            if key not in self._clients:
                quiet = copy.copy(client)
                quiet.retry_handlers = [h for h in client.retry_handlers if not isinstance(h, RateLimitErrorRetryHandler)]
                self._clients[key] = quiet
            return self._clients[key]

    def submit(self, job: Job) -> Job:
        """Deliver `job`."""
        return self.pacer.submit(job)

    def close(self) -> None:
        """Stop delivering."""
        self.pacer.close()
