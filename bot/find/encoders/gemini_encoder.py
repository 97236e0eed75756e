"""Find's Google image encoder: gemini-embedding-2 image parts for vectors, a Gemini model for captions and OCR."""

from __future__ import annotations

import io
import logging
from typing import TYPE_CHECKING

from pydantic import BaseModel, ValidationError

from bot.errors import ModelNotFound
from bot.find.base import ImageDescription, ImageVectors, Task
from bot.kb.images import DownloadedImage
from bot.providers.gemini_embedder import (
    GeminiEmbedder,
    document_text,
    embed_config,
    embed_contents,
    query_text,
)
from bot.providers.google_client import google_errors
from bot.types import Vector

if TYPE_CHECKING:
    from google import genai

    from bot.providers.models import ModelCatalog

log = logging.getLogger(__name__)

TASK_TYPES = {"document": "RETRIEVAL_DOCUMENT", "query": "RETRIEVAL_QUERY"}
# Embedding models that take image parts; gemini-embedding-001 and older are text-only.
MULTIMODAL_PREFIXES = ("gemini-embedding-2",)
EMBEDDABLE_TYPES = ("image/png", "image/jpeg")
DESCRIBE_PROMPT = (
    "Describe this image for a search index. Answer in JSON: `caption` is one sentence saying what the "
    "image shows; `text` is a verbatim transcription of all visible text (error messages, labels, code), "
    "keeping line breaks, or an empty string if there is none."
)


class _Reading(BaseModel):
    """The JSON answer asked of the caption model."""

    caption: str
    text: str = ""


def png_or_jpeg(image: DownloadedImage) -> tuple[bytes, str]:
    """The image as PNG or JPEG bytes and their MIME type (embedding models take only these): WebP becomes PNG."""
    if image.mime_type in EMBEDDABLE_TYPES:
        return image.data, image.mime_type
    from PIL import Image

    out = io.BytesIO()
    with Image.open(io.BytesIO(image.data)) as img:
        img.save(out, format="PNG")
    return out.getvalue(), "image/png"


class GeminiImageEncoder:
    """Describes images with `caption_model` and embeds them with `embedding_model` at `dimension`.

    With a multimodal embedding model (gemini-embedding-2) the image itself is embedded, in the knowledge
    base's text space, so both vectors live there. With a text-only model (gemini-embedding-001, ...) the
    description's text (caption + OCR) is embedded instead, for both vectors.
    """

    def __init__(self, client: genai.Client, embedding_model: str, dimension: int, caption_model: str,
                 catalog: ModelCatalog | None = None) -> None:
        self._client = client
        self._catalog = catalog
        self._caption_model = caption_model
        self._text = GeminiEmbedder(client, embedding_model, dimension, catalog)
        self.visual_model_id = embedding_model
        self.visual_dimension = dimension
        self.multimodal = embedding_model.rsplit("/", 1)[-1].startswith(MULTIMODAL_PREFIXES)

    def describe(self, image: DownloadedImage) -> ImageDescription:
        """A one-sentence caption and the visible text; an unreadable or blocked answer gives an empty
        description (logged), while transport and API errors raise ProviderError."""
        from google.genai import types

        string = types.Schema(type=types.Type.STRING)
        schema = types.Schema(type=types.Type.OBJECT, properties={"caption": string, "text": string},
                              required=["caption", "text"])
        config = types.GenerateContentConfig(response_mime_type="application/json", response_schema=schema)
        contents = [types.Content(role="user", parts=[
            types.Part.from_bytes(data=image.data, mime_type=image.mime_type), types.Part(text=DESCRIBE_PROMPT)])]
        response = self._generate(contents, config)
        try:
            reading = _Reading.model_validate_json(response.text or "")
        except ValidationError:
            log.warning("No usable description of %s from %s (%s); indexing it without one",
                        image.name, self._caption_model, _why_unusable(response))
            return ImageDescription(caption="")
        return ImageDescription(caption=reading.caption.strip(), text=reading.text.strip())

    def _generate(self, contents: list, config: object) -> object:
        """The caption model's answer; its first use is checked with models.get (ANSWER_MODEL)."""
        if self._catalog is not None:
            self._catalog.require(self._caption_model, "text", "ANSWER_MODEL")
        try:
            with google_errors("Describing the image", self._caption_model):
                return self._client.models.generate_content(model=self._caption_model, contents=contents,
                                                            config=config)
        except ModelNotFound:
            if self._catalog is None:
                raise
            raise self._catalog.missing(self._caption_model, "text", "ANSWER_MODEL") from None

    def embed(self, image: DownloadedImage, description: ImageDescription, task: Task = "document",
              text: str = "") -> ImageVectors:
        """`visual` embeds the image alone; `semantic` the image with the task's text part (a document's
        `title: none | text: …` or a query's `task: search result | query: …` for gemini-embedding-2, the
        words alone with task types), in one call; a text-only embedding model embeds the description."""
        if not self.multimodal:
            return self._embed_description(image, description, task, text)
        from google.genai import types

        data, mime_type = png_or_jpeg(image)
        picture = types.Part.from_bytes(data=data, mime_type=mime_type)
        words = text.strip()
        model = self.visual_model_id
        words = document_text(words, None, model) if task == "document" else query_text(words, model)
        # One Content per vector: a bare list of parts would merge into one embedding.
        contents = [types.Content(role="user", parts=[picture])]
        if words:
            contents.append(types.Content(role="user", parts=[picture, types.Part(text=words)]))
        config = embed_config(model, TASK_TYPES[task], None, self.visual_dimension)
        vectors = embed_contents(self._client, model, contents, config, self._catalog, "Embedding the image")
        return ImageVectors(semantic=vectors[-1], visual=vectors[0])

    def embed_text_visual(self, text: str) -> Vector | None:
        """None: the visual space is the text space, which the caller already searches."""
        return None

    def _embed_description(self, image: DownloadedImage, description: ImageDescription, task: Task,
                           text: str) -> ImageVectors:
        seen = description.as_text() or image.name
        texts = list(dict.fromkeys(["\n".join(p for p in (seen, text.strip()) if p), seen]))
        if task == "document":
            vectors = self._text.embed_documents(texts)
        else:
            vectors = [self._text.embed_query(t) for t in texts]
        return ImageVectors(semantic=vectors[0], visual=vectors[-1])


def _why_unusable(response: object) -> str:
    """Why a caption answer could not be read: the block reason Google gave, or that it was not the JSON asked for."""
    feedback = getattr(response, "prompt_feedback", None)
    if feedback is not None and feedback.block_reason:
        return f"prompt blocked: {getattr(feedback.block_reason, 'name', feedback.block_reason)}"
    for candidate in getattr(response, "candidates", None) or []:
        reason = getattr(candidate.finish_reason, "name", candidate.finish_reason)
        if reason and reason != "STOP":
            return f"answer stopped: {reason}"
    return "its answer was not the JSON asked for"
