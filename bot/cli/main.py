"""The `curator` command line: ingest documents, ask questions, run the Slack bot."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from bot.config import Settings


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every subcommand."""
    parser = argparse.ArgumentParser(prog="curator", description="Curator: your company's knowledge, in Slack.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug details")
    commands = parser.add_subparsers(dest="command", required=True)

    ingest = commands.add_parser("ingest", help="index Markdown, text, HTML, PDF and image files")
    ingest.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="files or folders")
    ingest.add_argument("--collection", metavar="NAME", help="knowledge base name (default: CURATOR_COLLECTION or 'kb')")

    reindex = commands.add_parser(
        "reindex", help="rebuild the configured embedding space from the files already ingested (after a model change)")
    reindex.add_argument("--collection", metavar="NAME", help="knowledge base name (default: CURATOR_COLLECTION or 'kb')")

    ask = commands.add_parser("ask", help="answer a question from the knowledge base")
    ask.add_argument("question", nargs="+", help="the question")
    ask.add_argument("--collection", metavar="NAME", help="knowledge base name")
    ask.add_argument("--tag", action="append", default=[], help="only search documents with this tag (folder)")

    serve = commands.add_parser("serve", help="run the Slack bot (Socket Mode, or HTTP with --http)")
    serve.add_argument("--http", action="store_true", help="serve POST /slack/events and GET /healthz")
    serve.add_argument("--host", default="0.0.0.0", help="HTTP bind address (default 0.0.0.0)")
    serve.add_argument("--port", type=int, default=3000, help="HTTP port (default 3000)")
    serve.add_argument("--sync", action="append", default=[], metavar="PATH",
                       help="re-ingest PATH on a schedule (repeatable; adds to SYNC_PATHS)")
    serve.add_argument("--every", default=None, metavar="INTERVAL",
                       help="how often to sync, e.g. 15m or 1h (default SYNC_INTERVAL, 15m)")

    console = commands.add_parser("console", help="chat with the bot in the terminal, no Slack workspace needed")
    console.add_argument("--files-dir", type=Path, metavar="DIR",
                         help="where files the bot uploads are saved (default: CURATOR_DATA_DIR/console-files)")
    usage = commands.add_parser("usage", help="drawing usage: images, tokens and estimated cost per user and day")
    usage.add_argument("--days", type=int, default=30, help="how many days back (default 30)")
    doctor = commands.add_parser("doctor", help="check every configured model, credential and service, and say what works")
    doctor.add_argument("--json", action="store_true", help="print the results as JSON (for scripts and monitoring)")
    route = commands.add_parser("route", help="show how messages would be routed (kind, text, confidence) as JSON")
    route.add_argument("message", nargs="*", help="the message, as a user would type it")
    route.add_argument("--file", metavar="PATH", help="route every line of this file ('-': standard input)")
    route.add_argument("--thread", choices=["drawing", "answer"], help="as a reply under a drawing or an answer")
    route.add_argument("--files", type=int, default=0, metavar="N", help="as if N images were attached")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `curator` console script."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    for noisy in ("httpx", "httpx2", "google_genai", "sentence_transformers"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # Process-wide, so here and nowhere else: torch (the offline image model) uses at most 4 threads, which
    # listener threads running several images at once would otherwise oversubscribe.
    os.environ.setdefault("OMP_NUM_THREADS", str(min(4, os.cpu_count() or 1)))
    try:
        settings = Settings()
    except ValidationError as exc:
        print(f"Configuration error:\n{_explain(exc)}", file=sys.stderr)
        return 2
    try:
        return _run(args, settings)
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130
    except Exception as exc:
        if args.verbose:
            raise
        from bot.cli.errors import explain

        print(explain(exc, settings, args.command), file=sys.stderr)
        return 1


def _run(args: argparse.Namespace, settings: Settings) -> int:
    """Hand the parsed command to its module (each imports only what it needs)."""
    if args.command == "usage":
        from bot.cli import usage as cli_usage

        return cli_usage.run(args, settings)
    if args.command == "serve":
        from bot.cli import serve as cli_serve

        return cli_serve.run(args, settings)
    if args.command == "console":
        from bot.cli import console as cli_console

        return cli_console.run(args, settings)
    if args.command == "route":
        from bot.cli import route as cli_route

        return cli_route.run(args, settings)
    if args.command == "doctor":
        from bot.cli import doctor as cli_doctor

        return cli_doctor.run(args, settings)
    from bot.cli.handoff import try_handoff

    handed = try_handoff(args, settings)  # `curator serve` holds the embedded store: the run goes there
    if handed is not None:
        return handed
    from bot.cli import kb as cli_kb

    return cli_kb.run(args, settings)


def _explain(exc: ValidationError) -> str:
    lines = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error["loc"]) or "settings"
        lines.append(f"  {where}: {error['msg']}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
