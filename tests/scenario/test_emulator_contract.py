"""The emulator holds Slack's contract: rate tiers, Block Kit limits, the manifest's scopes, real payload
shapes. Each test drives it with the real slack_sdk WebClient, as the bot does."""

from __future__ import annotations

import time
import urllib.request

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.console.emulator import SlackEmulator
from bot.console.emulator_scopes import AppContract, manifest_contract
from bot.slack.clock import ScaledClock
from bot.slack.limits import Rate
from tests.fakes.images import tiny_png

SECTION = {"type": "section", "text": {"type": "mrkdwn", "text": "hi"}}


def error_of(call) -> dict:
    with pytest.raises(SlackApiError) as raised:
        call()
    return raised.value.response


@pytest.fixture
def fast():
    """An emulator on a clock 10x faster than real time (a minute of tiers in 6 real seconds)."""
    with SlackEmulator(clock=ScaledClock(10)) as emulator:
        yield emulator


def client_of(slack: SlackEmulator) -> WebClient:
    return WebClient(token=slack.bot_token, base_url=slack.api_url, timeout=5)  # no retry handler: 429s raise


def test_a_tier_allows_its_burst_then_answers_429_with_retry_after_until_it_refills(fast):
    client = client_of(fast)
    parent = fast.user_message("hi")["event"]["ts"]
    starts = [lambda: client.chat_startStream(channel="DALICE", thread_ts=parent, markdown_text="x")] * 5
    for start in starts[:4]:  # Tier 2: a burst of 4 (bot.slack.limits), then 20 per minute
        start()
    limited = error_of(starts[4])
    assert (limited.status_code, limited["error"]) == (429, "ratelimited")
    assert 1 <= int(limited.headers["Retry-After"]) <= 3  # one call every 3 s at 20/min
    assert client.chat_appendStream(channel="DALICE", ts=fast.messages("DALICE", parent)[0].ts, markdown_text="y")["ok"]
    time.sleep(int(limited.headers["Retry-After"]) / 10 + 0.02)  # Retry-After seconds of the emulator's clock
    assert starts[4]()["ok"]


def test_tiers_are_counted_per_workspace_and_chat_post_message_also_per_channel(slack):
    client, fast = client_of(slack), slack
    fast.user_message("hello from the other workspace", channel="COTHER", team="TOTHER")
    for _ in range(3):  # chat.postMessage: 1 per second per channel, a burst of 3
        client.chat_postMessage(channel="CGENERAL", text="x")
    assert error_of(lambda: client.chat_postMessage(channel="CGENERAL", text="x")).status_code == 429
    assert client.chat_postMessage(channel="CRANDOM", text="another channel of the same workspace")["ok"]
    for _ in range(4):
        client.chat_update(channel="CGENERAL", ts=fast.messages("CGENERAL")[0].ts, text="y")
    workspace_limited = [client.chat_update(channel="CGENERAL", ts=fast.messages("CGENERAL")[0].ts, text="y")
                         for _ in range(6)]  # Tier 3: a burst of 10 in TCONSOLE...
    assert all(r["ok"] for r in workspace_limited)
    assert error_of(lambda: client.chat_update(channel="CGENERAL", ts=fast.messages("CGENERAL")[0].ts,
                                               text="y")).status_code == 429
    posted = client.chat_postMessage(channel="COTHER", text="z")  # ...while TOTHER's buckets are untouched
    assert client.chat_update(channel="COTHER", ts=posted["ts"], text="still fine")["ok"]


def test_rates_can_be_tightened_or_turned_off():
    with SlackEmulator(rates={"chat.update": (Rate(1, 1),)}) as slack:
        client = client_of(slack)
        ts = client.chat_postMessage(channel="CGENERAL", text="x")["ts"]
        client.chat_update(channel="CGENERAL", ts=ts, text="y")
        assert int(error_of(lambda: client.chat_update(channel="CGENERAL", ts=ts, text="z")).headers["Retry-After"]) >= 59
    with SlackEmulator(rates=None) as slack:
        client = client_of(slack)
        assert all(client.chat_postMessage(channel="CGENERAL", text=str(i))["ok"] for i in range(10))


