"""Helpers for whole-app tests: the real Bolt app against the Slack emulator, with signed requests."""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from urllib.parse import urlencode

from slack_bolt import App, BoltRequest, BoltResponse
from slack_sdk.signature import SignatureVerifier

from bot.app import build_app
from bot.config import Settings
from bot.console.emulator import SlackEmulator
from bot.kb.ask import AskService
from bot.services import KnowledgeBase, Services, build_draw_service
from bot.slack.outbox import Outbox
from bot.state.sqlite import StateStore
from bot.types import Passage, Turn

SIGNING_SECRET = "test-signing-secret"


def slack_settings(emulator: SlackEmulator, data_dir: Path, **values) -> Settings:
    """Settings that point Curator's Slack client at the emulator."""
    return Settings(
        _env_file=None, CURATOR_DATA_DIR=data_dir, SLACK_BOT_TOKEN=emulator.bot_token,
        SLACK_API_URL=emulator.api_url, SLACK_SIGNING_SECRET=SIGNING_SECRET, **values,
    )


def ingest_one_document(tmp_path: Path, monkeypatch) -> Path:
    """A one-document knowledge base (VPN error 809), ingested with `curator ingest` under tmp_path/data."""
    from bot.cli.main import main

    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "vpn.md").write_text("# VPN\n\n## Error 809\n\nError 809 means IPsec is blocked: switch to the NW-SSL profile.\n")
    monkeypatch.setenv("CURATOR_DATA_DIR", str(tmp_path / "data"))
    assert main(["ingest", str(kb)]) == 0
    return tmp_path / "data"


OPEN_OUTBOXES: list[Outbox] = []  # closed after each test (conftest), so no pacer outlives its emulator


def make_services(settings: Settings, kb: KnowledgeBase, answerer=None, generator=None, outbox=None) -> Services:
    """Services over a shared knowledge base, optionally answering or drawing with test doubles
    (and delivering through `outbox`, e.g. one on the emulator's sped-up clock)."""
    if answerer is not None:
        kb = dataclasses.replace(kb, ask=AskService(kb.store, kb.providers.embedder, answerer))
    services = Services(settings, kb, StateStore(settings.state_path), build_draw_service(settings, kb, generator),
                        outbox=outbox)
    OPEN_OUTBOXES.append(services.outbox)
    return services


def make_app(settings: Settings, services: Services) -> App:
    """The real Curator app as `curator serve` builds it."""
    return build_app(settings, services)


def signed_headers(raw: str, content_type: str, timestamp: int | None = None, secret: str = SIGNING_SECRET) -> dict:
    """Headers Slack sends with a request body, signed with `secret`."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=raw)
    return {"content-type": [content_type], "x-slack-signature": [signature], "x-slack-request-timestamp": [ts]}


def encode(payload: dict) -> tuple[str, str]:
    """The raw body and content type Slack would send for an emulator payload."""
    if "command" in payload:
        return urlencode(payload), "application/x-www-form-urlencoded"
    if payload.get("type") in ("block_actions", "view_submission"):
        return urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded"
    return json.dumps(payload), "application/json"


def dispatch(app: App, payload: dict, extra_headers: dict | None = None, **sign) -> BoltResponse:
    """Send a payload to the app as a signed HTTP request."""
    raw, content_type = encode(payload)
    headers = signed_headers(raw, content_type, **sign) | (extra_headers or {})
    return app.dispatch(BoltRequest(body=raw, headers=headers))


def bot_replies(emulator: SlackEmulator, channel: str, thread_ts: str) -> list:
    """The bot's messages in a thread."""
    return [m for m in emulator.messages(channel, thread_ts=thread_ts) if m.bot_id]


def wait_for_reply(emulator: SlackEmulator, channel: str, thread_ts: str, count: int = 1, timeout: float = 20):
    """Wait until the bot has finished `count` replies in the thread, and return them."""
    def done() -> bool:  # finished: not streaming, not a partial post still to be updated
        replies = bot_replies(emulator, channel, thread_ts)
        return len(replies) >= count and not any(m.streaming or m.text.endswith(" …") for m in replies)

    assert emulator.wait_for(done, timeout=timeout), f"no reply in {channel}/{thread_ts}: {emulator.calls[-5:]}"
    return bot_replies(emulator, channel, thread_ts)


class ScriptedAnswerer:
    """Answers with fixed pieces (optionally slowly, or failing), for tests of the Slack side.

    `delay` passes before the first piece, `piece_delay` before each of the others; `read` counts the
    pieces the bot took and `closed` tells whether it closed the stream early (Stop, a deadline).
    """

    def __init__(self, pieces: Sequence[str] = ("Use the NW-SSL profile [1].",), delay: float = 0.0,
                 error: Exception | None = None, piece_delay: float = 0.0) -> None:
        self.pieces = list(pieces)
        self.delay, self.piece_delay = delay, piece_delay
        self.error = error
        self.histories: list[list[Turn]] = []
        self.read = 0
        self.closed = False

    def stream_answer(self, question: str, passages: Sequence[Passage], history: Sequence[Turn] = ()) -> Iterator[str]:
        self.histories.append(list(history))
        if self.delay:
            time.sleep(self.delay)
        try:
            for index, piece in enumerate(self.pieces):
                if index and self.piece_delay:
                    time.sleep(self.piece_delay)
                self.read += 1
                yield piece
        except GeneratorExit:
            self.closed = True
            raise
        if self.error:
            raise self.error
