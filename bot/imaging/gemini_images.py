"""Draw and edit with Gemini image models (gemini-2.5-flash-image, ...) through generateContent."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.imaging.base import DrawRequest, GeneratedImage, GenerationResult, ImageBlocked
from bot.imaging.factory import drawing_errors

if TYPE_CHECKING:
    from google import genai

# TEXT beside IMAGE: every Gemini image model accepts it (the first ones rejected IMAGE alone), and the
# text is the model's own explanation when it declines to draw.
RESPONSE_MODALITIES = ["TEXT", "IMAGE"]
MAX_PARALLEL = 4
SEED_MODULUS = 2**31


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

    def __init__(self, client: genai.Client, model: str) -> None:
        self._client = client
        self.model = model

    def generate(self, request: DrawRequest) -> GenerationResult:
        """Draw `request.count` images; `--no` is appended to the prompt as an instruction."""
        return self._draw(with_negative(request.prompt, request.negative), request)

    def edit(self, image: GeneratedImage, instruction: str, request: DrawRequest) -> GenerationResult:
        """Send the image inline followed by the instruction; the model returns the changed image."""
        from google.genai import types

        contents = [
            types.Part.from_bytes(data=image.data, mime_type=image.mime_type),
            types.Part(text=with_negative(instruction, request.negative)),
        ]
        return self._draw(contents, request)

    def _draw(self, contents: Any, request: DrawRequest) -> GenerationResult:
        # Consecutive seeds keep `--seed --n 3` repeatable without drawing the same picture three times.
        seeds = [None if request.seed is None else (request.seed + i) % SEED_MODULUS for i in range(request.count)]
        with ThreadPoolExecutor(max_workers=min(request.count, MAX_PARALLEL), thread_name_prefix="draw") as pool:
            replies = list(pool.map(lambda seed: self._call(contents, request.aspect_ratio, seed), seeds))
        images = [image for reply in replies for image in reply.images]
        if not images:
            raise ImageBlocked(f"The model didn't return an image: {replies[0].problem}.")
        return GenerationResult(images=images, model=self.model, tokens=sum(reply.tokens for reply in replies))

    def _call(self, contents: Any, aspect_ratio: str, seed: int | None) -> _Reply:
        from google.genai import types

        config = types.GenerateContentConfig(
            response_modalities=RESPONSE_MODALITIES,
            image_config=types.ImageConfig(aspect_ratio=aspect_ratio),
            seed=seed,
        )
        with drawing_errors(self.model):
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
