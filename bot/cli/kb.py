"""`curator ingest`, `curator reindex` and `curator ask`: progress, summaries and streamed answers in the terminal."""

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
from bot.errors import UserError
from bot.kb.discovery import discover
from bot.kb.ingest import IngestReport
from bot.kb.reindex import plan_reindex
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
        commands = {"ingest": ingest, "reindex": reindex, "ask": ask}
        return commands[args.command](kb, args, err)
    except (UserError, FileNotFoundError) as exc:
        err.print(f"[red]{escape(str(exc))}[/red]", soft_wrap=True)
        return 1
    finally:
        kb.close()


def ingest(kb: KnowledgeBase, args: argparse.Namespace, err: Console) -> int:
    """Index the given paths with a progress bar, then print the summary."""
    print_summary(_with_progress(kb, args.paths, err, "Ingesting"), kb.store.name, Console())
    return 0


def reindex(kb: KnowledgeBase, args: argparse.Namespace, err: Console) -> int:
    """Ingest every path the manifest knows for this knowledge base into the current embedding space, index the
    drawings again, then print the summary."""
    plan = plan_reindex(kb.manifest, kb.store.base)
    for path in plan.missing:
        err.print(f"[yellow]gone[/yellow] {escape(path)}: no longer on disk, not rebuilt", soft_wrap=True)
    report = _with_progress(kb, plan.paths, err, "Reindexing")
    drawings = reindex_drawings(kb)
    print_summary(report, kb.store.name, Console(), title="Reindex summary", drawings=drawings)
    return 0


def reindex_drawings(kb: KnowledgeBase) -> int:
    """Index every kept drawing in the current space (they are not files under an ingest path)."""
    from bot.draw.library import ImageLibrary
    from bot.state.open import open_drawings

    records = open_drawings(kb.settings)
    try:
        kept = [d for d in records.all() if all(p.exists() for p in d.paths)]
        library = ImageLibrary(kb.images, kb.find)
        for drawing in kept:
            library.add(drawing)
    finally:
        records.close()
    return len(kept)


def _with_progress(kb: KnowledgeBase, paths: list, err: Console, label: str) -> IngestReport:
    total = len(discover(paths, kb.settings.ingest_follow_links_outside).files)
    columns = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()]
    with Progress(*columns, console=err, transient=True) as progress:
        task = progress.add_task(label, total=total)
        return kb.ingestor().run(paths, on_file=lambda f: progress.update(task, advance=1, description=f.doc_id[-40:]))


def print_summary(report: IngestReport, collection: str, console: Console, title: str = "Ingest summary",
                  drawings: int | None = None) -> None:
    """The closing summary: counts per outcome, skipped files with reasons, chunks and time."""
    table = Table(title=title, show_header=False)
    for label, items in [("added", report.added), ("updated", report.updated), ("unchanged", report.unchanged),
                         ("removed", report.removed), ("skipped", report.skipped)]:
        table.add_row(label, str(len(items)))
    table.add_row("chunks written", str(report.chunks))
    if drawings is not None:
        table.add_row("drawings indexed", str(drawings))
    table.add_row("embedding calls", str(report.embedding_calls))
    table.add_row("time", f"{report.seconds:.1f} s")
    console.print(table)
    console.print(f"collection {escape(collection)}", soft_wrap=True)  # long names: never wrapped mid-name
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
