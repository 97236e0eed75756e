"""Ingest pipeline overhead: chunks/s through Ingestor.run with a zero-latency embedder.

The embedder returns a constant vector instantly, so the time measured is everything else: discovery,
hashing, parsing, chunking, sparse vectors, Qdrant upserts and deletes, and the manifest. Cold ingests of
generated Markdown corpora into an in-memory and an on-disk local-mode Qdrant. When the target is missed,
the largest corpus is ingested again (on disk) under cProfile to show where the time goes.
Target: at least 1,000 chunks/s.
"""

from __future__ import annotations

import cProfile
import pstats
import tempfile
from pathlib import Path

from qdrant_client import QdrantClient

from bench._corpus import ZeroLatencyEmbedder, write_markdown_corpus
from bench._report import arguments, commit_ms, emit, stamp, table
from bot.kb import sparse
from bot.kb.ingest import Ingestor, IngestReport
from bot.kb.manifest import Manifest
from bot.kb.stores.qdrant import ChunkStore

TARGET_CHUNKS_PER_S = 1_000
MODES = {"in-memory": False, "on-disk": True}
# (label, file name suffix, function names): cumulative profile time of these calls, in pipeline order
STAGES = [
    ("discover files", "kb/ingest.py", {"discover"}),
    ("read files", "kb/ingest.py", {"_read"}),
    ("parse (load_document)", "kb/documents.py", {"load_document"}),
    ("chunk (chunk_document)", "kb/chunking.py", {"chunk_document"}),
    ("index terms (sparse.terms, all calls)", "kb/sparse.py", {"terms"}),
    ("Qdrant upsert, sparse vectors excluded", "kb/store.py", {"upsert"}),
    ("Qdrant deletes of replaced versions", "kb/store.py", {"delete_source", "delete_versions"}),
    ("manifest (SQLite)", "kb/manifest.py", {"record", "intend", "versions", "entries", "sources", "forget"}),
]


def ingest(corpus: Path, work: Path, on_disk: bool, profiler: cProfile.Profile | None = None) -> IngestReport:
    """One cold ingest of `corpus` into a new store and manifest under `work`, as a fresh process would do it."""
    sparse._stem.cache_clear()
    sparse.term_id.cache_clear()
    work.mkdir()
    client = QdrantClient(path=str(work / "qdrant")) if on_disk else QdrantClient(":memory:")
    embedder = ZeroLatencyEmbedder()
    store = ChunkStore(client, "bench", embedder.model_id, embedder.dimension)
    manifest = Manifest(work / "manifest.sqlite3")
    try:
        if profiler:
            profiler.enable()
        report = Ingestor(store, embedder, manifest, max_bytes=10_000_000).run([corpus])
        if profiler:
            profiler.disable()
        assert not report.skipped and store.count() == report.chunks
    finally:
        manifest.close()
        store.close()
    return report


def stage_seconds(profiler: cProfile.Profile) -> tuple[list[float], float]:
    """Cumulative seconds of each stage, and of the whole run."""
    stats = pstats.Stats(profiler).stats  # (file, line, function) -> (calls, calls, own, cumulative, callers)

    def cumulative(suffix: str, names: set[str]) -> float:
        return sum(v[3] for (file, _, function), v in stats.items() if file.endswith(suffix) and function in names)

    seconds = [cumulative(suffix, names) for _, suffix, names in STAGES]
    seconds[5] -= cumulative("kb/sparse.py", {"document_vector"})  # sparse vectors are built inside upsert
    return seconds, cumulative("kb/ingest.py", {"run"})


def main() -> None:
    args = arguments(__doc__.splitlines()[0]).parse_args()
    sizes = [100, 200] if args.quick else [500, 2_000]
    rows, rates, breakdown = [], {}, None
    with tempfile.TemporaryDirectory() as tmp:
        for files in sizes:
            corpus = Path(tmp) / f"corpus{files}"
            write_markdown_corpus(corpus, files)
            for mode, on_disk in MODES.items():
                report = ingest(corpus, Path(tmp) / f"{mode}{files}", on_disk)
                rates[mode] = report.chunks / report.seconds
                rows.append([mode, f"{files:,}", f"{report.chunks:,}", f"{report.seconds:.1f}", f"{rates[mode]:,.0f}"])
                print(table(["mode", "files", "chunks", "s", "chunks/s"], [rows[-1]]).splitlines()[-1], flush=True)
        if min(rates.values()) < TARGET_CHUNKS_PER_S:
            profiler = cProfile.Profile()
            ingest(corpus, Path(tmp) / "profiled", True, profiler)
            breakdown = stage_seconds(profiler)
    verdicts = [
        f"{mode} {'met' if rate >= TARGET_CHUNKS_PER_S else 'MISSED'} ({rate:,.0f} chunks/s)" for mode, rate in rates.items()
    ]
    parts = [
        "## Ingest pipeline overhead (`python -m bench.ingest_overhead`)",
        stamp(),
        (f"Zero-latency embedder; generated Markdown corpora (~3.2 chunks per file); cold ingest. "
         f"SQLite commit latency in the temp dir at run time: {commit_ms():.1f} ms."),
        table(["Qdrant local mode", "files", "chunks", "seconds", "chunks/s"], rows),
        f"**Target ≥ {TARGET_CHUNKS_PER_S:,} chunks/s at {sizes[-1]:,} files:** " + "; ".join(verdicts) + ".",
    ]
    if breakdown:
        stages, total = breakdown
        stage_rows = [[label, f"{t:.1f}", f"{t / total:.0%}"] for (label, _, _), t in zip(STAGES, stages, strict=True)]
        stage_rows.append(["whole run (under cProfile)", f"{total:.1f}", "100%"])
        parts += [
            f"Where the time goes: on-disk, {sizes[-1]:,} files, cProfile cumulative time (slower than above):",
            table(["stage", "seconds", "share"], stage_rows),
        ]
    emit("ingest_overhead", "\n\n".join(parts), args.write)


if __name__ == "__main__":
    main()
