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

from bot.find.base import ImageDescription, ImageEncoder
from bot.kb.images import DownloadedImage
from bot.kb.stores.base import ChunkRecord, VectorStore, VisualMatch, VisualPoint
from bot.types import Passage

IMAGE_SECTION = "Image"


@dataclass(frozen=True)
class IndexedImage:
    """What indexing one image produces: its chunk-store record and its visual point."""

    record: ChunkRecord
    visual: VisualPoint
    description: ImageDescription

    @property
    def words(self) -> str:
        """The text read in the image (caption, OCR); "" when none."""
        return self.description.text


def image_title(path: str) -> str:
    """A readable title from a file name: `payment-flow_v2.png` -> `payment flow v2`."""
    return re.sub(r"[\s_\-]+", " ", PurePath(path).stem).strip() or PurePath(path).name


class ImageIndex:
    """Describes, embeds and stores images: files under an ingest path, and generated drawings."""

    def __init__(self, store: VectorStore, encoder: ImageEncoder) -> None:
        self.store = store
        self.encoder = encoder
        self.visual = store.visual(encoder.visual_model_id, encoder.visual_dimension)

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
