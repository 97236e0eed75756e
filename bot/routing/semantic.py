"""Similarity to labelled exemplars (exemplars.txt) with a sentence embedder passed in: the fallback where
the word rules run out. Pure: the embedder is given; the exemplars are embedded once, on first use."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from bot.routing.kinds import Kind

EXEMPLARS = Path(__file__).with_name("exemplars.txt")
NEIGHBOURS = 3  # a kind's score is the mean similarity of its closest exemplars
TEMPERATURE = 0.04  # softmax temperature over kind scores: a 0.1 cosine gap is a clear preference
# Exemplar vectors per embedder and exemplar list, so routers sharing an embedder embed them once.
_SHARED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_SHARED_LOCK = threading.Lock()


class TextEmbedder(Protocol):
    """A sentence embedder (MiniLM offline): unit vectors, one per text."""

    def embed_documents(self, texts: Sequence[str], title: str | None = None) -> list[list[float]]:
        """Embed several texts."""
        ...

    def embed_query(self, text: str) -> list[float]:
        """Embed one text."""
        ...


def load_exemplars(path: Path = EXEMPLARS) -> list[tuple[Kind, str]]:
    """The `kind: text` lines of an exemplar file (comments and blank lines skipped)."""
    exemplars = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            kind, _, text = line.partition(":")
            exemplars.append((Kind(kind.strip()), text.strip()))
    return exemplars


class ExemplarIndex:
    """Kind probabilities for a message from its nearest labelled exemplars."""

    def __init__(self, embedder: TextEmbedder, exemplars: Sequence[tuple[Kind, str]] | None = None) -> None:
        self._embedder = embedder
        self._exemplars = list(exemplars) if exemplars is not None else load_exemplars()
        self._kinds = np.array([kind.value for kind, _ in self._exemplars])
        self._matrix: np.ndarray | None = None
        self._lock = threading.Lock()

    def warm(self) -> None:
        """Embed the exemplars now rather than on the first unsure message."""
        self._vectors()

    def probabilities(self, text: str, kinds: Iterable[Kind]) -> dict[Kind, float]:
        """How much `text` resembles each of `kinds` (a softmax over per-kind similarity, summing to 1)."""
        query = np.asarray(self._embedder.embed_query(text), dtype=np.float32)
        similarities = self._vectors() @ query
        scores = {}
        for kind in kinds:
            own = np.sort(similarities[self._kinds == kind.value])[-NEIGHBOURS:]
            if own.size:
                scores[kind] = float(own.mean())
        if not scores:
            return {}
        top = max(scores.values())
        weights = {kind: np.exp((score - top) / TEMPERATURE) for kind, score in scores.items()}
        total = sum(weights.values())
        return {kind: float(weight / total) for kind, weight in weights.items()}

    def _vectors(self) -> np.ndarray:
        with self._lock:
            if self._matrix is None:
                self._matrix = _embedded(self._embedder, tuple(text for _, text in self._exemplars))
            return self._matrix


def _embedded(embedder: TextEmbedder, texts: tuple[str, ...]) -> np.ndarray:
    """The exemplars' vectors, computed once per embedder (when it can be weakly referenced and hashed)."""
    with _SHARED_LOCK:
        try:
            known = _SHARED.setdefault(embedder, {})
        except TypeError:  # an unhashable embedder: no sharing
            known = {}
        if texts not in known:
            known[texts] = np.asarray(embedder.embed_documents(list(texts)), dtype=np.float32)
        return known[texts]
