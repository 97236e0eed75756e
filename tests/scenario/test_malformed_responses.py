"""Malformed or empty Gemini responses are clear errors that name the model and what was wrong: in the
providers, in `curator ingest` (no traceback) and in Slack (not "something went wrong on my side")."""

from __future__ import annotations

import pytest

from bot.cli.main import main
from bot.errors import AnswerBlocked, ProviderError
from bot.providers.factory import build_providers
from bot.types import Passage
from tests.fakes.gemini_clients import google_settings
from tests.slack_harness import (
    dispatch,
    make_app,
    make_services,
    slack_settings,
    wait_for_reply,
)

PASSAGES = [Passage("Error 809 means IPsec is blocked.", "VPN guide", "Error 809", "it/vpn.md", "/kb/it/vpn.md")]


@pytest.mark.parametrize(("body", "problem"), [
    ("{not json", "malformed response (Expecting property name"),
    ('{"embeddings": "x"}', "malformed response (1 validation error"),
    ("{}", "malformed response (0 vectors for 1 inputs)"),
    ('{"embeddings": [{}]}', "malformed response (a vector of 0 numbers, 768 expected)"),
    ('{"embeddings": [{"values": [0.5, 0.5]}]}', "malformed response (a vector of 2 numbers, 768 expected)"),
])
def test_a_malformed_embedding_response_names_the_model_and_the_problem(fake, tmp_path, body, problem):
    embedder = build_providers(google_settings(fake, tmp_path)).embedder
    fake.garble_next(body, op="batchEmbedContents")
    with pytest.raises(ProviderError) as error:
        embedder.embed_documents(["hello"])
    assert "gemini-embedding-2" in str(error.value) and problem in str(error.value)


def test_a_malformed_or_empty_answer_names_the_model(fake, tmp_path):
    answerer = build_providers(google_settings(fake, tmp_path)).answerer
    fake.garble_next("{not json", op="streamGenerateContent")
    with pytest.raises(ProviderError, match=rf"{answerer.model} sent a malformed response"):
        list(answerer.stream_answer("how do I fix error 809?", PASSAGES))
    fake.garble_next("{}", op="streamGenerateContent")
    with pytest.raises(AnswerBlocked, match=rf"{answerer.model} returned an empty answer"):
        list(answerer.stream_answer("how do I fix error 809?", PASSAGES))


def test_ingest_reports_a_malformed_response_in_one_line_without_a_traceback(fake, tmp_path, monkeypatch, capsys):
    (tmp_path / "kb").mkdir()
    (tmp_path / "kb" / "vpn.md").write_text("# VPN\n\nError 809 means IPsec is blocked.\n")
    for name, value in {"GEMINI_API_KEY": fake.api_key, "GOOGLE_GEMINI_BASE_URL": fake.base_url,
                        "GOOGLE_RETRY_INITIAL_DELAY_S": "0.01", "IMAGE_EMBEDDER": "offline",
                        "CURATOR_DATA_DIR": str(tmp_path / "data"), "COLUMNS": "300"}.items():
        monkeypatch.setenv(name, value)
    fake.garble_next('{"embeddings": "x"}', op="batchEmbedContents")
    assert main(["ingest", str(tmp_path / "kb")]) == 1
    err = " ".join(capsys.readouterr().err.split())
    assert "Traceback" not in err and "gemini-embedding-2 sent a malformed response" in err


def test_slack_says_which_model_sent_a_malformed_answer(fake, slack, tmp_path, sample_kb):
    answerer = build_providers(google_settings(fake, tmp_path)).answerer
    settings = slack_settings(slack, tmp_path / "bot")
    app = make_app(settings, make_services(settings, sample_kb, answerer))
    fake.garble_next('{"candidates": [{"content": {"parts": "x"}}]}', op="streamGenerateContent")
    event = slack.user_message("How do I fix VPN error 809?")
    dispatch(app, event)
    [reply] = wait_for_reply(slack, "DALICE", event["event"]["ts"])
    assert f"{answerer.model} sent a malformed response" in reply.text
    assert "on my side" not in reply.text
