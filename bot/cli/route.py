"""`curator route`: how the bot would route messages, as JSON lines, for tuning and debugging the router."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable

from bot.config import Settings
from bot.routing.factory import build_router
from bot.routing.router import Router, Thread


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Print one JSON decision per message, in input order; the model loads once for all of them."""
    if bool(args.message) == bool(args.file):
        print("curator route: give a message or --file PATH (not both), e.g. `curator route \"draw a fox\"`.",
              file=sys.stderr)
        return 2
    try:
        messages = [" ".join(args.message)] if args.message else _lines(args.file)
    except OSError as exc:
        print(f"curator route: cannot read {args.file}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    router = build_router(settings)
    thread = Thread(args.thread) if args.thread else None
    for line in _decisions(router, messages, thread, args.files):
        print(line, flush=True)
    return 0


def _lines(path: str) -> list[str]:
    if path == "-":
        return sys.stdin.read().splitlines()
    with open(path, encoding="utf-8") as handle:
        return handle.read().splitlines()


def _decisions(router: Router, messages: Iterable[str], thread: Thread | None, files: int) -> Iterable[str]:
    for message in messages:
        decision = router.route(message, files=files, thread=thread)
        yield json.dumps(decision.as_json(), ensure_ascii=False)
