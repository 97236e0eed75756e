"""Embeddings kept between questions: answer units and single words recur across questions."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

from bot.types import Embedder


class VectorCache:
    """Document-side embeddings of short texts, bounded, least recently used first out."""

    def __init__(self, embedder: Embedder, size: int = 50_000) -> None:
        self._embedder = embedder
        self._size = size
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One row per text (in order); only texts not seen recently reach the embedder, in one batch."""
        missing = list(dict.fromkeys(t for t in texts if t not in self._vectors))
        if missing:
            for text, vector in zip(missing, self._embedder.embed_documents(missing), strict=True):
                self._vectors[text] = np.asarray(vector, dtype=np.float32)
        rows = []
        for text in texts:
            self._vectors.move_to_end(text)
            rows.append(self._vectors[text])
        while len(self._vectors) > self._size:
            self._vectors.popitem(last=False)
        return np.vstack(rows) if rows else np.zeros((0, self._embedder.dimension), dtype=np.float32)

    def closest(self, text: str, others: Sequence[str]) -> float:
        """The highest cosine between `text` and any of `others` (-1 when there are none)."""
        if not others:
            return -1.0
        vectors = self.embed([text, *others])
        return float(np.max(vectors[1:] @ vectors[0]))

    def near(self, text: str, others: Sequence[str], threshold: float) -> bool:
        """Whether any of `others` is at least `threshold` close to `text`."""
        return self.closest(text, others) >= threshold
