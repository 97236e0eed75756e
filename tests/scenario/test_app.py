"""The whole Slack app: real Bolt + real slack_sdk against the Slack emulator, with signed requests."""

from __future__ import annotations

import time

import pytest

from bot.errors import ProviderUnavailable
from bot.slack.blocks import FEEDBACK_ACTION
from bot.slack.outbox import Outbox
from tests.slack_harness import (
    ScriptedAnswerer,
    bot_replies,
    dispatch,
    make_app,
    make_services,
    slack_settings,
    wait_for_reply,
)


@pytest.fixture
def settings(slack, tmp_path):
    return slack_settings(slack, tmp_path / "bot")


def build(settings, sample_kb, answerer=None):
    services = make_services(settings, sample_kb, answerer)
    return make_app(settings, services), services


def test_a_dm_question_is_answered_in_its_thread_with_status_streaming_citations_and_feedback(slack, settings, sample_kb):
    app, _ = build(settings, sample_kb)
    event = slack.user_message("How do I fix VPN error 809?")
    assert dispatch(app, event).status == 200
    [answer] = wait_for_reply(slack, "DALICE", event["event"]["ts"])

    assert "IPsec" in answer.text or "809" in answer.text
    assert "[1]" in answer.text
    status = slack.calls_to("assistant.threads.setStatus")[0].params
    assert status["thread_ts"] == event["event"]["ts"] and "searching" in status["status"]
    # A short answer written at once goes out whole, in one call: Slack's stream tiers are kept for long ones.
    assert [c.params["thread_ts"] for c in slack.calls_to("chat.postMessage")] == [event["event"]["ts"]]
    assert not slack.calls_to("chat.startStream")
    block_types = [block["type"] for block in answer.blocks]
    assert "context" in block_types and "context_actions" in block_types
    citations = next(b for b in answer.blocks if b["type"] == "context")["elements"]
    assert citations[0]["text"].startswith("[1] ") and "it/vpn-" in citations[0]["text"]


def test_an_answer_being_written_streams_in_several_pieces(fast_slack, tmp_path, sample_kb):
    pieces = [f"Sentence number {i} of a long answer that keeps going [1]. " for i in range(12)]
    settings = slack_settings(fast_slack, tmp_path / "bot")
    answerer = ScriptedAnswerer(pieces, piece_delay=0.05)  # 0.6 s real, 6 s of the sped-up clock
    app = make_app(settings, make_services(settings, sample_kb, answerer, outbox=Outbox(settings, fast_slack.clock)))
    event = fast_slack.user_message("How do I fix VPN error 809?")
    dispatch(app, event)
    [answer] = wait_for_reply(fast_slack, "DALICE", event["event"]["ts"])
    assert len(fast_slack.calls_to("chat.startStream")) == 1 and fast_slack.calls_to("chat.stopStream")
    appends = fast_slack.calls_to("chat.appendStream")
    assert 2 <= len(appends) < 11, "appends carry several pieces each"
    assert answer.text.count("Sentence number") == 12 and not answer.streaming
    assert any(b["type"] == "context_actions" for b in answer.blocks)


def test_a_mention_in_a_channel_is_answered_in_a_thread_and_follow_ups_need_no_mention(slack, settings, sample_kb):
    answerer = ScriptedAnswerer(["London per diem is 85 GBP [1]."])
    app, _ = build(settings, sample_kb, answerer)
    mention = slack.user_message("what is the per diem in London?", channel="CGENERAL", mention_bot=True)
    dispatch(app, mention)
    thread = mention["event"]["ts"]
    wait_for_reply(slack, "CGENERAL", thread)

    follow_up = slack.user_message("and for Paris?", channel="CGENERAL", thread_ts=thread)
    dispatch(app, follow_up)
    replies = wait_for_reply(slack, "CGENERAL", thread, count=2)
    assert len(replies) == 2
    assert [t.text for t in answerer.histories[1] if t.role == "user"] == ["what is the per diem in London?"]
    assert any(t.role == "assistant" for t in answerer.histories[1])


def test_channel_chatter_and_the_message_copy_of_a_mention_get_no_answer(slack, settings, sample_kb):
    app, _ = build(settings, sample_kb, ScriptedAnswerer())
    chatter = slack.user_message("lunch anyone?", channel="CGENERAL")
    other_thread = slack.user_message("reply in a thread the bot never joined", channel="CGENERAL", thread_ts=chatter["event"]["ts"])
    mention_copy = slack.user_message("<@UCURATOR> how do I fix VPN error 809?", channel="CGENERAL")
    for payload in (chatter, other_thread, mention_copy):
        assert dispatch(app, payload).status == 200
    time.sleep(0.5)
    assert not slack.calls_to("chat.postMessage") and not slack.calls_to("chat.startStream")


