"""Pick Google or local providers from the settings; heavy SDKs are imported inside their branch."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.config import Settings
from bot.types import Answerer, Embedder, TermStats

LOCAL_NOTICE = (
    "No Google credentials (GEMINI_API_KEY or GOOGLE_GENAI_USE_VERTEXAI) found: using the offline "
    "providers (MiniLM embeddings, extractive answers)."
)


@dataclass(frozen=True)
class Providers:
    """The embedder and answerer Curator runs with, whether they are the offline ones, and the genai
    client they share (None offline), so other Google features (drawing) reuse it."""

    embedder: Embedder
    answerer: Answerer
    local: bool
    google_client: Any = None
    models: Any = None  # the ModelCatalog shared by every Google feature (None offline)


def embedding_space(settings: Settings) -> tuple[str, int]:
    """The (space id, dimension) the configured embedder produces, known before building it: the model id,
    plus how texts are prepared for it when that changes the vectors (see gemini_embedder.space_id)."""
    if settings.uses_google:
        from bot.providers.gemini_embedder import space_id

        return space_id(settings.embedding_model), settings.embedding_dim
    from bot.providers import local_embedder

    return local_embedder.MODEL_ID, local_embedder.DIMENSION


def build_providers(settings: Settings, vocabulary: TermStats | None = None) -> Providers:
    """Google providers when credentials are configured, else the offline defaults.

    `vocabulary` tells the offline answerer how often the knowledge base uses each word.
    """
    if settings.uses_google:
        from bot.providers.gemini_answerer import GeminiAnswerer
        from bot.providers.gemini_embedder import GeminiEmbedder
        from bot.providers.google_client import build_genai_client
        from bot.providers.models import ModelCatalog

        client = build_genai_client(settings)
        models = ModelCatalog(client, settings.google_connect_timeout_s)
        return Providers(
            embedder=GeminiEmbedder(client, settings.embedding_model, settings.embedding_dim, models),
            answerer=GeminiAnswerer(client, settings.answer_model, models),
            local=False,
            google_client=client,
            models=models,
        )
    from bot.providers.extractive_answerer import ExtractiveAnswerer
    from bot.providers.local_embedder import LocalEmbedder

    embedder = LocalEmbedder(cache_dir=settings.curator_cache_dir)
    return Providers(embedder=embedder, answerer=ExtractiveAnswerer(embedder, vocabulary), local=True)
