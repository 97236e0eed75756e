"""The `curator` command line, run in-process on the offline providers."""

from __future__ import annotations

import pytest

from bot.cli.main import main
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


def test_a_model_switch_asks_for_a_reindex(offline_env, tmp_path, monkeypatch, capsys):
    from qdrant_client import QdrantClient

    from bot.kb.stores.qdrant import ChunkStore

    client = QdrantClient(path=str(tmp_path / "data" / "qdrant"))
    ChunkStore(client, "kb", "gemini-embedding-001", 768).ensure()
    client.close()
    assert main(["ask", "anything"]) == 1
    err = capsys.readouterr().err
    assert "It was built with gemini-embedding-001 (768-d)" in err and "`curator ingest PATH`" in err
    assert "set GEMINI_API_KEY (or Vertex AI, docs/google-setup.md) with EMBEDDING_MODEL=gemini-embedding-001 and " \
           "EMBEDDING_DIM=768" in " ".join(err.split())


def test_bad_settings_exit_with_a_readable_message(monkeypatch, capsys):
    monkeypatch.setenv("EMBEDDING_DIM", "99999")
    assert main(["ask", "x"]) == 2
    assert "EMBEDDING_DIM" in capsys.readouterr().err


def test_an_empty_question_is_refused(offline_env, capsys):
    main(["ingest", str(SAMPLE_KB / "it")])
    capsys.readouterr()
    assert main(["ask", "   "]) == 1
    assert "Ask a question" in capsys.readouterr().err


@pytest.fixture
def gemini_env(fake, tmp_path, monkeypatch):
    """`curator` with an API key at the Gemini fake, fast retries."""
    for name, value in {"GEMINI_API_KEY": fake.api_key, "GOOGLE_GEMINI_BASE_URL": fake.base_url,
                        "CURATOR_DATA_DIR": str(tmp_path / "data"), "GOOGLE_RETRY_INITIAL_DELAY_S": "0.01",
                        "IMAGE_EMBEDDER": "offline", "COLUMNS": "200"}.items():
        monkeypatch.setenv(name, value)
    return fake


def small_kb(root):
    (root / "it").mkdir(parents=True)
    (root / "it" / "vpn.md").write_text("# VPN\n\n## Error 809\n\nError 809 means IPsec is blocked: use NW-SSL.\n")
    (root / "hr").mkdir()
    (root / "hr" / "leave.md").write_text("# Leave\n\nEmployees get 25 days of paid leave a year.\n")
    return root


def test_reindex_rebuilds_the_new_embedding_space_from_the_files_already_ingested(gemini_env, tmp_path, monkeypatch,
                                                                                 capsys):
    kb = small_kb(tmp_path / "kb")
    monkeypatch.setenv("EMBEDDING_MODEL", "gemini-embedding-001")
    assert main(["ingest", str(kb)]) == 0
    monkeypatch.setenv("EMBEDDING_MODEL", "gemini-embedding-2")  # a new space: task prefixes, other vectors
    capsys.readouterr()

    assert main(["ask", "--tag", "it", "what is error 809?"]) == 1
    err = " ".join(capsys.readouterr().err.split())
    assert "Curator is now configured for: gemini-embedding-2.task-prefix (768-d)" in err
    assert "Build it from the 2 files already ingested with `curator reindex`" in err
    assert "or set EMBEDDING_MODEL=gemini-embedding-001 and EMBEDDING_DIM=768 to go back to it" in err

    gemini_env.reset()
    assert main(["reindex"]) == 0
    summary = capsys.readouterr().out
    assert "Reindex summary" in summary and "collection kb__gemini-embedding-2.task-prefix__768" in summary
    assert "│ added            │ 2 " in summary
    sent = [r["content"]["parts"][0]["text"] for c in gemini_env.calls("batchEmbedContents") for r in c.body["requests"]]
    assert any(t.startswith("title: VPN | text: ") for t in sent), "the new space's preparation"

    assert main(["ask", "--tag", "it", "what is error 809?"]) == 0
    assert "(it/vpn.md)" in capsys.readouterr().out, "doc ids and folder tags survive the rebuild"


def test_reindex_of_a_manifest_from_before_roots_uses_the_files_older_spaces_hold(gemini_env, tmp_path, monkeypatch,
                                                                                 capsys):
    import sqlite3

    kb = small_kb(tmp_path / "kb")
    monkeypatch.setenv("EMBEDDING_MODEL", "gemini-embedding-001")
    assert main(["ingest", str(kb)]) == 0
    with sqlite3.connect(tmp_path / "data" / "manifest.sqlite3") as db:
        db.execute("DELETE FROM roots")
    monkeypatch.setenv("EMBEDDING_MODEL", "gemini-embedding-2")
    capsys.readouterr()
    assert main(["reindex"]) == 0
    assert "kb__gemini-embedding-2.task-prefix__768" in capsys.readouterr().out


def test_reindex_with_nothing_ingested_says_how_to_start(offline_env, capsys):
    assert main(["reindex"]) == 1
    assert "no files were ever ingested into 'kb'. Add documents with `curator ingest PATH`" in capsys.readouterr().err


def test_route_prints_the_decision_as_one_json_object(offline_env, capsys):
    import json

    assert main(["route", "would you draw a heron at sunrise"]) == 0
    decision = json.loads(capsys.readouterr().out)
    assert decision == {"kind": "draw", "text": "a heron at sunrise", "confidence": decision["confidence"],
                        "second_opinion": False, "alternative": None}
    assert decision["confidence"] >= 0.85


def test_route_file_prints_json_lines_in_input_order_with_one_model_load(offline_env, tmp_path, capsys, monkeypatch):
    import json

    from bot.providers.minilm_onnx import MiniLM

    loads = []
    real = MiniLM._open
    monkeypatch.setattr(MiniLM, "_open", lambda self: loads.append(1) or real(self))
    messages = tmp_path / "messages.txt"
    messages.write_text("how do I draw a box in Figma?\nan icon of a rocket\nhow many vacation days do I get?\n"
                        "our onboarding flow, as a comic?\nwhere's the deploy diagram\n")

    assert main(["route", "--file", str(messages)]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [d["kind"] for d in lines] == ["ask", "draw", "ask", "ask", "find"]
    assert lines[1]["text"] == "an icon of a rocket" and lines[4]["text"] == "the deploy diagram"
    assert loads == [1], "MiniLM is loaded once for the whole file"


def test_route_in_a_thread_context(offline_env, capsys):
    import json

    assert main(["route", "--thread", "drawing", "make the sky purple"]) == 0
    assert json.loads(capsys.readouterr().out)["kind"] == "edit"


def test_route_needs_a_message_or_a_readable_file(offline_env, tmp_path, capsys):
    assert main(["route"]) == 2
    assert "curator route \"draw a fox\"" in capsys.readouterr().err
    assert main(["route", "--file", str(tmp_path / "missing.txt")]) == 2
    assert "cannot read" in capsys.readouterr().err
