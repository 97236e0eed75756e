"""Find in Slack: uploads (image-only, several files, with a question), `find …` and `/find`, duplicates.

The real Bolt app and slack_sdk against the Slack emulator, which serves uploaded files only to the bot's
Bearer token; the knowledge base is the offline one (EfficientNet, MiniLM, Tesseract).
"""

from __future__ import annotations

import json
import re
import time

from tests.fakes.screens import certificate_error, encoded, traffic_light
from tests.slack_harness import (
    bot_replies,
    dispatch,
    make_app,
    make_services,
    slack_settings,
    wait_for_reply,
)


def app_for(slack, tmp_path, find_kb, **values):
    settings = slack_settings(slack, tmp_path / "bot", **values)
    return make_app(settings, make_services(settings, find_kb.kb))


def screenshot() -> bytes:
    return encoded(certificate_error())


def text_of(message) -> str:
    """Everything a user reads in a message: its text and its blocks."""
    return message.text + json.dumps(message.blocks)


def replies_until(slack, event, needle: str, channel: str = "DALICE") -> list[str]:
    """The texts of the bot's replies once one of them mentions `needle`."""
    ts = event["event"]["ts"]

    def shown() -> list[str]:
        return [text_of(m) for m in bot_replies(slack, channel, ts) if not m.streaming]

    assert slack.wait_for(lambda: any(needle in t for t in shown()), timeout=60), shown()
    return shown()


def uploaded_names(slack) -> list[str]:
    return [c.params["filename"] for c in slack.calls_to("files.getUploadURLExternal")]


def test_an_image_only_post_gets_the_runbook_for_the_error_in_the_screenshot(slack, tmp_path, find_kb):
    app = app_for(slack, tmp_path, find_kb)
    event = slack.user_message("", files=[slack.upload_file(screenshot(), "screenshot.png", mimetype="image/png")])
    dispatch(app, event)
    shown = next(t for t in replies_until(slack, event, "Find results") if "Find results" in t)

    assert "Related documents" in shown
    first_document = shown.split("*[1]*")[1].split("*[2]*")[0]
    assert "it/certificate-errors-runbook.md" in first_document
    assert "NW-CA-2024" in shown, "what was read in the image is shown"
    assert "looking at your image" in slack.calls_to("assistant.threads.setStatus")[0].params["status"]


def test_several_files_each_get_an_answer_and_the_unusable_ones_a_reason(slack, tmp_path, find_kb):
    app = app_for(slack, tmp_path, find_kb, FIND_MAX_FILES=3)
    files = [
        slack.upload_file(screenshot(), "screenshot.png", mimetype="image/png"),
        slack.upload_file(b"%PDF-1.7\n...", "policy.pdf", mimetype="application/pdf"),
        slack.upload_file(encoded(traffic_light()), "light.png", mimetype="image/png"),
        slack.upload_file(encoded(traffic_light()), "fourth.png", mimetype="image/png"),
    ]
    event = slack.user_message("", files=files)
    dispatch(app, event)
    texts = replies_until(slack, event, "policy.pdf")

    assert any("screenshot.png" in t and "Related documents" in t for t in texts)
    assert any("light.png" in t and "already in the knowledge base" in t for t in texts)
    problems = next(t for t in texts if "policy.pdf" in t)
    assert "PNG, JPEG, WebP and GIF" in problems and "first 3" in problems
    assert not any("fourth.png" in t and "Find results" in t for t in texts), "the cap is applied"


def test_a_question_with_a_screenshot_gets_results_and_a_grounded_answer(slack, tmp_path, find_kb):
    app = app_for(slack, tmp_path, find_kb)
    file = slack.upload_file(screenshot(), "screenshot.png", mimetype="image/png")
    event = slack.user_message("why does this fail?", files=[file])
    dispatch(app, event)
    def answered() -> bool:
        return any(re.search(r"\[\d\]", m.text) and not m.streaming
                   for m in bot_replies(slack, "DALICE", event["event"]["ts"]))

    assert slack.wait_for(answered, timeout=60)
    messages = bot_replies(slack, "DALICE", event["event"]["ts"])

    assert "Find results" in messages[0].text
    [answer] = [m for m in messages if re.search(r"\[\d\]", m.text)]
    assert "NW-CA-2024" in answer.text
    assert "certificate-errors-runbook" in json.dumps(answer.blocks), "the cited runbook is listed"
    assert any(b["type"] == "context_actions" for b in answer.blocks), "feedback buttons, as under any answer"


def test_find_text_posts_the_matching_image_into_the_thread(slack, tmp_path, find_kb):
    app = app_for(slack, tmp_path, find_kb)
    event = slack.user_message("find the payment flow diagram")
    dispatch(app, event)
    wait_for_reply(slack, "DALICE", event["event"]["ts"], count=2)

    assert uploaded_names(slack)[0] == "payment-flow.png"
    completed = slack.calls_to("files.completeUploadExternal")[0].params
    assert completed["thread_ts"] == event["event"]["ts"]


def test_slash_find_without_words_explains_how_and_find_of_nothing_says_so(slack, tmp_path, find_kb):
    app = app_for(slack, tmp_path, find_kb)
    dispatch(app, slack.slash_command("/find", ""))
    assert slack.wait_for(lambda: len(slack.response_url_posts) == 1)
    [usage] = slack.response_url_posts
    assert "/find the payment flow diagram" in usage["text"] and usage["response_type"] == "ephemeral"
    event = slack.user_message("find quarterly revenue spreadsheet for the board meeting")
    dispatch(app, event)
    [reply] = wait_for_reply(slack, "DALICE", event["event"]["ts"])
    assert uploaded_names(slack) == []
    assert "Matching images" not in text_of(reply)


def test_an_unreadable_or_foreign_file_gets_a_clear_reason(slack, tmp_path, find_kb):
    app = app_for(slack, tmp_path, find_kb)
    broken = slack.upload_file(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "broken.png", mimetype="image/png")
    foreign = dict(broken, id="F0FOREIGN1", url_private="https://evil.example/steal.png",
                   url_private_download="https://evil.example/steal.png")
    event = slack.user_message("", files=[broken, foreign])
    dispatch(app, event)
    [reply] = wait_for_reply(slack, "DALICE", event["event"]["ts"])

    assert "truncated or corrupt" in reply.text and "Slack's file servers" in reply.text


def test_an_upload_that_mentions_the_bot_in_a_channel_is_answered_once_from_either_event(slack, tmp_path, find_kb):
    app = app_for(slack, tmp_path, find_kb)
    file = slack.upload_file(screenshot(), "screenshot.png", mimetype="image/png")
    message_copy = slack.user_message("<@UCURATOR> what is this?", channel="CGENERAL", files=[file])
    mention = json.loads(json.dumps(message_copy))  # the same post as an app_mention, delivered second
    mention["event_id"] = "Ev0MENTION01"
    mention["event"]["type"] = "app_mention"
    mention["event"].pop("subtype", None)

    dispatch(app, message_copy)  # Slack may send only this one for an upload (bolt-python #925)
    replies_until(slack, message_copy, "Find results", channel="CGENERAL")
    dispatch(app, mention)
    time.sleep(1)  # time for a second answer, if one were coming
    texts = [m.text for m in bot_replies(slack, "CGENERAL", message_copy["event"]["ts"])]
    assert sum("Find results" in t for t in texts) == 1
