"""Switching models after an ingest: the new space is empty, the manifest knows the files, and every piece of
advice Curator gives works when followed (`curator reindex`, or going back to the space that was built)."""

from __future__ import annotations

import pytest

from bot.cli.main import main
from bot.config import Settings
from bot.services import build_knowledge_base


def small_kb(root):
    (root / "it").mkdir(parents=True)
    (root / "it" / "vpn.md").write_text("# VPN\n\n## Error 809\n\nError 809 means IPsec is blocked: use the NW-SSL "
                                        "profile instead.\n")
    (root / "hr").mkdir()
    (root / "hr" / "leave.md").write_text("# Leave\n\nEmployees get 25 days of paid leave a year.\n")
    return root


def one_line(text: str) -> str:
    return " ".join(text.split())  # rich wraps long lines at the terminal width


@pytest.fixture
def ingested_offline(tmp_path, monkeypatch, capsys):
    """The README's first steps: an offline ingest of a small knowledge base."""
    monkeypatch.setenv("CURATOR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COLUMNS", "200")
    assert main(["ingest", str(small_kb(tmp_path / "kb"))]) == 0
    capsys.readouterr()
    return tmp_path


@pytest.fixture
def with_gemini(fake, monkeypatch):
    """Then the admin sets an API key (Google is the fake), as docs/google-setup.md says."""
    for name, value in {"GEMINI_API_KEY": fake.api_key, "GOOGLE_GEMINI_BASE_URL": fake.base_url,
                        "GOOGLE_RETRY_INITIAL_DELAY_S": "0.01", "IMAGE_EMBEDDER": "offline"}.items():
        monkeypatch.setenv(name, value)
    return fake


def test_asking_after_the_switch_says_the_space_is_empty_and_offers_both_ways_out(ingested_offline, with_gemini,
                                                                                   capsys):
    assert main(["ask", "what does error 809 mean?"]) == 1
    err = one_line(capsys.readouterr().err)
    assert "has nothing yet in the embedding space Curator is now configured for: gemini-embedding-2" in err
    assert "It was built with all-minilm-l6-v2 (384-d)" in err
    assert "Build it from the 2 files already ingested with `curator reindex`" in err
    assert "or remove GEMINI_API_KEY and GOOGLE_GENAI_USE_VERTEXAI from the environment and .env" in err
    assert "EMBEDDING_MODEL" not in err, "never advise sending the local model's name to Google"
    assert not with_gemini.calls("batchEmbedContents"), "nothing was embedded for a question that can't be answered"


def test_following_the_reindex_advice_answers_through_gemini(ingested_offline, with_gemini, capsys):
    assert main(["reindex"]) == 0
    assert "│ added            │ 2 " in capsys.readouterr().out
    with_gemini.set_answer("Error 809 means IPsec is blocked; switch to the NW-SSL profile [1].")

    assert main(["ask", "what does error 809 mean?"]) == 0
    out = capsys.readouterr().out
    assert "switch to the NW-SSL profile [1]" in out and "(it/vpn.md)" in out
    assert with_gemini.calls("streamGenerateContent"), "the answer came from the Gemini answer model"


def test_following_the_go_back_advice_answers_offline_again(ingested_offline, with_gemini, monkeypatch, capsys):
    assert main(["ask", "what does error 809 mean?"]) == 1
    capsys.readouterr()
    monkeypatch.delenv("GEMINI_API_KEY")

    assert main(["ask", "what does error 809 mean?"]) == 0
    assert "NW-SSL" in capsys.readouterr().out


def test_the_console_banner_tells_the_truth_before_and_after_the_reindex(ingested_offline, with_gemini, capsys):
    def banner() -> str:
        kb = build_knowledge_base(Settings())
        try:
            return one_line(kb.store.summary())
        finally:
            kb.close()

    before = banner()
    assert "is empty" not in before and "`curator reindex`" in before and "can't answer questions" in before
    assert main(["reindex"]) == 0
    assert banner().startswith("Knowledge base 'kb': 2 chunks in kb__gemini-embedding-2.task-prefix__768")


def test_a_hanging_google_fails_ingest_and_ask_in_seconds_naming_the_endpoint(ingested_offline, with_gemini, monkeypatch,
                                                                              capsys, tmp_path):
    import time

    from tests.fakes.hanging import HangingServer

    assert main(["reindex"]) == 0  # a Gemini space to ask in, built while Google answered
    capsys.readouterr()
    (tmp_path / "kb" / "it" / "new.md").write_text("# Printers\n\nPrinters are on floor 3.\n")  # needs embedding
    with HangingServer() as hang:
        monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", hang.url)
        monkeypatch.setenv("GOOGLE_CONNECT_TIMEOUT_S", "0.5")  # the default is 5 s
        for command in (["ingest", str(tmp_path / "kb" / "it")], ["ask", "what does error 809 mean?"]):
            started = time.monotonic()
            code = main(command)
            elapsed = time.monotonic() - started
            err = one_line(capsys.readouterr().err)
            assert code == 1 and elapsed < 4, (command, elapsed)
            assert f"Google at {hang.url}/v1beta/models/gemini-embedding-2 did not answer in time" in err, err
            assert "GOOGLE_CONNECT_TIMEOUT_S" in err and "Traceback" not in err
