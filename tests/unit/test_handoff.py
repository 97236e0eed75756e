"""The hand-off listener over real loopback HTTP: one run at a time, heartbeats, refusals."""

from __future__ import annotations

import threading

import pytest

from bot.errors import UserError
from bot.kb import handoff
from bot.kb.handoff import HandoffServer, IngestRuns
from bot.kb.handoff_client import live_handoff, send_ingest
from bot.kb.ingest import IngestReport


@pytest.fixture
def gated(tmp_path, monkeypatch):
    """A listener whose ingest blocks until `release` is set, with heartbeats every 50 ms."""
    monkeypatch.setattr(handoff, "HEARTBEAT_S", 0.05)
    release, entered = threading.Event(), threading.Event()

    def ingest(paths, on_file):
        on_file("docs/a.md")
        entered.set()
        assert release.wait(30)
        return IngestReport(added=["docs/a.md"], chunks=3)

    server = HandoffServer(IngestRuns(ingest), tmp_path / "data", "kb", "kb__model__384", lambda paths: 1).start()
    yield server, live_handoff(tmp_path / "data"), release, entered, tmp_path
    release.set()
    server.close()


def test_a_second_ingest_is_told_when_the_running_one_started_and_the_first_finishes(gated):
    _server, found, release, entered, tmp_path = gated
    first_lines: list[dict] = []
    heartbeat = threading.Event()

    def follow() -> None:
        for line in send_ingest(found, [tmp_path], None):
            first_lines.append(line)
            if line == {"heartbeat": True}:
                heartbeat.set()

    first = threading.Thread(target=follow)
    first.start()
    assert entered.wait(30)
    second = list(send_ingest(found, [tmp_path], None))
    assert "busy" in second[-1] and second[-1]["busy"].endswith("UTC")
    assert heartbeat.wait(30), "a slow step sends heartbeats so the client's idle timeout holds"
    release.set()
    first.join(30)
    assert first_lines[0] == {"progress": "docs/a.md", "done": 1, "total": 1}
    assert first_lines[-1]["summary"]["added"] == ["docs/a.md"] and first_lines[-1]["exit"] == 0


def test_another_knowledge_base_than_the_served_one_is_refused(gated):
    _server, found, _release, entered, tmp_path = gated
    with pytest.raises(UserError, match="serves the knowledge base 'kb', not 'other'"):
        list(send_ingest(found, [tmp_path], "other"))
    assert not entered.is_set()


def test_the_token_file_goes_away_on_close_and_the_port_is_loopback_only(gated):
    server, found, release, _entered, tmp_path = gated
    assert found["port"] == server.port and server._http.server_address[0] == "127.0.0.1"
    release.set()
    server.close()
    assert live_handoff(tmp_path / "data") is None
