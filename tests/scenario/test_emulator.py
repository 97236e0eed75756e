"""The Slack emulator against the real slack_sdk WebClient and a real Bolt App."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest
from slack_bolt import App, BoltRequest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from bot.console.emulator import SlackEmulator
from tests.fakes.images import tiny_png

FEEDBACK = {"type": "context_actions", "elements": [{
    "type": "feedback_buttons", "action_id": "feedback",
    "positive_button": {"text": {"type": "plain_text", "text": "Good"}, "value": "good"},
    "negative_button": {"text": {"type": "plain_text", "text": "Bad"}, "value": "bad"}}]}
BUTTON = {"type": "actions", "block_id": "choices", "elements": [
    {"type": "button", "action_id": "regenerate", "value": "again", "text": {"type": "plain_text", "text": "Again"}}]}


def fetch(url: str, token: str | None) -> tuple[str, bytes]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    with urllib.request.urlopen(request, timeout=5) as response:
        return response.headers["Content-Type"], response.read()


@pytest.fixture
def slack(tmp_path):
    with SlackEmulator(files_dir=tmp_path / "files") as emulator:
        yield emulator


@pytest.fixture
def client(slack) -> WebClient:
    return WebClient(token=slack.bot_token, base_url=slack.api_url, timeout=5)


@pytest.fixture
def app(slack, client) -> App:
    return App(client=client, signing_secret="x", token_verification_enabled=False)


def dispatch(app: App, payload: dict):
    return app.dispatch(BoltRequest(body=payload, mode="socket_mode"))


def test_post_in_thread_then_replies(slack, client):
    parent = slack.user_message("what is our leave policy?")["event"]
    client.chat_postMessage(channel="DALICE", thread_ts=parent["ts"], text="20 days")

    replies = client.conversations_replies(channel="DALICE", ts=parent["ts"])
    assert [m["text"] for m in replies["messages"]] == ["what is our leave policy?", "20 days"]
    assert replies["has_more"] is False
    assert replies["messages"][0]["reply_count"] == 1
    assert replies["messages"][1]["bot_id"] == "BCURATOR"
    assert [m.text for m in slack.messages("DALICE")] == ["what is our leave policy?"]
    assert [m.text for m in slack.messages("DALICE", thread_ts=parent["ts"])] == ["20 days"]
    assert slack.calls_to("chat.postMessage")[0].params["thread_ts"] == parent["ts"]


def test_chat_stream_makes_one_message_with_text_and_blocks(slack, client):
    parent = slack.user_message("summarise the handbook")["event"]
    stream = client.chat_stream(channel="DALICE", thread_ts=parent["ts"], buffer_size=10,
                                recipient_team_id="TCONSOLE", recipient_user_id="UALICE")
    stream.append(markdown_text="The handbook ")
    stream.append(markdown_text="covers leave.")
    assert slack.messages("DALICE", parent["ts"])[0].streaming
    stream.stop(markdown_text=" [1]", blocks=[FEEDBACK])

    [reply] = slack.messages("DALICE", thread_ts=parent["ts"])
    assert reply.text == "The handbook covers leave. [1]"
    assert [b["type"] for b in reply.blocks] == ["context_actions"]
    assert not reply.streaming
    assert [c.method for c in slack.calls if "Stream" in c.method] == [
        "chat.startStream", "chat.appendStream", "chat.stopStream"]
    with pytest.raises(SlackApiError) as stopped:
        client.chat_stopStream(channel="DALICE", ts=reply.ts)
    assert stopped.value.response["error"] == "message_not_in_streaming_state"
    with pytest.raises(SlackApiError) as unknown:
        client.chat_appendStream(channel="DALICE", ts="1.000001", markdown_text="x")
    assert unknown.value.response["error"] == "message_not_found"


def test_stream_in_a_channel_needs_recipients(slack, client):
    parent = slack.user_message("hi", channel="CGENERAL", mention_bot=True)["event"]
    with pytest.raises(SlackApiError) as error:
        client.chat_startStream(channel="CGENERAL", thread_ts=parent["ts"], markdown_text="x")
    assert error.value.response["error"] == "missing_recipient_team_id"


def test_files_upload_v2_lands_in_thread_and_downloads_only_with_token(slack, client):
    parent = slack.user_message("draw a red square")["event"]
    image = tiny_png()
    result = client.files_upload_v2(channel="DALICE", thread_ts=parent["ts"], content=image, filename="square.png",
                                    alt_txt="a red square", initial_comment="Here it is")

    assert slack.wait_for(lambda: slack.messages("DALICE", thread_ts=parent["ts"]))  # Slack processes uploads async
    [reply] = slack.messages("DALICE", thread_ts=parent["ts"])
    assert reply.text == "Here it is"
    [shared] = reply.files
    assert shared["id"] == result["file"]["id"]
    assert (shared["mimetype"], shared["original_w"], shared["original_h"]) == ("image/png", 8, 8)
    assert fetch(shared["url_private_download"], slack.bot_token) == ("image/png", image)
    content_type, page = fetch(shared["url_private"], None)
    assert content_type.startswith("text/html") and image not in page
    assert fetch(shared["url_private"], "xoxb-wrong")[0].startswith("text/html")
    assert slack.file(shared["id"]).saved_path.read_bytes() == image
    assert client.files_info(file=shared["id"])["file"]["shares"]["private"]["DALICE"][0]["ts"] == reply.ts


def test_complete_upload_honours_json_string_blocks_and_rejects_a_python_repr(slack, client):
    def upload(**kwargs):
        ticket = client.files_getUploadURLExternal(filename="a.txt", length=2)
        urllib.request.urlopen(urllib.request.Request(ticket["upload_url"], data=b"hi"), timeout=5).close()
        return client.files_completeUploadExternal(files=[{"id": ticket["file_id"]}], channel_id="CGENERAL", **kwargs)

    upload(blocks='[{"type": "section", "text": {"type": "mrkdwn", "text": "see file"}}]')
    assert slack.wait_for(lambda: slack.messages("CGENERAL"))
    assert slack.messages("CGENERAL")[0].blocks[0]["text"]["text"] == "see file"
    with pytest.raises(SlackApiError) as error:
        upload(blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": "repr"}}])
    assert error.value.response["error"] == "invalid_blocks_format"


def test_rate_limit_is_retried_by_the_sdk_handler(slack, client):
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=1))
    slack.fail_next("chat.postMessage", status=429, retry_after=1)

    assert client.chat_postMessage(channel="DALICE", text="hello")["ok"]
    calls = slack.calls_to("chat.postMessage")
    assert [c.status for c in calls] == [429, 200]
    assert calls[0].response == {"ok": False, "error": "ratelimited"}
    assert len(slack.messages("DALICE")) == 1


def test_fail_next_auth_and_unknown_methods(slack, client):
    slack.fail_next("chat.startStream", "unknown_method")
    with pytest.raises(SlackApiError) as error:
        client.chat_startStream(channel="DALICE", thread_ts="1.000001")
    assert error.value.response["error"] == "unknown_method"
    assert client.api_call("auth.test").headers["x-oauth-scopes"]
    slack.fail_next("auth.test", status=429, retry_after=7)
    with pytest.raises(urllib.error.HTTPError) as limited:
        urllib.request.urlopen(slack.api_url + "auth.test", timeout=5)
    assert (limited.value.code, limited.value.headers["Retry-After"]) == (429, "7")
    with pytest.raises(SlackApiError) as error:
        WebClient(token="xoxb-wrong", base_url=slack.api_url).auth_test()
    assert error.value.response["error"] == "invalid_auth"
    with pytest.raises(SlackApiError) as error:
        client.api_call("chat.teleport")
    assert error.value.response["error"] == "unknown_method"


def test_bolt_replies_to_a_dm_with_say(slack, app):
    app.message("")(lambda message, say: say(text=f"echo: {message['text']}", thread_ts=message["ts"]))
    event = slack.user_message("hello")

    assert dispatch(app, event).status == 200
    assert slack.wait_for(lambda: slack.messages("DALICE", thread_ts=event["event"]["ts"]))
    assert slack.messages("DALICE", thread_ts=event["event"]["ts"])[0].text == "echo: hello"
    assert slack.calls_to("auth.test")  # Bolt authorised through the emulator


def test_mentions_and_file_shares_have_the_fields_bolt_needs(slack, app):
    mention = slack.user_message("draw a cat", channel="CGENERAL", mention_bot=True)
    assert mention["event"]["type"] == "app_mention"
    assert mention["event"]["text"] == "<@UCURATOR> draw a cat"
    app.event("app_mention")(lambda event, say: say(text="on it", thread_ts=event["ts"]))
    dispatch(app, mention)
    assert slack.wait_for(lambda: slack.messages("CGENERAL", thread_ts=mention["event"]["ts"]))

    upload = slack.upload_file(tiny_png(), "cat.png")
    share = slack.user_message("like this?", files=[upload])["event"]
    assert (share["subtype"], share["channel_type"]) == ("file_share", "im")
    [f] = share["files"]
    assert {"id", "name", "title", "mimetype", "filetype", "size", "url_private", "url_private_download",
            "permalink", "original_w", "original_h"} <= f.keys()
    assert f["mode"] == "hosted" and f["filetype"] == "png"
    assert fetch(f["url_private_download"], slack.bot_token)[1] == tiny_png()


def test_slash_command_ack_and_respond(slack, app):
    def command(ack, respond):
        ack()
        respond(text="searching…")

    app.command("/curator")(command)
    payload = slack.slash_command("/curator", "leave policy")
    assert payload["response_url"].startswith(slack.api_url.removesuffix("api/"))
    assert dispatch(app, payload).status == 200
    assert slack.wait_for(lambda: slack.response_url_posts)
    [message] = slack.messages("DALICE")
    assert (message.text, message.ephemeral_for) == ("searching…", "UALICE")


def test_click_and_replace_original(slack, client, app):
    parent = slack.user_message("draw a dog")["event"]
    posted = client.chat_postMessage(channel="DALICE", thread_ts=parent["ts"], text="a dog", blocks=[BUTTON])

    def regenerate(ack, body, respond):
        ack()
        respond(text=f"again: {body['actions'][0]['value']}", replace_original=True)

    app.action("regenerate")(regenerate)
    payload = slack.click("regenerate", posted["ts"], "DALICE")
    assert payload["actions"][0]["block_id"] == "choices"
    assert payload["container"]["thread_ts"] == parent["ts"]
    dispatch(app, payload)
    assert slack.wait_for(lambda: slack.messages("DALICE", parent["ts"])[0].text == "again: again")
    with pytest.raises(LookupError):
        slack.click("no-such-button", posted["ts"], "DALICE")


def test_views_open_and_submit(slack, client, app):
    submitted = []
    trigger = slack.slash_command("/curator", "")["trigger_id"]
    view = {"type": "modal", "callback_id": "ask", "title": {"type": "plain_text", "text": "Ask"},
            "blocks": [{"type": "input", "block_id": "q", "label": {"type": "plain_text", "text": "Q"},
                        "element": {"type": "plain_text_input", "action_id": "text"}}]}
    client.views_open(trigger_id=trigger, view=view)
    with pytest.raises(SlackApiError):
        client.views_open(trigger_id=trigger, view=view)  # a trigger_id is good for one view

    def on_submit(ack, view):
        ack()
        submitted.append(view["state"]["values"]["q"]["text"]["value"])

    app.view("ask")(on_submit)
    payload = slack.submit_view("ask", {"q": {"text": "how many leave days?"}})
    assert payload["view"]["id"] == slack.views()[0]["id"]
    dispatch(app, payload)
    assert slack.wait_for(lambda: submitted == ["how many leave days?"])


def test_status_is_cleared_by_the_reply(slack, client):
    parent = slack.user_message("hi")["event"]
    client.assistant_threads_setStatus(channel_id="DALICE", thread_ts=parent["ts"], status="is thinking…")
    assert slack.thread_status("DALICE", parent["ts"]) == "is thinking…"
    client.chat_postMessage(channel="DALICE", thread_ts=parent["ts"], text="done")
    assert slack.thread_status("DALICE", parent["ts"]) is None
