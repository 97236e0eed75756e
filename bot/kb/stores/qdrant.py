"""The chunk store: one Qdrant collection per embedding model and dimension, dense + sparse vectors."""

from __future__ import annotations

import re
import uuid
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from bot.kb import sparse
from bot.kb.spaces import missing_space_message, parse_space
from bot.types import Passage, Vector

if TYPE_CHECKING:
    from qdrant_client import QdrantClient

DENSE = "dense"
SPARSE = "sparse"
SearchMode = Literal["hybrid", "dense", "sparse"]
_POINT_NAMESPACE = uuid.UUID("5b0f5bb4-6a55-4f4e-9a0e-8f1d6f3c2a11")
_KEYWORD_FIELDS = ("source", "doc_id", "content_hash", "tags", "modality")


class KnowledgeBaseError(Exception):
    """The knowledge base cannot serve this request; the message tells the user what to do."""


def collection_name(base: str, model_id: str, dimension: int) -> str:
    """`kb` + `gemini-embedding-2.task-prefix` + 768 -> `kb__gemini-embedding-2.task-prefix__768`: models (and
    ways of preparing their texts) never share a space."""
    slug = re.sub(r"[^a-z0-9.-]+", "-", model_id.lower()).strip("-")
    return f"{base}__{slug}__{dimension}"


def point_id(source: str, content_hash: str, index: int) -> str:
    """Deterministic id: re-ingesting the same content overwrites instead of duplicating."""
    return str(uuid.uuid5(_POINT_NAMESPACE, f"{source}\x00{content_hash}\x00{index}"))


def version_ids(versions: Sequence[tuple[str, str, int]]) -> list[str]:
    """The point ids of (source, content hash, chunk count) versions."""
    return [point_id(source, content_hash, i) for source, content_hash, count in versions for i in range(count)]


@dataclass(frozen=True)
class ChunkRecord:
    """A chunk ready to store: its vector, its text and the payload fields that scope and cite it."""

    source: str
    doc_id: str
    title: str
    section: str
    text: str
    content_hash: str
    index: int
    count: int
    tags: tuple[str, ...]
    vector: Vector
    modality: str = "text"


class ChunkStore:
    """Reads and writes one knowledge base (`base`) in the collection of one embedding space.

    `files_known` counts the files the manifest says were ingested into any space of `base`, so a space that
    was never built can offer `curator reindex`.
    """

    def __init__(self, client: QdrantClient, base: str, model_id: str, dimension: int,
                 files_known: Callable[[], int] | None = None) -> None:
        self._client = client
        self.base = base
        self.model_id = model_id
        self.dimension = dimension
        self.name = collection_name(base, model_id, dimension)
        self._files_known = files_known

    @property
    def client(self) -> QdrantClient:
        """The Qdrant client, shared with stores of the same knowledge base (image vectors)."""
        return self._client

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
            for field in _KEYWORD_FIELDS:
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
                    payload=_payload(record),
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
        return [_passage(point.payload or {}, point.score) for point in response.points]

    def summary(self) -> str:
        """The truth about this knowledge base in one line: what it holds, or what to do before it can answer."""
        try:
            self.check_ready()
        except KnowledgeBaseError as exc:
            return f"{exc} Until then Curator can't answer questions."
        chunks = self.count()
        if not chunks:
            return (f"The knowledge base '{self.base}' holds no chunks yet, so Curator can't answer questions. "
                    "Add documents with `curator ingest PATH` (e.g. examples/kb).")
        return f"Knowledge base '{self.base}': {chunks} chunks in {self.name}."

    def check_ready(self) -> None:
        """Raise a KnowledgeBaseError that says what to do when this space has not been built."""
        if self.exists():
            return
        names = sorted(c.name for c in self._client.get_collections().collections if c.name.startswith(f"{self.base}__"))
        others = [space for space in map(parse_space, names) if space is not None]
        known = self._files_known() if self._files_known else 0
        raise KnowledgeBaseError(missing_space_message(self.base, self.model_id, self.dimension, others, known))


def _payload(record: ChunkRecord) -> dict[str, Any]:
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


def _passage(payload: dict[str, Any], score: float) -> Passage:
    return Passage(
        text=payload.get("text", ""),
        title=payload.get("title", ""),
        section=payload.get("section", ""),
        doc_id=payload.get("doc_id", ""),
        source=payload.get("source", ""),
        score=float(score),
        modality=payload.get("modality", "text"),
    )
