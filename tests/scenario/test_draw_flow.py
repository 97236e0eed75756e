"""Drawing in Slack: upload, controls, edits in the thread, quota, queue, safety, offline default, usage."""

from __future__ import annotations

import threading
import time

from bot.draw import blocks
from bot.draw.base import ImageBlocked
from tests.fakes.generators import ScriptedGenerator
from tests.fakes.images import tiny_png
from tests.slack_harness import (
    ScriptedAnswerer,
    dispatch,
    make_app,
    make_services,
    slack_settings,
    wait_for_reply,
)


def build(slack, tmp_path, sample_kb, generator, **settings_values):
    settings = slack_settings(slack, tmp_path / "bot", **settings_values)
    services = make_services(settings, sample_kb, ScriptedAnswerer(), generator)
    return make_app(settings, services), services


def draw_in_dm(slack, app, text: str, files: int = 1) -> tuple[str, list]:
    """Alice sends `text` in her DM; returns its thread and the thread once `files` images are in it."""
    event = slack.user_message(text)
    dispatch(app, event)
    thread_ts = event["event"]["ts"]
    return thread_ts, finished(slack, "DALICE", thread_ts, files)


def finished(slack, channel: str, thread_ts: str, files: int = 1) -> list:
    """Wait until the thread holds `files` uploaded images and no drawing is still in progress."""
    def done() -> bool:
        messages = slack.messages(channel, thread_ts=thread_ts)
        uploaded = sum(len(m.files) for m in messages if m.bot_id)
        busy = any(m.bot_id and ("Drawing" in m.text or "Queued" in m.text or "Getting ready" in m.text) for m in messages)
        return uploaded >= files and not busy

    assert slack.wait_for(done, timeout=20), [m.text for m in slack.messages(channel, thread_ts=thread_ts)]
    return slack.messages(channel, thread_ts=thread_ts)


def controls(messages) -> dict:
    """The message carrying the drawing's buttons, and its actions block."""
    message = next(m for m in reversed(messages) if any(b["type"] == "actions" for b in m.blocks))
    return {"message": message, "actions": next(b for b in message.blocks if b["type"] == "actions")["elements"]}


def test_draw_uploads_the_image_with_alt_text_label_and_controls_and_indexes_it(slack, tmp_path, sample_kb):
    generator = ScriptedGenerator()
    app, services = build(slack, tmp_path, sample_kb, generator)
    _, thread = draw_in_dm(slack, app, "draw a lighthouse at dusk --ar 16:9 --seed 7")

    assert generator.generated[0].prompt == "a lighthouse at dusk" and generator.generated[0].aspect_ratio == "16:9"
    upload = next(m for m in thread if m.files)
    assert "AI-generated" in upload.text and "--ar 16:9 --seed 7" in upload.text
    assert slack.calls_to("files.getUploadURLExternal")[0].params["alt_txt"] == "a lighthouse at dusk"
    assert [e["action_id"] for e in controls(thread)["actions"]] == [
        blocks.REGENERATE, blocks.VARIATIONS, blocks.EDIT, blocks.ASPECT,
    ]
    def indexed() -> bool:  # indexing follows the upload, off the user's path
        return any(p.doc_id.startswith("generated/") for p in services.draw.library.search("lighthouse", limit=1))

    assert slack.wait_for(indexed, timeout=60), "the drawing is the best image match for its prompt"
    assert services.draw.records.used_today("UALICE") == 1


