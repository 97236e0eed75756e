"""Shared output helpers: markdown tables, percentiles, and one section of docs/benchmarks.md per benchmark.

Each benchmark owns the text between `<!-- bench:NAME -->` and `<!-- /bench:NAME -->`; writing a section
replaces only that text (or appends the section when the markers are missing), so scripts never clobber
each other or the hand-written header.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "benchmarks.md"


def arguments(description: str) -> argparse.ArgumentParser:
    """The flags every benchmark takes: --quick (small smoke run) and --write (update docs/benchmarks.md)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help="small smoke run (a few seconds to a minute)")
    parser.add_argument("--write", action="store_true", help="replace this benchmark's section of docs/benchmarks.md")
    return parser


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A markdown table; floats are printed as given, so format them before."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) with linear interpolation."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def stamp() -> str:
    """When, where and on which code a section was measured."""
    commit = subprocess.run(
        ["git", "describe", "--always", "--dirty"], cwd=REPO, capture_output=True, text=True, check=False
    ).stdout.strip()
    return (
        f"_Measured {dt.date.today().isoformat()} at commit {commit or 'unknown'} on {os.cpu_count()} CPU cores, "
        f"no GPU, Python {platform.python_version()}; 1-minute load average at the end: {os.getloadavg()[0]:.1f}._"
    )


def commit_ms(commits: int = 50) -> float:
    """Mean latency of a small SQLite commit in the temp dir: local-mode Qdrant and the manifest pay it per write."""
    with tempfile.TemporaryDirectory() as tmp:
        db = sqlite3.connect(Path(tmp) / "probe.sqlite3")
        db.execute("CREATE TABLE t (n INTEGER)")
        started = time.perf_counter()
        for n in range(commits):
            with db:
                db.execute("INSERT INTO t VALUES (?)", (n,))
        elapsed = time.perf_counter() - started
        db.close()
    return elapsed / commits * 1000


def write_section(name: str, body: str) -> None:
    """Put `body` between this benchmark's markers in docs/benchmarks.md."""
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    block = f"{start}\n{body.strip()}\n{end}"
    text = DOC.read_text() if DOC.exists() else "# Benchmarks\n"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text)
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text(text)
    print(f"\nUpdated the '{name}' section of {DOC.relative_to(REPO)}")


def emit(name: str, body: str, write: bool) -> None:
    """Print the section, and write it to the docs when asked."""
    print(body)
    if write:
        write_section(name, body)