def test_a_slack_retry_or_duplicate_event_never_produces_a_second_answer(slack, settings, sample_kb):
    app, _ = build(settings, sample_kb, ScriptedAnswerer())
    event = slack.user_message("How do I fix VPN error 809?")
    assert dispatch(app, event).status == 200
    assert dispatch(app, event, extra_headers={"x-slack-retry-num": ["1"], "x-slack-retry-reason": ["http_timeout"]}).status == 200
    assert dispatch(app, event).status == 200
    wait_for_reply(slack, "DALICE", event["event"]["ts"])
    time.sleep(0.5)
    assert len(bot_replies(slack, "DALICE", event["event"]["ts"])) == 1


@pytest.mark.parametrize(
    "sign",
    [{"secret": "wrong-secret"}, {"timestamp": int(time.time()) - 600}],
    ids=["bad signature", "stale timestamp"],
)
def test_badly_signed_requests_are_rejected(slack, settings, sample_kb, sign):
    app, _ = build(settings, sample_kb, ScriptedAnswerer())
    assert dispatch(app, slack.user_message("hello"), **sign).status == 401


def test_unsigned_requests_are_rejected(slack, settings, sample_kb):
    from slack_bolt import BoltRequest

    app, _ = build(settings, sample_kb, ScriptedAnswerer())
    response = app.dispatch(BoltRequest(body='{"type":"event_callback"}', headers={"content-type": ["application/json"]}))
    assert response.status == 401


def test_bot_messages_edits_and_deletions_are_acknowledged_and_ignored(slack, settings, sample_kb):
    app, _ = build(settings, sample_kb, ScriptedAnswerer())
    base = slack.user_message("original question")
    variants = [
        {"bot_id": "BOTHER", "subtype": "bot_message"},
        {"subtype": "message_changed", "hidden": True, "message": {"text": "edited"}},
        {"subtype": "message_deleted", "hidden": True, "deleted_ts": base["event"]["ts"]},
        {"subtype": "channel_join"},
    ]
    for index, extra in enumerate(variants):
        payload = dict(base, event_id=f"EvVariant{index}", event=dict(base["event"], **extra))
        assert dispatch(app, payload).status == 200
    time.sleep(0.5)
    assert not slack.calls_to("chat.postMessage") and not slack.calls_to("chat.startStream")


def test_a_model_failure_ends_in_a_visible_error_message(slack, settings, sample_kb):
    failing = ScriptedAnswerer([], error=ProviderUnavailable("Answering failed: Google kept answering 503 after retries."))
    app, _ = build(settings, sample_kb, failing)
    event = slack.user_message("How do I fix VPN error 809?")
    dispatch(app, event)
    [reply] = wait_for_reply(slack, "DALICE", event["event"]["ts"])
    assert reply.text.startswith(":warning:") and "503 after retries" in reply.text


def test_an_unexpected_crash_still_answers_with_an_error_id(slack, settings, sample_kb):
    app, _ = build(settings, sample_kb, ScriptedAnswerer(["partial answer "], error=RuntimeError("boom")))
    event = slack.user_message("How do I fix VPN error 809?")
    dispatch(app, event)
    replies = wait_for_reply(slack, "DALICE", event["event"]["ts"], count=2)
    assert "partial answer" in replies[0].text
    assert "something went wrong on my side (error " in replies[1].text and "boom" not in replies[1].text


def test_without_streaming_the_answer_is_posted_then_updated_and_split_within_limits(fast_slack, tmp_path, sample_kb):
    long_answer = [f"Paragraph {i}: " + "policy detail " * 40 + "[1]\n\n" for i in range(10)]  # ~5,900 chars
    settings = slack_settings(fast_slack, tmp_path / "bot")
    answerer = ScriptedAnswerer(long_answer, piece_delay=0.1)  # 9 s of the sped-up clock
    app = make_app(settings, make_services(settings, sample_kb, answerer, outbox=Outbox(settings, fast_slack.clock)))
    fast_slack.fail_next("chat.startStream", error="unknown_method", times=5)
    event = fast_slack.user_message("How do I fix VPN error 809?")
    dispatch(app, event)
    replies = wait_for_reply(fast_slack, "DALICE", event["event"]["ts"], count=2)
    assert all(len(r.text) <= 3000 for r in replies)
    assert "Paragraph 0" in replies[0].text and "Paragraph 9" in replies[-1].text
    assert any(b["type"] == "context_actions" for b in replies[-1].blocks)
    assert fast_slack.calls_to("chat.update"), "the first message was posted, then updated as the answer grew"