def test_every_button_does_what_it_says(slack, tmp_path, sample_kb):
    generator = ScriptedGenerator()
    app, _ = build(slack, tmp_path, sample_kb, generator)
    thread_ts, thread = draw_in_dm(slack, app, "draw a red fox in the snow --seed 3")
    panel = controls(thread)
    message, drawing_id = panel["message"], panel["actions"][0]["value"]

    dispatch(app, slack.click(blocks.REGENERATE, message.ts, "DALICE", value=drawing_id))
    finished(slack, "DALICE", thread_ts, files=2)
    assert generator.generated[1].prompt == "a red fox in the snow" and generator.generated[1].seed != 3

    dispatch(app, slack.click(blocks.VARIATIONS, message.ts, "DALICE", value=drawing_id))
    finished(slack, "DALICE", thread_ts, files=3)
    image, instruction, _ = generator.edits[0]
    assert image.startswith(b"\x89PNG") and "variation" in instruction

    dispatch(app, slack.click(blocks.ASPECT, message.ts, "DALICE", value=None))  # cleared: nothing to redraw
    dispatch(app, slack.click(blocks.ASPECT, message.ts, "DALICE", value=f"{drawing_id}|9:16"))
    finished(slack, "DALICE", thread_ts, files=4)
    assert (generator.generated[2].aspect_ratio, generator.generated[2].seed) == ("9:16", 3)

    dispatch(app, slack.click(blocks.EDIT, message.ts, "DALICE", value=drawing_id))
    assert slack.wait_for(lambda: slack.views())
    submission = slack.submit_view(
        blocks.EDIT_MODAL, {blocks.EDIT_INPUT_BLOCK: {blocks.EDIT_INPUT_ACTION: {"type": "plain_text_input", "value": "add a moon"}}},
        private_metadata=slack.views()[-1]["private_metadata"],
    )
    assert dispatch(app, submission).status == 200
    finished(slack, "DALICE", thread_ts, files=5)
    assert generator.edits[1][1] == "add a moon"


def test_a_reply_in_the_thread_edits_the_last_image_and_a_question_is_still_answered(slack, tmp_path, sample_kb):
    generator = ScriptedGenerator()
    app, _ = build(slack, tmp_path, sample_kb, generator)
    thread_ts, _ = draw_in_dm(slack, app, "draw a city skyline")

    dispatch(app, slack.user_message("make the sky purple", thread_ts=thread_ts))
    finished(slack, "DALICE", thread_ts, files=2)
    assert generator.edits[0][1] == "make the sky purple"

    dispatch(app, slack.user_message("how do I fix VPN error 809?", thread_ts=thread_ts))
    assert slack.wait_for(lambda: any("NW-SSL" in m.text for m in slack.messages("DALICE", thread_ts=thread_ts)))
    assert len(generator.edits) == 1


def test_the_daily_quota_is_enforced_and_failed_drawings_give_it_back(slack, tmp_path, sample_kb):
    generator = ScriptedGenerator(error=ImageBlocked("The model declined to draw this (SAFETY)."))
    app, services = build(slack, tmp_path, sample_kb, generator, IMAGE_QUOTA_PER_USER_PER_DAY=2)
    blocked = slack.user_message("draw something unsafe")
    dispatch(app, blocked)
    assert slack.wait_for(lambda: any("declined to draw this (SAFETY)" in m.text
                                      for m in slack.messages("DALICE", thread_ts=blocked["event"]["ts"])))
    assert services.draw.records.used_today("UALICE") == 0, "a blocked drawing costs no quota"

    generator.error = None
    draw_in_dm(slack, app, "draw two cats --n 2", files=2)
    over = slack.user_message("draw one more cat")
    dispatch(app, over)
    assert slack.wait_for(lambda: any("used 2 of your 2 images for today" in m.text
                                      for m in slack.messages("DALICE", thread_ts=over["event"]["ts"])))
    assert [r.prompt for r in generator.generated] == ["something unsafe", "two cats"], "over quota: no model call"


def test_with_a_concurrency_limit_drawings_wait_in_line_and_all_arrive(slack, tmp_path, sample_kb):
    generator = ScriptedGenerator(delay=1.5)  # longer than Slack's one post per second per channel, so that the
    app, _ = build(slack, tmp_path, sample_kb, generator, IMAGE_CONCURRENCY=1)  # third placeholder shows its place
    events = [slack.user_message(f"draw a boat number {i}") for i in range(3)]
    threads = [threading.Thread(target=dispatch, args=(app, e)) for e in events]
    for thread in threads:
        thread.start()
        time.sleep(0.05)
    for event in events:
        finished(slack, "DALICE", event["event"]["ts"])
    updates = [c.params.get("text", "") for c in slack.calls_to("chat.update")]
    assert any("number 1 in line" in text for text in updates)
    assert any("number 2 in line" in text for text in updates)


