"""Qdrant Edge (the embedded default) side by side with qdrant-client local mode: search p95 at 1k, 10k and
100k chunks before and after the background index build, ingest rate, reopen time, peak RSS and disk.

Chunks are synthetic (~600 characters of sentences from examples/kb and the ImageNet descriptions, 20 teams
as tags) with random 384-d unit vectors, written through EdgeStore/QdrantStore.upsert with precomputed
vectors (a zero-latency embedder: the rate includes the sparse BM25 terms and the engine, not the manifest).
Query vectors are precomputed too, so a query's time is store.search alone. Local mode is measured at 1k and
10k only: at 50k it already needed 65 s to upsert and 2.2 s per hybrid query (earlier section).
Targets at 100k after the build: hybrid p95 <= 5 ms, dense p95 <= 3 ms; ingest >= 2,000 chunks/s at 10k;
reopen <= 1 s and peak RSS <= 1.5 GB at 100k.
"""

from __future__ import annotations

import random
import resource
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

from bench._report import arguments, emit, percentile, stamp, table
from bench.search_latency import BATCH, latencies, records, unit_vectors
from bot.kb.stores.edge import EdgeStore
from bot.kb.stores.edge_engine import EdgeEngine
from bot.kb.stores.qdrant import QdrantStore

DIMENSION = 384
HEADERS = ["engine", "chunks", "ingest chunks/s", "dense p95 exact", "hybrid p95 exact", "index build s",
           "dense p95 indexed", "hybrid p95 indexed", "filtered hybrid p95 indexed"]


def fill(store, rng, np_rng, stored: int, size: int) -> float:
    """Grow the store to `size` chunks; the ingest rate of the chunks added."""
    spent = 0.0
    while stored < size:
        batch = records(rng, unit_vectors(np_rng, min(BATCH, size - stored)), stored)
        started = time.perf_counter()
        store.upsert(batch)
        spent += time.perf_counter() - started
        stored += len(batch)
    return spent


def p95s(store, queries) -> tuple[float, float, float]:
    filtered = [percentile(_filtered(store, queries), 95)]
    return percentile(latencies(store, "dense", queries), 95), percentile(latencies(store, "hybrid", queries), 95), \
        filtered[0]


def _filtered(store, queries) -> list[float]:
    times = []
    for vector, text in queries:
        started = time.perf_counter()
        store.search(vector, text, limit=8, tags=["team07"])
        times.append((time.perf_counter() - started) * 1000)
    return times


