"""manifest.yml: what Slack needs to accept it, and that it matches what the app listens to."""

from __future__ import annotations

import yaml

from bot.routing.router import SLASH_COMMANDS
from tests.conftest import REPO

MANIFEST = yaml.safe_load((REPO / "manifest.yml").read_text())
# What the bot does, and the bot scope each needs (docs.slack.dev method and event pages).
SCOPES_NEEDED = {
    "app_mention events": "app_mentions:read",
    "chat.postMessage/update/*Stream, assistant and agent session status": "chat:write",
    "slash commands": "commands", "DM history (message.im)": "im:history",
    "channel threads (message.channels)": "channels:history", "private channel threads": "groups:history",
    "group DMs (message.mpim)": "mpim:history", "reactions.add/remove": "reactions:write",
    "setSuggestedPrompts": "assistant:write", "uploads, files.info": "files:read",
    "generated images": "files:write",
}


def test_field_limits_slack_enforces():
    info = MANIFEST["display_information"]
    assert 1 <= len(info["name"]) <= 35 and len(info["description"]) <= 140
    assert 175 <= len(info["long_description"]) <= 4000
    for command in MANIFEST["features"]["slash_commands"]:
        assert command["command"].startswith("/") and len(command["command"]) <= 32 and command["description"]
    assert len(MANIFEST["features"]["agent_view"]["suggested_prompts"]) <= 4


def test_socket_mode_messages_tab_agent_view_and_interactivity_are_on():
    assert MANIFEST["settings"]["socket_mode_enabled"] is True
    assert MANIFEST["settings"]["interactivity"]["is_enabled"] is True
    assert MANIFEST["features"]["app_home"]["messages_tab_enabled"] is True
    assert "agent_view" in MANIFEST["features"] and "assistant_view" not in MANIFEST["features"]


def test_every_declared_command_is_handled_and_every_handled_command_is_declared():
    declared = {c["command"] for c in MANIFEST["features"]["slash_commands"]}
    assert declared == set(SLASH_COMMANDS)


def test_every_subscribed_event_has_a_listener(tmp_path, sample_kb):
    """An event without a listener gets a 404 from Bolt, which Slack counts as a failed delivery."""
    from slack_bolt import BoltRequest
    from slack_sdk import WebClient

    from bot.console.emulator import SlackEmulator
    from tests.slack_harness import (
        ScriptedAnswerer,
        make_app,
        make_services,
        slack_settings,
        wait_for_reply,
    )

    channels = {"message.channels": "CGENERAL", "message.groups": "GPRIVATE", "message.im": None, "message.mpim": "GMPIM"}
    with SlackEmulator() as slack:
        settings = slack_settings(slack, tmp_path)
        app = make_app(settings, make_services(settings, sample_kb, ScriptedAnswerer()))
        for event in MANIFEST["settings"]["event_subscriptions"]["bot_events"]:
            if event == "app_home_opened":
                payload = slack.app_home_opened()
            elif event == "agent_session_stopped":
                thread = slack.user_message("a long question")["event"]["ts"]
                WebClient(token=slack.bot_token, base_url=slack.api_url).agents_sessions_setStatus(
                    channel_id="DALICE", thread_ts=thread, status="processing")
                payload = slack.stop_session("DALICE", thread)
            else:
                payload = slack.user_message("hello there", channel=channels.get(event), mention_bot=event == "app_mention")
            response = app.dispatch(BoltRequest(body=payload, mode="socket_mode"))
            assert response.status == 200, f"{event} is not handled"
            if event in ("message.im", "app_mention"):  # these are answered: let the answer finish
                wait_for_reply(slack, payload["event"]["channel"], payload["event"]["ts"])


def test_the_bot_has_every_scope_its_calls_need_and_no_other():
    """Least privilege: every scope is used, and nothing the bot does lacks one (the emulator refuses such
    calls with missing_scope, so the suite exercises this too)."""
    scopes = set(MANIFEST["oauth_config"]["scopes"]["bot"])
    missing = {use: scope for use, scope in SCOPES_NEEDED.items() if scope not in scopes}
    assert not missing
    assert scopes == set(SCOPES_NEEDED.values()), f"unused scopes: {scopes - set(SCOPES_NEEDED.values())}"
