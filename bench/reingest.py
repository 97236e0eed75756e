"""Re-ingest of an unchanged knowledge base: embedding calls and wall time of the second run.

Runs Ingestor.run twice over the same files into an on-disk local-mode Qdrant (the default deployment),
with a fresh Ingestor each time as a new `curator ingest` would have:

- examples/kb with the real LocalEmbedder (model loaded before timing), wrapped in CountingEmbedder;
- a generated corpus of 2,000 Markdown files with a zero-latency embedder, to show the re-run at scale.

Target: zero embedding calls on the second run.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from qdrant_client import QdrantClient

from bench._corpus import SAMPLE_KB, ZeroLatencyEmbedder, write_markdown_corpus
from bench._report import arguments, emit, stamp, table
from bot.kb.ingest import Ingestor, IngestReport
from bot.kb.manifest import Manifest
from bot.kb.stores.qdrant import ChunkStore
from bot.providers.local_embedder import LocalEmbedder
from tests.fakes.embedders import CountingEmbedder


def twice(corpus: Path, embedder: CountingEmbedder, work: Path) -> list[tuple[IngestReport, int]]:
    """Two ingest runs of `corpus`; each run's report and its embedding calls."""
    store = ChunkStore(QdrantClient(path=str(work / "qdrant")), "bench", embedder.model_id, embedder.dimension)
    manifest = Manifest(work / "manifest.sqlite3")
    runs = []
    try:
        for _ in range(2):
            calls_before = embedder.document_calls
            report = Ingestor(store, embedder, manifest, max_bytes=50_000_000).run([corpus])
            runs.append((report, embedder.document_calls - calls_before))
    finally:
        manifest.close()
        store.close()
    return runs


def main() -> None:
    args = arguments(__doc__.splitlines()[0]).parse_args()
    files = 200 if args.quick else 2_000
    local = LocalEmbedder()
    local.embed_query("load the model before timing")
    rows, zero_calls = [], True
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        write_markdown_corpus(corpus, files)
        cases = [
            ("examples/kb", "LocalEmbedder (MiniLM)", SAMPLE_KB, CountingEmbedder(local)),
            (f"generated, {files:,} files", "zero-latency", corpus, CountingEmbedder(ZeroLatencyEmbedder())),
        ]
        for n, (label, embedder_label, path, embedder) in enumerate(cases):
            work = Path(tmp) / f"work{n}"
            (first, first_calls), (second, second_calls) = twice(path, embedder, work)
            zero_calls &= second_calls == 0 and len(second.unchanged) == len(first.added)
            rows.append([
                label, embedder_label, f"{len(first.added):,}", f"{first.chunks:,}", f"{first.seconds:.3f}",
                f"{first_calls:,}", f"{second.seconds:.3f}", f"{second_calls:,}", f"{len(second.unchanged):,}",
                f"{second.seconds / first.seconds:.1%}",
            ])
    body = "\n\n".join([
        "## Re-ingest of an unchanged knowledge base (`python -m bench.reingest`)",
        stamp(),
        "Two `Ingestor.run` calls over the same files, on-disk local-mode Qdrant; wall time is `IngestReport.seconds`.",
        table(
            ["corpus", "embedder", "files", "chunks", "run 1 s", "run 1 embed calls", "run 2 s",
             "run 2 embed calls", "run 2 unchanged", "run 2 / run 1"],
            rows,
        ),
        f"**Target (0 embedding calls on the unchanged re-run):** {'met' if zero_calls else 'MISSED'}.",
    ])
    emit("reingest", body, args.write)


if __name__ == "__main__":
    main()
