"""Scheduled sync: an edit and a deletion under a synced folder reach the knowledge base on the next run, the
summary is logged, and a failed run is visible to `curator doctor` without stopping the schedule."""

from __future__ import annotations

import logging
import time

import pytest

from bot.config import Settings
from bot.doctor import run_checks
from bot.kb.ingest import Ingestor
from bot.kb.manifest import Manifest
from bot.kb.stores.edge import EdgeStore
from bot.kb.stores.edge_engine import EdgeEngine
from bot.kb.sync import SyncSchedule, parse_interval
from bot.services import build_store
from tests.fakes.embedders import HashingEmbedder


def wait_for(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_an_edit_and_a_deletion_are_picked_up_on_schedule(tmp_path, caplog):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "vpn.md").write_text("# VPN\n\nError 809 means the NW-SSL profile is needed.\n")
    (docs / "old.md").write_text("# Old\n\nThe fax machine is on floor 2.\n")
    embedder = HashingEmbedder()
    store = EdgeStore(EdgeEngine(tmp_path / "edge"), "kb", embedder.model_id, embedder.dimension)
    manifest = Manifest(tmp_path / "manifest.sqlite3")
    ingestor = Ingestor(store, embedder, manifest, 1_000_000)
    caplog.set_level(logging.INFO, logger="bot.kb.sync")
    sync = SyncSchedule(ingestor.run, [docs], 0.3, tmp_path).start()
    wait_for(lambda: sync.runs >= 1)
    assert {p.source.rsplit("/", 1)[-1] for p in store.search(embedder.embed_query("fax"), "fax machine")} == {
        "old.md", "vpn.md"}

    (docs / "vpn.md").write_text("# VPN\n\nError 809 now means: reinstall the GlobalConnect client.\n")
    (docs / "old.md").unlink()
    runs = sync.runs
    wait_for(lambda: sync.runs >= runs + 2)  # a whole run after both changes
    sync.stop()
    hits = store.search(embedder.embed_query("error 809"), "error 809 GlobalConnect")
    assert [p.source.rsplit("/", 1)[-1] for p in hits] == ["vpn.md"] and "GlobalConnect" in hits[0].text
    assert any("1 updated, 1 removed" in r.getMessage() for r in caplog.records)
    store.close()
    manifest.close()


def test_a_failed_sync_shows_in_doctor_and_the_schedule_goes_on(tmp_path):
    settings = Settings(_env_file=None, CURATOR_DATA_DIR=tmp_path)

    def broken(paths):
        raise FileNotFoundError("No such file or folder: /srv/gone")

    sync = SyncSchedule(broken, [tmp_path / "gone"], 0.1, settings.curator_data_dir).start()
    wait_for(lambda: sync.runs >= 2)
    sync.stop()
    store, manifest = build_store(settings)
    store.ensure()
    store.close()
    manifest.close()
    [check] = [c for c in run_checks(settings) if c.name == "Qdrant"]
    assert "last sync" in check.detail and "FAILED: FileNotFoundError: No such file or folder: /srv/gone" in check.detail


@pytest.mark.parametrize(("text", "seconds"), [("15m", 900), ("1h", 3600), ("90s", 90), ("45", 45)])
def test_intervals_read_as_people_write_them(text, seconds):
    assert parse_interval(text) == seconds


def test_a_bad_interval_is_a_configuration_error():
    with pytest.raises(ValueError, match="SYNC_INTERVAL|Not an interval"):
        Settings(_env_file=None, SYNC_INTERVAL="soon")
