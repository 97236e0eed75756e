"""Pick the image generator for IMAGE_MODEL, and explain a retired or unknown image model."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING

from bot.config import Settings
from bot.imaging.base import ImageGenerator
from bot.providers.base import ModelNotFound

if TYPE_CHECKING:
    from google import genai

ALTERNATIVE_MODEL = "gemini-2.5-flash-image"
IMAGEN_SHUTDOWN = "Google shut down Imagen on 2026-08-17"


def is_imagen_model(model: str) -> bool:
    """True for Imagen ids (`imagen-4.0-generate-001`, `imagegeneration@006`), served by :predict."""
    return model.startswith(("imagen-", "imagegeneration@"))


def retired_model_message(model: str) -> str:
    """What to tell the user when IMAGE_MODEL answers 404, with a model that works instead."""
    why = f" ({IMAGEN_SHUTDOWN})" if is_imagen_model(model) else ""
    fix = (
        "Set IMAGE_MODEL to a current Gemini image model."
        if model == ALTERNATIVE_MODEL
        else f"Set IMAGE_MODEL={ALTERNATIVE_MODEL}."
    )
    return f"IMAGE_MODEL '{model}' is retired or unknown{why}. {fix}"


@contextlib.contextmanager
def drawing_errors(model: str) -> Iterator[None]:
    """google_errors("Drawing", model), with a 404 turned into the IMAGE_MODEL advice."""
    from bot.providers.google_client import google_errors

    try:
        with google_errors("Drawing", model):
            yield
    except ModelNotFound as exc:
        raise ModelNotFound(retired_model_message(model)) from exc


def build_image_generator(settings: Settings, client: genai.Client | None = None) -> ImageGenerator | None:
    """The generator for IMAGE_MODEL, or None without Google credentials (drawing is then unavailable).

    Pass `client` to share one genai client with the other Google providers.
    """
    if not settings.uses_google:
        return None
    if client is None:
        from bot.providers.google_client import build_genai_client

        client = build_genai_client(settings)
    if is_imagen_model(settings.image_model):
        from bot.imaging.imagen import ImagenGenerator

        return ImagenGenerator(client, settings.image_model)
    from bot.imaging.gemini_images import GeminiImageGenerator

    return GeminiImageGenerator(client, settings.image_model)
