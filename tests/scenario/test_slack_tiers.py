"""Answers within Slack's rate tiers: the real app against the tier-enforcing emulator, on a clock 10x
faster than real time (Slack's minute in 6 s), so the tests stay short while the tiers are Slack's."""

from __future__ import annotations

import time

import pytest

from bot.console.emulator import SlackEmulator
from bot.slack.clock import ScaledClock
from bot.slack.limits import Rate
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

PIECES = [f"Step {i}: check the VPN profile and retry [1]. " for i in range(8)]


def app_for(slack: SlackEmulator, tmp_path, kb, answerer, rates=None, **values):
    settings = slack_settings(slack, tmp_path / "bot", **values)
    outbox = Outbox(settings, slack.clock, **({"rates": rates} if rates else {}))
    services = make_services(settings, kb, answerer, outbox=outbox)
    return make_app(settings, services), services


def ask_at_once(slack, app, count: int, team: str | None = None, prefix: str = "U") -> list[dict]:
    events = [slack.user_message(f"How do I fix VPN error 809? ({i})", user=f"{prefix}USER{i}", team=team)
              for i in range(count)]
    for event in events:
        dispatch(app, event)
    return events


def answers(slack, events) -> list:
    return [wait_for_reply(slack, e["event"]["channel"], e["event"]["ts"], timeout=60)[-1] for e in events]


def test_many_questions_at_once_are_all_answered_within_the_tiers_and_nobody_sees_a_rate_limit(fast_slack, tmp_path,
                                                                                               sample_kb):
    app, _ = app_for(fast_slack, tmp_path, sample_kb, ScriptedAnswerer(PIECES, piece_delay=0.05))
    events = ask_at_once(fast_slack, app, 16)
    for answer in answers(fast_slack, events):
        assert answer.text.count("Step ") == 8, "every answer is complete"
        assert any(b["type"] == "context_actions" for b in answer.blocks)
    texts = " ".join(m.text for e in events for m in bot_replies(fast_slack, e["event"]["channel"], e["event"]["ts"]))
    assert "ratelimit" not in texts.lower() and "rate limit" not in texts.lower() and ":warning:" not in texts
    assert not [c for c in fast_slack.calls if c.status == 429], "the pacer keeps to the published tiers"
    starts = fast_slack.calls_to("chat.startStream")
    assert 1 <= len(starts) < 16, "streams only as far as chat.startStream's Tier 2 allows; the rest are posted"


def test_a_429_is_waited_out_by_the_pacer_not_by_a_worker_and_never_shown(tmp_path, sample_kb):
    with SlackEmulator(clock=ScaledClock(10)) as slack:
        app, services = app_for(slack, tmp_path, sample_kb, ScriptedAnswerer())
        slack.fail_next("chat.postMessage", status=429, retry_after=20)  # 20 clock s: 2 s of real time
        event = slack.user_message("How do I fix VPN error 809?")
        started = time.monotonic()
        dispatch(app, event)
        thread = event["event"]["ts"]
        assert slack.wait_for(lambda: services.state.in_thread("DALICE", thread), timeout=1.5), \
            "the worker finished its request without waiting for Slack"
        assert not bot_replies(slack, "DALICE", thread), "the answer waits for Retry-After"
        [answer] = wait_for_reply(slack, "DALICE", thread)
        assert time.monotonic() - started >= 1.9 and "NW-SSL" in answer.text
        assert [c.status for c in slack.calls_to("chat.postMessage")] == [429, 200]


def test_tighter_limits_than_the_bot_knows_cost_retries_but_no_answer(tmp_path, sample_kb):
    tight = {"chat.postMessage": (Rate(20, 2),), "chat.startStream": (Rate(6, 1),), "chat.stopStream": (Rate(6, 1),)}
    with SlackEmulator(clock=ScaledClock(10), rates=tight) as slack:
        app, _ = app_for(slack, tmp_path, sample_kb, ScriptedAnswerer(PIECES, piece_delay=0.02))
        events = ask_at_once(slack, app, 6)
        assert all(a.text.count("Step ") == 8 for a in answers(slack, events))
        assert [c for c in slack.calls if c.status == 429], "Slack refused some calls..."
        texts = " ".join(m.text for e in events for m in bot_replies(slack, e["event"]["channel"], e["event"]["ts"]))
        assert "ratelimit" not in texts.lower() and ":warning:" not in texts, "...and nobody saw it"


def test_each_workspace_of_an_org_wide_install_has_its_own_tiers(fast_slack, tmp_path, sample_kb):
    rates = {"chat.postMessage": (Rate(0.5, 1),)}  # one answer now, the next after 120 clock s (12 s real)
    app, _ = app_for(fast_slack, tmp_path, sample_kb, ScriptedAnswerer(), rates=rates)
    alpha = ask_at_once(fast_slack, app, 2, team="TALPHA", prefix="UA")
    [beta] = ask_at_once(fast_slack, app, 1, team="TBETA", prefix="UB")

    def replied(event) -> bool:
        return bool(bot_replies(fast_slack, event["event"]["channel"], event["event"]["ts"]))

    assert fast_slack.wait_for(lambda: replied(beta), timeout=10), "TBETA's answer waits behind TALPHA's tier"
    assert fast_slack.wait_for(lambda: any(replied(e) for e in alpha), timeout=10)
    assert sum(replied(e) for e in alpha) == 1, "TALPHA's second answer waits for TALPHA's own tier"
    posts = fast_slack.calls_to("chat.postMessage")
    assert {c.headers["authorization"] for c in posts} == {f"Bearer {fast_slack.bot_token}"}, "one token for both"


