"""`curator ingest` while a real `curator serve` holds the embedded store: the run is handed to the serving
process, its progress and summary come back, and the bot's answers change as soon as the run ends."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.console.emulator import SlackEmulator
from bot.kb.handoff import HANDOFF_FILE
from tests.fakes.socket_mode import FakeSocketMode
from tests.slack_harness import wait_for_reply

VPN = "# VPN\n\n## Error 809\n\nError 809 means IPsec is blocked: switch to the {profile} profile.\n"


def curator(*args: str, data: Path, timeout: float = 240) -> subprocess.CompletedProcess:
    """A real `curator` process on the data dir `data`."""
    env = os.environ | {"CURATOR_DATA_DIR": str(data)}
    return subprocess.run([sys.executable, "-m", "bot.cli.main", *args], env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)


def poll(check, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return False


@pytest.fixture(scope="module")
def serving(tmp_path_factory):
    """A running `curator serve` (Socket Mode against the emulator) on an empty embedded knowledge base."""
    data = tmp_path_factory.mktemp("handoff") / "data"
    socket_mode = FakeSocketMode()
    with SlackEmulator() as slack:
        slack.socket_mode_url = socket_mode.url
        env = os.environ | {"CURATOR_DATA_DIR": str(data), "SLACK_BOT_TOKEN": slack.bot_token,
                            "SLACK_APP_TOKEN": slack.app_token, "SLACK_API_URL": slack.api_url}
        process = subprocess.Popen([sys.executable, "-m", "bot.cli.main", "serve"], env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            assert socket_mode.wait_connected(timeout=120), "curator serve never connected"
            assert poll((data / HANDOFF_FILE).exists, 30), "curator serve wrote no hand-off token file"
            yield data, slack, socket_mode
        finally:
            process.send_signal(signal.SIGINT)  # Ctrl-C: a clean exit
            process.wait(timeout=60)
            socket_mode.close()
        assert not (data / HANDOFF_FILE).exists(), "the token file outlived a clean exit"


def ask(slack, socket_mode, question: str) -> str:
    event = slack.user_message(question)
    socket_mode.push(event)
    [answer] = wait_for_reply(slack, "DALICE", event["event"]["ts"], timeout=90)
    return answer.text


def test_the_token_file_is_private_to_its_user(serving):
    data, _, _ = serving
    handoff = json.loads((data / HANDOFF_FILE).read_text())
    assert (data / HANDOFF_FILE).stat().st_mode & 0o777 == 0o600
    assert handoff["port"] > 0 and len(handoff["token"]) >= 32


def test_ingest_while_serving_streams_progress_and_the_answers_follow_edits(serving, tmp_path):
    data, slack, socket_mode = serving
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "vpn.md").write_text(VPN.format(profile="NW-SSL"))
    (docs / "wifi.md").write_text("# Wi-Fi\n\nThe guest network is Curator-Guest.\n")
    run = curator("ingest", str(docs), data=data)
    assert run.returncode == 0, run.stderr
    assert "the ingest runs there" in run.stderr
    assert "[1/2]" in run.stdout and "[2/2]" in run.stdout, run.stdout
    assert "Ingest summary" in run.stdout and "added" in run.stdout and "│ 2" in run.stdout, run.stdout
    assert "NW-SSL" in ask(slack, socket_mode, "what does VPN error 809 mean?")

    (docs / "vpn.md").write_text(VPN.format(profile="NW-TLS"))
    again = curator("ingest", str(docs), data=data)
    assert again.returncode == 0, again.stderr
    assert "updated" in again.stdout
    answer = ask(slack, socket_mode, "what does VPN error 809 mean now?")
    assert "NW-TLS" in answer and "NW-SSL" not in answer


def test_a_relative_path_is_resolved_by_the_client(serving, tmp_path):
    data, _, _ = serving
    (tmp_path / "rel").mkdir()
    (tmp_path / "rel" / "printer.md").write_text("# Printer\n\nThe printer on floor 3 is PR-3.\n")
    env = os.environ | {"CURATOR_DATA_DIR": str(data)}
    run = subprocess.run([sys.executable, "-m", "bot.cli.main", "ingest", "rel"], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=240, check=False)
    assert run.returncode == 0, run.stderr
    assert "[1/1]" in run.stdout and "Ingest summary" in run.stdout


def test_a_path_the_server_cannot_find_is_refused_with_the_reason(serving, tmp_path):
    data, _, _ = serving
    run = curator("ingest", str(tmp_path / "nowhere"), data=data)
    assert run.returncode == 1
    assert "cannot find" in run.stderr and "nowhere" in run.stderr


def test_a_wrong_token_is_refused_and_changes_nothing(serving, tmp_path):
    data, _, _ = serving
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "badge.md").write_text("# Badges\n\nLost badges are replaced at reception.\n")
    path = data / HANDOFF_FILE
    good = path.read_text()
    path.write_text(json.dumps(json.loads(good) | {"token": "not-the-token"}))
    try:
        refused = curator("ingest", str(docs), data=data)
    finally:
        path.write_text(good)
    assert refused.returncode == 1
    assert "401" in refused.stderr and "refused the hand-off" in refused.stderr, refused.stderr
    run = curator("ingest", str(docs), data=data)
    assert run.returncode == 0, run.stderr
    assert "added" in run.stdout and "unchanged" in run.stdout
    assert any(line.split() == ["│", "added", "│", "1", "│"] for line in run.stdout.splitlines()), run.stdout


def test_a_stale_token_file_of_a_dead_process_is_ignored(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait(timeout=30)
    (data / HANDOFF_FILE).write_text(json.dumps({"pid": dead.pid, "port": 1, "token": "x" * 43}))
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "vpn.md").write_text(VPN.format(profile="NW-SSL"))
    run = curator("ingest", str(docs), data=data)
    assert run.returncode == 0, run.stderr
    assert "the ingest runs there" not in run.stderr
    assert "Ingest summary" in run.stdout
    asked = curator("ask", "what does VPN error 809 mean?", data=data)
    assert "NW-SSL" in asked.stdout, asked.stdout + asked.stderr
