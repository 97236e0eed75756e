"""Wire the services once: settings -> Qdrant, providers, store, manifest, ask service, bot state."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from bot.config import Settings
from bot.kb.ask import AskService
from bot.kb.ingest import Ingestor
from bot.kb.manifest import Manifest
from bot.kb.qdrant import open_qdrant
from bot.kb.store import ChunkStore
from bot.state import StateStore
from bot.providers.factory import Providers, build_providers, embedding_space


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
        return Ingestor(self.store, self.providers.embedder, self.manifest, max_bytes)


def build_knowledge_base(settings: Settings, collection: str | None = None) -> KnowledgeBase:
    """Open the store and pick providers; `collection` overrides CURATOR_COLLECTION."""
    model_id, dimension = embedding_space(settings)
    store = ChunkStore(open_qdrant(settings), collection or settings.collection, model_id, dimension)
    manifest = Manifest(settings.manifest_path)
    providers = build_providers(settings, partial(manifest.known_terms, store.name))
    embedder = providers.embedder
    return KnowledgeBase(settings, providers, store, manifest, AskService(store, embedder, providers.answerer))


@dataclass
class Services:
    """What the Slack bot needs: settings, the knowledge base and its own state."""

    settings: Settings
    kb: KnowledgeBase
    state: StateStore

    def close(self) -> None:
        """Release the knowledge base and the state database."""
        self.kb.close()
        self.state.close()


def build_services(settings: Settings) -> Services:
    """The knowledge base and the bot state for one Settings."""
    return Services(settings, build_knowledge_base(settings), StateStore(settings.state_path))
