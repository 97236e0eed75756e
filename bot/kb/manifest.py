"""The ingest manifest: which version (content hash) of each source file a collection holds."""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ManifestEntry:
    """What the store holds for one source file."""

    source: str
    content_hash: str
    chunk_count: int


class Manifest:
    """A small SQLite table, written only after a file's chunks are safely in the store."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False, timeout=10)
        self._lock = threading.Lock()
        with self._lock, self._db:
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS files (collection TEXT, source TEXT, content_hash TEXT,"
                " chunk_count INTEGER, PRIMARY KEY (collection, source))"
            )

    def entries(self, collection: str) -> dict[str, ManifestEntry]:
        """Every file recorded for `collection`, by source."""
        with self._lock:
            rows = self._db.execute(
                "SELECT source, content_hash, chunk_count FROM files WHERE collection = ?", (collection,)
            ).fetchall()
        return {row[0]: ManifestEntry(*row) for row in rows}

    def record(self, collection: str, entry: ManifestEntry) -> None:
        """Remember that `collection` now holds this version of the file."""
        with self._lock, self._db:
            self._db.execute(
                "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?)",
                (collection, entry.source, entry.content_hash, entry.chunk_count),
            )

    def forget(self, collection: str, source: str | None = None) -> None:
        """Drop one file's entry, or the whole collection's when `source` is None."""
        with self._lock, self._db:
            if source is None:
                self._db.execute("DELETE FROM files WHERE collection = ?", (collection,))
            else:
                self._db.execute("DELETE FROM files WHERE collection = ? AND source = ?", (collection, source))

    def close(self) -> None:
        """Close the database."""
        self._db.close()
