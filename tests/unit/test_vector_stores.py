"""Every vector engine keeps the same promises (Qdrant Edge, qdrant-client as the server path and the in-memory engine): deterministic ids,
filters by tag, file and modality, hybrid search that rewards the words and the meaning, a clear message
for a space never built, and the images' visual collection beside the text."""

from __future__ import annotations

import pytest

from bot.kb.stores.base import ChunkRecord, KnowledgeBaseError, VisualPoint
from bot.kb.stores.edge import EdgeStore
from bot.kb.stores.edge_engine import EdgeEngine
from bot.kb.stores.memory import MemoryEngine, MemoryStore
from bot.kb.stores.qdrant import QdrantStore


def open_engine(kind: str, folder):
    """A factory of stores sharing one empty engine."""
    if kind == "edge":
        edge = EdgeEngine(folder / "edge")
        return lambda base, model, dim, known=None: EdgeStore(edge, base, model, dim, known)
    if kind == "memory":
        engine = MemoryEngine()
        return lambda base, model, dim, known=None: MemoryStore(base, model, dim, known, engine=engine)
    from qdrant_client import QdrantClient

    client = QdrantClient(":memory:")
    return lambda base, model, dim, known=None: QdrantStore(client, base, model, dim, known)


@pytest.fixture(params=["edge", "qdrant", "memory"])
def engine(request, tmp_path):
    return open_engine(request.param, tmp_path)


def chunk(source: str, text: str, vector, tags=(), index=0, modality="text") -> ChunkRecord:
    return ChunkRecord(source, source, source.split(".")[0].title(), "Intro", text, f"h-{source}", index, 1,
                       tuple(tags), vector, modality)


CHUNKS = [
    chunk("vpn.md", "Error 809 means IPsec is blocked: switch to the NW-SSL profile.", [1.0, 0.0, 0.0], ["it"]),
    chunk("travel.md", "The lodging cap in Dublin is EUR 230 per night.", [0.0, 1.0, 0.0], ["hr"]),
    chunk("laptop.md", "Laptops are replaced every three years.", [0.7, 0.7, 0.0], ["it"]),
]


def test_dense_sparse_and_hybrid_search_find_the_chunk_that_answers(engine):
    store = engine("kb", "mini", 3)
    assert store.ensure() and not store.ensure()
    store.upsert(CHUNKS)
    store.upsert(CHUNKS[:1])  # the same content again overwrites: ids are deterministic
    assert store.count() == 3
    assert [p.source for p in store.search([0.0, 1.0, 0.1], "", limit=1, mode="dense")] == ["travel.md"]
    assert store.search([0.0, 0.0, 1.0], "lodging cap Dublin", limit=1, mode="sparse")[0].source == "travel.md"
    hybrid = store.search([0.9, 0.1, 0.0], "error 809", limit=3)
    assert hybrid[0].source == "vpn.md" and hybrid[0].label == "Vpn › Intro"


def test_filters_by_tag_file_and_modality(engine):
    store = engine("kb", "mini", 3)
    store.ensure()
    store.upsert([*CHUNKS, chunk("flow.png", "payment flow diagram", [0.0, 1.0, 0.0], modality="image")])
    assert {p.source for p in store.search([0.0, 1.0, 0.0], "", mode="dense", tags=["it"])} == {"vpn.md", "laptop.md"}
    assert [p.source for p in store.search([0.0, 1.0, 0.0], "", mode="dense", sources=["vpn.md"])] == ["vpn.md"]
    assert [p.source for p in store.search([0.0, 1.0, 0.0], "", mode="dense", modality="image")] == ["flow.png"]


def test_a_replaced_version_is_deleted_by_its_ids(engine):
    store = engine("kb", "mini", 3)
    store.ensure()
    store.upsert(CHUNKS)
    store.delete_versions([("vpn.md", "h-vpn.md", 1)])
    assert store.count() == 2 and "vpn.md" not in {p.source for p in store.search([1.0, 0.0, 0.0], "809")}


def test_a_space_never_built_says_what_to_do(engine):
    built = engine("kb", "gemini-embedding-001", 3)
    built.ensure()
    missing = engine("kb", "mini", 3, lambda: 12)
    with pytest.raises(KnowledgeBaseError, match="reindex"):
        missing.search([1.0, 0.0, 0.0], "vpn")
    assert "can't answer questions" in missing.summary()
    assert built.summary() == "The knowledge base 'kb' holds no chunks yet, so Curator can't answer questions. " \
                              "Add documents with `curator ingest PATH` (e.g. examples/kb)."


def test_the_visual_collection_finds_look_alikes_and_exact_copies(engine):
    store = engine("kb", "mini", 3)
    visual = store.visual("effnet", 2)
    assert visual.nearest([1.0, 0.0], 3) == [] and visual.with_hash("h-a") is None
    visual.upsert([VisualPoint("a.png", "a.png", "A", "h-a", [1.0, 0.0], "Sign-in failed"),
                   VisualPoint("b.png", "b.png", "B", "h-b", [0.0, 1.0])])
    nearest = visual.nearest([0.9, 0.1], 2)
    assert [m.source for m in nearest] == ["a.png", "b.png"] and nearest[0].similarity > 0.9
    assert [m.source for m in visual.nearest([0.9, 0.1], 2, sources=["b.png"])] == ["b.png"]
    assert visual.with_hash("h-a").text == "Sign-in failed"
    visual.delete_versions([("a.png", "h-a", 1)])
    assert visual.with_hash("h-a") is None
    assert visual.name not in {"", store.name}