def test_bad_parameters_get_a_clear_message(slack, tmp_path, sample_kb):
    app, _ = build(slack, tmp_path, sample_kb, ScriptedGenerator())
    event = slack.user_message("draw a cat --n 9")
    dispatch(app, event)
    assert slack.wait_for(lambda: any(m.text.startswith(":warning:") and "--n" in m.text
                                      for m in slack.messages("DALICE", thread_ts=event["event"]["ts"])))


def test_offline_draw_explains_how_to_enable_and_offers_the_closest_images(slack, tmp_path, sample_kb):
    online_app, _ = build(slack, tmp_path, sample_kb, ScriptedGenerator())
    draw_in_dm(slack, online_app, "draw a lighthouse on a cliff")

    offline_app, _ = build(slack, tmp_path / "offline", sample_kb, None)
    event = slack.user_message("draw a lighthouse at night")
    dispatch(offline_app, event)
    assert slack.wait_for(lambda: any(m.files for m in slack.messages("DALICE", thread_ts=event["event"]["ts"])))
    texts = " ".join(m.text for m in slack.messages("DALICE", thread_ts=event["event"]["ts"]))
    assert "`curator doctor` checks `IMAGE_MODEL`" in texts and "closest images" in texts


def test_usage_prints_the_ledger(slack, tmp_path, sample_kb, capsys, monkeypatch):
    from bot.cli.main import main

    app, _ = build(slack, tmp_path, sample_kb, ScriptedGenerator())
    draw_in_dm(slack, app, "draw three stars --n 3", files=3)
    monkeypatch.setenv("CURATOR_DATA_DIR", str(tmp_path / "bot"))
    assert main(["usage"]) == 0
    out = capsys.readouterr().out
    assert "UALICE" in out and "fake-image-1" in out and " 3 " in out


def test_draw_with_an_attached_image_edits_that_image(slack, tmp_path, sample_kb):
    generator = ScriptedGenerator()
    app, _ = build(slack, tmp_path, sample_kb, generator)
    photo = tiny_png(rgb=(10, 120, 200))
    event = slack.user_message("draw make the sky purple", files=[slack.upload_file(photo, "mine.png")])
    dispatch(app, event)
    finished(slack, "DALICE", event["event"]["ts"])

    [request] = generator.generated
    assert generator.references == [[photo]], "the attachment goes to the model, not ignored"
    assert request.prompt == "make the sky purple" and request.count == 1


def test_draw_with_an_unusable_attachment_says_why(slack, tmp_path, sample_kb):
    generator = ScriptedGenerator()
    app, _ = build(slack, tmp_path, sample_kb, generator)
    event = slack.user_message("draw make it purple", files=[slack.upload_file(b"%PDF-1.7", "doc.pdf",
                                                                                mimetype="application/pdf")])
    dispatch(app, event)
    [reply] = wait_for_reply(slack, "DALICE", event["event"]["ts"])
    assert "PNG, JPEG, WebP and GIF" in reply.text and not generator.edits and not generator.generated


def test_uploading_a_drawing_again_links_the_thread_it_was_drawn_in(slack, tmp_path, sample_kb):
    generator = ScriptedGenerator()
    app, services = build(slack, tmp_path, sample_kb, generator)
    drawn_in, _ = draw_in_dm(slack, app, "draw a paper crane on a desk --seed 11")
    drawing = services.draw.records.last_in_thread("DALICE", drawn_in)
    indexed = f"generated/{drawing.paths[0].name}"
    assert slack.wait_for(lambda: indexed in [p.doc_id for p in services.draw.library.search("paper crane")],
                          timeout=60)

    again = slack.user_message("", files=[slack.upload_file(drawing.paths[0].read_bytes(), "crane.png")])
    dispatch(app, again)
    [reply] = [m for m in wait_for_reply(slack, "DALICE", again["event"]["ts"]) if "Find results" in m.text]
    shown = str(reply.blocks)
    assert "already in the knowledge base" in shown
    assert f"/archives/DALICE/p{drawn_in.replace('.', '')}|drawn in this thread" in shown
