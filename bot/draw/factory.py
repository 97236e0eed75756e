"""Pick the image generator for IMAGE_MODEL; heavy modules are imported inside their branch."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.config import Settings
from bot.draw.base import ImageGenerator
from bot.draw.generators.model_errors import is_imagen_model

if TYPE_CHECKING:
    from google import genai

    from bot.providers.models import ModelCatalog


def build_image_generator(settings: Settings, client: genai.Client | None = None,
                          catalog: ModelCatalog | None = None) -> ImageGenerator | None:
    """The generator for IMAGE_MODEL, or None without Google credentials (drawing is then unavailable).

    Pass `client` (and its `catalog`) to share one genai client with the other Google providers.
    """
    if not settings.uses_google:
        return None
    if client is None:
        from bot.providers.google_client import build_genai_client

        client = build_genai_client(settings)
    if catalog is None:
        from bot.providers.models import ModelCatalog

        catalog = ModelCatalog(client, settings.google_connect_timeout_s)
    if is_imagen_model(settings.image_model):
        from bot.draw.generators.imagen import ImagenGenerator

        return ImagenGenerator(client, settings.image_model, catalog)
    from bot.draw.generators.gemini_images import GeminiImageGenerator

    return GeminiImageGenerator(client, settings.image_model, catalog, settings.image_size)
