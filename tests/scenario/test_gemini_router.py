"""The router's Gemini second opinion through the real google-genai client against the fake Gemini API: asked
only when the offline router is unsure, one structured-output call under a short deadline, and any timeout or
error leaves the offline decision standing."""

from __future__ import annotations

import json
import time

import pytest

from bot.routing.factory import build_router
from bot.routing.router import DECISIVE, FLOOR, Kind
from tests.fakes.gemini_clients import google_settings

SURE = "how do I reset my VPN password?"
UNSURE = "the quarterly thing for the marketing folks"  # no rule fits: ask, below the second-opinion line


@pytest.fixture
def router(fake, tmp_path, local_embedder):
    return build_router(google_settings(fake, tmp_path, ROUTER_MODEL="gemini-2.5-flash-lite"), local_embedder)


def model_says(fake, kind: str, text: str = "") -> None:
    fake.set_answer(json.dumps({"kind": kind, "text": text}))


def test_a_confident_message_costs_no_model_call(router, fake):
    decision = router.route(SURE)
    assert decision.kind is Kind.ASK and not decision.second_opinion
    assert fake.calls("generateContent") == []


def test_an_unsure_message_gets_one_small_structured_call(router, fake):
    model_says(fake, "draw", "a chart for the marketing team")
    decision = router.route(UNSURE)

    [call] = fake.calls("generateContent")
    assert call.model == "gemini-2.5-flash-lite"
    config = call.body["generationConfig"]
    assert config["responseMimeType"] == "application/json"
    assert config["responseSchema"]["properties"]["kind"]["enum"] == ["ask", "draw", "find", "help", "edit"]
    assert not {"temperature", "topP", "topK", "seed"} & set(config), "no sampling parameters"
    assert UNSURE in " ".join(call.texts)
    assert decision.second_opinion and (decision.kind, decision.text) == (Kind.DRAW, "a chart for the marketing team")


def test_when_the_model_disagrees_the_offline_reading_is_offered_with_a_button(router, fake):
    model_says(fake, "draw", "a chart")
    decision = router.route(UNSURE)
    assert decision.kind is Kind.DRAW and decision.confidence < FLOOR and decision.alternative is Kind.ASK


def test_when_the_model_agrees_the_decision_is_sure(router, fake):
    model_says(fake, "ask")
    decision = router.route(UNSURE)
    assert decision.kind is Kind.ASK and decision.confidence >= DECISIVE and decision.alternative is None
    assert decision.text == UNSURE, "a question keeps the user's words"


def test_a_timeout_falls_back_to_the_offline_decision_quickly_and_once(fake, tmp_path, local_embedder):
    router = build_router(google_settings(fake, tmp_path, ROUTER_TIMEOUT_S=0.3), local_embedder)
    offline = build_router(google_settings(fake, tmp_path, ROUTER_SECOND_OPINION=False), local_embedder).route(UNSURE)
    model_says(fake, "draw")
    fake.delay_next(3, op="generateContent")
    router.warm()

    started = time.monotonic()
    decision = router.route(UNSURE)

    assert time.monotonic() - started < 2, "the deadline is ROUTER_TIMEOUT_S, not the model's pace"
    assert decision.second_opinion and (decision.kind, decision.text) == (offline.kind, offline.text)
    assert len(fake.calls("generateContent")) == 1, "a second opinion is never retried"


@pytest.mark.parametrize("failure", ["503", "not json"])
def test_an_error_or_an_unreadable_answer_keeps_the_offline_decision(router, fake, failure):
    if failure == "503":
        fake.fail_next(503, times=3, op="generateContent")
    else:
        fake.set_answer("I think this is a drawing request!")
    decision = router.route(UNSURE)
    assert decision.kind is Kind.ASK and decision.second_opinion
    assert len(fake.calls("generateContent")) == 1


def test_an_edit_is_not_taken_from_the_model_where_there_is_no_drawing(router, fake):
    model_says(fake, "edit", "make it blue")
    assert router.route(UNSURE).kind is Kind.ASK


def test_the_second_opinion_can_be_switched_off_and_is_never_asked_offline(fake, tmp_path, settings, local_embedder):
    off = build_router(google_settings(fake, tmp_path, ROUTER_SECOND_OPINION=False), local_embedder)
    assert not off.route(UNSURE).second_opinion
    assert not build_router(settings, local_embedder).route(UNSURE).second_opinion
    assert fake.calls("generateContent") == []
