"""What users see at the edges of Slack's payloads: Stop on a queued drawing, a modal whose drawing is
gone, a follow-up at the end of a long thread."""

from __future__ import annotations

import sqlite3

from slack_sdk import WebClient

from bot.draw import blocks
from tests.fakes.generators import ScriptedGenerator
from tests.slack_harness import (
    ScriptedAnswerer,
    bot_replies,
    dispatch,
    make_app,
    make_services,
    slack_settings,
    wait_for_reply,
)


def build(slack, tmp_path, sample_kb, generator=None, answerer=None, **values):
    settings = slack_settings(slack, tmp_path / "bot", **values)
    services = make_services(settings, sample_kb, answerer or ScriptedAnswerer(), generator)
    return make_app(settings, services), services


def texts(slack, thread_ts: str) -> str:
    return " ".join(m.text for m in slack.messages("DALICE", thread_ts=thread_ts) if m.bot_id)


def test_stop_on_a_queued_drawing_drops_it_gives_the_quota_back_and_says_so(slack, tmp_path, sample_kb):
    generator = ScriptedGenerator(delay=1.5)
    app, services = build(slack, tmp_path, sample_kb, generator, IMAGE_CONCURRENCY=1, IMAGE_QUOTA_PER_USER_PER_DAY=5)
    first, second = slack.user_message("draw a boat"), slack.user_message("draw a lighthouse")
    dispatch(app, first)
    assert slack.wait_for(lambda: "Drawing _a boat_" in texts(slack, first["event"]["ts"]))
    dispatch(app, second)
    queued = second["event"]["ts"]
    assert slack.wait_for(lambda: "number 1 in line" in texts(slack, queued)
                          and (slack.session("DALICE", queued) or {}).get("status") == "processing")

    assert dispatch(app, slack.stop_session("DALICE", queued)).status == 200
    assert slack.wait_for(lambda: "Stopped: _a lighthouse_ was not drawn" in texts(slack, queued))
    assert "did not count against your quota" in texts(slack, queued)
    assert slack.wait_for(lambda: slack.session("DALICE", queued)["status"] == "active"), "the Stop button goes"
    assert slack.wait_for(lambda: any(m.files for m in slack.messages("DALICE", thread_ts=first["event"]["ts"])))
    assert [r.prompt for r in generator.generated] == ["a boat"], "the stopped drawing never reached the model"
    assert services.draw.records.used_today("UALICE") == 1


def test_an_edit_submitted_after_its_drawing_is_gone_is_answered_where_the_drawing_was(slack, tmp_path, sample_kb):
    app, services = build(slack, tmp_path, sample_kb, ScriptedGenerator())
    event = slack.user_message("draw a lighthouse")
    dispatch(app, event)
    thread = event["event"]["ts"]
    assert slack.wait_for(lambda: any(b["type"] == "actions" for m in bot_replies(slack, "DALICE", thread)
                                      for b in m.blocks))
    message = next(m for m in bot_replies(slack, "DALICE", thread) if any(b["type"] == "actions" for b in m.blocks))
    [drawing] = services.draw.records.all()
    dispatch(app, slack.click(blocks.EDIT, message.ts, "DALICE", value=drawing.drawing_id))
    assert slack.wait_for(lambda: slack.views())
    with sqlite3.connect(services.settings.state_path) as db:  # meanwhile the drawing was removed
        db.execute("DELETE FROM drawings")

    submission = slack.submit_view(blocks.EDIT_MODAL, {blocks.EDIT_INPUT_BLOCK: {blocks.EDIT_INPUT_ACTION: {
        "type": "plain_text_input", "value": "add a moon"}}}, private_metadata=slack.views()[-1]["private_metadata"])
    assert "channel" not in submission and dispatch(app, submission).status == 200
    assert slack.wait_for(lambda: slack.calls_to("chat.postEphemeral"))
    [notice] = slack.calls_to("chat.postEphemeral")
    assert notice.response["ok"] and notice.params["channel"] == "DALICE" and notice.params["thread_ts"] == thread
    assert "no longer available" in notice.params["text"]


def test_a_follow_up_at_the_end_of_a_long_thread_gets_the_newest_turns_as_history(slack, tmp_path, sample_kb):
    answerer = ScriptedAnswerer()
    app, _ = build(slack, tmp_path, sample_kb, answerer=answerer)
    first = slack.user_message("How do I fix VPN error 809?")
    dispatch(app, first)
    thread = first["event"]["ts"]
    wait_for_reply(slack, "DALICE", thread)
    client = WebClient(token=slack.bot_token, base_url=slack.api_url)
    for i in range(260):  # a busy thread: more than one page of conversations.replies
        slack.user_message(f"side remark number {i}", thread_ts=thread)
    client.chat_postMessage(channel="DALICE", thread_ts=thread, text="the newest bot remark")
    follow_up = slack.user_message("and what about error 812?", thread_ts=thread)
    dispatch(app, follow_up)
    assert slack.wait_for(lambda: len(answerer.histories) == 2, timeout=10)
    history = [turn.text for turn in answerer.histories[-1]]
    assert history[0] == "How do I fix VPN error 809?", "the thread's question stays first"
    assert history[-1] == "the newest bot remark" and "side remark number 259" in history
    assert "side remark number 0" not in history and len(history) <= 10
