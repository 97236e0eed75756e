"""Gemini embeddings (gemini-embedding-2 / gemini-embedding-001) through google-genai."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.providers.base import Vector
from bot.providers.google_client import google_errors

if TYPE_CHECKING:
    from google import genai

# batchEmbedContents takes at most 100 requests per call.
BATCH_LIMIT = 100
FULL_DIMENSION = 3072


class GeminiEmbedder:
    """Embeds each text in its own Content (a bare list of strings would merge into one vector)."""

    def __init__(self, client: genai.Client, model: str, dimension: int) -> None:
        self._client = client
        self.model_id = model
        self.dimension = dimension

    def embed_documents(self, texts: Sequence[str], title: str | None = None) -> list[Vector]:
        """Embed chunks of one document with the RETRIEVAL_DOCUMENT task type and its title."""
        vectors: list[Vector] = []
        for start in range(0, len(texts), BATCH_LIMIT):
            vectors += self._embed(texts[start : start + BATCH_LIMIT], "RETRIEVAL_DOCUMENT", title)
        return vectors

    def embed_query(self, text: str) -> Vector:
        """Embed a question with the RETRIEVAL_QUERY task type."""
        return self._embed([text], "RETRIEVAL_QUERY", None)[0]

    def _embed(self, texts: Sequence[str], task_type: str, title: str | None) -> list[Vector]:
        from google.genai import types

        contents = [types.Content(parts=[types.Part(text=text)], role="user") for text in texts]
        config = types.EmbedContentConfig(
            task_type=task_type, title=title or None, output_dimensionality=self.dimension
        )
        with google_errors("Embedding", self.model_id):
            response = self._client.models.embed_content(model=self.model_id, contents=contents, config=config)
        embeddings = response.embeddings or []
        if len(embeddings) != len(texts):
            raise ValueError(f"Gemini returned {len(embeddings)} embeddings for {len(texts)} texts")
        return [normalise(list(e.values or []), self.dimension) for e in embeddings]


def normalise(values: Vector, dimension: int) -> Vector:
    """A Gemini embedding at `dimension` made unit length: only the full 3072-d output already is;
    Matryoshka truncations must be re-normalised."""
    return values if dimension >= FULL_DIMENSION else unit_length(values)


def unit_length(values: Vector) -> Vector:
    """`values` scaled to unit length (a zero vector stays zero)."""
    norm = math.sqrt(sum(v * v for v in values)) or 1.0
    return [v / norm for v in values]
