"""The vector store seam: what the knowledge base needs from an engine, for its text space and its images'
visual space, and the records it stores. Engines: `qdrant` (embedded or a server) and `memory` (tests).

A store is one knowledge base (`base`) in the collection of one embedding space; `visual(model, dim)` is the
collection of image look-alike vectors beside it. Point ids are deterministic (`point_id`), so re-ingesting
the same content overwrites instead of duplicating, in every engine.
"""

from __future__ import annotations

import re
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from bot.errors import UserError
from bot.kb.spaces import missing_space_message, parse_space
from bot.types import Passage, Vector

SearchMode = Literal["hybrid", "dense", "sparse"]
# The payload fields every engine indexes as keywords (the filters of search, pruning and Find).
KEYWORD_FIELDS = ("source", "doc_id", "content_hash", "tags", "modality")
RRF_K = 2  # qdrant-client's and the server's reciprocal-rank-fusion constant: every engine fuses alike
_POINT_NAMESPACE = uuid.UUID("5b0f5bb4-6a55-4f4e-9a0e-8f1d6f3c2a11")


class KnowledgeBaseError(UserError):
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

    def as_passage(self, score: float) -> Passage:
        """The chunk as search results show it."""
        return Passage(self.text, self.title, self.section, self.doc_id, self.source, float(score), self.modality)


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
class VisualMatch:
    """An image found in the visual space: its id, where it lives and how alike it is (cosine)."""

    point_id: str
    source: str
    doc_id: str
    title: str
    content_hash: str
    similarity: float
    text: str = ""


class VisualCollection(ABC):
    """The look-alike vectors of one image model, beside a knowledge base's text space (collection `name`)."""

    def __init__(self, name: str, model_id: str, dimension: int) -> None:
        self.name = name
        self.model_id = model_id
        self.dimension = dimension

    @abstractmethod
    def upsert(self, points: Sequence[VisualPoint]) -> None:
        """Insert or overwrite visual points (ids are those of the text space)."""

    @abstractmethod
    def delete_versions(self, versions: Sequence[tuple[str, str, int]]) -> None:
        """Remove the visual points of (source, content hash, count) versions."""

    @abstractmethod
    def nearest(self, vector: Vector, limit: int, sources: Sequence[str] | None = None) -> list[VisualMatch]:
        """The most similar images by cosine (among `sources` when given); empty when none is indexed."""

    @abstractmethod
    def with_hash(self, content_hash: str) -> VisualMatch | None:
        """An indexed image with exactly these bytes (sha256), if any."""


class VectorStore(ABC):
    """Reads and writes one knowledge base (`base`) in the collection of one embedding space.

    `files_known` counts the files the manifest says were ingested into any space of `base`, so a space that
    was never built can offer `curator reindex`.
    """

    def __init__(self, base: str, model_id: str, dimension: int, files_known: Callable[[], int] | None = None):
        self.base = base
        self.model_id = model_id
        self.dimension = dimension
        self.name = collection_name(base, model_id, dimension)
        self._files_known = files_known

    @abstractmethod
    def close(self) -> None:
        """Release the engine."""

    @abstractmethod
    def exists(self) -> bool:
        """Whether this embedding space has been ingested at all."""

    @abstractmethod
    def ensure(self) -> bool:
        """Create the collection if needed; True when it was created now."""

    @abstractmethod
    def upsert(self, records: Sequence[ChunkRecord]) -> None:
        """Insert or overwrite chunks (ids are deterministic)."""

    @abstractmethod
    def delete_versions(self, versions: Sequence[tuple[str, str, int]]) -> None:
        """Remove the chunks of (source, content hash, chunk count) versions, by their deterministic ids."""

    @abstractmethod
    def count(self) -> int:
        """How many chunks are stored (0 when the collection does not exist)."""

    @abstractmethod
    def search(
        self, vector: Vector, text: str, limit: int = 8, mode: SearchMode = "hybrid", tags: Sequence[str] = (),
        modality: str | None = None, sources: Sequence[str] | None = None,
    ) -> list[Passage]:
        """Top chunks by dense, sparse (BM25) or both fused with reciprocal rank fusion; `sources` limits the
        search to those files."""

    @abstractmethod
    def visual(self, model_id: str, dimension: int) -> VisualCollection:
        """The visual collection of one image model beside this knowledge base."""

    @abstractmethod
    def collections(self) -> list[str]:
        """The names of every collection the engine holds."""

    def index_in_background(self) -> None:
        """Long-lived processes: build search indexes off the request path (engines that need it)."""

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
        names = sorted(name for name in self.collections() if name.startswith(f"{self.base}__"))
        others = [space for space in map(parse_space, names) if space is not None]
        known = self._files_known() if self._files_known else 0
        raise KnowledgeBaseError(missing_space_message(self.base, self.model_id, self.dimension, others, known))


def visual_name(base: str, model_id: str, dimension: int) -> str:
    """The visual collection's name for one image model beside knowledge base `base`."""
    return collection_name(f"{base}-visual", model_id, dimension)
