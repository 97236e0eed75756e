"""The router the bot and `curator route` use: MiniLM exemplars and, with credentials, Gemini's second opinion."""

from __future__ import annotations

from typing import Any

from bot.config import Settings
from bot.routing.router import Router
from bot.routing.semantic import TextEmbedder


def build_router(settings: Settings, embedder: TextEmbedder | None = None, google_client: Any = None) -> Router:
    """A router over `embedder` (default: a new offline MiniLM, loaded on first use); with Google credentials
    and ROUTER_SECOND_OPINION, unsure messages go to ROUTER_MODEL (default ANSWER_MODEL) through the given
    genai client, or one built here."""
    if embedder is None:
        from bot.providers.local_embedder import LocalEmbedder

        embedder = LocalEmbedder()
    opinion = None
    if settings.uses_google and settings.router_second_opinion:
        from bot.routing.gemini_router import GeminiRouter

        if google_client is None:
            from bot.providers.google_client import build_genai_client

            google_client = build_genai_client(settings)
        opinion = GeminiRouter(google_client, settings.router_model or settings.answer_model, settings.router_timeout_s)
    return Router(embedder, opinion)
