"""Gemini embeddings (gemini-embedding-2 / gemini-embedding-001) through google-genai.

How a text is prepared depends on the model, as Google documents it:
- gemini-embedding-2*: the task goes into the text (ai.google.dev/gemini-api/docs/embeddings#gemini-embedding-2):
  queries `task: search result | query: {text}`, documents `title: {title} | text: {text}`; the model ignores
  `taskType` and `title` (identical vectors, embeddings-benchmark/mteb#4851), so neither is sent.
- other models (gemini-embedding-001, text-embedding-005): `taskType` RETRIEVAL_QUERY/RETRIEVAL_DOCUMENT + `title`.
The preparation changes the vectors, so it is part of the embedding space's name (see `space_id`).

On Vertex AI each Content is its own `:embedContent` call (the published aiplatform protos have no batch
method; googleapis/python-genai#2165), run concurrently in a bounded pool; with an API key up to 100
Contents go in one `:batchEmbedContents` call.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from bot.errors import ModelNotFound, ProviderError
from bot.providers.google_client import google_errors, malformed_message
from bot.types import Vector

if TYPE_CHECKING:
    from google import genai

    from bot.providers.models import ModelCatalog

# batchEmbedContents takes at most 100 requests per call.
BATCH_LIMIT = 100
FULL_DIMENSION = 3072
VERTEX_PARALLEL = 8  # concurrent :embedContent calls per batch on Vertex
TASK_PREFIX, TASK_TYPE = "task-prefix", "task-type"
QUERY_PREFIX = "task: search result | query: "


def preparation(model: str) -> str:
    """How texts for `model` are prepared: TASK_PREFIX (gemini-embedding-2*) or TASK_TYPE."""
    return TASK_PREFIX if model.rsplit("/", 1)[-1].startswith("gemini-embedding-2") else TASK_TYPE


def space_id(model: str) -> str:
    """The embedding space's identity: the model, plus how texts are prepared when that is not the original
    task-type way (so `kb__gemini-embedding-2.task-prefix__768` never holds task-type vectors)."""
    return model if preparation(model) == TASK_TYPE else f"{model}.{TASK_PREFIX}"


def query_text(text: str, model: str) -> str:
    """A query as `model` wants it embedded."""
    return f"{QUERY_PREFIX}{text}" if preparation(model) == TASK_PREFIX else text


def document_text(text: str, title: str | None, model: str) -> str:
    """A document (chunk, image description) as `model` wants it embedded."""
    return f"title: {title or 'none'} | text: {text}" if preparation(model) == TASK_PREFIX else text


def embed_config(model: str, task_type: str, title: str | None, dimension: int) -> Any:
    """The EmbedContentConfig for `model`: only the dimension with task prefixes, else task type and title."""
    from google.genai import types

    if preparation(model) == TASK_PREFIX:
        return types.EmbedContentConfig(output_dimensionality=dimension)
    return types.EmbedContentConfig(task_type=task_type, title=title or None, output_dimensionality=dimension)


class GeminiEmbedder:
    """Embeds each text in its own Content (a bare list of strings would merge into one vector)."""

    def __init__(self, client: genai.Client, model: str, dimension: int, catalog: ModelCatalog | None = None) -> None:
        self._client = client
        self._catalog = catalog
        self.model_id = model
        self.dimension = dimension

    def embed_documents(self, texts: Sequence[str], title: str | None = None) -> list[Vector]:
        """Embed chunks of one document as retrieval documents, with its title."""
        prepared = [document_text(text, title, self.model_id) for text in texts]
        vectors: list[Vector] = []
        for start in range(0, len(prepared), BATCH_LIMIT):
            vectors += self._embed(prepared[start : start + BATCH_LIMIT], "RETRIEVAL_DOCUMENT", title)
        return vectors

    def embed_query(self, text: str) -> Vector:
        """Embed a question as a retrieval query."""
        return self._embed([query_text(text, self.model_id)], "RETRIEVAL_QUERY", None)[0]

    def _embed(self, texts: Sequence[str], task_type: str, title: str | None) -> list[Vector]:
        from google.genai import types

        contents = [types.Content(parts=[types.Part(text=text)], role="user") for text in texts]
        config = embed_config(self.model_id, task_type, title, self.dimension)
        return embed_contents(self._client, self.model_id, contents, config, self._catalog, "Embedding")


def embed_contents(client: genai.Client, model: str, contents: Sequence[Any], config: Any,
                   catalog: ModelCatalog | None, what: str) -> list[Vector]:
    """One unit-length vector per Content: one batch call with an API key, one call each on Vertex."""
    dimension = config.output_dimensionality or FULL_DIMENSION
    if catalog is not None:
        catalog.require(model, "embedding", "EMBEDDING_MODEL")

    def call(batch: Sequence[Any]) -> list[Any]:
        try:
            with google_errors(what, model):
                return client.models.embed_content(model=model, contents=list(batch), config=config).embeddings or []
        except ModelNotFound:
            if catalog is None:
                raise
            raise catalog.missing(model, "embedding", "EMBEDDING_MODEL") from None

    if client.vertexai and len(contents) > 1:
        with ThreadPoolExecutor(max_workers=min(VERTEX_PARALLEL, len(contents)), thread_name_prefix="embed") as pool:
            embeddings = [e for found in pool.map(lambda content: call([content]), contents) for e in found]
    else:
        embeddings = call(contents)
    if len(embeddings) != len(contents):
        raise ProviderError(malformed_message(what, model, f"{len(embeddings)} vectors for {len(contents)} inputs"))
    sizes = {len(e.values or []) for e in embeddings} - {dimension}
    if sizes:
        raise ProviderError(malformed_message(what, model, f"a vector of {min(sizes)} numbers, {dimension} expected"))
    return [normalise(list(e.values or []), dimension) for e in embeddings]


def normalise(values: Vector, dimension: int) -> Vector:
    """A Gemini embedding at `dimension` made unit length: only the full 3072-d output already is;
    Matryoshka truncations must be re-normalised."""
    return values if dimension >= FULL_DIMENSION else unit_length(values)


def unit_length(values: Vector) -> Vector:
    """`values` scaled to unit length (a zero vector stays zero)."""
    norm = math.sqrt(sum(v * v for v in values)) or 1.0
    return [v / norm for v in values]
