"""The ingest manifest: which version (content hash) of each source file a collection holds, and its terms.

Before chunks are written, their version is noted as an intent; after, it becomes the file's entry. A run
killed in between leaves intents behind, so the next run knows exactly which chunk ids may exist and can
delete stale ones by id (no scan of the collection). The terms form the knowledge base's vocabulary, which
tells the offline answerer when a question is about something the knowledge base never mentions.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bot.state.sqlite import open_sqlite

SCHEMA_VERSION = 2
_SCHEMA = [
    ("CREATE TABLE IF NOT EXISTS files (collection TEXT, source TEXT, content_hash TEXT,"
     " chunk_count INTEGER, terms TEXT, PRIMARY KEY (collection, source))"),
    ("CREATE TABLE IF NOT EXISTS intents (collection TEXT, source TEXT, content_hash TEXT,"
     " chunk_count INTEGER, PRIMARY KEY (collection, source, content_hash))"),
    # How many files use each term: the vocabulary without one row per file and term.
    "CREATE TABLE IF NOT EXISTS vocabulary (collection TEXT, term TEXT, files INTEGER, PRIMARY KEY (collection, term))",
    # The folders and files `curator ingest` was given, per knowledge base (not per embedding space):
    # what `curator reindex` reads again to rebuild another space.
    "CREATE TABLE IF NOT EXISTS roots (base TEXT, root TEXT, PRIMARY KEY (base, root))",
]


@dataclass(frozen=True)
class ManifestEntry:
    """What the store holds for one source file."""

    source: str
    content_hash: str
    chunk_count: int


class Manifest:
    """A small SQLite table, written only after a file's chunks are safely in the store."""

    def __init__(self, path: Path) -> None:
        # An older layout starts afresh: the next ingest re-embeds, and deterministic ids overwrite.
        self._db = open_sqlite(path, _SCHEMA, version=SCHEMA_VERSION, replaces=("files", "intents", "terms", "vocabulary"))
        self._lock = threading.Lock()

    def entries(self, collection: str) -> dict[str, ManifestEntry]:
        """Every file recorded for `collection`, by source."""
        with self._lock:
            rows = self._db.execute(
                "SELECT source, content_hash, chunk_count FROM files WHERE collection = ?", (collection,)
            ).fetchall()
        return {row[0]: ManifestEntry(*row) for row in rows}

    def intend(self, collection: str, entries: Iterable[ManifestEntry]) -> None:
        """Note, before writing them, the versions whose chunks are about to be stored."""
        with self._lock, self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO intents VALUES (?, ?, ?, ?)",
                [(collection, e.source, e.content_hash, e.chunk_count) for e in entries],
            )

    def versions(self, collection: str, source: str) -> list[ManifestEntry]:
        """Every version of a file whose chunks may be stored: its entry and any unfinished intents."""
        with self._lock:
            rows = self._db.execute(
                "SELECT source, content_hash, chunk_count FROM files WHERE collection = ? AND source = ?"
                " UNION SELECT source, content_hash, chunk_count FROM intents WHERE collection = ? AND source = ?",
                (collection, source, collection, source),
            ).fetchall()
        return [ManifestEntry(*row) for row in rows]

    def sources(self, collection: str) -> set[str]:
        """Every file with stored chunks or unfinished intents."""
        with self._lock:
            rows = self._db.execute(
                "SELECT source FROM files WHERE collection = ? UNION SELECT source FROM intents WHERE collection = ?",
                (collection, collection),
            ).fetchall()
        return {row[0] for row in rows}

    def record(self, collection: str, entries: Iterable[tuple[ManifestEntry, Iterable[str]]]) -> None:
        """Remember, in one transaction, that `collection` now holds these versions (and only them) and their terms."""
        with self._lock, self._db:
            for entry, terms in entries:
                key = (collection, entry.source)
                self._db.execute("DELETE FROM intents WHERE collection = ? AND source = ?", key)
                self._drop_terms(*key)
                new_terms = sorted(set(terms))
                self._db.execute(
                    "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?)",
                    (*key, entry.content_hash, entry.chunk_count, "\n".join(new_terms)),
                )
                self._db.executemany(
                    "INSERT INTO vocabulary VALUES (?, ?, 1) ON CONFLICT DO UPDATE SET files = files + 1",
                    [(collection, term) for term in new_terms],
                )

    def _drop_terms(self, collection: str, source: str) -> None:
        """Take one file's terms out of the vocabulary (inside the caller's transaction)."""
        row = self._db.execute("SELECT terms FROM files WHERE collection = ? AND source = ?", (collection, source)).fetchone()
        if row and row[0]:
            self._db.executemany(
                "UPDATE vocabulary SET files = files - 1 WHERE collection = ? AND term = ?",
                [(collection, term) for term in row[0].split("\n")],
            )
            self._db.execute("DELETE FROM vocabulary WHERE collection = ? AND files <= 0", (collection,))

    def add_roots(self, base: str, roots: Iterable[str]) -> None:
        """Remember the paths ingested into the knowledge base `base` (absolute)."""
        with self._lock, self._db:
            self._db.executemany("INSERT OR IGNORE INTO roots VALUES (?, ?)", [(base, root) for root in roots])

    def roots(self, base: str) -> list[str]:
        """Every path ever ingested into `base`, sorted."""
        with self._lock:
            rows = self._db.execute("SELECT root FROM roots WHERE base = ? ORDER BY root", (base,)).fetchall()
        return [row[0] for row in rows]

    def sources_of_base(self, base: str) -> set[str]:
        """Every file stored in any embedding space of `base` (collections named `base__…`)."""
        prefix = f"{base}__"
        with self._lock:
            rows = self._db.execute("SELECT DISTINCT source FROM files WHERE substr(collection, 1, ?) = ?",
                                    (len(prefix), prefix)).fetchall()
        return {row[0] for row in rows}

    def files_known(self, base: str) -> int:
        """How many files were ever ingested into `base`: those its spaces hold, else those under its roots."""
        return len(self.sources_of_base(base)) or len(self.roots(base))

    def term_files(self, collection: str, terms: Iterable[str]) -> dict[str, int]:
        """How many files of `collection` use each of `terms` (terms no file uses are left out)."""
        wanted = sorted(set(terms))
        if not wanted:
            return {}
        marks = ",".join("?" * len(wanted))
        with self._lock:
            rows = self._db.execute(
                f"SELECT term, files FROM vocabulary WHERE collection = ? AND term IN ({marks})", (collection, *wanted)
            ).fetchall()
        return {term: files for term, files in rows}

    def file_count(self, collection: str) -> int:
        """How many files `collection` holds."""
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM files WHERE collection = ?", (collection,)).fetchone()[0]

    def term_stats(self, collection: str) -> CollectionTerms:
        """The term statistics of one collection, for the offline answerer."""
        return CollectionTerms(self, collection)

    def forget(self, collection: str, source: str | None = None) -> None:
        """Drop one file's entry, or the whole collection's when `source` is None."""
        with self._lock, self._db:
            if source is None:
                for table in ("files", "intents", "vocabulary"):
                    self._db.execute(f"DELETE FROM {table} WHERE collection = ?", (collection,))
                return
            self._drop_terms(collection, source)
            for table in ("files", "intents"):
                self._db.execute(f"DELETE FROM {table} WHERE collection = ? AND source = ?", (collection, source))

    def close(self) -> None:
        """Close the database once no other thread is using it (later calls raise sqlite3.ProgrammingError)."""
        with self._lock:
            self._db.close()


@dataclass(frozen=True)
class CollectionTerms:
    """Document frequencies of one collection's terms, read from the manifest when asked."""

    manifest: Manifest
    collection: str

    def frequencies(self, terms: Iterable[str]) -> dict[str, int]:
        """How many documents use each known term."""
        return self.manifest.term_files(self.collection, terms)

    def documents(self) -> int:
        """How many documents the collection holds."""
        return self.manifest.file_count(self.collection)
