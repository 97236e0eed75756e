"""A model that hangs forever never keeps the user waiting: "still working" shows after a few seconds, an
honest error by ANSWER_FIRST_TEXT_DEADLINE_S, and nothing more once the model's own retries give up."""

from __future__ import annotations

import time

from bot.providers.factory import build_providers
from bot.slack.answer import STILL_WORKING
from tests.fakes.gemini_clients import google_settings
from tests.slack_harness import (
    ScriptedAnswerer,
    bot_replies,
    dispatch,
    make_app,
    make_services,
    slack_settings,
    wait_for_reply,
)


def test_a_model_that_hangs_forever_gets_an_honest_error_by_the_deadline_and_no_second_message(
        fake, slack, tmp_path, sample_kb):
    fake.delay_next(3600, times=10, op="streamGenerateContent")  # every attempt hangs
    answerer = build_providers(google_settings(fake, tmp_path, GOOGLE_TIMEOUT_S=2)).answerer
    settings = slack_settings(slack, tmp_path / "bot", ANSWER_FIRST_TEXT_DEADLINE_S=4, ANSWER_STILL_WORKING_AFTER_S=1)
    app = make_app(settings, make_services(settings, sample_kb, answerer))
    event = slack.user_message("How do I fix VPN error 809?")
    asked = time.monotonic()
    dispatch(app, event)
    thread = event["event"]["ts"]
    [reply] = wait_for_reply(slack, "DALICE", thread, timeout=15)
    waited = time.monotonic() - asked
    assert "did not start answering within 4 s" in reply.text and 3.5 <= waited < 6.5, waited
    assert STILL_WORKING in slack.thread_status_history("DALICE", thread)
    time.sleep(8)  # the SDK's own attempts time out meanwhile: that failure is not a second answer
    assert len(fake.calls("streamGenerateContent")) >= 2, "the model was retried in the background"
    assert [m.text for m in bot_replies(slack, "DALICE", thread)] == [reply.text]


def test_an_answer_that_starts_in_time_is_not_cut_off(slack, tmp_path, sample_kb):
    settings = slack_settings(slack, tmp_path / "bot", ANSWER_FIRST_TEXT_DEADLINE_S=3, ANSWER_STILL_WORKING_AFTER_S=1)
    answerer = ScriptedAnswerer(("Use the NW-SSL ", "profile [1]."), delay=1.5, piece_delay=2.5)
    app = make_app(settings, make_services(settings, sample_kb, answerer))
    event = slack.user_message("How do I fix VPN error 809?")
    dispatch(app, event)
    [reply] = wait_for_reply(slack, "DALICE", event["event"]["ts"], timeout=15)
    assert "Use the NW-SSL profile" in reply.text and "did not start answering" not in reply.text
