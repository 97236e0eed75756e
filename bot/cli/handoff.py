"""`curator ingest` while `curator serve` holds the embedded store: the run is handed to the serving process,
and its progress and summary are printed here as if the ingest ran in this terminal."""

from __future__ import annotations

import argparse

from rich.console import Console
from rich.markup import escape

from bot.config import Settings
from bot.errors import UserError
from bot.kb.ingest import IngestReport


def try_handoff(args: argparse.Namespace, settings: Settings) -> int | None:
    """The exit code of the run handed to a live serving process; None when there is none (ingest locally)."""
    from bot.kb.handoff_client import live_handoff, send_ingest

    if args.command != "ingest" or not settings.uses_edge:
        return None  # with QDRANT_URL both processes share the server: nothing to hand off
    handoff = live_handoff(settings.curator_data_dir)
    if handoff is None:
        return None
    out, err = Console(), Console(stderr=True)
    lines = send_ingest(handoff, list(args.paths), args.collection)
    try:
        try:
            first = next(lines, None)
        except ConnectionRefusedError:
            return None  # the pid lives on but no longer listens (a reused pid): the store is free
        err.print(f"[dim]curator serve (pid {handoff['pid']}) holds the knowledge base: the ingest runs there.[/dim]",
                  soft_wrap=True)
        return _follow(first, lines, out, err)
    except UserError as exc:  # refused, or the server went quiet: one line, exit 1
        err.print(f"[red]{escape(str(exc))}[/red]", soft_wrap=True)
        return 1


def _follow(first: dict | None, lines, out: Console, err: Console) -> int:
    from bot.cli.kb import print_summary

    line = first
    while line is not None:
        if "progress" in line:
            out.print(f"[{line['done']}/{line['total']}] {escape(line['progress'])}", soft_wrap=True, highlight=False)
        elif "busy" in line:
            err.print(f"[red]An ingest is already running in curator serve, started at {line['busy']}: try again "
                      "when it ends.[/red]", soft_wrap=True)
            return 1
        elif "error" in line:
            err.print(f"[red]{escape(line['error'])}[/red]", soft_wrap=True)
            return line.get("exit", 1)
        elif "summary" in line:
            print_summary(IngestReport(**line["summary"]), line.get("collection", ""), out)
            return line.get("exit", 0)
        line = next(lines, None)
    err.print("[red]The serving Curator closed the connection before the ingest ended: check its log.[/red]")
    return 1
