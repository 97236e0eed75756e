"""Images in the knowledge base: a chunk-store entry in the text space, plus a visual vector for look-alikes.

Each image is one point in the knowledge base's collection (modality "image": its semantic vector, and its
caption and OCR text as the searchable text) and one point with the same id in a visual collection named
after the image model, so image-to-image similarity and duplicate detection use the right space.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from bot.find.base import ImageDescription, ImageEncoder
from bot.kb.images import DownloadedImage
from bot.kb.stores.qdrant import (
    ChunkRecord,
    ChunkStore,
    collection_name,
    point_id,
    version_ids,
)
from bot.types import Passage, Vector

VISUAL = "visual"
IMAGE_SECTION = "Image"


@dataclass(frozen=True)
class VisualPoint:
    """An image's vector in the visual space, keyed like its chunk-store entry."""

    source: str
    doc_id: str
    title: str
    content_hash: str
    vector: Vector
    text: str = ""  # caption and OCR text: look-alike screenshots differ only in their words


@dataclass(frozen=True)
class IndexedImage:
    """What indexing one image produces: its chunk-store record and its visual point."""

    record: ChunkRecord
    visual: VisualPoint
    description: ImageDescription


@dataclass(frozen=True)
class VisualMatch:
    """An image found in the visual space: its id, where it lives and how alike it is (cosine)."""

    point_id: str
    source: str
    doc_id: str
    title: str
    content_hash: str
    similarity: float
    text: str = ""


def image_title(path: str) -> str:
    """A readable title from a file name: `payment-flow_v2.png` -> `payment flow v2`."""
    return re.sub(r"[\s_\-]+", " ", PurePath(path).stem).strip() or PurePath(path).name


class VisualStore:
    """One Qdrant collection per image model and dimension, beside the knowledge base's own collection."""

    def __init__(self, store: ChunkStore, model_id: str, dimension: int) -> None:
        self._client = store.client
        self.model_id = model_id
        self.name = collection_name(f"{store.base}-visual", model_id, dimension)
        self.dimension = dimension

    def ensure(self) -> None:
        """Create the collection if needed."""
        from qdrant_client import models

        if not self._client.collection_exists(self.name):
            self._client.create_collection(
                self.name, vectors_config={VISUAL: models.VectorParams(size=self.dimension,
                                                                       distance=models.Distance.COSINE)},
            )

    def upsert(self, points: Sequence[VisualPoint]) -> None:
        """Insert or overwrite visual points (ids are those of the chunk store)."""
        from qdrant_client import models

        if not points:
            return
        self.ensure()
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
        return [_match(str(p.id), p.payload or {}, p.score) for p in response.points]

    def with_hash(self, content_hash: str) -> VisualMatch | None:
        """An indexed image with exactly these bytes (sha256), if any."""
        from qdrant_client import models

        if not self._client.collection_exists(self.name):
            return None
        points, _ = self._client.scroll(self.name, limit=1, scroll_filter=models.Filter(must=[
            models.FieldCondition(key="content_hash", match=models.MatchValue(value=content_hash))]))
        return _match(str(points[0].id), points[0].payload or {}, 1.0) if points else None


class ImageIndex:
    """Describes, embeds and stores images: files under an ingest path, and generated drawings."""

    def __init__(self, store: ChunkStore, encoder: ImageEncoder) -> None:
        self.store = store
        self.encoder = encoder
        self.visual = VisualStore(store, encoder.visual_model_id, encoder.visual_dimension)

    def prepare(self, image: DownloadedImage, source: str, doc_id: str, content_hash: str,
                tags: tuple[str, ...] = (), title: str | None = None,
                description: ImageDescription | None = None, words: str = "") -> IndexedImage:
        """Describe (unless given) and embed an image, with `words` known to describe it; nothing is stored."""
        description = description or self.encoder.describe(image)
        vectors = self.encoder.embed(image, description, task="document", text=words)
        title = title or image_title(doc_id)
        record = ChunkRecord(
            source=source, doc_id=doc_id, title=title, section=IMAGE_SECTION,
            text=description.as_text() or title, content_hash=content_hash, index=0, count=1, tags=tags,
            vector=vectors.semantic, modality="image",
        )
        visual = VisualPoint(source, doc_id, title, content_hash, vectors.visual, description.text)
        return IndexedImage(record, visual, description)

    def store_images(self, images: Sequence[IndexedImage]) -> None:
        """Write prepared images to both collections."""
        self.store.ensure()
        self.store.upsert([i.record for i in images])
        self.visual.upsert([i.visual for i in images])

    def delete_versions(self, versions: Sequence[tuple[str, str, int]]) -> None:
        """Remove the visual points of replaced or deleted files (the chunk store removes its own)."""
        self.visual.delete_versions(versions)


def as_passage(match: VisualMatch) -> Passage:
    """A visual match in the shape the rest of Curator cites."""
    return Passage(text="", title=match.title, section=IMAGE_SECTION, doc_id=match.doc_id, source=match.source,
                   score=match.similarity, modality="image")


def _match(pid: str, payload: dict[str, Any], score: float) -> VisualMatch:
    return VisualMatch(pid, payload.get("source", ""), payload.get("doc_id", ""), payload.get("title", ""),
                       payload.get("content_hash", ""), float(score), payload.get("text", ""))
