"""Offline answers judged by their facts: does the answer contain the fact and cite the right document?

Three sets, each with its own knowledge base: the tuning set (examples/eval/answers.jsonl over examples/kb),
the development set (examples/eval/answers-dev.jsonl over examples/eval/dev-kb, written from the issue text
alone, tuned on like the tuning set) and the held-out split (examples/eval/answers-holdout.jsonl over
examples/eval/holdout-kb), written separately from the issue text alone and never used for tuning.
`--sets` picks which to run; `--misses` lists the tuning and development sets' misses and never the
held-out set's, which is only ever reported in aggregate. `--baseline REF` runs the same questions
against the code at REF (a temporary git worktree) in the same run, for a side-by-side comparison.
`--gemini` runs both sets through the Gemini providers against the local fake API: a plumbing check
only (the fake hashes text into vectors and echoes passage 1), never a quality figure.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bench._answers_eval import Outcome, load_items, missing_facts, plain_text, run
from bench._report import REPO, arguments, emit, percentile, stamp, table

EVAL = REPO / "examples" / "eval"
HELD_OUT = "held-out"  # never tuned on: its misses are never printed
SETS = {
    "tuning": (REPO / "examples" / "kb", EVAL / "answers.jsonl"),
    "dev": (EVAL / "dev-kb", EVAL / "answers-dev.jsonl"),
    HELD_OUT: (EVAL / "holdout-kb", EVAL / "answers-holdout.jsonl"),
}


@dataclass
class Figures:
    """The targets' figures for one set on one version of the code."""

    facts: tuple[int, int]
    absent_refused: tuple[int, int]
    covered_refused: tuple[int, int]
    followups: tuple[int, int]
    cited: tuple[int, int]
    p50_ms: float
    p95_ms: float


def figures(outcomes: list[Outcome]) -> Figures:
    """Count the outcomes into the figures the issue's targets name."""
    def share(kinds: tuple[str, ...], attribute: str) -> tuple[int, int]:
        chosen = [o for o in outcomes if o.kind in kinds]
        return sum(bool(getattr(o, attribute)) for o in chosen), len(chosen)

    times = [o.seconds * 1000 for o in outcomes]
    return Figures(share(("fact",), "correct"), share(("absent",), "refused"),
                   share(("fact", "followup"), "refused"), share(("followup",), "correct"),
                   share(("fact", "followup"), "cited_doc"), percentile(times, 50), percentile(times, 95))


def baseline_outcomes(ref: str, kb_root: Path, items: Path, limit: int | None) -> list[Outcome]:
    """Run bench/_answers_eval.py against the code at `ref`, in a temporary worktree."""
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "tree"
        subprocess.run(["git", "worktree", "add", "--detach", str(tree), ref], cwd=REPO, check=True,
                       capture_output=True)
        try:
            shutil.copy(REPO / "bench" / "_answers_eval.py", tree / "bench" / "_answers_eval.py")
            result = subprocess.run(
                [sys.executable, "-m", "bench._answers_eval", "--kb", str(kb_root), "--items", str(items)]
                + (["--limit", str(limit)] if limit else []),
                cwd=tree, check=True, capture_output=True, text=True,
            )
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=REPO, check=False)
    return [Outcome(**row) for row in json.loads(result.stdout.strip().splitlines()[-1])]


def gemini_outcomes(kb_root: Path, items: list[dict]) -> list[Outcome]:
    """The same questions through the Gemini providers, against the local fake API (plumbing only)."""
    from tests.fakes.gemini_api import FakeGemini
    from tests.fakes.gemini_clients import google_settings

    with FakeGemini(api_key="bench-key") as fake, tempfile.TemporaryDirectory() as tmp:
        return run(kb_root, items, google_settings(fake, Path(tmp), GOOGLE_TIMEOUT_S=60))


def check_set(kb_root: Path, items: list[dict]) -> tuple[int, int, list[str]]:
    """How many fact and follow-up items have every fact in their document's text (a sanity check)."""
    checked = [item for item in items if item["kind"] != "absent"]
    broken = []
    for item in checked:
        path = kb_root / item["doc"]
        if not path.exists() or missing_facts(item["facts"], plain_text(path)):
            broken.append(item["id"])
    return len(checked) - len(broken), len(checked), broken


def pct(part: tuple[int, int]) -> str:
    """`12/20 (60%)`."""
    return f"{part[0]}/{part[1]} ({100 * part[0] / max(part[1], 1):.0f}%)"


