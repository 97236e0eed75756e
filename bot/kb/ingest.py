"""Ingest files into the knowledge base: idempotent, incremental, and never aborted by one bad file."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.kb import sparse
from bot.kb.chunking import chunk_document
from bot.kb.discovery import SourceFile, discover
from bot.kb.documents import IMAGE_SUFFIXES, SkipFile, load_document
from bot.kb.images import ImageIndexer
from bot.kb.manifest import Manifest, ManifestEntry
from bot.kb.stores.base import ChunkRecord, VectorStore, VisualPoint
from bot.types import Embedder

FLUSH_CHUNKS = 256  # chunks buffered before one upsert; the manifest is written only after it
# The version of how text documents become chunks (loading, table rows, steps, FAQ pairs). It is part of a
# text file's recorded hash, so raising it makes the next ingest re-chunk every document of an old knowledge
# base instead of keeping chunks the current answerer doesn't expect. Raise it whenever chunking changes.
TEXT_PIPELINE = 3


@dataclass
class IngestReport:
    """What one run did, for the closing summary."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)
    chunks: int = 0
    embedding_calls: int = 0
    seconds: float = 0.0


def version_hash(path: Path, data: bytes) -> str:
    """The hash recorded for a file's version: its bytes, and for a text document the TEXT_PIPELINE too."""
    if path.suffix.lower() in IMAGE_SUFFIXES:
        return hashlib.sha256(data).hexdigest()  # images are matched by their bytes alone (Find's duplicates)
    return hashlib.sha256(f"text-pipeline-{TEXT_PIPELINE}\n".encode() + data).hexdigest()


@dataclass
class _PendingFile:
    """A file whose chunks are embedded but not yet stored."""

    file: SourceFile
    entry: ManifestEntry
    records: list[ChunkRecord]
    terms: set[str]
    is_new: bool
    visual: list[VisualPoint] = field(default_factory=list)


