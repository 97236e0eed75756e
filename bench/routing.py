"""Routing accuracy and cost on the labelled sets: per-kind accuracy, confusion matrix, latency, unsure share.

`examples/eval/routing.jsonl` is the tuning set; `routing-holdout.jsonl` was written separately from the
issue text alone and is never tuned on, so for it this prints aggregate figures only (never the misses).
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench._report import REPO, arguments, emit, percentile, stamp, table

KINDS = ["ask", "draw", "find", "edit", "help"]
SETS = [("routing.jsonl", "tuning"), ("routing-holdout.jsonl", "held out")]
EVAL = REPO / "examples" / "eval"


@dataclass(frozen=True)
class Outcome:
    """What the router said about one labelled message."""

    kind: str
    text: str
    unsure: bool | None = None  # would have asked the second opinion (None: the router has no confidence)


Decide = Callable[[dict], Outcome]


@dataclass
class Result:
    """Per-set tallies."""

    name: str
    use: str
    confusion: Counter = field(default_factory=Counter)  # (expected, got) -> count
    latencies_ms: list[float] = field(default_factory=list)
    prompts: int = 0
    prompts_right: int = 0
    unsure: int | None = None
    misses: list[tuple[dict, Outcome]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.confusion.values())

    @property
    def right(self) -> int:
        return sum(n for (expected, got), n in self.confusion.items() if expected == got)

    def per_kind(self, kind: str) -> tuple[int, int]:
        """(right, labelled) for one kind."""
        labelled = sum(n for (expected, _), n in self.confusion.items() if expected == kind)
        return self.confusion[(kind, kind)], labelled


def load(name: str) -> list[dict]:
    """The labelled rows of one eval file."""
    return [json.loads(line) for line in (EVAL / name).read_text().splitlines() if line.strip()]


def loose(text: str) -> str:
    """Case, punctuation and spacing do not count when comparing an extracted text with its label."""
    return " ".join(re.sub(r"[^\w#&'+:-]+", " ", text.lower()).split())


def evaluate(name: str, use: str, decide: Decide) -> Result:
    """Route every row of one set, timing each call."""
    result = Result(name, use)
    for row in load(name):
        started = time.perf_counter()
        outcome = decide(row)
        result.latencies_ms.append((time.perf_counter() - started) * 1000)
        result.confusion[(row["kind"], outcome.kind)] += 1
        result.unsure = None if outcome.unsure is None else (result.unsure or 0) + outcome.unsure
        if outcome.kind != row["kind"]:
            result.misses.append((row, outcome))
        elif "prompt" in row and row["kind"] in ("draw", "find", "edit"):
            result.prompts += 1
            result.prompts_right += loose(outcome.text) == loose(row["prompt"])
    return result


def pct(right: int, total: int) -> str:
    """`right/total (xx.x%)`."""
    return f"{right}/{total} ({100 * right / total:.1f}%)" if total else "-"


def summary_rows(results: list[Result]) -> list[list[object]]:
    """One row per set: accuracy, per kind, ask->draw, prompt match, unsure share, latency."""
    rows = []
    for r in results:
        kinds = [pct(*r.per_kind(kind)) for kind in KINDS]
        rows.append([
            f"{r.name} ({r.use})", pct(r.right, r.total), *kinds, r.confusion[("ask", "draw")],
            pct(r.prompts_right, r.prompts), "-" if r.unsure is None else pct(r.unsure, r.total),
            f"{percentile(r.latencies_ms, 50):.3f} / {percentile(r.latencies_ms, 95):.3f}",
        ])
    return rows


def confusion_table(result: Result) -> str:
    """Rows: the label; columns: what the router said."""
    rows = [[f"**{expected}**", *(result.confusion[(expected, got)] for got in KINDS)] for expected in KINDS]
    return table(["label \\ routed to", *KINDS], rows)


def render(title: str, results: list[Result], notes: str) -> str:
    """The markdown section for docs/benchmarks.md."""
    headers = ["set", "accuracy", *KINDS, "ask→draw", "text = label", "unsure", "ms p50 / p95"]
    body = f"{title}\n\n{stamp()}\n\n" + table(headers, summary_rows(results))
    for r in results:
        body += f"\n\nConfusion matrix, `{r.name}` ({r.use}, {r.total} messages):\n\n" + confusion_table(r)
    return body + "\n\n" + notes


def print_misses(result: Result) -> None:
    """Per-item misses, for the tuning set only."""
    print(f"\nMisses in {result.name} ({len(result.misses)}):")
    for row, outcome in result.misses:
        print(f"  {row['id']} [{row['kind']} -> {outcome.kind}] thread={row['thread']} files={row['files']}: {row['text']!r}")


def baseline_decide() -> Decide:
    """The router as it was before issue 12: bot.router.route(text, has_files, thread_has_image)."""
    from bot.router import route

    def decide(row: dict) -> Outcome:
        intent = route(row["text"], has_files=row["files"] > 0, thread_has_image=row["thread"] == "drawing")
        return Outcome(intent.kind.value, intent.text)

    return decide


BASELINE_NOTES = (
    "The router before issue 12 (`bot/router.py` at the commit above): a leading `draw`/`find`/`help`, "
    "files alone mean Find, a non-question under a drawing is an edit, everything else is a question. "
    "`ask→draw` counts questions sent to Draw; `text = label` compares the text handed to the feature with "
    "the labelled prompt (case and punctuation ignored) where the kind was right; this router has no "
    "confidence, so no share would get a second opinion."
)


def main() -> None:
    """Route both labelled sets and report."""
    parser = arguments(__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list the tuning set's misses (never the held-out's)")
    args = parser.parse_args()
    decide = baseline_decide()
    results = [evaluate(name, use, decide) for name, use in SETS]
    if args.misses:
        print_misses(results[0])
    title = "## Routing: baseline before issue 12 (`python -m bench.routing`)"
    emit("routing-baseline", render(title, results, BASELINE_NOTES), args.write)


if __name__ == "__main__":
    main()
