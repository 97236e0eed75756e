"""No request ends in silence across deploys and crashes, with a real `curator serve --http` process, the
Slack emulator and the Gemini fake answering slowly or never:

- SIGTERM mid-answer: the answer finishes within SHUTDOWN_GRACE_S and is posted, then the process exits;
- SIGTERM with a model that hangs: after the grace the user is told "interrupted" with a Retry button, the
  process exits, and the restarted bot does not tell them twice;
- kill -9 mid-answer, then a restart: the new process finds the lease run out, tells the user once, drops
  Slack's redelivery of the event, and Retry answers it.
"""

from __future__ import annotations

import os
import signal
import time

import pytest

from bot.cli.main import main
from bot.slack.interrupted import RETRY_ACTION
from tests.serve_process import ServeProcess, start_serve
from tests.slack_harness import SIGNING_SECRET, bot_replies, wait_for_reply

ANSWER = "Switch to the NW-SSL profile [1]."
QUESTION = "How do I fix VPN error 809?"


@pytest.fixture
def env(slack, fake, tmp_path, monkeypatch):
    """Settings for a Google-mode Curator on the emulator and the fake, over a one-document knowledge base."""
    values = {
        "CURATOR_DATA_DIR": str(tmp_path / "data"), "SLACK_BOT_TOKEN": slack.bot_token,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_API_URL": slack.api_url,
        "GEMINI_API_KEY": fake.api_key, "GOOGLE_GEMINI_BASE_URL": fake.base_url,
        "GOOGLE_RETRY_INITIAL_DELAY_S": "0.01", "GOOGLE_TIMEOUT_S": "600",
        "REQUEST_LEASE_S": "2", "SHUTDOWN_GRACE_S": "10",
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "vpn.md").write_text("# VPN\n\n## Error 809\n\nError 809 means IPsec is blocked: switch to the NW-SSL profile.\n")
    assert main(["ingest", str(kb)]) == 0
    fake.set_answer(ANSWER)
    return os.environ | values


def ask_while_the_model_waits(served: ServeProcess, slack, fake, seconds: float) -> dict:
    """Ask a question and return its event once the model call is open (and will take `seconds`)."""
    fake.delay_next(seconds, op="streamGenerateContent")
    before = len(fake.calls("streamGenerateContent"))
    event = slack.user_message(QUESTION)
    assert served.post(event).status_code == 200
    assert slack.wait_for(lambda: len(fake.calls("streamGenerateContent")) > before, timeout=30)
    return event


def notices(slack, thread: str) -> list:
    return [m for m in bot_replies(slack, "DALICE", thread) if "I was interrupted" in m.text]


def retry(served: ServeProcess, slack, notice) -> None:
    click = slack.click(RETRY_ACTION, notice.ts, "DALICE", value=None)
    assert served.post(click).status_code == 200


def test_sigterm_lets_a_running_answer_finish_and_post_before_exiting(env, slack, fake):
    served = start_serve(env)
    event = ask_while_the_model_waits(served, slack, fake, seconds=3)
    served.process.send_signal(signal.SIGTERM)
    output = served.output(timeout=40)
    assert served.process.returncode == 0, output
    thread = event["event"]["ts"]
    [reply] = wait_for_reply(slack, "DALICE", thread, timeout=5)
    assert "NW-SSL profile" in reply.text and not notices(slack, thread)


def test_sigterm_with_a_hung_model_tells_the_user_after_the_grace_and_a_restart_does_not_repeat_it(env, slack, fake):
    served = start_serve(env | {"SHUTDOWN_GRACE_S": "2"})
    event = ask_while_the_model_waits(served, slack, fake, seconds=3600)
    signalled = time.monotonic()
    served.process.send_signal(signal.SIGTERM)
    output = served.output(timeout=40)
    assert served.process.returncode == 0 and time.monotonic() - signalled < 15, output
    assert "did not finish in time" in output
    thread = event["event"]["ts"]
    [notice] = notices(slack, thread)
    assert "restarting" in notice.text and "VPN error 809" in notice.text
    assert any(b.get("type") == "actions" for b in notice.blocks)

    fake.reset()  # the model answers at once from now on
    restarted = start_serve(env)
    try:
        time.sleep(5)  # more than two leases: a restarted bot that re-reported it would have done so by now
        assert len(notices(slack, thread)) == 1
        retry(restarted, slack, notice)
        assert slack.wait_for(lambda: any("NW-SSL profile" in m.text for m in bot_replies(slack, "DALICE", thread)),
                              timeout=60)
    finally:
        restarted.process.terminate()
        restarted.output()


def test_kill_9_mid_answer_is_reported_once_after_the_restart_and_retry_answers_it(env, slack, fake):
    served = start_serve(env)
    event = ask_while_the_model_waits(served, slack, fake, seconds=3600)
    served.process.kill()
    served.output()
    thread = event["event"]["ts"]
    assert bot_replies(slack, "DALICE", thread) == []  # only a status was shown: the silence this fixes

    fake.reset()
    restarted = start_serve(env)
    try:
        assert slack.wait_for(lambda: notices(slack, thread), timeout=30), "no interruption notice after the restart"
        [notice] = notices(slack, thread)
        assert "restarted" in notice.text
        assert restarted.post(event).status_code == 200  # Slack's redelivery of the same event: dropped
        time.sleep(3)
        assert [m.ts for m in bot_replies(slack, "DALICE", thread)] == [notice.ts]
        first, second = (slack.click(RETRY_ACTION, notice.ts, "DALICE", value=None) for _ in range(2))
        assert restarted.post(first).status_code == 200
        assert slack.wait_for(lambda: any("NW-SSL profile" in m.text for m in bot_replies(slack, "DALICE", thread)),
                              timeout=60)
        assert restarted.post(second).status_code == 200  # a second press (another client's stale view) runs nothing
        time.sleep(2)
        answers = [m for m in bot_replies(slack, "DALICE", thread) if "NW-SSL profile" in m.text]
        assert len(answers) == 1
    finally:
        restarted.process.terminate()
        restarted.output()
