"""The embedded engine: Qdrant Edge (qdrant-edge-py, in-process Rust), one shard per collection with dense +
sparse (BM25 term weights from bot.kb.sparse, IDF applied by the engine) vectors, like the Qdrant server path,
so points move between the two unchanged. A visual shard per image model lies beside it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from bot.kb import sparse
from bot.kb.stores.base import (
    KEYWORD_FIELDS,
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
from bot.kb.stores.edge_engine import EdgeEngine
from bot.kb.stores.qdrant import (
    DENSE,
    SPARSE,
    VISUAL,
    chunk_payload,
    passage,
    visual_match,
)
from bot.types import Passage, Vector


class EdgeStore(VectorStore):
    """One knowledge base in one Qdrant Edge shard (see VectorStore)."""

    def __init__(self, engine: EdgeEngine, base: str, model_id: str, dimension: int,
                 files_known: Callable[[], int] | None = None) -> None:
        super().__init__(base, model_id, dimension, files_known)
        self.engine = engine

    def visual(self, model_id: str, dimension: int) -> VisualCollection:
        """The visual collection of one image model, in the same data folder."""
        return EdgeVisual(self.engine, visual_name(self.base, model_id, dimension), model_id, dimension)

    def collections(self) -> list[str]:
        """Every collection in the data folder."""
        return self.engine.names()

    def close(self) -> None:
        """Close every shard (after an index build under way)."""
        self.engine.close()

    def index_in_background(self) -> None:
        """Build the HNSW index in a background thread now and after each burst of writes."""
        self.engine.index_in_background()

    def exists(self) -> bool:
        """Whether this embedding space has been ingested at all."""
        return self.engine.exists(self.name)

    def ensure(self) -> bool:
        """Create the shard and its keyword indexes if needed; True when it was created now."""
        if self.exists():
            return False
        from qdrant_edge import KeywordIndexParams, UpdateOperation

        shard = self.engine.shard(self.name, self._config)
        for field in KEYWORD_FIELDS:
            shard.update(UpdateOperation.create_field_index(field, KeywordIndexParams()))
        return True

    def _config(self):
        from qdrant_edge import (
            Distance,
            EdgeConfig,
            EdgeSparseVectorParams,
            EdgeVectorParams,
            HnswIndexConfig,
            Modifier,
        )

        # payload_m=0: no extra graph links per keyword value (they made the 100k build take minutes); filters
        # use the payload indexes with the main graph.
        return EdgeConfig(vectors={DENSE: EdgeVectorParams(size=self.dimension, distance=Distance.Cosine)},
                          sparse_vectors={SPARSE: EdgeSparseVectorParams(modifier=Modifier.Idf)},
                          hnsw_config=HnswIndexConfig(m=16, ef_construct=100, full_scan_threshold=10_000, payload_m=0))

    def upsert(self, records: Sequence[ChunkRecord]) -> None:
        """Insert or overwrite chunks (ids are deterministic); durable when this returns (write-ahead log)."""
        from qdrant_edge import Point, SparseVector, UpdateOperation

        points = []
        for record in records:
            indices, values = sparse.document_vector(f"{record.title}\n{record.section}\n{record.text}")
            vector: dict[str, Any] = {DENSE: list(record.vector)}
            if indices:
                vector[SPARSE] = SparseVector(indices, values)
            points.append(Point(point_id(record.source, record.content_hash, record.index), vector,
                                chunk_payload(record)))
        if points:
            self.engine.shard(self.name, self._config).update(UpdateOperation.upsert_points(points))
            self.engine.wrote(self.name)

    def delete_versions(self, versions: Sequence[tuple[str, str, int]]) -> None:
        """Remove the chunks of (source, content hash, chunk count) versions, by their deterministic ids."""
        _delete(self.engine, self.name, version_ids(versions))

    def count(self) -> int:
        """How many chunks are stored (0 when the collection does not exist)."""
        from qdrant_edge import CountRequest

        shard = self.engine.shard(self.name)
        return shard.count(CountRequest(exact=True)) if shard is not None else 0

    def search(
        self, vector: Vector, text: str, limit: int = 8, mode: SearchMode = "hybrid", tags: Sequence[str] = (),
        modality: str | None = None, sources: Sequence[str] | None = None,
    ) -> list[Passage]:
        """Top chunks by dense, sparse (BM25) or both fused with reciprocal rank fusion; `sources` limits the
        search to those files. Exact until the background index build, then HNSW."""
        from qdrant_edge import (
            FieldCondition,
            Filter,
            Fusion,
            MatchAny,
            MatchValue,
            Prefetch,
            Query,
            QueryRequest,
            SparseVector,
        )

        self.check_ready()
        conditions = []
        if tags:
            conditions.append(FieldCondition(key="tags", match=MatchAny(any=list(tags))))
        if sources is not None:
            conditions.append(FieldCondition(key="source", match=MatchAny(any=list(sources))))
        if modality:
            conditions.append(FieldCondition(key="modality", match=MatchValue(modality)))
        where = Filter(must=conditions) if conditions else None
        indices, values = sparse.query_vector(text)
        dense = Query.Nearest(list(vector), using=DENSE)
        words = Query.Nearest(SparseVector(indices, values), using=SPARSE) if indices else None
        if mode == "sparse" and words is None:
            return []
        if mode == "dense" or (mode == "hybrid" and words is None):
            request = QueryRequest(limit=limit, query=dense, filter=where, with_payload=True)
        elif mode == "sparse":
            request = QueryRequest(limit=limit, query=words, filter=where, with_payload=True)
        else:
            depth = max(limit * 4, 20)
            request = QueryRequest(limit=limit, with_payload=True, query=Fusion.Rrf(k=RRF_K), prefetches=[
                Prefetch(limit=depth, query=dense, filter=where), Prefetch(limit=depth, query=words, filter=where)])
        return [passage(point.payload or {}, point.score) for point in self.engine.shard(self.name).query(request)]


class EdgeVisual(VisualCollection):
    """One Qdrant Edge shard of look-alike vectors for one image model and dimension."""

    def __init__(self, engine: EdgeEngine, name: str, model_id: str, dimension: int) -> None:
        super().__init__(name, model_id, dimension)
        self._engine = engine

    def _config(self):
        from qdrant_edge import Distance, EdgeConfig, EdgeVectorParams

        return EdgeConfig(vectors={VISUAL: EdgeVectorParams(size=self.dimension, distance=Distance.Cosine)})

    def upsert(self, points: Sequence[VisualPoint]) -> None:
        """Insert or overwrite visual points (ids are those of the text collection)."""
        from qdrant_edge import Point, UpdateOperation

        if not points:
            return
        shard = self._engine.shard(self.name, self._config)
        shard.update(UpdateOperation.upsert_points([
            Point(point_id(p.source, p.content_hash, 0), {VISUAL: list(p.vector)},
                  {"source": p.source, "doc_id": p.doc_id, "title": p.title, "content_hash": p.content_hash,
                   "text": p.text})
            for p in points
        ]))
        self._engine.wrote(self.name)

    def delete_versions(self, versions: Sequence[tuple[str, str, int]]) -> None:
        """Remove the visual points of (source, content hash, count) versions."""
        _delete(self._engine, self.name, version_ids(versions))

    def nearest(self, vector: Vector, limit: int, sources: Sequence[str] | None = None) -> list[VisualMatch]:
        """The most similar images by cosine (among `sources` when given); empty when none is indexed."""
        from qdrant_edge import FieldCondition, Filter, MatchAny, Query, QueryRequest

        shard = self._engine.shard(self.name)
        if shard is None:
            return []
        only = None if sources is None else Filter(must=[FieldCondition(key="source", match=MatchAny(any=list(sources)))])
        found = shard.query(QueryRequest(limit=limit, query=Query.Nearest(list(vector), using=VISUAL), filter=only,
                                         with_payload=True))
        return [visual_match(str(p.id), p.payload or {}, p.score) for p in found]

    def with_hash(self, content_hash: str) -> VisualMatch | None:
        """An indexed image with exactly these bytes (sha256), if any."""
        from qdrant_edge import FieldCondition, Filter, MatchValue, ScrollRequest

        shard = self._engine.shard(self.name)
        if shard is None:
            return None
        points, _ = shard.scroll(ScrollRequest(limit=1, with_payload=True, filter=Filter(must=[
            FieldCondition(key="content_hash", match=MatchValue(content_hash))])))
        return visual_match(str(points[0].id), points[0].payload or {}, 1.0) if points else None


def _delete(engine: EdgeEngine, name: str, ids: list[str]) -> None:
    from qdrant_edge import UpdateOperation

    shard = engine.shard(name)
    if ids and shard is not None:
        shard.update(UpdateOperation.delete_points(ids))
        engine.wrote(name)