def test_appends_are_coalesced_into_fewer_larger_pieces_when_many_answers_stream(tmp_path, sample_kb):
    generous = {"chat.startStream": (Rate(600, 50),), "chat.stopStream": (Rate(600, 50),)}
    pieces = [f"Sentence {i} of a long, detailed answer about the VPN client [1]. " for i in range(20)]

    def appends_per_answer(count: int) -> tuple[float, float]:
        with SlackEmulator(clock=ScaledClock(10), rates=generous) as slack:
            app, _ = app_for(slack, tmp_path / str(count), sample_kb, ScriptedAnswerer(pieces, piece_delay=0.05),
                             rates=generous)
            events = ask_at_once(slack, app, count)
            assert all(a.text.count("Sentence ") == 20 for a in answers(slack, events))
            appends = slack.calls_to("chat.appendStream")
            size = sum(len(c.params["chunks"][0]["text"]) for c in appends) / max(1, len(appends))
            return len(appends) / count, size

    alone, alone_size = appends_per_answer(1)
    crowded, crowded_size = appends_per_answer(8)
    assert crowded < alone and crowded_size > alone_size, (alone, crowded, alone_size, crowded_size)


def test_a_stream_slack_closed_is_finished_with_chat_update_on_its_ts(tmp_path, sample_kb):
    with SlackEmulator(clock=ScaledClock(10), stream_timeout_s=5) as slack:
        answerer = ScriptedAnswerer(["The first part arrives quickly. ", "The rest comes after a long pause [1]."],
                                    piece_delay=1.0)  # 10 clock s: Slack closes the idle stream after 5
        app, _ = app_for(slack, tmp_path, sample_kb, answerer, SLACK_STOP_BUTTON_AFTER_S=600)
        event = slack.user_message("How do I fix VPN error 809?")
        dispatch(app, event)
        assert slack.wait_for(lambda: slack.calls_to("chat.update"), timeout=30)
        [answer] = wait_for_reply(slack, "DALICE", event["event"]["ts"], timeout=30)
        [start] = slack.calls_to("chat.startStream")
        assert answer.ts == start.response["ts"] and answer.text.count("part") == 1 and "long pause" in answer.text
        assert [c.params["ts"] for c in slack.calls_to("chat.update")] == [start.response["ts"]]
        assert any(b["type"] == "context_actions" for b in answer.blocks)
        refused = [c for c in slack.calls if c.method in ("chat.appendStream", "chat.stopStream")][-1]
        assert refused.response["error"] == "message_not_in_streaming_state", "Slack had closed the stream"


def test_an_answer_that_cannot_be_finished_in_time_says_so_and_stops_reading_the_model(fast_slack, tmp_path,
                                                                                       sample_kb):
    answerer = ScriptedAnswerer([f"Piece {i}. " for i in range(40)], piece_delay=0.05)  # 20 clock s
    app, _ = app_for(fast_slack, tmp_path, sample_kb, answerer, SLACK_ANSWER_DEADLINE_S=5)
    event = fast_slack.user_message("How do I fix VPN error 809?")
    dispatch(app, event)
    [answer] = wait_for_reply(fast_slack, "DALICE", event["event"]["ts"], timeout=30)
    assert "couldn't finish this answer within 5 s (SLACK_ANSWER_DEADLINE_S)" in answer.text
    assert fast_slack.wait_for(lambda: answerer.closed, timeout=5)
    assert answerer.read < 40 and "Piece 0." in answer.text and "Piece 39." not in answer.text


@pytest.mark.parametrize("speed", [10])
def test_a_long_answer_gets_slacks_stop_button_and_stop_really_stops_it(tmp_path, sample_kb, speed):
    with SlackEmulator(clock=ScaledClock(speed)) as slack:
        answerer = ScriptedAnswerer([f"Piece {i}. " for i in range(60)], piece_delay=0.05)  # 30 clock s
        app, _ = app_for(slack, tmp_path, sample_kb, answerer, SLACK_STOP_BUTTON_AFTER_S=2)
        event = slack.user_message("How do I fix VPN error 809?")
        thread = event["event"]["ts"]
        dispatch(app, event)
        assert slack.wait_for(lambda: (slack.session("DALICE", thread) or {}).get("status") == "processing")
        assert dispatch(app, slack.stop_session("DALICE", thread)).status == 200
        assert slack.wait_for(lambda: slack.calls_to("chat.stopStream"), timeout=20)
        [answer] = wait_for_reply(slack, "DALICE", thread, timeout=20)
        assert answer.text.rstrip().endswith("_Stopped._") and not answer.streaming
        assert not any(b["type"] == "context_actions" for b in answer.blocks), "no feedback on a stopped answer"
        assert slack.wait_for(lambda: answerer.closed) and answerer.read < 60, "the model stream was closed"
        assert slack.wait_for(lambda: slack.session("DALICE", thread)["status"] == "active")
