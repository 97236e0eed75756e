"""`curator ingest` and `curator ask`: progress, summaries and streamed answers in the terminal."""

from __future__ import annotations

import argparse
import sys

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from bot.config import Settings
from bot.kb.ask import InvalidQuestion
from bot.kb.ingest import IngestReport, discover
from bot.kb.store import KnowledgeBaseError
from bot.providers.base import ProviderError
from bot.providers.factory import LOCAL_NOTICE
from bot.services import KnowledgeBase, build_knowledge_base


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Run the `ingest` or `ask` subcommand; returns the process exit code."""
    err = Console(stderr=True)
    try:
        kb = build_knowledge_base(settings, collection=args.collection)
    except RuntimeError as exc:
        err.print(f"[red]{escape(str(exc))}[/red]", soft_wrap=True)
        return 1
    if kb.providers.local:
        err.print(f"[dim]{LOCAL_NOTICE}[/dim]", soft_wrap=True)
    try:
        return ingest(kb, args, err) if args.command == "ingest" else ask(kb, args, err)
    except (ProviderError, KnowledgeBaseError, InvalidQuestion, FileNotFoundError) as exc:
        err.print(f"[red]{escape(str(exc))}[/red]", soft_wrap=True)
        return 1
    finally:
        kb.close()


def ingest(kb: KnowledgeBase, args: argparse.Namespace, err: Console) -> int:
    """Index the given paths with a progress bar, then print the summary."""
    total = len(discover(args.paths))
    columns = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()]
    with Progress(*columns, console=err, transient=True) as progress:
        task = progress.add_task("Ingesting", total=total)
        report = kb.ingestor().run(args.paths, on_file=lambda f: progress.update(task, advance=1, description=f.doc_id[-40:]))
    print_summary(report, kb.store.name, Console())
    return 0


def print_summary(report: IngestReport, collection: str, console: Console) -> None:
    """The closing summary: counts per outcome, skipped files with reasons, chunks and time."""
    table = Table(title="Ingest summary", caption=f"collection {collection}", show_header=False)
    for label, items in [("added", report.added), ("updated", report.updated), ("unchanged", report.unchanged),
                         ("removed", report.removed), ("skipped", report.skipped)]:
        table.add_row(label, str(len(items)))
    table.add_row("chunks written", str(report.chunks))
    table.add_row("embedding calls", str(report.embedding_calls))
    table.add_row("time", f"{report.seconds:.1f} s")
    console.print(table)
    for doc_id, reason in report.skipped:
        console.print(f"  [yellow]skipped[/yellow] {escape(doc_id)}: {escape(reason)}", soft_wrap=True)
    for doc_id, note in report.notes:
        console.print(f"  [cyan]note[/cyan] {escape(doc_id)}: {escape(note)}", soft_wrap=True)
    for source in report.removed:
        console.print(f"  [magenta]removed[/magenta] {escape(source)}", soft_wrap=True)


def ask(kb: KnowledgeBase, args: argparse.Namespace, err: Console) -> int:
    """Stream the answer to stdout, then list the cited sources."""
    answer = kb.ask.ask(" ".join(args.question), tags=args.tag)
    for piece in answer:
        sys.stdout.write(piece)
        sys.stdout.flush()
    sys.stdout.write("\n")
    if answer.citations:
        print("\nSources:")
        for number, passage in answer.citations:
            print(f"  [{number}] {passage.label} ({passage.doc_id})")
    return 0