def disk_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def edge_rows(sizes, queries, work: Path) -> tuple[list[list[str]], dict]:
    rng, np_rng = random.Random(11), np.random.default_rng(11)
    engine = EdgeEngine(work / "edge")
    store = EdgeStore(engine, "bench", "bench-random", DIMENSION)
    store.ensure()
    shard = engine.shard(store.name)
    rows, facts, stored = [], {}, 0
    for size in sizes:
        spent = fill(store, rng, np_rng, stored, size)
        rate = (size - stored) / spent
        stored = size
        dense_exact, hybrid_exact, _ = p95s(store, queries)
        started = time.perf_counter()
        shard.optimize()  # what the background indexer runs
        build_s = time.perf_counter() - started
        dense, hybrid, filtered = p95s(store, queries)
        facts[size] = {"rate": rate, "dense": dense, "hybrid": hybrid}
        rows.append(["Qdrant Edge", f"{size:,}", f"{rate:,.0f}", f"{dense_exact:.1f}", f"{hybrid_exact:.1f}",
                     f"{build_s:.1f}", f"{dense:.1f}", f"{hybrid:.1f}", f"{filtered:.1f}"])
        print(table(HEADERS, [rows[-1]]).splitlines()[-1], flush=True)
    store.close()
    started = time.perf_counter()
    engine = EdgeEngine(work / "edge")
    store = EdgeStore(engine, "bench", "bench-random", DIMENSION)
    store.search(*queries[0], limit=8)
    facts["reopen"] = time.perf_counter() - started
    facts["disk_per_chunk"] = disk_bytes(work / "edge") / stored
    facts["rss_gb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 ** 2
    store.close()
    return rows, facts


def local_rows(sizes, queries, work: Path) -> tuple[list[list[str]], dict]:
    from qdrant_client import QdrantClient

    warnings.filterwarnings("ignore", message=".*Local mode is not recommended.*")
    rng, np_rng = random.Random(11), np.random.default_rng(11)
    store = QdrantStore(QdrantClient(path=str(work / "local")), "bench", "bench-random", DIMENSION)
    store.ensure()
    rows, facts, stored = [], {}, 0
    for size in sizes:
        spent = fill(store, rng, np_rng, stored, size)
        rate = (size - stored) / spent
        stored = size
        dense, hybrid, filtered = p95s(store, queries)
        facts[size] = {"rate": rate, "dense": dense, "hybrid": hybrid}
        rows.append(["local mode", f"{size:,}", f"{rate:,.0f}", f"{dense:.1f}", f"{hybrid:.1f}", "none (brute force)",
                     "-", "-", f"{filtered:.1f} (exact)"])
        print(table(HEADERS, [rows[-1]]).splitlines()[-1], flush=True)
    store.close()
    started = time.perf_counter()
    store = QdrantStore(QdrantClient(path=str(work / "local")), "bench", "bench-random", DIMENSION)
    store.search(*queries[0], limit=8)
    facts["reopen"] = time.perf_counter() - started
    facts["disk_per_chunk"] = disk_bytes(work / "local") / stored
    store.close()
    return rows, facts


def main() -> None:
    args = arguments(__doc__.splitlines()[0]).parse_args()
    edge_sizes, local_sizes = ([500, 2_000], [500]) if args.quick else ([1_000, 10_000, 100_000], [1_000, 10_000])
    rng, np_rng = random.Random(5), np.random.default_rng(5)
    from bench._corpus import sentences

    queries = [(v.tolist(), " ".join(rng.choice(sentences()).split()[:8])) for v in unit_vectors(np_rng, 40)]
    with tempfile.TemporaryDirectory() as tmp:
        edge, e = edge_rows(edge_sizes, queries, Path(tmp))
        local, lo = local_rows(local_sizes, queries, Path(tmp))
    top, mid = edge_sizes[-1], edge_sizes[1]
    verdicts = [
        (f"hybrid p95 <= 5 ms at {top:,} after the build: {'met' if e[top]['hybrid'] <= 5 else 'MISSED'} "
        f"({e[top]['hybrid']:.1f} ms)"),
        (f"dense p95 <= 3 ms at {top:,} after the build: {'met' if e[top]['dense'] <= 3 else 'MISSED'} "
        f"({e[top]['dense']:.1f} ms)"),
        (f"ingest >= 2,000 chunks/s at {mid:,}: {'met' if e[mid]['rate'] >= 2000 else 'MISSED'} "
        f"({e[mid]['rate']:,.0f}/s; local mode {lo[local_sizes[-1]]['rate']:,.0f}/s)"),
        (f"reopen <= 1 s at {top:,}: {'met' if e['reopen'] <= 1 else 'MISSED'} ({e['reopen']:.2f} s incl. the first "
        f"query; local mode at {local_sizes[-1]:,}: {lo['reopen']:.2f} s)"),
        (f"peak RSS <= 1.5 GB at {top:,}: {'met' if e['rss_gb'] <= 1.5 else 'MISSED'} ({e['rss_gb']:.2f} GB, the "
        "whole benchmark process before local mode ran)"),
        (f"disk per chunk: Qdrant Edge {e['disk_per_chunk'] / 1024:.1f} KiB at {top:,}; local mode "
        f"{lo['disk_per_chunk'] / 1024:.1f} KiB at {local_sizes[-1]:,}"),
    ]
    ratio = lo[local_sizes[-1]]["hybrid"] / e[local_sizes[-1]]["hybrid"]
    body = "\n\n".join([
        "## Qdrant Edge vs qdrant-client local mode (`python -m bench.edge_store`)",
        stamp(),
        __doc__.split("\n\n", 1)[1].strip(),
        ("Latencies in ms, limit 8, 40 queries per mode; hybrid = RRF of 32-deep dense and sparse prefetches; "
        "filtered = hybrid within one of 20 teams (tag). 'exact' = before `optimize()` (brute force, what "
        "searches get while the background build runs); 'indexed' = after it."),
        table(HEADERS, edge + local),
        "\n".join(f"- {line}" for line in verdicts),
        (f"At {local_sizes[-1]:,} chunks hybrid search is {ratio:,.0f}x faster on Qdrant Edge (after its build) than "
        "in local mode."),
    ])
    emit("edge_store", body, args.write)


if __name__ == "__main__":
    main()
