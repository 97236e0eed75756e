"""Build the Bolt app: one Web API client with timeouts and retries, a big executor, de-dup, listeners."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from slack_bolt import App, BoltResponse
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.config import Settings
from bot.services import Services

log = logging.getLogger(__name__)


def build_web_client(settings: Settings) -> WebClient:
    """A WebClient for SLACK_API_URL with a timeout and bounded retries (connection, 429, 5xx)."""
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    return WebClient(
        token=token,
        base_url=settings.slack_api_url,
        timeout=settings.slack_timeout_s,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=2),
            ServerErrorRetryHandler(max_retry_count=2),
        ],
    )


def build_app(settings: Settings, services: Services, client: WebClient | None = None) -> App:
    """The Bolt app with every Curator listener registered; makes no network call until a request arrives."""
    from handlers import register_all

    signing_secret = settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else ""
    app = App(
        client=client or build_web_client(settings),
        signing_secret=signing_secret,
        token_verification_enabled=False,  # auth.test runs lazily on the first request, not at start-up
        # Bolt's default is 5 workers; model calls take seconds, so tens of them must run at once.
        listener_executor=ThreadPoolExecutor(max_workers=settings.slack_workers, thread_name_prefix="curator"),
    )
    app.use(_drop_duplicate_deliveries(services))
    register_all(app, services)
    return app


def _drop_duplicate_deliveries(services: Services) -> Any:
    """Ack a repeated event_id (a Slack retry or a duplicate) without answering twice; one whose process died
    (its lease ran out) is served here instead. The listeners get the id as ``context["request_id"]``."""

    def middleware(body: dict, context: Any, next: Any, logger: logging.Logger) -> Any:
        event_id = body.get("event_id") if isinstance(body, dict) else None
        if event_id:
            if not services.requests.claim(event_id):
                logger.info("duplicate delivery of %s acknowledged and skipped", event_id)
                return BoltResponse(status=200, body="")
            context["request_id"] = event_id
        return next()

    return middleware
