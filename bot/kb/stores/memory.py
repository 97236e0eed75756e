"""The in-memory engine: the whole VectorStore contract in plain Python, for fast tests and throwaway runs
(nothing persists; one process). Scores follow Qdrant's: cosine for dense, IDF-weighted dot products for
sparse, reciprocal rank fusion for hybrid."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import replace

from bot.kb import sparse
from bot.kb.stores.base import (
    RRF_K,
    ChunkRecord,
    SearchMode,
    VectorStore,
    VisualCollection,
    VisualMatch,
    VisualPoint,
    point_id,
    version_ids,
    visual_name,
)
from bot.types import Passage, Vector


class MemoryEngine:
    """The collections of one engine (shared by the stores and visual collections opened on it)."""

    def __init__(self) -> None:
        self.collections: dict[str, dict[str, tuple[object, Vector]]] = {}


class MemoryStore(VectorStore):
    """One knowledge base held in a dict: point id -> (record, vector)."""

    def __init__(self, base: str, model_id: str, dimension: int, files_known: Callable[[], int] | None = None,
                 engine: MemoryEngine | None = None) -> None:
        super().__init__(base, model_id, dimension, files_known)
        self.engine = engine or MemoryEngine()

    @property
    def _points(self) -> dict[str, tuple[object, Vector]]:
        return self.engine.collections.get(self.name, {})

    def close(self) -> None:
        """Nothing to release."""

    def exists(self) -> bool:
        """Whether this embedding space has been ingested at all."""
        return self.name in self.engine.collections

    def ensure(self) -> bool:
        """Create the collection if needed; True when it was created now."""
        created = not self.exists()
        self.engine.collections.setdefault(self.name, {})
        return created

    def upsert(self, records: Sequence[ChunkRecord]) -> None:
        """Insert or overwrite chunks (ids are deterministic)."""
        points = self.engine.collections.setdefault(self.name, {})
        for record in records:
            points[point_id(record.source, record.content_hash, record.index)] = (record, record.vector)

    def delete_versions(self, versions: Sequence[tuple[str, str, int]]) -> None:
        """Remove the chunks of (source, content hash, chunk count) versions."""
        for pid in version_ids(versions):
            self._points.pop(pid, None)

    def count(self) -> int:
        """How many chunks are stored."""
        return len(self._points)

    def search(
        self, vector: Vector, text: str, limit: int = 8, mode: SearchMode = "hybrid", tags: Sequence[str] = (),
        modality: str | None = None, sources: Sequence[str] | None = None,
    ) -> list[Passage]:
        """Top chunks by dense, sparse or both fused by rank, within the filters."""
        self.check_ready()
        records: list[ChunkRecord] = [r for r, _ in self._points.values()]  # type: ignore[misc]
        records = [r for r in records if (not tags or set(tags) & set(r.tags))
                   and (sources is None or r.source in sources) and (not modality or r.modality == modality)]
        indices, _ = sparse.query_vector(text)
        if mode == "dense" or (mode == "hybrid" and not indices):
            return _top(_dense(records, vector), limit)
        if mode == "sparse":
            return _top(_sparse(records, indices, len(self._points)), limit)
        depth = max(limit * 4, 20)
        fused: dict[int, tuple[ChunkRecord, float]] = {}
        for ranking in (_dense(records, vector), _sparse(records, indices, len(self._points))):
            ordered = sorted(ranking, key=lambda pair: -pair[1])[:depth]
            for rank, (record, _) in enumerate(ordered):
                previous = fused.get(id(record), (record, 0.0))[1]
                fused[id(record)] = (record, previous + 1 / (RRF_K + rank + 1))
        return _top(list(fused.values()), limit)

    def visual(self, model_id: str, dimension: int) -> VisualCollection:
        """The visual collection of one image model, in the same engine."""
        return MemoryVisual(self.engine, visual_name(self.base, model_id, dimension), model_id, dimension)

    def collections(self) -> list[str]:
        """Every collection in this engine."""
        return list(self.engine.collections)


class MemoryVisual(VisualCollection):
    """Look-alike vectors of one image model, in a dict."""

    def __init__(self, engine: MemoryEngine, name: str, model_id: str, dimension: int) -> None:
        super().__init__(name, model_id, dimension)
        self._engine = engine

    def _matches(self) -> list[tuple[VisualMatch, Vector]]:
        return [(match, vector) for match, vector in self._engine.collections.get(self.name, {}).values()]  # type: ignore[misc]

    def upsert(self, points: Sequence[VisualPoint]) -> None:
        """Insert or overwrite visual points (ids are those of the text collection)."""
        stored = self._engine.collections.setdefault(self.name, {})
        for p in points:
            pid = point_id(p.source, p.content_hash, 0)
            stored[pid] = (VisualMatch(pid, p.source, p.doc_id, p.title, p.content_hash, 0.0, p.text), p.vector)

    def delete_versions(self, versions: Sequence[tuple[str, str, int]]) -> None:
        """Remove the visual points of (source, content hash, count) versions."""
        for pid in version_ids(versions):
            self._engine.collections.get(self.name, {}).pop(pid, None)

    def nearest(self, vector: Vector, limit: int, sources: Sequence[str] | None = None) -> list[VisualMatch]:
        """The most similar images by cosine (among `sources` when given)."""
        scored = [replace(match, similarity=_cosine(vector, stored)) for match, stored in self._matches()
                  if sources is None or match.source in sources]
        return sorted(scored, key=lambda match: -match.similarity)[:limit]

    def with_hash(self, content_hash: str) -> VisualMatch | None:
        """An indexed image with exactly these bytes, if any."""
        return next((replace(m, similarity=1.0) for m, _ in self._matches() if m.content_hash == content_hash), None)


def _cosine(a: Vector, b: Vector) -> float:
    norm = math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b))
    return sum(x * y for x, y in zip(a, b, strict=True)) / norm if norm else 0.0


def _dense(records: list[ChunkRecord], vector: Vector) -> list[tuple[ChunkRecord, float]]:
    return [(record, _cosine(vector, record.vector)) for record in records]


def _sparse(records: list[ChunkRecord], query: list[int], total: int) -> list[tuple[ChunkRecord, float]]:
    """BM25-style: the document's term weights times the terms' IDF over the whole collection."""
    weights = [dict(zip(*sparse.document_vector(f"{r.title}\n{r.section}\n{r.text}"), strict=True)) for r in records]
    scored = []
    for record, terms in zip(records, weights, strict=True):
        score = 0.0
        for term in query:
            if term in terms:
                having = sum(1 for other in weights if term in other)
                score += terms[term] * math.log((total - having + 0.5) / (having + 0.5) + 1)
        if score > 0:
            scored.append((record, score))
    return scored


def _top(scored: list[tuple[ChunkRecord, float]], limit: int) -> list[Passage]:
    return [record.as_passage(score) for record, score in sorted(scored, key=lambda pair: -pair[1])[:limit]]
