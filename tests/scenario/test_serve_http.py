"""`curator serve --http` as a real process: signed events over HTTP, health check, signatures, retries."""

from __future__ import annotations

import os
import time

import httpx
import pytest

from bot.cli.main import main
from bot.console.emulator import SlackEmulator
from tests.serve_process import start_serve
from tests.slack_harness import (
    SIGNING_SECRET,
    ingest_one_document,
    wait_for_reply,
)


@pytest.fixture
def slack():
    with SlackEmulator() as emulator:
        yield emulator


@pytest.fixture
def serving(slack, tmp_path, monkeypatch):
    """A running `curator serve --http` over a one-document knowledge base, pointed at the emulator."""
    ingest_one_document(tmp_path, monkeypatch)
    served = start_serve(os.environ | {
        "CURATOR_DATA_DIR": str(tmp_path / "data"), "SLACK_BOT_TOKEN": slack.bot_token,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_API_URL": slack.api_url,
    })
    yield served
    served.process.terminate()
    served.process.wait(timeout=20)


def test_signed_events_are_acked_fast_and_answered_once(serving, slack):
    event = slack.user_message("what does VPN error 809 mean?")
    started = time.perf_counter()
    first = serving.post(event)
    ack_seconds = time.perf_counter() - started
    retry = serving.post(event)  # Slack retrying the same event_id
    assert first.status_code == 200 and retry.status_code == 200
    assert ack_seconds < 3, "Slack needs the ack within 3 seconds"
    [answer] = wait_for_reply(slack, "DALICE", event["event"]["ts"], timeout=60)
    assert "NW-SSL" in answer.text
    time.sleep(0.5)
    assert len([m for m in slack.messages("DALICE", thread_ts=event["event"]["ts"]) if m.bot_id]) == 1


def test_bad_stale_or_missing_signatures_get_401(serving, slack):
    assert serving.post(slack.user_message("hi"), secret="not-the-secret").status_code == 401
    assert serving.post(slack.user_message("hi"), timestamp=int(time.time()) - 3600).status_code == 401
    unsigned = httpx.post(f"{serving.base}/slack/events", json=slack.user_message("hi"), timeout=10)
    assert unsigned.status_code == 401


def test_health_check_and_oversized_bodies(serving):
    assert httpx.get(f"{serving.base}/healthz", timeout=5).json() == {"ok": True}
    assert httpx.post(f"{serving.base}/slack/events", content=b"x" * 2_000_000, timeout=10).status_code == 413


def test_serve_refuses_to_start_without_the_settings_it_needs(monkeypatch, capsys):
    assert main(["serve"]) == 2
    assert "SLACK_BOT_TOKEN is not set" in capsys.readouterr().err
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    assert main(["serve"]) == 2
    assert "SLACK_APP_TOKEN is not set" in capsys.readouterr().err
    assert main(["serve", "--http"]) == 2
    assert "SLACK_SIGNING_SECRET is not set" in capsys.readouterr().err
