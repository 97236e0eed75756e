"""Opening Qdrant: local mode is serialised across threads, and a second process gets a clear message."""

from __future__ import annotations

import threading

import pytest

from bot.config import Settings
from bot.kb.stores.qdrant import ChunkRecord, ChunkStore
from bot.kb.stores.qdrant_client import open_qdrant
from tests.fakes.embedders import HashingEmbedder


def record(n: int, embedder: HashingEmbedder) -> ChunkRecord:
    text = f"chunk {n} about topic {n % 13}"
    return ChunkRecord(f"/kb/{n}.md", f"{n}.md", "T", "S", text, "h", 0, 1, (), embedder.embed_query(text))


def test_concurrent_writers_and_readers_lose_nothing_in_local_mode(tmp_path):
    settings = Settings(_env_file=None, CURATOR_DATA_DIR=tmp_path)
    embedder = HashingEmbedder(64)
    store = ChunkStore(open_qdrant(settings), "kb", embedder.model_id, embedder.dimension)
    store.ensure()
    errors: list[BaseException] = []

    def work(worker: int) -> None:
        try:
            for n in range(worker * 100, worker * 100 + 100):
                store.upsert([record(n, embedder)])
                store.search(embedder.embed_query("topic 3"), "topic 3", limit=3)
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert store.count() == 800
    store.close()


def test_a_second_process_on_the_same_folder_is_told_what_to_do(tmp_path):
    settings = Settings(_env_file=None, CURATOR_DATA_DIR=tmp_path)
    first = open_qdrant(settings)
    with pytest.raises(RuntimeError, match="in use by another Curator process"):
        open_qdrant(settings)
    first.close()
