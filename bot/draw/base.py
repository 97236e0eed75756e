"""The image generator protocol, what it returns, and its errors (the request is in bot.types)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from bot.errors import ProviderError
from bot.types import DrawRequest, GeneratedImage

# What every current Gemini image model lists (ai.google.dev image generation docs, Dec 2026); the extreme
# ratios only gemini-3.1-flash-image lists.
ASPECT_RATIOS = ("1:1", "16:9", "9:16", "4:3", "3:4", "3:2", "2:3", "21:9", "5:4", "4:5")
EXTREME_RATIOS = ("4:1", "1:4", "8:1", "1:8")


@dataclass(frozen=True)
class GenerationResult:
    """The images a model returned, what it could not honour, and what it cost."""

    images: list[GeneratedImage]
    model: str
    ignored: list[str] = field(default_factory=list)  # parameters this model does not support, e.g. "--seed"
    tokens: int = 0  # output tokens billed, when the API reports them
    notes: list[str] = field(default_factory=list)  # what the user should know, e.g. that a seed is best effort


class ImageGenerator(Protocol):
    """Makes and edits images with one model."""

    model: str

    max_references: int  # images one request may carry as references (0: none)

    def generate(self, request: DrawRequest, references: Sequence[GeneratedImage] = ()) -> GenerationResult:
        """Draw `request.count` images for the prompt and parameters, following `references` (newest last)."""
        ...

    def edit(self, image: GeneratedImage, instruction: str, request: DrawRequest) -> GenerationResult:
        """Change `image` as `instruction` says, keeping `request`'s aspect ratio."""
        ...


class ImageBlocked(ProviderError):
    """The model refused the prompt or filtered every image; the message says why."""
