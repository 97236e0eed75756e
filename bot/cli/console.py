"""`curator console`: the real Curator app against a local Slack emulator, chatted with in the terminal."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import SecretStr

from bot.config import Settings

if TYPE_CHECKING:
    from bot.services import Services


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Build the services and app as `serve` does, point them at the emulator, and chat until /quit."""
    from bot.app import build_app
    from bot.console.emulator import SlackEmulator
    from bot.console.repl import ConsoleSession

    with tempfile.TemporaryDirectory(prefix="curator-console-") as scratch:
        try:
            services = _console_services(settings, Path(scratch))
        except RuntimeError as exc:
            print(exc, file=sys.stderr)
            return 1
        try:
            _print_notices(services)
            _warm(services)
            with SlackEmulator(files_dir=args.files_dir or settings.curator_data_dir / "console-files") as emulator:
                slack_settings = settings.model_copy(
                    update={"slack_api_url": emulator.api_url, "slack_bot_token": SecretStr(emulator.bot_token)}
                )
                ConsoleSession(build_app(slack_settings, services), emulator, sys.stdin, sys.stdout).run()
        finally:
            services.close()
    return 0


def _console_services(settings: Settings, scratch: Path) -> Services:
    """The knowledge base as `serve` opens it, with a throwaway bot state.

    The emulated workspace lives only as long as the console, so its threads, answers and feedback are
    kept apart from the real bot's state.
    """
    from bot.draw.factory import build_image_generator
    from bot.services import (
        Services,
        build_draw_service,
        build_knowledge_base,
    )
    from bot.state.sqlite import StateStore

    kb = build_knowledge_base(settings)
    draw = build_draw_service(settings, kb, build_image_generator(settings, kb.providers.google_client))
    return Services(settings, kb, StateStore(scratch / "state.sqlite3"), draw)


def _print_notices(services: Services) -> None:
    if services.kb.providers.local:
        from bot.providers.factory import LOCAL_NOTICE

        print(LOCAL_NOTICE, file=sys.stderr)
    print(services.kb.store.summary(), file=sys.stderr)


def _warm(services: Services) -> None:
    """Load every model before the first question (a spinner meanwhile), so it is answered as fast as the tenth."""
    from rich.console import Console

    from bot.warmup import warm_up

    err = Console(stderr=True, highlight=False)
    with err.status("Warming up the models…"):
        warmed = warm_up(services)
    for problem in warmed.problems:
        err.print(f"warning: {problem}", markup=False, soft_wrap=True)
    err.print(f"Ready: models warmed in {warmed.seconds:.1f} s.", markup=False)
