"""Assemble the app once: settings -> vector store, manifest, providers, ask, find, drawing, state, router and
the Slack outbox. `build_services` is the one composition root: serve, console, the doctor's checks, tests and
benchmarks build through it (or its parts below), replacing pieces with keyword overrides."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.config import Settings
from bot.draw.base import ImageGenerator
from bot.draw.flow import DrawService
from bot.draw.library import ImageLibrary
from bot.kb.ask import AskService
from bot.kb.ingest import Ingestor
from bot.kb.manifest import Manifest
from bot.kb.stores.base import VectorStore
from bot.kb.stores.open import open_store
from bot.providers.factory import Providers, build_providers, embedding_space
from bot.routing.factory import build_router
from bot.routing.router import Router
from bot.slack.outbox import Outbox
from bot.slack.web import SlackWebs
from bot.state.base import BotState, DrawingLedger, DrawSlots
from bot.state.lifecycle import Lifecycle
from bot.state.open import open_bot_state, open_drawings, open_requests
from bot.state.slots import DrawQueue
from bot.types import Answerer

if TYPE_CHECKING:
    from bot.find.index import ImageIndex
    from bot.find.service import FindService, FindTuning

CONFIGURED: Any = object()  # the default of `generator`: the image model the settings name (None: offline)


@dataclass
class KnowledgeBase:
    """Everything Ask and ingestion need, built from one Settings."""

    settings: Settings
    providers: Providers
    store: VectorStore
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
        from bot.find.encoders.factory import build_image_encoder
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


def build_store(settings: Settings, collection: str | None = None) -> tuple[VectorStore, Manifest]:
    """The configured vector store of the configured embedding space, and the manifest of what it holds."""
    model_id, dimension = embedding_space(settings)
    base = collection or settings.collection
    manifest = Manifest(settings.manifest_path)
    try:
        store = open_store(settings, base, model_id, dimension, files_known=partial(manifest.files_known, base))
    except BaseException:  # e.g. a local Qdrant folder locked by another Curator
        manifest.close()
        raise
    return store, manifest


def build_knowledge_base(settings: Settings, collection: str | None = None, *,
                         answerer: Answerer | None = None) -> KnowledgeBase:
    """Open the store and pick providers; `collection` overrides CURATOR_COLLECTION, `answerer` the answer model."""
    store, manifest = build_store(settings, collection)
    providers = build_providers(settings, manifest.term_stats(store.name))
    ask = AskService(store, providers.embedder, answerer or providers.answerer)
    return KnowledgeBase(settings, providers, store, manifest, ask)


@dataclass
class Services:
    """What the Slack bot needs: settings, the knowledge base, drawing, its own state, the router and the
    outbox every Slack reply leaves through."""

    settings: Settings
    kb: KnowledgeBase
    state: BotState
    draw: DrawService
    router: Router
    outbox: Outbox
    web: SlackWebs  # permalinks, files.info and the file downloader, per bot token
    requests: Lifecycle  # claims, leases and endings of the requests this process serves

    def close(self) -> None:
        """Release the knowledge base and the databases, and stop delivering to Slack."""
        self.requests.stop()
        self.outbox.close()
        self.kb.close()
        self.state.close()
        self.draw.records.close()
        self.requests.ledger.close()


def build_services(settings: Settings, *, kb: KnowledgeBase | None = None, answerer: Answerer | None = None,
                   generator: ImageGenerator | None = CONFIGURED, state_dir: Path | None = None,
                   state: BotState | None = None, drawings: DrawingLedger | None = None,
                   slots: DrawSlots | None = None,
                   router: Router | None = None, outbox: Outbox | None = None,
                   index_in_background: bool = True) -> Services:
    """The whole app for one Settings. Overrides: a knowledge base already open (`kb`, e.g. shared by tests),
    the answer model, the image model (None: offline), where the bot state and drawing ledger live
    (`state_dir`, default CURATOR_DATA_DIR) or the stores themselves (`state`, `drawings`), the draw slots, the router and
    the outbox (e.g. on a sped-up clock). `index_in_background=False` (the doctor: a short-lived look) starts
    no index build."""
    if kb is None:
        kb = build_knowledge_base(settings, answerer=answerer)
    elif answerer is not None:
        kb = KnowledgeBase(kb.settings, kb.providers, kb.store, kb.manifest,
                           AskService(kb.store, kb.providers.embedder, answerer))
    if index_in_background:
        kb.store.index_in_background()  # a long-lived app: index builds never run on a request
    if generator is CONFIGURED:
        from bot.draw.factory import build_image_generator

        generator = build_image_generator(settings, kb.providers.google_client, kb.providers.models)
    state = state or open_bot_state(settings, state_dir)
    drawings = drawings or open_drawings(settings, state_dir)
    library = ImageLibrary(kb.images, kb.find)
    draw = DrawService(settings, generator, drawings, slots or DrawQueue(settings.image_concurrency), library)
    if router is None:
        providers = kb.providers
        router = build_router(settings, providers.embedder if providers.local else None, providers.google_client)
    requests = Lifecycle(open_requests(settings, state_dir), settings.request_lease_s)
    return Services(settings, kb, state, draw, router, outbox or Outbox(settings), SlackWebs(settings), requests)