class Ingestor:
    """Brings the store and manifest in line with the files under some paths."""

    def __init__(
        self, store: VectorStore, embedder: Embedder, manifest: Manifest, max_bytes: int,
        flush_chunks: int = FLUSH_CHUNKS, images: ImageIndexer | None = None, max_pixels: int = 40_000_000,
        follow_outside: bool = False,
    ) -> None:
        self._follow_outside = follow_outside
        self._store = store
        self._images = images
        self._max_pixels = max_pixels
        self._flush_chunks = flush_chunks
        self._embedder = embedder
        self._manifest = manifest
        self._max_bytes = max_bytes
        self._pending: list[_PendingFile] = []

    def run(
        self, paths: Sequence[Path], on_file: Callable[[SourceFile], None] | None = None
    ) -> IngestReport:
        """Ingest new and changed files, skip unchanged ones, remove files that disappeared."""
        started = time.perf_counter()
        report = IngestReport()
        found = discover(paths, self._follow_outside)
        files, report.skipped = found.files, list(found.skipped)
        self._manifest.add_roots(self._store.base, [str(p.resolve()) for p in paths])
        if self._store.ensure():
            self._manifest.forget(self._store.name)  # a new collection holds nothing, whatever was recorded
        known = self._manifest.entries(self._store.name)
        for file in files:
            self._ingest_file(file, known.get(file.source), report)
            if on_file:
                on_file(file)
        self._flush(report)
        self._prune(paths, {f.source for f in files}, report)
        report.seconds = time.perf_counter() - started
        return report

    def _ingest_file(self, file: SourceFile, known: ManifestEntry | None, report: IngestReport) -> None:
        try:
            data = self._read(file.path)
            content_hash = version_hash(file.path, data)
            if known and known.content_hash == content_hash:
                report.unchanged.append(file.doc_id)
                return
            if file.path.suffix.lower() in IMAGE_SUFFIXES:
                self._ingest_image(file, data, content_hash, known, report)
                return
            document = load_document(file.path, data)
        except SkipFile as skip:
            report.skipped.append((file.doc_id, str(skip)))
            # Whatever an earlier (or killed) run stored for this file no longer reflects it.
            self._remove(file.source, file.doc_id, report, listed=False)
            return
        report.notes += [(file.doc_id, note) for note in document.notes]
        chunks = chunk_document(document)
        vectors = self._embedder.embed_documents([c.embedding_text(document.title) for c in chunks], document.title)
        report.embedding_calls += 1
        records = [
            ChunkRecord(
                file.source, file.doc_id, document.title, chunk.section, chunk.text,
                content_hash, chunk.index, len(chunks), file.tags, vector,
            )
            for chunk, vector in zip(chunks, vectors, strict=True)
        ]
        self._add_pending(file, content_hash, records, known, report)

    def _ingest_image(
        self, file: SourceFile, data: bytes, content_hash: str, known: ManifestEntry | None, report: IngestReport
    ) -> None:
        """Describe and embed an image file (caption + OCR), or skip it with the reason."""
        from bot.kb.images import UnsupportedFile, decode_image

        if self._images is None:
            raise SkipFile("image: image search (Find) is not configured for this run")
        try:
            image = decode_image(data, file.path.name, self._max_pixels, declared_type=file.path.suffix[1:])
        except UnsupportedFile as exc:
            raise SkipFile(str(exc)) from None
        indexed = self._images.prepare(image, file.source, file.doc_id, content_hash, file.tags)
        report.embedding_calls += 1
        if not indexed.words:
            report.notes.append((file.doc_id, "image: no text read in it (found by its look and caption only)"))
        self._add_pending(file, content_hash, [indexed.record], known, report, [indexed.visual])

    def _add_pending(
        self, file: SourceFile, content_hash: str, records: list[ChunkRecord], known: ManifestEntry | None,
        report: IngestReport, visual: list[VisualPoint] | None = None,
    ) -> None:
        terms = {t for r in records for t in sparse.terms(f"{r.title}\n{r.section}\n{r.text}")}
        entry = ManifestEntry(file.source, content_hash, len(records))
        self._pending.append(_PendingFile(file, entry, records, terms, is_new=known is None, visual=visual or []))
        if sum(len(p.records) for p in self._pending) >= self._flush_chunks:
            self._flush(report)

    def _read(self, path: Path) -> bytes:
        try:
            size = path.stat().st_size
            if size > self._max_bytes:
                raise SkipFile(
                    f"too large ({size / 1e6:.1f} MB; the limit is {self._max_bytes / 1e6:.0f} MB, CURATOR_MAX_FILE_MB)"
                )
            return path.read_bytes()
        except OSError as exc:
            raise SkipFile(f"unreadable ({exc.strerror or type(exc).__name__})") from exc

    def _flush(self, report: IngestReport) -> None:
        """Store buffered chunks, drop the versions they replace, then record them in the manifest."""
        if not self._pending:
            return
        self._manifest.intend(self._store.name, [pending.entry for pending in self._pending])
        self._store.upsert([record for pending in self._pending for record in pending.records])
        if self._images is not None:
            self._images.visual.upsert([point for pending in self._pending for point in pending.visual])
        for pending in self._pending:
            self._delete_versions(pending.file.source, keep_hash=pending.entry.content_hash)
            (report.added if pending.is_new else report.updated).append(pending.file.doc_id)
            report.chunks += len(pending.records)
        self._manifest.record(self._store.name, [(pending.entry, pending.terms) for pending in self._pending])
        self._pending.clear()

    def _delete_versions(self, source: str, keep_hash: str | None = None) -> None:
        stale = [v for v in self._manifest.versions(self._store.name, source) if v.content_hash != keep_hash]
        versions = [(v.source, v.content_hash, v.chunk_count) for v in stale]
        self._store.delete_versions(versions)
        if self._images is not None:
            self._images.delete_versions(versions)

    def _prune(self, paths: Sequence[Path], seen: set[str], report: IngestReport) -> None:
        roots = [str(p.resolve()) for p in paths]
        for source in self._manifest.sources(self._store.name):
            under_root = any(source == r or source.startswith(r.rstrip("/") + "/") for r in roots)
            if under_root and source not in seen:
                self._remove(source, source, report, listed=True)

    def _remove(self, source: str, label: str, report: IngestReport, listed: bool) -> None:
        self._delete_versions(source)
        self._manifest.forget(self._store.name, source)
        if listed:
            report.removed.append(label)
