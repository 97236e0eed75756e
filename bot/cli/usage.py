"""`curator usage`: the drawing ledger (images, tokens, estimated cost) per day, user and model."""

from __future__ import annotations

import argparse

from rich.console import Console
from rich.table import Table

from bot.config import Settings
from bot.state.drawings import DrawingRecords


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Print the last `args.days` days of drawing usage."""
    records = DrawingRecords(settings.state_path, settings.images_dir)
    try:
        rows = records.usage(days=args.days)
    finally:
        records.close()
    console = Console(width=120)
    if not rows:
        console.print(f"No drawings in the last {args.days} days.")
        return 0
    table = Table(title=f"Drawing usage, last {args.days} days")
    for column in ("day", "user", "model", "images", "tokens", "est. cost (USD)"):
        table.add_column(column, justify="right" if column in ("images", "tokens", "est. cost (USD)") else "left")
    for row in rows:
        table.add_row(row.day, row.user, row.model, str(row.images), str(row.tokens), f"{row.cost_usd:.3f}")
    table.add_row("total", "", "", str(sum(r.images for r in rows)), str(sum(r.tokens for r in rows)),
                  f"{sum(r.cost_usd for r in rows):.3f}")
    console.print(table)
    return 0
