"""`curator serve --http` as a real process: signed events over HTTP, health check, signatures, retries."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time

import httpx
import pytest

from bot.cli.main import main
from bot.console.emulator import SlackEmulator
from tests.slack_harness import (
    SIGNING_SECRET,
    ingest_one_document,
    signed_headers,
    wait_for_reply,
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def slack():
    with SlackEmulator() as emulator:
        yield emulator


@pytest.fixture
def server(slack, tmp_path, monkeypatch):
    """A running `curator serve --http` over a one-document knowledge base, pointed at the emulator."""
    ingest_one_document(tmp_path, monkeypatch)
    port = free_port()
    env = os.environ | {
        "CURATOR_DATA_DIR": str(tmp_path / "data"), "SLACK_BOT_TOKEN": slack.bot_token,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_API_URL": slack.api_url,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli.main", "serve", "--http", "--host", "127.0.0.1", "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            assert process.poll() is None, process.stdout.read()
            time.sleep(0.3)
    else:
        process.kill()
        pytest.fail("the server did not start")
    yield base
    process.terminate()
    process.wait(timeout=20)


def post(base: str, payload: dict, **sign) -> httpx.Response:
    raw = json.dumps(payload)
    headers = {k: v[0] for k, v in signed_headers(raw, "application/json", **sign).items()}
    return httpx.post(f"{base}/slack/events", content=raw, headers=headers, timeout=10)


def test_signed_events_are_acked_fast_and_answered_once(server, slack):
    event = slack.user_message("what does VPN error 809 mean?")
    started = time.perf_counter()
    first = post(server, event)
    ack_seconds = time.perf_counter() - started
    retry = post(server, event)  # Slack retrying the same event_id
    assert first.status_code == 200 and retry.status_code == 200
    assert ack_seconds < 3, "Slack needs the ack within 3 seconds"
    [answer] = wait_for_reply(slack, "DALICE", event["event"]["ts"], timeout=60)
    assert "NW-SSL" in answer.text
    time.sleep(0.5)
    assert len([m for m in slack.messages("DALICE", thread_ts=event["event"]["ts"]) if m.bot_id]) == 1


def test_bad_stale_or_missing_signatures_get_401(server, slack):
    assert post(server, slack.user_message("hi"), secret="not-the-secret").status_code == 401
    assert post(server, slack.user_message("hi"), timestamp=int(time.time()) - 3600).status_code == 401
    unsigned = httpx.post(f"{server}/slack/events", json=slack.user_message("hi"), timeout=10)
    assert unsigned.status_code == 401


def test_health_check_and_oversized_bodies(server):
    assert httpx.get(f"{server}/healthz", timeout=5).json() == {"ok": True}
    assert httpx.post(f"{server}/slack/events", content=b"x" * 2_000_000, timeout=10).status_code == 413


def test_serve_refuses_to_start_without_the_settings_it_needs(monkeypatch, capsys):
    assert main(["serve"]) == 2
    assert "SLACK_BOT_TOKEN is not set" in capsys.readouterr().err
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    assert main(["serve"]) == 2
    assert "SLACK_APP_TOKEN is not set" in capsys.readouterr().err
    assert main(["serve", "--http"]) == 2
    assert "SLACK_SIGNING_SECRET is not set" in capsys.readouterr().err
