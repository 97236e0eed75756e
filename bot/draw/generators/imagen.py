"""Draw and edit with Imagen (`imagen-*`, `imagegeneration@*`) through :predict, on Vertex AI only.

Google shut down every Imagen endpoint on 2026-08-17 (Imagen 2 in 2025-09, the mask-editing model
imagen-3.0-capability-001 around 2026-06-30); this adapter serves deployments that still reach one.
google-genai only sends generate_images/edit_image in Vertex mode.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.draw.base import GenerationResult, ImageBlocked
from bot.draw.generators.model_errors import IMAGEN_SHUTDOWN, drawing_errors
from bot.errors import ProviderError
from bot.types import DrawRequest, GeneratedImage

if TYPE_CHECKING:
    from collections.abc import Sequence

    from google import genai

    from bot.providers.models import ModelCatalog


def needs_vertex_message(model: str) -> str:
    """Why an Imagen IMAGE_MODEL cannot work with an API key, and what to set instead."""
    return (
        f"IMAGE_MODEL '{model}' is an Imagen model, which Google only serves on Vertex AI "
        f"(GOOGLE_GENAI_USE_VERTEXAI=true with GOOGLE_CLOUD_PROJECT), and {IMAGEN_SHUTDOWN}. "
        "Set IMAGE_MODEL to a Gemini image model: `curator doctor` lists the ones this account can use."
    )


class ImagenGenerator:
    """Imagen's native parameters: sampleCount, aspectRatio, negativePrompt and seed."""

    max_references = 1  # one raw reference image, through edit_image

    def __init__(self, client: genai.Client, model: str, catalog: ModelCatalog | None = None) -> None:
        self._client = client
        self._catalog = catalog
        self.model = model

    def generate(self, request: DrawRequest, references: Sequence[GeneratedImage] = ()) -> GenerationResult:
        """Draw `request.count` images in one :predict call (with a reference: edit_image); filtered images
        are dropped."""
        from google.genai import types

        if references:
            return self.edit(references[-1], request.prompt, request)
        self._require_vertex()
        config = types.GenerateImagesConfig(**_options(request))
        with drawing_errors(self.model, self._catalog):
            response = self._client.models.generate_images(model=self.model, prompt=request.prompt, config=config)
        return self._result(response)

    def edit(self, image: GeneratedImage, instruction: str, request: DrawRequest) -> GenerationResult:
        """Mask-free editing: the image as a raw reference, the instruction as the prompt.

        Only Imagen 3 capability models edit; the mask-editing modes went with them (shut down ~2026-06-30).
        """
        from google.genai import types

        self._require_vertex()
        reference = types.RawReferenceImage(
            reference_id=1, reference_image=types.Image(image_bytes=image.data, mime_type=image.mime_type)
        )
        config = types.EditImageConfig(**_options(request))
        with drawing_errors(self.model, self._catalog):
            response = self._client.models.edit_image(
                model=self.model, prompt=instruction, reference_images=[reference], config=config
            )
        return self._result(response)

    def _require_vertex(self) -> None:
        if not self._client.vertexai:
            raise ProviderError(needs_vertex_message(self.model))

    def _result(self, response: Any) -> GenerationResult:
        generated = response.generated_images or []
        if not generated:
            raise ImageBlocked(f"{self.model} returned no image and gave no reason. Try rephrasing the prompt.")
        images = [
            GeneratedImage(item.image.image_bytes, item.image.mime_type or "image/png")
            for item in generated
            if item.image is not None and item.image.image_bytes
        ]
        if not images:
            reasons = dict.fromkeys(item.rai_filtered_reason for item in generated if item.rai_filtered_reason)
            raise ImageBlocked(f"The model didn't return an image: {' '.join(reasons) or 'every image was filtered'}")
        return GenerationResult(images=images, model=self.model)


def _options(request: DrawRequest) -> dict[str, Any]:
    """The config shared by generate and edit; a seed only works with the SynthID watermark off."""
    return {
        "number_of_images": request.count,
        "aspect_ratio": request.aspect_ratio,
        "negative_prompt": request.negative or None,
        "seed": request.seed,
        "add_watermark": False if request.seed is not None else None,
        "include_rai_reason": True,
        "output_mime_type": "image/png",
    }
