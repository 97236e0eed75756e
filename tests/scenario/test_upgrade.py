"""The upgrade from qdrant-client's local mode to Qdrant Edge: every point of every collection (text and
visual) is copied with its vectors and payload, the old folder is kept under a new name, and a locked old
folder gets the exact steps instead of a silent loss."""

from __future__ import annotations

import pytest

from bot.config import Settings
from bot.kb.stores.base import ChunkRecord, VisualPoint
from bot.kb.stores.edge import EdgeStore
from bot.kb.stores.open import open_store
from bot.kb.stores.qdrant import QdrantStore
from tests.conftest import stored_payloads
from tests.fakes.embedders import HashingEmbedder

EMBEDDER = HashingEmbedder(64)
TEXTS = {f"doc{n}.md": f"Document {n}: error E{n}00 means restart service {n}." for n in range(30)}


def old_local_mode_kb(settings: Settings) -> None:
    from qdrant_client import QdrantClient

    client = QdrantClient(path=str(settings.local_qdrant_path))
    store = QdrantStore(client, "kb", EMBEDDER.model_id, EMBEDDER.dimension)
    store.ensure()
    store.upsert([ChunkRecord(source, source, source, "Intro", text, f"h-{source}", 0, 1, ("it",),
                              EMBEDDER.embed_query(text)) for source, text in TEXTS.items()])
    store.visual("effnet", 2).upsert([VisualPoint("a.png", "a.png", "A", "h-a", [1.0, 0.0], "Sign-in failed")])
    client.close()


def test_a_local_mode_knowledge_base_is_migrated_with_progress_and_the_old_folder_kept(tmp_path, capsys):
    settings = Settings(_env_file=None, CURATOR_DATA_DIR=tmp_path)
    old_local_mode_kb(settings)

    store = open_store(settings, "kb", EMBEDDER.model_id, EMBEDDER.dimension)

    assert isinstance(store, EdgeStore) and store.count() == len(TEXTS)
    err = capsys.readouterr().err
    assert f"Upgrading {store.name}: 30/30 points" in err and "Knowledge base upgraded to Qdrant Edge" in err
    hit = store.search(EMBEDDER.embed_query(TEXTS["doc7.md"]), "error E700", limit=1, tags=["it"])[0]
    assert hit.source == "doc7.md" and hit.text == TEXTS["doc7.md"]
    assert store.visual("effnet", 2).with_hash("h-a").text == "Sign-in failed"
    assert {p["source"] for p in stored_payloads(store).values()} == set(TEXTS)
    store.close()
    assert not settings.local_qdrant_path.exists()
    assert (tmp_path / "qdrant.migrated-to-edge" / "meta.json").is_file()  # nothing deleted

    again = open_store(settings, "kb", EMBEDDER.model_id, EMBEDDER.dimension)
    assert again.count() == len(TEXTS) and "Upgrading" not in capsys.readouterr().err
    again.close()


def test_an_old_folder_held_by_another_process_says_how_to_upgrade_or_reingest(tmp_path):
    from qdrant_client import QdrantClient

    settings = Settings(_env_file=None, CURATOR_DATA_DIR=tmp_path)
    old_local_mode_kb(settings)
    holder = QdrantClient(path=str(settings.local_qdrant_path))
    with pytest.raises(RuntimeError, match="Stop the other Curator and start again.*curator ingest PATH"):
        open_store(settings, "kb", EMBEDDER.model_id, EMBEDDER.dimension)
    holder.close()
    assert settings.local_qdrant_path.exists()  # untouched
