"""The upgrade from qdrant-client's local mode (Curator's earlier embedded store) to Qdrant Edge.

An existing local-mode folder is copied point by point (scroll with vectors and payloads, upsert into an
edge shard of the same name, same ids), with progress on stderr; then the folder is renamed, never deleted,
so nothing is lost and a second start does not copy again. An interrupted copy is simply redone (upserts of
the same ids overwrite).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.kb.stores.base import KEYWORD_FIELDS
from bot.kb.stores.edge_engine import EdgeEngine
from bot.kb.stores.qdrant import DENSE

BATCH = 512
MIGRATED_SUFFIX = ".migrated-to-edge"


def is_local_mode_folder(path: Path) -> bool:
    """Whether `path` holds a qdrant-client local-mode store."""
    return (path / "meta.json").is_file() and (path / "collection").is_dir()


def migrate_local_mode(path: Path, engine: EdgeEngine, progress: Callable[[str], None] | None = None) -> int:
    """Copy every collection of the local-mode folder `path` into `engine`, then rename the folder to
    `<path>.migrated-to-edge`; returns the number of points copied (0 when there is nothing to migrate)."""
    if not is_local_mode_folder(path):
        return 0
    say = progress or _stderr
    from qdrant_client import QdrantClient

    try:
        client = QdrantClient(path=str(path))
    except RuntimeError as exc:
        raise RuntimeError(
            f"Curator now keeps its knowledge base in {engine.root} (Qdrant Edge) and must copy the old one at "
            f"{path} first, but another process holds it. Stop the other Curator and start again; or, to "
            f"re-ingest instead, move {path} away and run `curator ingest PATH` on your documents.") from exc
    copied = 0
    try:
        for collection in client.get_collections().collections:
            copied += _copy(client, collection.name, engine, say)
    finally:
        client.close()
    target = path.with_name(path.name + MIGRATED_SUFFIX)
    path.rename(target)
    say(f"Knowledge base upgraded to Qdrant Edge: {copied} points copied into {engine.root}; the old folder is "
        f"kept at {target} (delete it once you are happy).")
    return copied


def _copy(client: Any, name: str, engine: EdgeEngine, say: Callable[[str], None]) -> int:
    from qdrant_edge import KeywordIndexParams, Point, SparseVector, UpdateOperation

    info = client.get_collection(name)
    total = client.count(name, exact=True).count
    shard = engine.shard(name, lambda: _config(info))
    if DENSE in (info.config.params.vectors or {}):
        for field in KEYWORD_FIELDS:
            shard.update(UpdateOperation.create_field_index(field, KeywordIndexParams()))
    done, offset = 0, None
    while True:
        points, offset = client.scroll(name, limit=BATCH, offset=offset, with_payload=True, with_vectors=True)
        batch = []
        for point in points:
            vectors = {key: (SparseVector(value.indices, value.values) if hasattr(value, "indices") else value)
                       for key, value in (point.vector or {}).items()}
            batch.append(Point(str(point.id), vectors, point.payload or {}))
        if batch:
            shard.update(UpdateOperation.upsert_points(batch))
        done += len(batch)
        say(f"Upgrading {name}: {done}/{total} points")
        if offset is None:
            break
    shard.flush()
    engine.wrote(name)
    return done


def _config(info: Any):
    from qdrant_edge import (
        Distance,
        EdgeConfig,
        EdgeSparseVectorParams,
        EdgeVectorParams,
        Modifier,
    )

    params = info.config.params
    dense = {key: EdgeVectorParams(size=value.size, distance=Distance.Cosine)
             for key, value in (params.vectors or {}).items()}
    sparse = {key: EdgeSparseVectorParams(modifier=Modifier.Idf) for key in (params.sparse_vectors or {})}
    return EdgeConfig(vectors=dense, sparse_vectors=sparse or None)


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)
