"""`curator doctor`: check every configured model, credential and service, and print what works."""

from __future__ import annotations

import argparse
import json

from rich.console import Console
from rich.table import Table
from rich.text import Text

from bot.config import Settings
from bot.doctor import FAIL, OK, Check, all_passed, run_checks

_MARKS = {OK: ("✓ ok", "green"), FAIL: ("✗ fail", "red")}


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Run the checks and print one line each (or JSON with --json); exit 0 when every configured check passes."""
    checks = run_checks(settings)
    passed = all_passed(checks)
    if getattr(args, "json", False):
        print(json.dumps({"ok": passed, "checks": [c.as_dict() for c in checks]}, indent=2))
        return 0 if passed else 1
    console = Console()
    table = Table.grid(padding=(0, 2))
    for check in checks:
        mark, style = _MARKS.get(check.status, ("– skipped", "dim"))
        table.add_row(Text(mark, style=style), Text(check.name, style="bold"), describe(check))
    console.print(table)
    failed = sum(check.status == FAIL for check in checks)
    console.print("\nEverything configured works." if passed else f"\n{failed} check(s) failed.")
    return 0 if passed else 1


def describe(check: Check) -> Text:
    """`model at endpoint: detail`, with whichever of model and endpoint the check has."""
    target = " at ".join(part for part in (check.model, check.endpoint) if part)
    text = Text(overflow="fold")  # long URLs wrap instead of ending in an ellipsis
    if target:
        text.append(target, style="cyan")
        text.append(": ")
    text.append(check.detail)
    return text
