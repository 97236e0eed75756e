"""The `curator` command line, run in-process on the offline providers."""

from __future__ import annotations

import pytest

from bot.cli import main
from tests.conftest import SAMPLE_KB


@pytest.fixture
def offline_env(tmp_path, monkeypatch):
    monkeypatch.setenv("CURATOR_DATA_DIR", str(tmp_path / "data"))


def test_ingest_then_ask_prints_a_cited_answer_and_says_once_that_it_is_offline(offline_env, tmp_path, capsys):
    kb = tmp_path / "kb"
    (kb / "it").mkdir(parents=True)
    (kb / "it" / "vpn.md").write_text(
        "# VPN troubleshooting\n\n## Error 809\n\nIf the VPN client shows error 809, enable IPsec passthrough on "
        "your home router or switch to the Northwind-SSL profile.\n"
    )
    (kb / "empty.txt").write_text("")

    assert main(["ingest", str(kb)]) == 0
    ingest = capsys.readouterr()
    assert "added" in ingest.out and "empty.txt: empty file" in ingest.out
    assert ingest.err.count("using the offline providers") == 1

    assert main(["ask", "what", "should", "I", "do", "about", "VPN", "error", "809?"]) == 0
    answer = capsys.readouterr().out
    assert "enable IPsec passthrough" in answer and "[1]" in answer
    assert "Sources:\n  [1] VPN troubleshooting › Error 809 (it/vpn.md)" in answer


def test_asking_an_empty_knowledge_base_says_how_to_fill_it(offline_env, capsys):
    assert main(["ask", "anything"]) == 1
    assert "is empty. Add documents with `curator ingest PATH`" in capsys.readouterr().err


def test_a_model_switch_asks_for_a_reingest(offline_env, tmp_path, monkeypatch, capsys):
    from qdrant_client import QdrantClient

    from bot.kb.store import ChunkStore

    client = QdrantClient(path=str(tmp_path / "data" / "qdrant"))
    ChunkStore(client, "kb", "gemini-embedding-001", 768).ensure()
    client.close()
    assert main(["ask", "anything"]) == 1
    err = capsys.readouterr().err
    assert "built with gemini-embedding-001 (768-d)" in err and "re-ingest" in err


def test_bad_settings_exit_with_a_readable_message(monkeypatch, capsys):
    monkeypatch.setenv("EMBEDDING_DIM", "99999")
    assert main(["ask", "x"]) == 2
    assert "EMBEDDING_DIM" in capsys.readouterr().err


def test_an_empty_question_is_refused(offline_env, capsys):
    main(["ingest", str(SAMPLE_KB / "it")])
    capsys.readouterr()
    assert main(["ask", "   "]) == 1
    assert "Ask a question" in capsys.readouterr().err
