"""Qdrant Edge, the embedded default: what was acknowledged survives a SIGKILL, a second process is told what
to do, the index is built in the background while searches keep answering, and `curator doctor` shows it."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

import pytest

from bot.config import Settings
from bot.doctor import run_checks
from bot.kb.stores.base import ChunkRecord, point_id
from bot.kb.stores.edge import EdgeStore
from bot.kb.stores.edge_engine import EdgeEngine
from bot.kb.stores.open import open_store
from tests.conftest import REPO
from tests.fakes.embedders import HashingEmbedder

EMBEDDER = HashingEmbedder(64)


def record(n: int) -> ChunkRecord:
    text = f"chunk {n} about topic {n % 13}"
    return ChunkRecord(f"/kb/{n}.md", f"{n}.md", "T", "S", text, "h", 0, 1, (), EMBEDDER.embed_query(text))


WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from bot.kb.stores.edge import EdgeStore
    from bot.kb.stores.edge_engine import EdgeEngine
    from tests.scenario.test_edge import EMBEDDER, record

    store = EdgeStore(EdgeEngine(Path(sys.argv[1])), "kb", EMBEDDER.model_id, EMBEDDER.dimension)
    store.ensure()
    for batch in range(10_000):
        store.upsert([record(n) for n in range(batch * 50, batch * 50 + 50)])
        print(batch, flush=True)  # acknowledged: upsert returned
    """
)


def test_a_sigkill_mid_write_loses_nothing_that_was_acknowledged(tmp_path):
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path / "edge")], cwd=REPO,
                              stdout=subprocess.PIPE, text=True)
    acknowledged = -1
    while acknowledged < 20:
        acknowledged = int(writer.stdout.readline())
    writer.kill()  # SIGKILL, in the middle of later batches
    writer.wait(timeout=30)
    engine = EdgeEngine(tmp_path / "edge")
    store = EdgeStore(engine, "kb", EMBEDDER.model_id, EMBEDDER.dimension)
    acked = [point_id(f"/kb/{n}.md", "h", 0) for n in range((acknowledged + 1) * 50)]
    assert len(engine.shard(store.name).retrieve(acked, False, False)) == len(acked)
    last = record(acknowledged * 50 + 49)
    assert last.source in {hit.source for hit in store.search(last.vector, last.text, limit=5, mode="dense")}
    store.close()


def test_a_second_process_on_the_same_folder_is_told_what_to_do(tmp_path):
    settings = Settings(_env_file=None, CURATOR_DATA_DIR=tmp_path)
    first = open_store(settings, "kb", EMBEDDER.model_id, EMBEDDER.dimension)
    first.ensure()
    with pytest.raises(RuntimeError, match="in use by another Curator process.*QDRANT_URL"):
        open_store(settings, "kb", EMBEDDER.model_id, EMBEDDER.dimension)
    first.close()
    again = open_store(settings, "kb", EMBEDDER.model_id, EMBEDDER.dimension)  # closed: free again
    assert again.exists()
    again.close()


def test_the_index_is_built_in_the_background_and_searches_answer_meanwhile(tmp_path):
    engine = EdgeEngine(tmp_path / "edge")
    store = EdgeStore(engine, "kb", EMBEDDER.model_id, EMBEDDER.dimension)
    store.ensure()
    indexer = engine.index_in_background()
    assert indexer.idle(timeout=60)
    built_before = indexer.builds
    store.upsert([record(n) for n in range(2_000)])
    probe = record(1234)
    deadline = time.monotonic() + 60
    answered = 0
    while indexer.builds == built_before and time.monotonic() < deadline:
        assert probe.source in {hit.source for hit in store.search(probe.vector, probe.text, limit=3)}
        answered += 1
    assert indexer.builds == built_before + 1 and answered > 0
    assert "2000 points" in engine.status()
    store.close()


def test_doctor_reports_the_running_bots_store_and_its_index(tmp_path):
    settings = Settings(_env_file=None, CURATOR_DATA_DIR=tmp_path)
    from bot.providers.factory import embedding_space

    serving = open_store(settings, settings.collection, *embedding_space(settings))
    serving.ensure()
    indexer = serving.engine.index_in_background()
    assert indexer.idle(timeout=60)
    checks = {check.name: check for check in run_checks(settings)}  # while the "bot" holds the folder
    check = checks["Qdrant"]
    assert check.status == "ok", check
    assert "Assembly" not in checks and checks["Embedding model"].status != "fail", "the rest is still checked"
    assert "open in the running Curator" in check.detail and "search index up to date" in check.detail
    serving.close()
