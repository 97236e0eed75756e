"""What each Gemini image model accepts, and the probe that asks Google whether an API version takes a field.

From Google's model pages (Dec 2026, see /work/shared/notes/google-sdk.md): aspect ratios, `imageConfig.imageSize`
values and how many reference images one request may carry.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.draw.base import ASPECT_RATIOS, EXTREME_RATIOS

if TYPE_CHECKING:
    from google import genai

# TEXT beside IMAGE: every Gemini image model accepts it, and the text is the model's own explanation when it
# declines to draw.
RESPONSE_MODALITIES = ["TEXT", "IMAGE"]
# model family -> (extra aspect ratios, image sizes, reference images per request)
_FAMILIES = {
    "gemini-3.1-flash-lite-image": ((), (), 3),  # sizes and reference limit unpublished: the defaults only
    "gemini-3.1-flash-image": (EXTREME_RATIOS, ("512", "1K", "2K", "4K"), 14),
    "gemini-3-pro-image": ((), ("1K", "2K", "4K"), 14),
}
DEFAULT_REFERENCES = 3


def _family(model: str) -> tuple[tuple[str, ...], tuple[str, ...], int]:
    for prefix, family in _FAMILIES.items():
        if model.startswith(prefix):
            return family
    return (), (), DEFAULT_REFERENCES


def aspect_ratios(model: str) -> tuple[str, ...]:
    """The aspect ratios `model` lists (gemini-3.1-flash-image adds 1:4, 4:1, 1:8 and 8:1)."""
    return ASPECT_RATIOS + _family(model)[0]


def reference_limit(model: str) -> int:
    """How many images one request to `model` may carry (14 for the 3.x Flash and Pro image models)."""
    return _family(model)[2]


def image_sizes(model: str) -> tuple[str, ...]:
    """The `imageConfig.imageSize` values `model` lists (none known: never sent)."""
    return _family(model)[1]


def image_request_config(aspect_ratio: str = "1:1", image_size: str = "") -> dict[str, Any]:
    """A drawing's generationConfig as Google's JSON (for the countTokens probes)."""
    image_config = {"aspectRatio": aspect_ratio} | ({"imageSize": image_size} if image_size else {})
    return {"responseModalities": RESPONSE_MODALITIES, "imageConfig": image_config}


def accepts_image_size(client: genai.Client, model: str, image_size: str) -> bool:
    """Whether this API version takes `imageConfig.imageSize` (a countTokens probe; nothing is drawn)."""
    from google.genai import errors

    from bot.providers.google_client import count_request_tokens

    try:
        count_request_tokens(client, model, "size probe", image_request_config("1:1", image_size))
    except errors.ClientError as exc:
        if exc.code == 400 and "imageSize" in str(exc.message):
            return False
        raise
    return True
