"""`curator serve` over Socket Mode as a real process: it connects, acks envelopes and answers in Slack."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bot.console.emulator import SlackEmulator
from tests.fakes.socket_mode import FakeSocketMode
from tests.slack_harness import ingest_one_document, wait_for_reply


@pytest.fixture
def socket_mode():
    server = FakeSocketMode()
    yield server
    server.close()


def test_serve_connects_over_socket_mode_and_answers_an_event_once(tmp_path, monkeypatch, socket_mode):
    ingest_one_document(tmp_path, monkeypatch)
    with SlackEmulator() as slack:
        slack.socket_mode_url = socket_mode.url
        env = os.environ | {
            "CURATOR_DATA_DIR": str(tmp_path / "data"), "SLACK_BOT_TOKEN": slack.bot_token,
            "SLACK_APP_TOKEN": slack.app_token, "SLACK_API_URL": slack.api_url,
        }
        process = subprocess.Popen([sys.executable, "-m", "bot.cli.main", "serve"], env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            assert socket_mode.wait_connected(timeout=90), "curator serve never opened the Socket Mode connection"
            event = slack.user_message("what does VPN error 809 mean?")
            envelope = socket_mode.push(event)
            retry = socket_mode.push(event)  # Slack redelivering the same event_id
            [answer] = wait_for_reply(slack, "DALICE", event["event"]["ts"], timeout=60)
            assert "NW-SSL" in answer.text
            assert slack.wait_for(lambda: {envelope, retry} <= set(socket_mode.acks))
            assert len([m for m in slack.messages("DALICE", thread_ts=event["event"]["ts"]) if m.bot_id]) == 1
            assert slack.calls_to("apps.connections.open")[0].headers["authorization"] == f"Bearer {slack.app_token}"
        finally:
            process.terminate()
            process.wait(timeout=20)
        output = process.stdout.read()
        assert "Curator is ready as @curator in Curator Console (models warmed in" in output, output
        assert output.index("Knowledge base 'kb': ") < output.index("Curator is ready"), "it says what it serves"
