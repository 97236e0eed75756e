"""Routing in Slack through the real app and the emulator: an unsure request is served the likelier way with a
one-click switch to the other, the switch runs once, each press is kept as labelled data, and the thread (a
drawing or an answer above) decides what a reply means."""

from __future__ import annotations

import pytest

from tests.fakes.generators import ScriptedGenerator
from tests.scenario.test_draw_flow import finished
from tests.slack_harness import (
    ScriptedAnswerer,
    bot_replies,
    dispatch,
    make_app,
    make_services,
    slack_settings,
    wait_for_reply,
)

UNSURE_QUESTION = "our onboarding flow, as a comic?"  # read as a question, a drawing close behind
UNSURE_DRAWING = "could you do the release notes thing"  # read as a drawing, a question close behind


@pytest.fixture
def bot(slack, tmp_path, sample_kb):
    generator = ScriptedGenerator()
    settings = slack_settings(slack, tmp_path / "bot")
    services = make_services(settings, sample_kb, ScriptedAnswerer(), generator)
    return make_app(settings, services), services, generator


def button(message, action_id: str) -> dict | None:
    """The element with this action id in a message's blocks, if any."""
    for block in message.blocks:
        for element in block.get("elements", []):
            if element.get("action_id") == action_id:
                return element
    return None


def send_unsure(slack, app, services, text: str, kind: str) -> str:
    """Alice sends a message the router reads as `kind` while unsure; returns its thread."""
    decision = services.router.route(text)
    assert (decision.kind.value, decision.alternative is not None) == (kind, True), f"precondition: {decision}"
    event = slack.user_message(text)
    dispatch(app, event)
    return event["event"]["ts"]


def test_an_unsure_question_is_answered_with_draw_this_instead_and_the_switch_runs_once(slack, bot):
    app, services, generator = bot
    thread_ts = send_unsure(slack, app, services, UNSURE_QUESTION, "ask")
    [answer] = wait_for_reply(slack, "DALICE", thread_ts)
    assert "NW-SSL" in answer.text and button(answer, "route_switch_draw")["text"]["text"] == "Draw this instead"

    click = slack.click("route_switch_draw", answer.ts, "DALICE")
    assert dispatch(app, click).status == 200 and dispatch(app, click).status == 200  # a double click
    thread = finished(slack, "DALICE", thread_ts)

    assert [r.prompt for r in generator.generated] == ["our onboarding flow, as a comic"], "drawn once"
    answers = [m for m in thread if m.bot_id and "NW-SSL" in m.text]
    assert len(answers) == 1, "the question is not answered again"
    assert button(answers[0], "route_switch_draw") is None
    assert "switched this request to a drawing" in str(answers[0].blocks)
    assert slack.wait_for(lambda: any("switched already" in p["text"] for p in slack.response_url_posts))
    assert services.state.switches() == [(UNSURE_QUESTION, "ask", "draw")]


def test_an_unsure_drawing_offers_answer_as_a_question_instead_under_its_placeholder(slack, bot):
    app, services, generator = bot
    thread_ts = send_unsure(slack, app, services, UNSURE_DRAWING, "draw")
    [drawing] = [m for m in finished(slack, "DALICE", thread_ts) if button(m, "route_switch_ask")]
    assert button(drawing, "draw_regenerate") is not None, "the drawing keeps its own controls"
    placeholder = next(c.params for c in slack.calls_to("chat.postMessage") if c.response.get("ts") == drawing.ts)
    assert "route_switch_ask" in str(placeholder.get("blocks")), "offered from the first placeholder on"

    dispatch(app, slack.click("route_switch_ask", drawing.ts, "DALICE"))
    assert slack.wait_for(lambda: any("NW-SSL" in m.text for m in bot_replies(slack, "DALICE", thread_ts)))
    assert len(generator.generated) == 1, "the drawing is not made again"
    [after] = [m for m in slack.messages("DALICE", thread_ts=thread_ts) if m.ts == drawing.ts]
    assert button(after, "route_switch_ask") is None and button(after, "draw_regenerate") is not None
    assert services.state.switches() == [(UNSURE_DRAWING, "draw", "ask")]


def test_only_the_person_who_asked_can_switch_their_request(slack, bot):
    app, services, generator = bot
    [answer] = wait_for_reply(slack, "DALICE", send_unsure(slack, app, services, UNSURE_QUESTION, "ask"))

    dispatch(app, slack.click("route_switch_draw", answer.ts, "DALICE", user="UBOB"))
    assert slack.wait_for(lambda: any("Only <@UALICE>" in p["text"] for p in slack.response_url_posts))
    assert generator.generated == [] and services.state.switches() == []


def test_a_sure_request_offers_no_switch(slack, bot):
    app, _, _ = bot
    event = slack.user_message("How do I fix VPN error 809?")
    dispatch(app, event)
    [answer] = wait_for_reply(slack, "DALICE", event["event"]["ts"])
    assert not any(button(answer, action) for action in ("route_switch_draw", "route_switch_ask"))


def test_a_reply_under_a_drawing_changes_it_and_under_an_answer_follows_up(slack, bot):
    app, _, generator = bot
    drawn = slack.user_message("could you sketch a lighthouse on a cliff")
    dispatch(app, drawn)
    finished(slack, "DALICE", drawn["event"]["ts"])
    dispatch(app, slack.user_message("can you make the sky purple?", thread_ts=drawn["event"]["ts"]))
    finished(slack, "DALICE", drawn["event"]["ts"], files=2)
    assert [instruction for _, instruction, _ in generator.edits] == ["make the sky purple"]

    asked = slack.user_message("How do I fix VPN error 809?")
    dispatch(app, asked)
    wait_for_reply(slack, "DALICE", asked["event"]["ts"])
    dispatch(app, slack.user_message("make it shorter", thread_ts=asked["event"]["ts"]))
    assert len(wait_for_reply(slack, "DALICE", asked["event"]["ts"], count=2)) == 2
    assert len(generator.edits) == 1 and len(generator.generated) == 1
