"""Open the configured vector engine (VECTOR_STORE): where a new engine is chosen."""

from __future__ import annotations

from collections.abc import Callable

from bot.config import Settings
from bot.kb.stores.base import VectorStore


def open_store(settings: Settings, base: str, model_id: str, dimension: int,
               files_known: Callable[[], int] | None = None) -> VectorStore:
    """The knowledge base `base` in the space (`model_id`, `dimension`) of the engine VECTOR_STORE names:
    embedded Qdrant Edge by default, qdrant-client for QDRANT_URL (or VECTOR_STORE=qdrant), memory for tests."""
    if settings.vector_store == "memory":
        from bot.kb.stores.memory import MemoryStore

        return MemoryStore(base, model_id, dimension, files_known)
    if settings.uses_edge:
        from bot.kb.stores.edge import EdgeStore
        from bot.kb.stores.edge_engine import EdgeEngine
        from bot.kb.stores.migrate import migrate_local_mode

        engine = EdgeEngine(settings.edge_path)
        try:
            migrate_local_mode(settings.local_qdrant_path, engine)
        except BaseException:
            engine.close()
            raise
        return EdgeStore(engine, base, model_id, dimension, files_known)
    from bot.kb.stores.qdrant import QdrantStore
    from bot.kb.stores.qdrant_client import open_qdrant

    return QdrantStore(open_qdrant(settings), base, model_id, dimension, files_known)