@pytest.mark.parametrize("blocks, error", [
    ([{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}], "invalid_blocks"),
    ([SECTION] * 51, "msg_blocks_too_many"),
    ([{"type": "context", "elements": [{"type": "mrkdwn", "text": "a"}] * 11}], "invalid_blocks"),
    ([{"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}], "invalid_blocks"),
    ([{"type": "actions", "elements": [{"type": "button", "action_id": "b", "text": {"type": "plain_text", "text": "b" * 76}}]}],
     "invalid_blocks"),
    ([{"type": "actions", "elements": [{"type": "static_select", "action_id": "s",
                                        "placeholder": {"type": "plain_text", "text": "p"},
                                        "options": [{"text": {"type": "plain_text", "text": "o"}, "value": "v" * 151}]}]}],
     "invalid_blocks"),
    ([{"type": "section", "fields": [{"type": "mrkdwn", "text": "f" * 2001}]}], "invalid_blocks"),
    ([{"type": "no_such_block"}], "invalid_blocks"),
    ("[not json", "invalid_blocks_format"),
])
def test_block_kit_limits_are_enforced_with_slacks_error_codes(slack, blocks, error):
    response = error_of(lambda: client_of(slack).chat_postMessage(channel="CGENERAL", text="t", blocks=blocks))
    assert response["error"] == error
    if error == "invalid_blocks":
        assert "json-pointer:/blocks/0" in response["errors"][0]


def test_message_text_limits(slack):
    client = client_of(slack)
    ts = client.chat_postMessage(channel="CGENERAL", text="short")["ts"]
    assert error_of(lambda: client.chat_update(channel="CGENERAL", ts=ts, text="x" * 4001))["error"] == "msg_too_long"
    assert error_of(lambda: client.chat_postMessage(channel="CGENERAL", markdown_text="**a**", text="a")
                    )["error"] == "markdown_text_conflict"
    parent = slack.user_message("hi")["event"]["ts"]
    stream = client.chat_startStream(channel="DALICE", thread_ts=parent, markdown_text="a")["ts"]
    assert error_of(lambda: client.chat_appendStream(channel="DALICE", ts=stream, markdown_text="x" * 12_001)
                    )["error"] == "msg_too_long"
    assert error_of(lambda: client.chat_update(channel="DALICE", ts=stream, text="edit"))["error"] == "streaming_state_conflict"


def test_modal_limits(slack):
    client = client_of(slack)
    view = {"type": "modal", "callback_id": "c", "title": {"type": "plain_text", "text": "t" * 25},
            "blocks": [SECTION]}
    response = error_of(lambda: client.views_open(trigger_id=slack.slash_command("/curator", "")["trigger_id"], view=view))
    assert response["error"] == "invalid_arguments" and "24" in response["response_metadata"]["messages"][0]
    view.update(title={"type": "plain_text", "text": "ok"}, private_metadata="m" * 3001)
    assert error_of(lambda: client.views_open(trigger_id=slack.slash_command("/curator", "")["trigger_id"], view=view)
                    )["error"] == "invalid_arguments"


def test_a_call_needing_a_scope_the_manifest_lacks_fails_as_slack_fails_it(slack):
    assert "users:read" not in manifest_contract().scopes  # least privilege: Curator never calls users.info
    response = error_of(lambda: client_of(slack).users_info(user="UALICE"))
    assert (response["error"], response["needed"]) == ("missing_scope", "users:read")
    assert "chat:write" in response["provided"].split(",")
    narrow = AppContract(scopes=frozenset({"chat:write"}), events=frozenset())
    with SlackEmulator(contract=narrow) as limited:
        client = client_of(limited)
        assert client.chat_postMessage(channel="CGENERAL", text="fine")["ok"]
        parent = limited.user_message("hi", channel="GPRIVATE")["event"]["ts"]
        replies = error_of(lambda: client.conversations_replies(channel="GPRIVATE", ts=parent))
        assert replies["needed"] == "groups:history"
        assert error_of(lambda: client.reactions_add(channel="CGENERAL", timestamp=parent, name="eyes"))["needed"] == "reactions:write"


def test_thread_replies_come_oldest_first_a_page_at_a_time(slack):
    client = client_of(slack)
    parent = slack.user_message("question 0")["event"]["ts"]
    for i in range(1, 12):
        slack.user_message(f"question {i}", thread_ts=parent)
    first = client.conversations_replies(channel="DALICE", ts=parent, limit=5)
    assert [m["text"] for m in first["messages"]] == [f"question {i}" for i in range(5)]
    assert first["has_more"] and first["response_metadata"]["next_cursor"]
    texts, cursor = [], None
    while True:
        page = client.conversations_replies(channel="DALICE", ts=parent, limit=5, cursor=cursor)
        texts += [m["text"] for m in page["messages"]]
        cursor = page["response_metadata"]["next_cursor"]
        if not page["has_more"]:
            break
    assert texts == [f"question {i}" for i in range(12)] and cursor == ""
    assert error_of(lambda: client.conversations_replies(channel="DALICE", ts=parent, cursor="bogus"))["error"] == "invalid_cursor"


def test_a_static_select_sends_its_option_and_null_when_cleared(slack):
    client = client_of(slack)
    select = {"type": "static_select", "action_id": "aspect", "placeholder": {"type": "plain_text", "text": "p"},
              "options": [{"text": {"type": "plain_text", "text": "16:9"}, "value": "d1|16:9"}]}
    ts = client.chat_postMessage(channel="DALICE", text="x", blocks=[{"type": "actions", "elements": [select]}])["ts"]
    [chosen] = slack.click("aspect", ts, "DALICE", value="d1|16:9")["actions"]
    assert chosen["selected_option"]["value"] == "d1|16:9" and "value" not in chosen
    assert slack.click("aspect", ts, "DALICE", value=None)["actions"][0]["selected_option"] is None


def test_a_submitted_view_carries_no_channel(slack):
    view = {"type": "modal", "callback_id": "edit", "title": {"type": "plain_text", "text": "Edit"},
            "blocks": [{"type": "input", "block_id": "i", "label": {"type": "plain_text", "text": "L"},
                        "element": {"type": "plain_text_input", "action_id": "t"}}]}
    client_of(slack).views_open(trigger_id=slack.slash_command("/curator", "", channel="CGENERAL")["trigger_id"], view=view)
    payload = slack.submit_view("edit", {"i": {"t": "x"}})
    assert "channel" not in payload and "container" not in payload


def test_complete_upload_external_is_asynchronous(slack):
    client = client_of(slack)
    parent = slack.user_message("draw")["event"]["ts"]
    ticket = client.files_getUploadURLExternal(filename="a.png", length=len(tiny_png()))
    urllib.request.urlopen(urllib.request.Request(ticket["upload_url"], data=tiny_png()), timeout=5).close()
    done = client.files_completeUploadExternal(files=[{"id": ticket["file_id"]}], channel_id="DALICE", thread_ts=parent)
    assert "ts" not in done and done["files"][0]["id"] == ticket["file_id"]
    assert not client.files_info(file=ticket["file_id"])["file"].get("shares")  # still processing
    assert not slack.messages("DALICE", thread_ts=parent)
    assert slack.wait_for(lambda: slack.messages("DALICE", thread_ts=parent))
    assert "DALICE" in client.files_info(file=ticket["file_id"])["file"]["shares"]["private"]


def test_agent_sessions_give_a_stop_button_whose_click_stops_the_streams():
    contract = manifest_contract()
    with SlackEmulator(contract=contract) as slack:
        client = client_of(slack)
        parent = slack.user_message("long question")["event"]["ts"]
        session = client.agents_sessions_setStatus(channel_id="DALICE", thread_ts=parent, status="processing",
                                                   title="Long question")
        assert (session["status"], session.get("warning")) == ("processing", None)
        stream = client.chat_startStream(channel="DALICE", thread_ts=parent, markdown_text="Part one")["ts"]
        event = slack.stop_session("DALICE", parent)
        assert event["event"] == {**event["event"], "type": "agent_session_stopped", "channel": "DALICE",
                                  "thread_ts": parent, "streaming_message_ts": [stream], "user": "UALICE"}
        assert error_of(lambda: client.chat_appendStream(channel="DALICE", ts=stream, markdown_text="more")
                        )["error"] == "stopped_by_user"
        client.chat_stopStream(channel="DALICE", ts=stream, markdown_text=" (stopped)", session_status="active")
        assert slack.session("DALICE", parent)["status"] == "active"
        assert error_of(lambda: client.agents_sessions_setStatus(channel_id="DALICE", thread_ts=parent, status="busy")
                        )["error"] == "invalid_status"
    unsubscribed = AppContract(scopes=contract.scopes, events=frozenset({"app_mention"}))
    with SlackEmulator(contract=unsubscribed) as slack:
        parent = slack.user_message("q")["event"]["ts"]
        answer = client_of(slack).agents_sessions_setStatus(channel_id="DALICE", thread_ts=parent, status="processing")
        assert answer["warning"] == "missing_agent_session_stopped_event_subscription"
        with pytest.raises(LookupError):
            slack.stop_session("DALICE", parent)  # a loading indicator, not a button


def test_slack_closes_an_idle_stream_and_chat_update_then_finishes_it():
    with SlackEmulator(clock=ScaledClock(60), stream_timeout_s=30) as slack:
        client = client_of(slack)
        parent = slack.user_message("q")["event"]["ts"]
        stream = client.chat_startStream(channel="DALICE", thread_ts=parent, markdown_text="So far")["ts"]
        time.sleep(0.6)  # 36 s of the emulator's clock
        assert error_of(lambda: client.chat_appendStream(channel="DALICE", ts=stream, markdown_text="x")
                        )["error"] == "message_not_in_streaming_state"
        client.chat_update(channel="DALICE", ts=stream, text="So far, and the rest")
        assert slack.messages("DALICE", parent)[0].text == "So far, and the rest"
