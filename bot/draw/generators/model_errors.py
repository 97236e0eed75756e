"""Explain a retired or unknown image model: the image models this account can use, from models.list."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING

from bot.errors import ModelNotFound

if TYPE_CHECKING:
    from bot.providers.models import ModelCatalog

IMAGEN_SHUTDOWN = "Google shut down Imagen on 2026-08-17"


def is_imagen_model(model: str) -> bool:
    """True for Imagen ids (`imagen-4.0-generate-001`, `imagegeneration@006`), served by :predict."""
    return model.startswith(("imagen-", "imagegeneration@"))


def retired_model_message(model: str, catalog: ModelCatalog | None) -> str:
    """What to tell the user when IMAGE_MODEL answers 404: the image models this account can use
    (models.list), never a hard-coded name."""
    if catalog is None:
        return f"IMAGE_MODEL '{model}' is retired or unknown. Set IMAGE_MODEL to a current Gemini image model."
    message = catalog.retired_message(model, "image", "IMAGE_MODEL")
    return message.replace(" is retired", f" is retired ({IMAGEN_SHUTDOWN})", 1) if is_imagen_model(model) else message


@contextlib.contextmanager
def drawing_errors(model: str, catalog: ModelCatalog | None = None) -> Iterator[None]:
    """google_errors("Drawing", model), with a 404 turned into the IMAGE_MODEL advice."""
    from bot.providers.google_client import google_errors

    try:
        with google_errors("Drawing", model):
            yield
    except ModelNotFound as exc:
        raise ModelNotFound(retired_model_message(model, catalog)) from exc
