"""Start-up: a cold `curator ask` by stage, and the console's first answer against its tenth, before and after.

Both sides run in one go, interleaved, on the same ingested sample knowledge base: "before" is the code of
`--baseline` (default: the merge this work started from) unpacked with `git archive` into a temp folder,
"after" is this checkout. Each measurement is a fresh `python` process whose working directory is that side's
code, so it imports its own `bot` package with the same virtualenv.

- cold ask: the real command (`python -m bot.cli.main ask`, wall time) and, in a second process, its stages:
  imports, opening the knowledge base, retrieval (query embedding incl. the model load, hybrid search),
  the answer.
- console: the console's services and the real app against the Slack emulator, warmed as each side's console
  does before its prompt, then ten questions from examples/eval one after another; per answer: dispatch to
  the status, to the first text, to the finished reply.

Targets (issue 15): cold ask at most half of before; first console answer at most 1.2x the tenth.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench._report import REPO, arguments, emit, stamp, table

BASELINE = "307d96a"
QUESTION = "How do I fix VPN error 809?"
STAGES_CODE = r"""
import json, sys, time
t0 = time.perf_counter()
from bot.config import Settings
from bot.services import build_knowledge_base
t1 = time.perf_counter()
kb = build_knowledge_base(Settings())
t2 = time.perf_counter()
passages = kb.ask.retrieve(sys.argv[1])
t3 = time.perf_counter()
kb.ask.answer_from(sys.argv[1], passages).finish()
t4 = time.perf_counter()
kb.close()
print(json.dumps({"imports": t1 - t0, "open": t2 - t1, "retrieve": t3 - t2, "answer": t4 - t3}))
"""


def unpack(commit: str, into: Path) -> Path:
    """The code of `commit` in a folder (no git worktree: nothing is registered in the repository)."""
    archive = subprocess.run(["git", "archive", commit, "bot", "handlers"], cwd=REPO, capture_output=True,
                             check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def run(code_dir: Path, args: list[str], env: dict) -> subprocess.CompletedProcess:
    """One fresh interpreter over `code_dir`'s code."""
    return subprocess.run([sys.executable, *args], cwd=code_dir, env=env, capture_output=True, text=True,
                          timeout=600, check=True)


def cli_module(code_dir: Path) -> str:
    """The `curator` command's module in `code_dir` (bot/cli.py before the layout of issue 13)."""
    return "bot.cli.main" if (code_dir / "bot" / "cli" / "main.py").exists() else "bot.cli"


def cold_ask(code_dir: Path, env: dict) -> dict:
    """Wall time of the real command, then the stages in a second cold process."""
    started = time.perf_counter()
    run(code_dir, ["-m", cli_module(code_dir), "ask", QUESTION], env)
    wall = time.perf_counter() - started
    stages = json.loads(run(code_dir, ["-c", STAGES_CODE, QUESTION], env).stdout.strip().splitlines()[-1])
    return {"command": wall, **stages}


def console(code_dir: Path, env: dict, questions: int) -> dict:
    """The console's ten answers in one process (bench/_console_driver.py, run over `code_dir`'s code)."""
    driver = Path(__file__).with_name("_console_driver.py")
    done = run(code_dir, [str(driver), str(questions)], {**env, "PYTHONPATH": str(code_dir)})
    return json.loads(done.stdout.strip().splitlines()[-1])


def ingest(env: dict) -> None:
    """The sample knowledge base, ingested once by this checkout (both sides read the same MiniLM space)."""
    run(REPO, ["-m", "bot.cli.main", "ingest", str(REPO / "examples" / "kb")], env)


def main() -> None:
    parser = arguments(__doc__.splitlines()[0])
    parser.add_argument("--baseline", default=BASELINE, help=f"the 'before' commit (default {BASELINE})")
    parser.add_argument("--runs", type=int, default=3, help="cold asks per side (default 3)")
    args = parser.parse_args()
    runs, questions = (1, 3) if args.quick else (args.runs, 10)
    with tempfile.TemporaryDirectory(prefix="curator-startup-") as tmp:
        work = Path(tmp)
        env = {**os.environ, "CURATOR_DATA_DIR": str(work / "data"), "COLUMNS": "200"}
        for name in ("GEMINI_API_KEY", "GOOGLE_GENAI_USE_VERTEXAI", "PYTHONPATH"):
            env.pop(name, None)
        ingest(env)
        (work / "before").mkdir()
        sides = {"before": unpack(args.baseline, work / "before"), "after": REPO}
        asks: dict[str, list[dict]] = {side: [] for side in sides}
        for _ in range(runs):  # interleaved, so machine noise hits both sides alike
            for side, code in sides.items():
                asks[side].append(cold_ask(code, env))
        chats = {side: console(code, env, questions) for side, code in sides.items()}
    emit("startup", report(asks, chats, args.baseline, runs, questions), args.write)


def report(asks: dict[str, list[dict]], chats: dict[str, dict], baseline: str, runs: int, questions: int) -> str:
    """The section for docs/benchmarks.md."""
    keys = ["command", "imports", "open", "retrieve", "answer"]
    median = {side: {k: statistics.median(r[k] for r in rows) for k in keys} for side, rows in asks.items()}
    rows = [[k, f"{median['before'][k]:.2f} s", f"{median['after'][k]:.2f} s",
             f"{median['after'][k] / median['before'][k]:.2f}" if median["before"][k] else "–"] for k in keys]
    ratio = median["after"]["command"] / median["before"]["command"]
    chat_rows = []
    for side, chat in chats.items():
        first, tenth = chat["answers"][0], chat["answers"][-1]
        chat_rows.append([side, f"{chat['warm_up']:.2f} s", *(f"{first[k]:.2f} / {tenth[k]:.2f} s"
                          for k in ("status", "first_text", "done")), f"{first['done'] / tenth['done']:.2f}",
                          f"{chat['warm_up'] + first['done']:.2f} s"])
    return "\n\n".join([
        "## Start-up: cold `curator ask` and the console's first answer (`python -m bench.startup`)",
        (f"Before = commit {baseline} (unpacked with `git archive`), after = this commit; same virtualenv, same "
         f"ingested examples/kb, offline providers, {runs} interleaved cold runs per side (medians). Target: a "
         f"cold ask at most half of before; the first console answer at most 1.2x the tenth."),
        table(["cold `curator ask` stage", "before", "after", "after / before"], rows),
        (f"**Cold ask: after / before = {ratio:.2f}.** Retrieval carried the old cost: sentence-transformers "
         "(torch, transformers, scikit-learn) was imported and loaded for one query vector; now MiniLM runs on "
         "ONNX Runtime (exported once into the model cache), and a text question builds no image encoder."),
        table(["console", "start-up to the prompt", "to status (1st / 10th)", "to first text (1st / 10th)",
               "to done (1st / 10th)", "1st / 10th done", "launch to 1st answer"], chat_rows),
        (f"{questions} questions from examples/eval/questions.jsonl, asked one after another in one console "
         "process; start-up is from the process start (imports, the knowledge base, and on the after side the warm-up "
         "of bot/warmup.py) to the first question; each answer's times are from the dispatch of its message. The "
         "questions differ, so later answers are not identical work: the ratio compares a cold first answer with "
         "a warm one."),
        stamp(),
    ])


if __name__ == "__main__":
    main()