def test_where_status_is_not_allowed_the_bot_reacts_instead_and_cleans_up(slack, settings, sample_kb):
    app, _ = build(settings, sample_kb, ScriptedAnswerer())
    slack.fail_next("assistant.threads.setStatus", error="not_allowed_token_type")
    event = slack.user_message("How do I fix VPN error 809?", channel="CGENERAL", mention_bot=True)
    dispatch(app, event)
    wait_for_reply(slack, "CGENERAL", event["event"]["ts"])
    assert slack.calls_to("reactions.add")[0].params["name"] == "eyes"
    assert slack.wait_for(lambda: slack.calls_to("reactions.remove"))


def test_slash_ask_posts_the_question_and_answers_in_its_thread(slack, settings, sample_kb):
    app, _ = build(settings, sample_kb, ScriptedAnswerer())
    response = dispatch(app, slack.slash_command("/ask", "how do I fix VPN error 809?", channel="CGENERAL"))
    assert response.status == 200
    assert slack.wait_for(lambda: slack.messages("CGENERAL"))
    question = slack.messages("CGENERAL")[0]
    assert question.text == "<@UALICE> asked: how do I fix VPN error 809?"
    [answer] = wait_for_reply(slack, "CGENERAL", question.ts)
    assert "NW-SSL" in answer.text


def test_slash_commands_without_text_or_for_help_answer_privately(slack, settings, sample_kb):
    app, _ = build(settings, sample_kb, ScriptedAnswerer())
    dispatch(app, slack.slash_command("/ask", "  "))
    dispatch(app, slack.slash_command("/curator", "help"))
    assert slack.wait_for(lambda: len(slack.response_url_posts) == 2)
    usage = next(p for p in slack.response_url_posts if "Ask me a question" in p["text"])
    assert usage["response_type"] == "ephemeral"
    assert any("I can:" in p["text"] and p["response_type"] == "ephemeral" for p in slack.response_url_posts)


def test_feedback_clicks_are_recorded_and_thanked(slack, settings, sample_kb):
    app, services = build(settings, sample_kb, ScriptedAnswerer())
    event = slack.user_message("How do I fix VPN error 809?")
    dispatch(app, event)
    [answer] = wait_for_reply(slack, "DALICE", event["event"]["ts"])
    buttons = next(b for b in answer.blocks if b["type"] == "context_actions")["elements"][0]
    answer_id = buttons["positive_button"]["value"].split(":", 1)[1]

    click = slack.click(FEEDBACK_ACTION, answer.ts, "DALICE", value=f"down:{answer_id}")
    assert dispatch(app, click).status == 200
    assert slack.wait_for(lambda: services.state.feedback(answer_id) == {"UALICE": "down"})
    assert slack.wait_for(lambda: slack.response_url_posts)
    assert "Thanks" in slack.response_url_posts[-1]["text"]


def test_draw_and_find_reply_instead_of_staying_silent(slack, settings, sample_kb):
    app, _ = build(settings, sample_kb, ScriptedAnswerer())
    draw = slack.user_message("draw a lighthouse at dusk")
    upload = slack.user_message("", files=[slack.upload_file(b"\x89PNG\r\n\x1a\n" + b"0" * 64, "screen.png")])
    for payload in (draw, upload):
        dispatch(app, payload)
    assert "Drawing" in wait_for_reply(slack, "DALICE", draw["event"]["ts"])[0].text
    assert "truncated or corrupt" in wait_for_reply(slack, "DALICE", upload["event"]["ts"])[0].text


def test_opening_the_messages_tab_offers_suggested_prompts(slack, settings, sample_kb):
    app, _ = build(settings, sample_kb, ScriptedAnswerer())
    dispatch(app, slack.app_home_opened())
    assert slack.wait_for(lambda: slack.calls_to("assistant.threads.setSuggestedPrompts"))
    params = slack.calls_to("assistant.threads.setSuggestedPrompts")[0].params
    assert "thread_ts" not in params and len(params["prompts"]) == 4


def test_a_bare_mention_gets_what_curator_can_do(slack, settings, sample_kb):
    app, _ = build(settings, sample_kb, ScriptedAnswerer())
    event = slack.user_message("<@UCURATOR>", channel="CGENERAL", mention_bot=True)
    dispatch(app, event)
    [reply] = wait_for_reply(slack, "CGENERAL", event["event"]["ts"])
    assert "*Answer* questions" in reply.text and "*Draw*" in reply.text and "*Find*" in reply.text
