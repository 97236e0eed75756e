"""`curator serve` when Slack can't be used: one clear line and a non-zero exit within seconds, no traceback."""

from __future__ import annotations

import time

import pytest

from bot.cli.main import main
from bot.console.emulator import SlackEmulator
from tests.fakes.hanging import HangingServer


@pytest.fixture
def serve_env(tmp_path, monkeypatch):
    monkeypatch.setenv("CURATOR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SLACK_CONNECT_TIMEOUT_S", "0.5")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-console")
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-console")
    return monkeypatch


def serve(*args: str) -> tuple[int, float]:
    started = time.monotonic()
    code = main(["serve", *args])
    return code, time.monotonic() - started


@pytest.mark.parametrize("transport", [[], ["--http"]])
def test_a_hanging_slack_is_one_line_and_exit_1_within_seconds(serve_env, capsys, transport):
    serve_env.setenv("SLACK_SIGNING_SECRET", "secret")
    with HangingServer() as hang:
        serve_env.setenv("SLACK_API_URL", f"{hang.url}/api/")
        code, elapsed = serve(*transport)
    err = capsys.readouterr().err
    assert code == 1 and elapsed < 5
    assert err.startswith(f"Could not reach Slack at {hang.url}/api/ (auth.test: no answer within 0.5 s") and err.count("\n") == 1
    assert "SLACK_API_URL" in err and "Traceback" not in err


def test_a_refused_connection_is_one_line_from_the_real_command(serve_env):
    import os
    import subprocess
    import sys

    serve_env.setenv("SLACK_API_URL", "http://127.0.0.1:9/api/")  # discard port: nothing listens
    done = subprocess.run([sys.executable, "-m", "bot.cli.main", "serve"], capture_output=True, text=True, timeout=60,
                          env=os.environ.copy(), check=False)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.count("\n") == 1, "one line: no log records, no traceback"
    assert done.stderr.startswith("Could not reach Slack at http://127.0.0.1:9/api/ (auth.test: ")


def test_a_wrong_app_token_names_the_setting(serve_env, capsys):
    with SlackEmulator() as slack:
        serve_env.setenv("SLACK_API_URL", slack.api_url)
        serve_env.setenv("SLACK_APP_TOKEN", "xapp-wrong")
        assert main(["serve"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Slack refused SLACK_APP_TOKEN (apps.connections.open: invalid_auth)")
    assert "xapp-wrong" not in err


def test_a_socket_mode_websocket_that_never_answers_is_one_line(serve_env, capsys, tmp_path):
    with SlackEmulator() as slack, HangingServer() as hang:
        slack.socket_mode_url = f"{hang.url.replace('http', 'ws')}/link"
        serve_env.setenv("SLACK_API_URL", slack.api_url)
        code, elapsed = serve()
    err = capsys.readouterr().err
    assert code == 1 and elapsed < 60
    assert "Could not reach Slack" in err.splitlines()[-1] and "Socket Mode" in err.splitlines()[-1]
    assert "Traceback" not in err
