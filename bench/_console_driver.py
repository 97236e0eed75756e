"""Run by bench/startup.py inside one side's code: the console's services and app, warmed as that side's
console warms them, then N questions one after another; prints the timings as one JSON line."""

from __future__ import annotations

import time

STARTED = time.perf_counter()  # the process has just started: start-up below includes Curator's imports

import json
import sys
import tempfile
from pathlib import Path

from pydantic import SecretStr
from slack_bolt import BoltRequest

CHANNEL = "DALICE"


def answer_times(app, emulator, question: str, timeout: float = 120.0) -> dict:
    """Seconds from dispatch to the status, to the first text, to the finished reply."""
    payload = emulator.user_message(question)
    thread = payload["event"]["ts"]
    started = time.perf_counter()
    app.dispatch(BoltRequest(body=payload, mode="socket_mode"))
    marks: dict[str, float] = {}
    while time.perf_counter() - started < timeout:
        now = time.perf_counter() - started
        status = emulator.thread_status(CHANNEL, thread)
        replies = [m for m in emulator.messages(CHANNEL, thread_ts=thread) if m.bot_id]
        if status or replies:
            marks.setdefault("status", now)
        if any(m.text for m in replies):
            marks.setdefault("first_text", now)
        if replies and not status and not any(m.streaming for m in replies) and any(m.blocks for m in replies):
            marks["done"] = now
            return marks
        time.sleep(0.005)
    raise TimeoutError(f"no finished answer to {question!r} within {timeout} s")


def main() -> None:
    from bot.app import build_app

    try:
        from bot.cli.console import _console_services
    except ModuleNotFoundError:  # a baseline commit from before bot/cli/
        from bot.cli_console import _console_services
    from bot.config import Settings
    from bot.console.emulator import SlackEmulator

    count = int(sys.argv[1])
    questions = [json.loads(line)["question"] for line in
                 (Path(__file__).resolve().parents[1] / "examples" / "eval" / "questions.jsonl").open()][:count]
    settings = Settings()
    with tempfile.TemporaryDirectory() as scratch:
        services = _console_services(settings, Path(scratch))
        try:
            from bot.warmup import (
                warm_up,  # the after side warms before its prompt; the before side had none
            )
        except ImportError:
            warm_up = None
        if warm_up:
            warm_up(services)
        warmed = time.perf_counter() - STARTED
        with SlackEmulator(files_dir=Path(scratch) / "files") as emulator:
            slack = settings.model_copy(update={"slack_api_url": emulator.api_url,
                                                "slack_bot_token": SecretStr(emulator.bot_token)})
            app = build_app(slack, services)
            answers = [answer_times(app, emulator, question) for question in questions]
        services.close()
    print(json.dumps({"warm_up": warmed, "answers": answers}))


if __name__ == "__main__":
    main()
