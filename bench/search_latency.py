"""Search latency of local-mode Qdrant (on-disk path) at 1k-50k chunks, embedding excluded.

Chunks are synthetic (~600 characters of sentences from examples/kb and the ImageNet descriptions) with
random 384-d unit vectors; the collection grows in place and is measured at each size. Query vectors are
precomputed, so a query's time is ChunkStore.search alone (sparse query terms + Qdrant). Also reports the
upsert rate and how long reopening the folder takes (what a bot restart pays).
Target: p95 under 50 ms at 20k chunks.
"""

from __future__ import annotations

import hashlib
import random
import tempfile
import time
import warnings

import numpy as np
from qdrant_client import QdrantClient

from bench._corpus import paragraph, sentences
from bench._report import arguments, emit, percentile, stamp, table
from bot.kb.ask import PASSAGES_PER_ANSWER
from bot.kb.stores.qdrant import ChunkRecord, ChunkStore

DIMENSION = 384
BATCH = 500
MODES = ("dense", "sparse", "hybrid")
TARGET_P95_MS, TARGET_SIZE = 50, 20_000
HEADERS = ["chunks", "upsert chunks/s", "reopen s", "dense p50 ms", "dense p95 ms", "sparse p50 ms",
           "sparse p95 ms", "hybrid p50 ms", "hybrid p95 ms"]


def unit_vectors(rng: np.random.Generator, n: int) -> np.ndarray:
    vectors = rng.standard_normal((n, DIMENSION)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def records(rng: random.Random, vectors: np.ndarray, start: int) -> list[ChunkRecord]:
    """Chunks start..start+len(vectors), 3 per synthetic document."""
    out = []
    for offset, vector in enumerate(vectors):
        n = start + offset
        text = paragraph(rng, 600)
        out.append(ChunkRecord(
            source=f"/synthetic/doc{n // 3}.md", doc_id=f"doc{n // 3}.md", title=f"Document {n // 3}",
            section=f"Part {n % 3}", text=text, content_hash=hashlib.sha256(text.encode()).hexdigest(),
            index=n % 3, count=3, tags=(f"team{n % 20:02d}",), vector=vector.tolist(),
        ))
    return out


def latencies(store: ChunkStore, mode: str, queries: list[tuple[list[float], str]]) -> list[float]:
    """Milliseconds per search, after two warm-up queries."""
    for vector, text in queries[:2]:
        store.search(vector, text, limit=PASSAGES_PER_ANSWER, mode=mode)
    times = []
    for vector, text in queries:
        started = time.perf_counter()
        store.search(vector, text, limit=PASSAGES_PER_ANSWER, mode=mode)
        times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    args = arguments(__doc__.splitlines()[0]).parse_args()
    sizes = [500, 2_000] if args.quick else [1_000, 10_000, 20_000, 50_000]
    query_count = 10 if args.quick else 40
    rng, np_rng = random.Random(11), np.random.default_rng(11)
    queries = [
        (vector.tolist(), " ".join(rng.choice(sentences()).split()[:8]))
        for vector in unit_vectors(np_rng, query_count)
    ]
    rows, p95 = [], {}  # p95[size][mode] in ms
    warnings.filterwarnings("ignore", message=".*Local mode is not recommended.*")
    with tempfile.TemporaryDirectory() as tmp:
        store = ChunkStore(QdrantClient(path=tmp), "bench", "bench-random", DIMENSION)
        store.ensure()
        stored = 0
        for size in sizes:
            added, upsert_s = size - stored, 0.0
            while stored < size:
                batch = records(rng, unit_vectors(np_rng, min(BATCH, size - stored)), stored)
                started = time.perf_counter()
                store.upsert(batch)
                upsert_s += time.perf_counter() - started
                stored += len(batch)
            store.close()
            started = time.perf_counter()
            store = ChunkStore(QdrantClient(path=tmp), "bench", "bench-random", DIMENSION)
            reopen_s = time.perf_counter() - started
            assert store.count() == size
            row, p95[size] = [f"{size:,}", f"{added / upsert_s:,.0f}", f"{reopen_s:.1f}"], {}
            for mode in MODES:
                times = latencies(store, mode, queries)
                p95[size][mode] = percentile(times, 95)
                row += [f"{percentile(times, 50):.0f}", f"{p95[size][mode]:.0f}"]
            rows.append(row)
            print(table(HEADERS, [row]).splitlines()[-1], flush=True)
        store.close()
    if TARGET_SIZE in p95:
        met = max(p95[TARGET_SIZE].values()) < TARGET_P95_MS
        verdict = (
            f"**Target p95 < {TARGET_P95_MS} ms at {TARGET_SIZE:,} chunks:** {'met' if met else 'MISSED'} (p95 at "
            f"{TARGET_SIZE:,}: " + ", ".join(f"{m} {v:.0f} ms" for m, v in p95[TARGET_SIZE].items()) + ")."
        )
    else:
        verdict = f"(--quick run: no {TARGET_SIZE:,}-chunk measurement.)"
    within = [
        f"{mode} {max((n for n in sizes if p95[n][mode] < TARGET_P95_MS), default=0):,}" for mode in MODES
    ]
    body = "\n\n".join([
        "## Search latency (`python -m bench.search_latency`)",
        stamp(),
        (f"qdrant-client local mode on an on-disk path; synthetic ~600-character chunks, random 384-d vectors; "
         f"{query_count} queries per mode and size (8-word queries, precomputed vectors), "
         f"limit {PASSAGES_PER_ANSWER} (the Ask default). Upsert rate: chunks/s of the batches added to reach that "
         "size (batches of 500). Reopen: opening the folder again (bot start-up)."),
        table(HEADERS, rows),
        verdict,
        f"Largest measured size with p95 < {TARGET_P95_MS} ms: " + "; ".join(within) + " chunks.",
    ])
    emit("search_latency", body, args.write)


if __name__ == "__main__":
    main()
