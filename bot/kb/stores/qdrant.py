"""The Qdrant engine: one collection per embedding space with dense + sparse (BM25, IDF in Qdrant) vectors, and
a visual collection per image model beside it. Embedded (local mode) or a server: `open_qdrant`."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from bot.kb import sparse
from bot.kb.stores.base import (
    KEYWORD_FIELDS,
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

if TYPE_CHECKING:
    from qdrant_client import QdrantClient

DENSE = "dense"
SPARSE = "sparse"
VISUAL = "visual"


class QdrantStore(VectorStore):
    """One knowledge base in one Qdrant collection (see VectorStore)."""

    def __init__(self, client: QdrantClient, base: str, model_id: str, dimension: int,
                 files_known: Callable[[], int] | None = None) -> None:
        super().__init__(base, model_id, dimension, files_known)
        self._client = client

    def visual(self, model_id: str, dimension: int) -> VisualCollection:
        """The visual collection of one image model, in the same Qdrant."""
        return QdrantVisual(self._client, visual_name(self.base, model_id, dimension), model_id, dimension)

    def collections(self) -> list[str]:
        """Every collection in this Qdrant."""
        return [c.name for c in self._client.get_collections().collections]

    def close(self) -> None:
        """Close the underlying Qdrant client."""
        self._client.close()

    def exists(self) -> bool:
        """Whether this embedding space has been ingested at all."""
        return self._client.collection_exists(self.name)

    def ensure(self) -> bool:
        """Create the collection if needed; True when it was created now."""
        from qdrant_client import models

        if self.exists():
            return False
        self._client.create_collection(
            self.name,
            vectors_config={DENSE: models.VectorParams(size=self.dimension, distance=models.Distance.COSINE)},
            sparse_vectors_config={SPARSE: models.SparseVectorParams(modifier=models.Modifier.IDF)},
        )
        with warnings.catch_warnings():  # local mode has no payload indexes and says so; servers use them
            warnings.filterwarnings("ignore", message="Payload indexes have no effect")
            for field in KEYWORD_FIELDS:
                self._client.create_payload_index(self.name, field, models.PayloadSchemaType.KEYWORD)
        return True

    def upsert(self, records: Sequence[ChunkRecord]) -> None:
        """Insert or overwrite chunks (ids are deterministic)."""
        from qdrant_client import models

        points = []
        for record in records:
            indices, values = sparse.document_vector(f"{record.title}\n{record.section}\n{record.text}")
            points.append(
                models.PointStruct(
                    id=point_id(record.source, record.content_hash, record.index),
                    vector={DENSE: record.vector, SPARSE: models.SparseVector(indices=indices, values=values)},
                    payload=chunk_payload(record),
                )
            )
        if points:
            self._client.upsert(self.name, points=points, wait=True)

    def delete_versions(self, versions: Sequence[tuple[str, str, int]]) -> None:
        """Remove the chunks of (source, content hash, chunk count) versions, by their deterministic ids."""
        from qdrant_client import models

        ids = version_ids(versions)
        if ids:
            self._client.delete(self.name, points_selector=models.PointIdsList(points=ids), wait=True)

    def count(self) -> int:
        """How many chunks are stored (0 when the collection does not exist)."""
        return self._client.count(self.name, exact=True).count if self.exists() else 0

    def search(
        self, vector: Vector, text: str, limit: int = 8, mode: SearchMode = "hybrid", tags: Sequence[str] = (),
        modality: str | None = None, sources: Sequence[str] | None = None,
    ) -> list[Passage]:
        """Top chunks by dense, sparse (BM25) or both fused with reciprocal rank fusion; `sources` limits the
        search to those files."""
        from qdrant_client import models

        self.check_ready()
        conditions = []
        if tags:
            conditions.append(models.FieldCondition(key="tags", match=models.MatchAny(any=list(tags))))
        if sources is not None:
            conditions.append(models.FieldCondition(key="source", match=models.MatchAny(any=list(sources))))
        if modality:
            conditions.append(models.FieldCondition(key="modality", match=models.MatchValue(value=modality)))
        query_filter = models.Filter(must=conditions) if conditions else None
        indices, values = sparse.query_vector(text)
        dense_query: dict[str, Any] = {"query": vector, "using": DENSE}
        sparse_query: dict[str, Any] = {"query": models.SparseVector(indices=indices, values=values), "using": SPARSE}
        if mode == "dense" or (mode == "hybrid" and not indices):
            response = self._client.query_points(self.name, **dense_query, limit=limit, query_filter=query_filter)
        elif mode == "sparse":
            response = self._client.query_points(self.name, **sparse_query, limit=limit, query_filter=query_filter)
        else:
            depth = max(limit * 4, 20)
            response = self._client.query_points(
                self.name,
                prefetch=[
                    models.Prefetch(**dense_query, limit=depth, filter=query_filter),
                    models.Prefetch(**sparse_query, limit=depth, filter=query_filter),
                ],
                query=models.FusionQuery(fusion=models.Fusion.RRF),
                limit=limit,
            )
        return [passage(point.payload or {}, point.score) for point in response.points]


class QdrantVisual(VisualCollection):
    """One Qdrant collection of look-alike vectors for one image model and dimension."""

    def __init__(self, client: QdrantClient, name: str, model_id: str, dimension: int) -> None:
        super().__init__(name, model_id, dimension)
        self._client = client

    def _ensure(self) -> None:
        from qdrant_client import models

        if not self._client.collection_exists(self.name):
            self._client.create_collection(
                self.name, vectors_config={VISUAL: models.VectorParams(size=self.dimension,
                                                                       distance=models.Distance.COSINE)},
            )

    def upsert(self, points: Sequence[VisualPoint]) -> None:
        """Insert or overwrite visual points (ids are those of the text collection)."""
        from qdrant_client import models

        if not points:
            return
        self._ensure()
        self._client.upsert(self.name, wait=True, points=[
            models.PointStruct(id=point_id(p.source, p.content_hash, 0), vector={VISUAL: p.vector},
                               payload={"source": p.source, "doc_id": p.doc_id, "title": p.title,
                                        "content_hash": p.content_hash, "text": p.text})
            for p in points
        ])

    def delete_versions(self, versions: Sequence[tuple[str, str, int]]) -> None:
        """Remove the visual points of (source, content hash, count) versions."""
        from qdrant_client import models

        ids = version_ids(versions)
        if ids and self._client.collection_exists(self.name):
            self._client.delete(self.name, points_selector=models.PointIdsList(points=ids), wait=True)

    def nearest(self, vector: Vector, limit: int, sources: Sequence[str] | None = None) -> list[VisualMatch]:
        """The most similar images by cosine (among `sources` when given); empty when none is indexed."""
        from qdrant_client import models

        if not self._client.collection_exists(self.name):
            return []
        only = None if sources is None else models.Filter(must=[
            models.FieldCondition(key="source", match=models.MatchAny(any=list(sources)))])
        response = self._client.query_points(self.name, query=vector, using=VISUAL, limit=limit, query_filter=only)
        return [visual_match(str(p.id), p.payload or {}, p.score) for p in response.points]

    def with_hash(self, content_hash: str) -> VisualMatch | None:
        """An indexed image with exactly these bytes (sha256), if any."""
        from qdrant_client import models

        if not self._client.collection_exists(self.name):
            return None
        points, _ = self._client.scroll(self.name, limit=1, scroll_filter=models.Filter(must=[
            models.FieldCondition(key="content_hash", match=models.MatchValue(value=content_hash))]))
        return visual_match(str(points[0].id), points[0].payload or {}, 1.0) if points else None


def chunk_payload(record: ChunkRecord) -> dict[str, Any]:
    """The payload a chunk is stored with (the same in every Qdrant engine)."""
    return {
        "source": record.source,
        "doc_id": record.doc_id,
        "title": record.title,
        "section": record.section,
        "text": record.text,
        "content_hash": record.content_hash,
        "chunk_index": record.index,
        "chunk_count": record.count,
        "modality": record.modality,
        "tags": list(record.tags),
    }


def passage(payload: dict[str, Any], score: float) -> Passage:
    """A search hit's payload as a Passage."""
    return Passage(
        text=payload.get("text", ""),
        title=payload.get("title", ""),
        section=payload.get("section", ""),
        doc_id=payload.get("doc_id", ""),
        source=payload.get("source", ""),
        score=float(score),
        modality=payload.get("modality", "text"),
    )


def visual_match(pid: str, payload: dict[str, Any], score: float) -> VisualMatch:
    """A visual hit's payload as a VisualMatch."""
    return VisualMatch(pid, payload.get("source", ""), payload.get("doc_id", ""), payload.get("title", ""),
                       payload.get("content_hash", ""), float(score), payload.get("text", ""))