ROWS = [
    ("fact accuracy (contains every fact and cites the document)", "facts", "≥ 90% held-out"),
    ("absent topics refused", "absent_refused", "≥ 90% held-out"),
    ("covered questions wrongly refused (facts + follow-ups)", "covered_refused", "≤ 5%"),
    ("follow-ups right", "followups", "≥ 90%"),
    ("right document cited (facts + follow-ups)", "cited", "(the old metric)"),
]


def report(results: dict[tuple[str, str], Figures], columns: list[tuple[str, str]]) -> str:
    """One table: a row per figure, a column per (code version, set)."""
    headers = ["figure", *[f"{version}, {name}" for version, name in columns], "target"]
    rows = [[label, *[pct(getattr(results[c], attr)) for c in columns], target] for label, attr, target in ROWS]
    rows.append(["answer time p50 / p95 (ms), model loaded",
                 *[f"{results[c].p50_ms:.0f} / {results[c].p95_ms:.0f}" for c in columns], "p95 no regression"])
    return table(headers, rows)


def print_misses(outcomes: list[Outcome], items: list[dict]) -> None:
    """A tuning or development set's misses, one per line (never called for the held-out set)."""
    questions = {item["id"]: item["question"] for item in items}
    for o in outcomes:
        if not o.correct:
            why = "refused" if o.refused and o.kind != "absent" else ("answered" if o.kind == "absent" else
                  f"missing {o.missing}" + ("" if o.cited_doc else ", wrong document"))
            print(f"  {o.id} ({why}): {questions[o.id]}\n      {' '.join(o.answer.split())[:300]}")


def main() -> None:
    """Measure the sets (and the baseline or the Gemini plumbing when asked) and print the report."""
    parser = arguments(__doc__.splitlines()[0])
    parser.add_argument("--baseline", metavar="REF", help="also measure the code at this git ref, in the same run")
    parser.add_argument("--misses", action="store_true",
                        help="list the tuning and dev sets' misses (never the held-out's)")
    parser.add_argument("--sets", default=",".join(SETS),
                        help=f"comma-separated sets to run, of {', '.join(SETS)} (default: all)")
    parser.add_argument("--gemini", action="store_true", help="also run both sets against the fake Gemini API")
    args = parser.parse_args()
    results: dict[tuple[str, str], Figures] = {}
    columns: list[tuple[str, str]] = []
    validity = []
    chosen = [name.strip() for name in args.sets.split(",") if name.strip()]
    unknown = [name for name in chosen if name not in SETS]
    if unknown:
        parser.error(f"unknown set {', '.join(unknown)}; choose from {', '.join(SETS)}")
    for name in chosen:
        kb_root, items_path = SETS[name]
        limit = 12 if args.quick else None
        items = load_items(items_path)[:limit]
        valid, total, broken = check_set(kb_root, items)
        validity.append(f"{name}: {valid}/{total} items have every fact in their document" +
                        (f" (not: {', '.join(broken)})" if broken else ""))
        if args.baseline:
            results[("before", name)] = figures(baseline_outcomes(args.baseline, kb_root, items_path, limit))
            columns.append(("before", name))
        outcomes = run(kb_root, items)
        results[("now", name)] = figures(outcomes)
        columns.append(("now", name))
        if args.misses and name != HELD_OUT:
            print(f"{name} misses:")
            print_misses(outcomes, items)
        if args.gemini:
            results[("Gemini fake", name)] = figures(gemini_outcomes(kb_root, items))
            columns.append(("Gemini fake", name))
    body = "## Offline answers by facts (`python -m bench.answers`)\n\n" + stamp() + "\n\n"
    body += table(["set", "knowledge base", "facts", "absent", "follow-ups"], set_sizes(chosen)) + "\n\n"
    body += report(results, columns) + "\n\nSet check: " + "; ".join(validity) + "."
    emit("answers", body, args.write)


def set_sizes(names: list[str]) -> list[list[object]]:
    """Rows describing the sets run."""
    rows = []
    for name in names:
        kb_root, items_path = SETS[name]
        items = load_items(items_path)
        count = {kind: sum(i["kind"] == kind for i in items) for kind in ("fact", "absent", "followup")}
        documents = sum(1 for p in kb_root.rglob("*") if p.is_file() and p.suffix in {".md", ".txt", ".html", ".pdf"})
        rows.append([name, f"{kb_root.relative_to(REPO)} ({documents} documents)", *count.values()])
    return rows


if __name__ == "__main__":
    main()
