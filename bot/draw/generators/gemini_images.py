"""Draw and edit with Gemini image models (gemini-3.1-flash-image, ...) through generateContent.

What each model accepts (aspect ratios, sizes, reference images) lives in image_models.py; whether the API
version takes `imageSize` is probed once per generator (countTokens of the full request: nothing is drawn).
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.draw.base import GenerationResult, ImageBlocked
from bot.draw.generators.image_models import (
    RESPONSE_MODALITIES,
    accepts_image_size,
    aspect_ratios,
    image_sizes,
    reference_limit,
)
from bot.draw.generators.model_errors import drawing_errors
from bot.errors import ProviderError
from bot.types import DrawRequest, GeneratedImage

if TYPE_CHECKING:
    from google import genai

    from bot.providers.models import ModelCatalog

MAX_PARALLEL = 4
SEED_MODULUS = 2**31
SEED_NOTE = "`--seed` is best effort with Gemini image models: the same seed can still give another picture"
def with_negative(prompt: str, negative: str) -> str:
    """Gemini has no negative prompt, so `--no` becomes an explicit instruction after the prompt."""
    return f"{prompt}\n\nDo not include: {negative}." if negative else prompt


@dataclass(frozen=True)
class _Reply:
    """What one generateContent call gave: its images, billed output tokens, and why there were none."""

    images: list[GeneratedImage]
    tokens: int
    problem: str


class GeminiImageGenerator:
    """One generateContent call per image (Gemini answers one image per call), run in parallel."""

    def __init__(self, client: genai.Client, model: str, catalog: ModelCatalog | None = None,
                 image_size: str = "") -> None:
        self._client = client
        self._catalog = catalog
        self._image_size = image_size
        self._size_accepted: bool | None = None
        self._lock = threading.Lock()
        self.model = model

    @property
    def max_references(self) -> int:
        """Reference images one request may carry."""
        return reference_limit(self.model)

    def generate(self, request: DrawRequest, references: Sequence[GeneratedImage] = ()) -> GenerationResult:
        """Draw `request.count` images; `references` (newest last) go in first, as style or content to follow."""
        from google.genai import types

        kept = list(references)[-self.max_references:] if references else []
        prompt = types.Part(text=with_negative(request.prompt, request.negative))
        parts = [types.Part.from_bytes(data=i.data, mime_type=i.mime_type) for i in kept] + [prompt]
        result = self._draw(parts if kept else prompt.text, request)
        if len(kept) < len(references):
            result.notes.append(f"used the {len(kept)} most recent of {len(references)} images "
                                f"({self.model} takes {self.max_references} per request)")
        return result

    def edit(self, image: GeneratedImage, instruction: str, request: DrawRequest) -> GenerationResult:
        """Send the image inline followed by the instruction; the model returns the changed image."""
        return self.generate(dataclasses.replace(request, prompt=instruction), [image])

    def _draw(self, contents: Any, request: DrawRequest) -> GenerationResult:
        self._check(request)
        sized = self._size_ok()
        # Consecutive seeds keep `--seed --n 3` repeatable without drawing the same picture three times.
        seeds = [None if request.seed is None else (request.seed + i) % SEED_MODULUS for i in range(request.count)]
        with ThreadPoolExecutor(max_workers=min(request.count, MAX_PARALLEL), thread_name_prefix="draw") as pool:
            replies = list(pool.map(lambda seed: self._call(contents, request.aspect_ratio, seed, sized), seeds))
        images = [image for reply in replies for image in reply.images]
        if not images:
            raise ImageBlocked(f"The model didn't return an image: {replies[0].problem}.")
        ignored = [f"IMAGE_SIZE={self._image_size}"] if self._image_size and not sized else []
        notes = [SEED_NOTE] if request.seed is not None else []
        return GenerationResult(images=images, model=self.model, tokens=sum(reply.tokens for reply in replies),
                                ignored=ignored, notes=notes)

    def _check(self, request: DrawRequest) -> None:
        """The model exists (models.get on first use) and lists the requested aspect ratio."""
        if self._catalog is not None:
            self._catalog.require(self.model, "image", "IMAGE_MODEL")
        ratios = aspect_ratios(self.model)
        if request.aspect_ratio not in ratios:
            raise ProviderError(f"{self.model} doesn't draw `--ar {request.aspect_ratio}`; choose one of "
                                f"{', '.join(ratios)}.")

    def _size_ok(self) -> bool:
        """Whether IMAGE_SIZE can be sent: the model lists that size, and the API version takes the field."""
        if not self._image_size or self._image_size not in image_sizes(self.model):
            return False
        with self._lock:
            if self._size_accepted is None:
                self._size_accepted = accepts_image_size(self._client, self.model, self._image_size)
            return self._size_accepted

    def _call(self, contents: Any, aspect_ratio: str, seed: int | None, sized: bool) -> _Reply:
        from google.genai import types

        config = types.GenerateContentConfig(
            response_modalities=RESPONSE_MODALITIES,
            image_config=types.ImageConfig(aspect_ratio=aspect_ratio,
                                           image_size=self._image_size if sized else None),
            seed=seed,
        )
        with drawing_errors(self.model, self._catalog):
            response = self._client.models.generate_content(model=self.model, contents=contents, config=config)
        return _Reply(_images(response), _output_tokens(response), _problem(response))


def _parts(response: Any) -> list[Any]:
    return [
        part
        for candidate in response.candidates or []
        if candidate.content is not None
        for part in candidate.content.parts or []
    ]


def _images(response: Any) -> list[GeneratedImage]:
    # Thought parts are the model's drafts (Gemini 3 Pro Image); only the final images count.
    return [
        GeneratedImage(part.inline_data.data, part.inline_data.mime_type or "image/png")
        for part in _parts(response)
        if part.inline_data is not None and part.inline_data.data and not part.thought
    ]


def _output_tokens(response: Any) -> int:
    usage = response.usage_metadata
    if usage is None:
        return 0
    return (usage.candidates_token_count or 0) + (usage.thoughts_token_count or 0)


def _problem(response: Any) -> str:
    """Why a response holds no image: block reason, finish reasons and any text, as one phrase."""
    reasons = []
    feedback = response.prompt_feedback
    if feedback is not None and feedback.block_reason:
        detail = f": {feedback.block_reason_message}" if feedback.block_reason_message else ""
        reasons.append(f"the prompt was blocked ({_name(feedback.block_reason)}{detail})")
    for candidate in response.candidates or []:
        finish = _name(candidate.finish_reason)
        if finish and finish != "STOP":
            reasons.append(f"it stopped with {finish}")
    text = " ".join(part.text.strip() for part in _parts(response) if part.text and not part.thought).strip()
    if text:
        reasons.append(f"it said “{text[:300]}”")
    return "; ".join(reasons) or "no reason given"


def _name(value: object) -> str:
    return str(getattr(value, "value", value) or "")
