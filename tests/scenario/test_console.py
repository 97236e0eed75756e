"""`curator console`: scripted chats with the real app over the sample knowledge base, as the user sees them."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys

import pytest
from slack_sdk import WebClient

from bot.cli.main import main
from bot.console.emulator import SlackEmulator
from bot.console.render import Transcript
from bot.console.repl import ConsoleSession
from bot.slack.blocks import build_feedback_blocks
from tests.fakes.images import tiny_png
from tests.fakes.screens import error_dialog
from tests.slack_harness import (
    ScriptedAnswerer,
    bot_replies,
    make_app,
    make_services,
    slack_settings,
    wait_for_reply,
)

QUESTION = "How do I fix VPN error 809?"


@pytest.fixture
def slack(tmp_path):
    with SlackEmulator(files_dir=tmp_path / "files") as emulator:
        yield emulator


@pytest.fixture
def bot(slack, tmp_path, sample_kb):
    """Builds the app (optionally with a scripted answerer) and returns (app, services)."""
    built = []

    def build(answerer=None):
        settings = slack_settings(slack, tmp_path / "bot")
        services = make_services(settings, sample_kb, answerer)
        built.append(services)
        return make_app(settings, services), services

    yield build
    for services in built:
        services.state.close()  # not services.close(): the sample knowledge base is shared


def chat(app, slack, *lines: str, timeout: float = 30.0) -> str:
    """Run a console session over these input lines; return everything it printed."""
    out = io.StringIO()
    ConsoleSession(app, slack, io.StringIO("".join(f"{line}\n" for line in lines)), out, timeout=timeout).run()
    return out.getvalue()


def user_posts(slack, thread_ts=None) -> list:
    return [m for m in slack.messages("DALICE", thread_ts=thread_ts) if not m.bot_id]


def test_a_question_gets_an_answer_with_citations_and_numbered_feedback_buttons(slack, bot):
    app, _ = bot()
    out = chat(app, slack, QUESTION)

    assert "Try asking:\n  • How do I fix VPN error 809?" in out
    searching = out.index("Curator is searching the knowledge base…")
    answer = out.index("Curator: ", searching)
    citation = re.search(r"^  \[1\] .*it/vpn-troubleshooting\.md", out, re.MULTILINE)
    buttons = out.index("  (b1) Helpful  (b2) Not helpful\n")
    assert "809" in out[answer:citation.start()]
    assert searching < answer < citation.start() < buttons
    assert out.endswith("Bye.\n")


def test_follow_ups_stay_in_the_thread_and_new_starts_another(slack, bot):
    answerer = ScriptedAnswerer(["Turn on TCP fallback [1]."])
    app, _ = bot(answerer)
    out = chat(app, slack, QUESTION, "and on a Mac?", "/new", "What is the per diem in London?")

    assert out.count("Curator is searching the knowledge base…") == 3, "the follow-up shows its status too"
    first, second = user_posts(slack)
    assert [m.text for m in user_posts(slack, first.ts)] == ["and on a Mac?"]
    assert len(bot_replies(slack, "DALICE", first.ts)) == 2
    assert len(bot_replies(slack, "DALICE", second.ts)) == 1
    assert [t.text for t in answerer.histories[1] if t.role == "user"] == [QUESTION]


def test_click_sends_feedback_and_the_thanks_is_private(slack, bot):
    app, services = bot(ScriptedAnswerer())
    out = chat(app, slack, QUESTION, "/click 2")

    answer = bot_replies(slack, "DALICE", user_posts(slack)[0].ts)[0]
    feedback = next(b for b in answer.blocks if b["type"] == "context_actions")["elements"][0]
    vote, _, answer_id = feedback["negative_button"]["value"].partition(":")
    assert vote == "down" and services.state.feedback(answer_id) == {"UALICE": "down"}
    assert "(clicked Not helpful)\nCurator (only visible to you): Thanks for telling me" in out


def test_slash_ask_answers_in_the_thread_of_the_posted_question(slack, bot):
    app, _ = bot(ScriptedAnswerer(["Use the NW-SSL profile [1]."]))
    out = chat(app, slack, "/ask how do I fix VPN error 809?", "and on a Mac?")

    assert "Curator: @alice asked: how do I fix VPN error 809?" in out
    assert out.count("Curator: Use the NW-SSL profile [1].") == 2
    [question] = slack.messages("DALICE")
    assert [m.text for m in user_posts(slack, question.ts)] == ["and on a Mac?"]


def test_upload_posts_the_file_with_its_caption_and_shows_the_reply(slack, bot, tmp_path):
    app, _ = bot(ScriptedAnswerer())
    (tmp_path / "some.png").write_bytes(tiny_png())
    out = chat(app, slack, "/upload some.png what is this?")

    [post] = user_posts(slack)
    assert (post.subtype, post.text, post.files[0]["name"]) == ("file_share", "what is this?", "some.png")
    assert re.search(r"\(uploaded some\.png\)\nCurator is looking at your image…\nCurator: Find results", out)
    assert "I found nothing related to “some.png”" in out, "the Find reply's sections are shown too"


def test_curator_help_is_shown_privately(slack, bot):
    app, _ = bot(ScriptedAnswerer())
    out = chat(app, slack, "/curator help")
    assert "Curator (only visible to you): Hi, I'm Curator. I can:" in out
    assert out.count("Hi, I'm Curator.") == 1, "the help is shown once (its text and its section block are one)"


def test_console_commands_answer_locally(slack, bot):
    app, _ = bot(ScriptedAnswerer())
    out = chat(app, slack, "/help", "/frobnicate", "/click 1", "/upload missing.png", "/upload")

    assert "/upload PATH [TEXT]" in out and "/quit" in out
    assert "Unknown command /frobnicate. Type /help" in out
    assert "nothing to click yet" in out
    assert "No such file: missing.png" in out and "Usage: /upload PATH" in out
    assert not slack.messages("DALICE")


def test_quit_ends_the_session(slack, bot):
    app, _ = bot(ScriptedAnswerer())
    out = chat(app, slack, "/quit", QUESTION)
    assert out.endswith("you> /quit\nBye.\n")
    assert not slack.messages("DALICE")


def test_a_slow_reply_is_waited_for_within_the_bound(slack, bot):
    app, _ = bot(ScriptedAnswerer(delay=1.5))
    out = chat(app, slack, QUESTION, timeout=0.5)
    assert "Curator is searching the knowledge base…" in out
    assert "(Curator has not finished after 0.5 s" in out
    wait_for_reply(slack, "DALICE", user_posts(slack)[0].ts)  # let the listener finish before teardown


def test_the_transcript_prints_a_stream_line_by_line_then_its_citations_and_buttons(slack):
    out = io.StringIO()
    view = Transcript(slack, "DALICE", "UALICE", out)
    client = WebClient(token=slack.bot_token, base_url=slack.api_url, timeout=5)
    parent = slack.user_message(QUESTION)["event"]["ts"]
    client.assistant_threads_setStatus(channel_id="DALICE", thread_ts=parent, status="is thinking…")
    view.refresh()
    assert view.busy()

    stream = client.chat_startStream(channel="DALICE", thread_ts=parent, markdown_text="**Fix:** use the ")
    assert not view.refresh() and out.getvalue() == "Curator is thinking…\n", "half a line waits for its end"
    client.chat_appendStream(channel="DALICE", ts=stream["ts"], markdown_text="NW-SSL profile &amp; <@UBOB>.\n> Quote")
    assert view.refresh() and out.getvalue().endswith("Curator: Fix: use the NW-SSL profile & @bob.\n")
    citation = {"type": "context", "elements": [{"type": "mrkdwn", "text": "<https://wiki/vpn|[1] VPN &gt; Errors>"}]}
    client.chat_stopStream(channel="DALICE", ts=stream["ts"], blocks=[citation, *build_feedback_blocks("a1")])
    assert view.refresh() and not view.busy()

    assert out.getvalue() == ("Curator is thinking…\nCurator: Fix: use the NW-SSL profile & @bob.\n│ Quote\n"
                              "  [1] VPN > Errors (https://wiki/vpn)\n  (b1) Helpful  (b2) Not helpful\n")
    assert [b.value for b in view.click_target.buttons] == ["up:a1", "down:a1"]


def test_the_transcript_says_where_an_image_the_bot_uploaded_was_saved(slack, tmp_path):
    out = io.StringIO()
    view = Transcript(slack, "DALICE", "UALICE", out)
    client = WebClient(token=slack.bot_token, base_url=slack.api_url, timeout=5)
    parent = slack.user_message("draw a red square")["event"]["ts"]
    client.files_upload_v2(channel="DALICE", thread_ts=parent, content=tiny_png(), filename="square.png",
                           initial_comment="Here it is")
    assert slack.wait_for(lambda: slack.messages("DALICE", thread_ts=parent))  # Slack processes the upload first
    view.refresh()

    [saved] = (tmp_path / "files").iterdir()
    assert saved.read_bytes() == tiny_png()
    assert out.getvalue() == f"Curator: Here it is\n  image saved to {saved}\n"


def test_curator_console_runs_as_a_command(tmp_path, monkeypatch, capsys):
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "vpn-errors.md").write_text(
        "# VPN errors\n\n## Error 809\n\nVPN error 809 means your network blocks IPsec traffic on UDP ports "
        "500 and 4500. Turn on TCP fallback in Northwind Secure Access to fix it.\n"
    )
    monkeypatch.setenv("CURATOR_DATA_DIR", str(tmp_path / "data"))
    assert main(["ingest", str(kb)]) == 0
    error_dialog("VPN", "Connection failed", "VPN error 809: IPsec traffic is blocked.").save(tmp_path / "shot.png")

    done = subprocess.run(
        [sys.executable, "-m", "bot.cli.main", "console"],
        input=f"what does error 809 mean?\n/new\n/upload {tmp_path / 'shot.png'}\n/quit\n",
        capture_output=True, text=True, encoding="utf-8", timeout=180, env=os.environ.copy(), check=False,
    )

    assert done.returncode == 0, done.stderr
    assert "Curator: " in done.stdout and "UDP ports 500 and 4500" in done.stdout
    assert "vpn-errors.md" in done.stdout and done.stdout.endswith("Bye.\n")
    upload = done.stdout[done.stdout.index("(uploaded shot.png)"):]
    assert "Find results" in upload and "[1] VPN errors" in upload, "the upload is fetched and looked up"
    assert "offline providers" in done.stderr

    # A second session over the same data answers too: the emulator's event ids start again every run.
    monkeypatch.setattr(sys, "stdin", io.StringIO("what does error 809 mean?\n"))
    assert main(["console"]) == 0
    assert "UDP ports 500 and 4500" in capsys.readouterr().out
