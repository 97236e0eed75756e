"""Test embedders: a fast deterministic bag-of-words one, and a wrapper that counts or kills calls."""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Sequence


class HashingEmbedder:
    """Deterministic, meaningful-enough vectors: hashed word counts, unit length. Fast, no model."""

    def __init__(self, dimension: int = 256, model_id: str = "test-hashing") -> None:
        self.dimension = dimension
        self.model_id = model_id

    def embed_documents(self, texts: Sequence[str], title: str | None = None) -> list[list[float]]:
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text)

    def _vector(self, text: str) -> list[float]:
        values = [0.0] * self.dimension
        for word in re.findall(r"[a-z0-9]+", text.lower()):
            digest = hashlib.blake2b(word.encode(), digest_size=8).digest()
            values[int.from_bytes(digest[:4], "little") % self.dimension] += 1.0 if digest[4] & 1 else -1.0
        norm = math.sqrt(sum(v * v for v in values)) or 1.0
        return [v / norm for v in values]


class CountingEmbedder:
    """Wraps an embedder and counts document-embedding calls; can fail after a number of calls."""

    def __init__(self, inner, fail_after: int | None = None) -> None:
        self._inner = inner
        self.model_id = inner.model_id
        self.dimension = inner.dimension
        self.document_calls = 0
        self.query_calls = 0
        self._fail_after = fail_after

    def embed_documents(self, texts: Sequence[str], title: str | None = None) -> list[list[float]]:
        if self._fail_after is not None and self.document_calls >= self._fail_after:
            raise KeyboardInterrupt("simulated kill")
        self.document_calls += 1
        return self._inner.embed_documents(texts, title)

    def embed_query(self, text: str) -> list[float]:
        self.query_calls += 1
        return self._inner.embed_query(text)
