"""Draw follows images in Slack: `draw … in this style` in a thread that holds found or uploaded images, or
`draw …` with images attached, sends them to the real Gemini image model (google-genai against FakeGemini)
as reference images, up to the model's limit."""

from __future__ import annotations

import base64

import pytest

from bot.draw.generators.gemini_images import GeminiImageGenerator
from bot.providers.google_client import build_genai_client
from bot.providers.models import ModelCatalog
from tests.conftest import SAMPLE_KB
from tests.fakes.gemini_clients import google_settings
from tests.fakes.images import tiny_png
from tests.scenario.test_draw_flow import finished
from tests.slack_harness import (
    ScriptedAnswerer,
    dispatch,
    make_app,
    make_services,
    slack_settings,
    wait_for_reply,
)

CAT = (SAMPLE_KB / "images" / "photos" / "chelsea-the-cat.jpg").read_bytes()


@pytest.fixture
def drawing_app(slack, fake, tmp_path, sample_kb):
    """The Slack app with the Gemini image generator on the fake, and the offline sample knowledge base."""
    def build(model: str = "gemini-3.1-flash-image"):
        client = build_genai_client(google_settings(fake, tmp_path))
        generator = GeminiImageGenerator(client, model, ModelCatalog(client))
        settings = slack_settings(slack, tmp_path / "bot")
        return make_app(settings, make_services(settings, sample_kb, ScriptedAnswerer(), generator))

    return build


def sent_images(body: dict) -> list[bytes]:
    """The inline images of a generateContent request, in order."""
    parts = body["contents"][0]["parts"]
    blobs = [p.get("inlineData") or p.get("inline_data") for p in parts]
    return [base64.urlsafe_b64decode(b["data"] + "=" * (-len(b["data"]) % 4)) for b in blobs if b]


def bot_file_bytes(slack, channel: str, thread_ts: str) -> list[bytes]:
    """The bytes of every image the bot uploaded in a thread (Find's matches)."""
    return [slack.file(f["id"]).data for m in slack.messages(channel, thread_ts=thread_ts) if m.bot_id
            for f in m.files]


def test_draw_in_this_style_sends_the_found_and_uploaded_images_of_the_thread(slack, fake, drawing_app):
    app = drawing_app()
    upload = slack.user_message("", files=[slack.upload_file(CAT, "my-cat.jpg", mimetype="image/jpeg")])
    dispatch(app, upload)
    thread_ts = upload["event"]["ts"]
    assert slack.wait_for(lambda: bot_file_bytes(slack, "DALICE", thread_ts), timeout=60), "Find posted matches"
    found = bot_file_bytes(slack, "DALICE", thread_ts)

    follow_up = slack.user_message("draw a poster of a lighthouse in this style", thread_ts=thread_ts)
    dispatch(app, follow_up)
    finished(slack, "DALICE", thread_ts, files=len(found) + 1)

    [call] = fake.calls("generateContent")
    assert sent_images(call.body) == [CAT, *found], "the upload and Find's matches, oldest first"
    assert call.body["contents"][0]["parts"][-1] == {"text": "a poster of a lighthouse in this style"}


def test_without_words_pointing_at_images_a_thread_draw_uses_none(slack, fake, drawing_app):
    app = drawing_app()
    upload = slack.user_message("", files=[slack.upload_file(CAT, "my-cat.jpg", mimetype="image/jpeg")])
    dispatch(app, upload)
    thread_ts = upload["event"]["ts"]
    assert slack.wait_for(lambda: bot_file_bytes(slack, "DALICE", thread_ts), timeout=60)

    dispatch(app, slack.user_message("draw a lighthouse at dusk", thread_ts=thread_ts))
    finished(slack, "DALICE", thread_ts, files=len(bot_file_bytes(slack, "DALICE", thread_ts)) + 1)
    assert sent_images(fake.calls("generateContent")[0].body) == []


def test_attached_images_are_the_references_up_to_the_models_limit(slack, fake, drawing_app):
    app = drawing_app("gemini-3.1-flash-lite-image")  # takes 3 per request
    pictures = [tiny_png(rgb=(40 * i, 80, 120)) for i in range(5)]
    files = [slack.upload_file(p, f"ref-{i}.png") for i, p in enumerate(pictures)]
    event = slack.user_message("draw these as one collage", files=files)
    dispatch(app, event)
    thread = finished(slack, "DALICE", event["event"]["ts"])

    assert sent_images(fake.calls("generateContent")[0].body) == pictures[-3:]
    assert any("used the 3 most recent of 5 images" in m.text for m in thread if m.bot_id)


def test_a_reference_request_in_a_thread_without_images_draws_from_the_words(slack, fake, drawing_app):
    app = drawing_app()
    first = slack.user_message("where is the VPN guide?")
    dispatch(app, first)
    wait_for_reply(slack, "DALICE", first["event"]["ts"])
    dispatch(app, slack.user_message("draw a lighthouse in this style", thread_ts=first["event"]["ts"]))
    finished(slack, "DALICE", first["event"]["ts"])
    assert sent_images(fake.calls("generateContent")[0].body) == []
