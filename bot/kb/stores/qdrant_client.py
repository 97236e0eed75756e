"""Open Qdrant: embedded local mode (serialised, since it is not thread-safe) or a server/cluster."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qdrant_client import QdrantClient

    from bot.config import Settings


class SerialisedClient:
    """Wraps a QdrantClient so that every call holds one lock.

    qdrant-client's local mode loses writes and breaks its SQLite transactions under concurrent threads.
    """

    def __init__(self, client: QdrantClient) -> None:
        self._client = client
        self._lock = threading.RLock()

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._client, name)
        if not callable(attribute):
            return attribute

        def serialised(*args: Any, **kwargs: Any) -> Any:
            with self._lock:
                return attribute(*args, **kwargs)

        return serialised


def open_qdrant(settings: Settings) -> QdrantClient:
    """A Qdrant client for QDRANT_URL, else local mode under QDRANT_PATH (or the data dir)."""
    from qdrant_client import QdrantClient

    if settings.qdrant_url:
        api_key = settings.qdrant_api_key.get_secret_value() if settings.qdrant_api_key else None
        return QdrantClient(url=settings.qdrant_url, api_key=api_key, timeout=settings.qdrant_timeout_s)
    path = settings.local_qdrant_path
    path.mkdir(parents=True, exist_ok=True)
    try:
        client = QdrantClient(path=str(path))
    except RuntimeError as exc:  # the folder is locked by another running Curator
        raise RuntimeError(
            f"The local knowledge base at {path} is in use by another Curator process. "
            "Stop it, or set QDRANT_URL to share a Qdrant server between processes."
        ) from exc
    return SerialisedClient(client)  # type: ignore[return-value]
