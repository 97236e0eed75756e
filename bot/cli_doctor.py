"""`curator doctor`: check every configured model, credential and service, and print what works."""

from __future__ import annotations

import argparse

from rich.console import Console
from rich.table import Table
from rich.text import Text

from bot.config import Settings
from bot.doctor import FAIL, OK, all_passed, run_checks

_MARKS = {OK: ("✓ ok", "green"), FAIL: ("✗ fail", "red")}


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Run the checks and print one line each; exit code 0 when every configured check passes, else 1."""
    console = Console()
    checks = run_checks(settings)
    table = Table.grid(padding=(0, 2))
    for check in checks:
        mark, style = _MARKS.get(check.status, ("– skipped", "dim"))
        table.add_row(Text(mark, style=style), Text(check.name, style="bold"), Text(check.detail))
    console.print(table)
    failed = sum(check.status == FAIL for check in checks)
    console.print("\nEverything configured works." if all_passed(checks) else f"\n{failed} check(s) failed.")
    return 0 if all_passed(checks) else 1
