"""The console reads like Slack: rendered mrkdwn and emoji, results printed the moment they arrive, (bN) buttons."""

from __future__ import annotations

import io
import os
import threading
import time

import pytest
from slack_sdk import WebClient

from bot.console.markup import BlockState, render_line, render_text
from bot.console.repl import ConsoleSession
from tests.slack_harness import (
    ScriptedAnswerer,
    make_app,
    make_services,
    slack_settings,
)

QUESTION = "How do I fix VPN error 809?"


def styled(text, style: str) -> list[str]:
    """The pieces of a rich Text that carry `style`."""
    return [text.plain[span.start:span.end] for span in text.spans if style in str(span.style)]


def test_mrkdwn_and_markdown_render_without_their_markup():
    line = render_line(":warning: *Bold* and **Owner:** _it_ ~old~ `cmd` <https://kb/x|the doc> <@UBOB> &lt;tag&gt;")
    assert line.plain == "⚠ Bold and Owner: it old cmd the doc (https://kb/x) @bob <tag>"
    assert styled(line, "bold") == ["Bold", "Owner:", "@bob"]
    assert styled(line, "italic") == ["it"] and styled(line, "strike") == ["old"]
    assert render_line("> From the runbook [1]").plain == "│ From the runbook [1]"
    assert render_line("- [Deploys](https://kb/d) need approval").plain == "• Deploys (https://kb/d) need approval"


def test_words_with_underscores_and_arithmetic_stay_as_written():
    assert render_line("set snake_case_name to 2*3*4").plain == "set snake_case_name to 2*3*4"


def test_code_blocks_keep_their_text_across_lines():
    state = BlockState()
    lines = [render_line(x, state).plain for x in ["```", "curator *ingest* PATH", "```", "*done*"]]
    assert lines == ["", "curator *ingest* PATH", "", "done"]
    assert render_text("a\n```\n*x*\n```").plain == "a\n\n*x*\n"


def chat_in_background(app, slack, timeout: float = 15.0):
    """A console session reading from a pipe we write to: returns (output, write_line, finish)."""
    read_end, write_end = os.pipe()
    stdin, feed, out = os.fdopen(read_end, "r"), os.fdopen(write_end, "w"), io.StringIO()
    session = ConsoleSession(app, slack, stdin, out, timeout=timeout)
    runner = threading.Thread(target=session.run, daemon=True)
    runner.start()

    def write(line: str) -> None:
        feed.write(line + "\n")
        feed.flush()

    def finish() -> str:
        write("/quit")
        runner.join(timeout=15)
        feed.close()
        return out.getvalue()

    return out, write, finish


def wait_until(predicate, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


@pytest.fixture
def app(slack, tmp_path, sample_kb):
    """The real app over the sample knowledge base, with a scripted answerer."""
    settings = slack_settings(slack, tmp_path / "bot")
    services = make_services(settings, sample_kb, ScriptedAnswerer(["Turn on TCP fallback [1]."]))
    yield make_app(settings, services)
    services.state.close()  # not services.close(): the sample knowledge base is shared


def test_a_late_result_is_printed_while_the_console_waits_for_input(slack, app):
    out, write, finish = chat_in_background(app, slack)
    write(QUESTION)
    assert wait_until(lambda: "(b2) Not helpful" in out.getvalue()), out.getvalue()
    thread = next(m.ts for m in slack.messages("DALICE") if not m.bot_id)

    # Nothing more is typed. The bot posts later, as a drawing that finished minutes after the ask would.
    client = WebClient(token=slack.bot_token, base_url=slack.api_url, timeout=5)
    client.chat_postMessage(channel="DALICE", thread_ts=thread, text=":art: *Your drawing is ready*")
    assert wait_until(lambda: "Curator: 🎨 Your drawing is ready" in out.getvalue()), out.getvalue()

    transcript = finish()
    assert transcript.index("Your drawing is ready") < transcript.index("you> /quit")


def test_buttons_are_numbered_apart_from_sources_and_clicked_by_their_number(slack, app):
    out, write, finish = chat_in_background(app, slack)
    write(QUESTION)
    assert wait_until(lambda: "(b2) Not helpful" in out.getvalue())
    write("/click b1")
    assert wait_until(lambda: "Thanks" in out.getvalue()), out.getvalue()
    transcript = finish()
    assert "  [1] " in transcript and "(clicked Helpful)" in transcript
