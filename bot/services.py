"""Wire the services once: settings -> Qdrant, providers, store, manifest, ask service, bot state."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, partial
from typing import TYPE_CHECKING

from bot.config import Settings
from bot.imaging.base import ImageGenerator
from bot.imaging.flow import DrawService
from bot.imaging.library import ImageLibrary
from bot.imaging.queue import DrawQueue
from bot.imaging.records import DrawingRecords
from bot.kb.ask import AskService
from bot.kb.ingest import Ingestor
from bot.kb.manifest import Manifest
from bot.kb.qdrant import open_qdrant
from bot.kb.store import ChunkStore
from bot.providers.factory import Providers, build_providers, embedding_space
from bot.router import Router
from bot.router_factory import build_router
from bot.slack.outbox import Outbox
from bot.state import StateStore

if TYPE_CHECKING:
    from bot.find.index import ImageIndex
    from bot.find.service import FindService, FindTuning


@dataclass
class KnowledgeBase:
    """Everything Ask and ingestion need, built from one Settings."""

    settings: Settings
    providers: Providers
    store: ChunkStore
    manifest: Manifest
    ask: AskService

    def close(self) -> None:
        """Release the store (local mode holds a lock on its folder) and the manifest."""
        self.manifest.close()
        self.store.close()

    def ingestor(self) -> Ingestor:
        """An ingestor writing to this knowledge base."""
        max_bytes = int(self.settings.max_file_mb * 1_000_000)
        return Ingestor(self.store, self.providers.embedder, self.manifest, max_bytes, images=self.images,
                        follow_outside=self.settings.ingest_follow_links_outside)

    @cached_property
    def _image_side(self) -> tuple[ImageIndex, FindTuning]:
        """The image encoder is built on first use: a text question never loads an image model."""
        from bot.find.factory import build_image_encoder
        from bot.find.index import ImageIndex

        providers = self.providers
        encoder, tuning = build_image_encoder(self.settings, providers.embedder, providers.google_client,
                                              providers.models)
        return ImageIndex(self.store, encoder), tuning

    @property
    def images(self) -> ImageIndex:
        """The knowledge base's images (the image space beside the text space)."""
        return self._image_side[0]

    @property
    def find_tuning(self) -> FindTuning:
        """The similarity floors of the configured image encoder."""
        return self._image_side[1]

    @cached_property
    def find(self) -> FindService:
        """Cross-modal lookups over this knowledge base (and its answerer, for questions sent with images)."""
        from bot.find.service import FindService

        return FindService(self.store, self.images, self.providers.embedder, self.ask, self.find_tuning)


def build_knowledge_base(settings: Settings, collection: str | None = None) -> KnowledgeBase:
    """Open the store and pick providers; `collection` overrides CURATOR_COLLECTION."""
    model_id, dimension = embedding_space(settings)
    base = collection or settings.collection
    client = open_qdrant(settings)  # first: a locked local folder fails before anything else is opened
    manifest = Manifest(settings.manifest_path)
    store = ChunkStore(client, base, model_id, dimension, files_known=partial(manifest.files_known, base))
    providers = build_providers(settings, manifest.term_stats(store.name))
    ask = AskService(store, providers.embedder, providers.answerer)
    return KnowledgeBase(settings, providers, store, manifest, ask)


@dataclass
class Services:
    """What the Slack bot needs: settings, the knowledge base, drawing, its own state and the router
    (built from the knowledge base's providers when not given)."""

    settings: Settings
    kb: KnowledgeBase
    state: StateStore
    draw: DrawService
    router: Router | None = None
    outbox: Outbox | None = None  # every Slack reply leaves through it (None: built from settings)

    def __post_init__(self) -> None:
        if self.router is None:
            providers = self.kb.providers
            self.router = build_router(self.settings, providers.embedder if providers.local else None,
                                       providers.google_client)
        if self.outbox is None:
            self.outbox = Outbox(self.settings)

    def close(self) -> None:
        """Release the knowledge base and the databases, and stop delivering to Slack."""
        self.outbox.close()
        self.kb.close()
        self.state.close()
        self.draw.records.close()


def build_draw_service(settings: Settings, kb: KnowledgeBase, generator: ImageGenerator | None) -> DrawService:
    """Drawing with `generator` (None: offline), its records, queue and the image library."""
    records = DrawingRecords(settings.state_path, settings.images_dir)
    library = ImageLibrary(kb.images, kb.find)
    return DrawService(settings, generator, records, DrawQueue(settings.image_concurrency), library)


def build_services(settings: Settings) -> Services:
    """The knowledge base, drawing and the bot state for one Settings."""
    from bot.imaging.factory import build_image_generator

    kb = build_knowledge_base(settings)
    generator = build_image_generator(settings, kb.providers.google_client, kb.providers.models)
    draw = build_draw_service(settings, kb, generator)
    return Services(settings, kb, StateStore(settings.state_path), draw)
