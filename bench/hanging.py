"""Fast failures (issue 15): the real CLI commands against a loopback socket that accepts and never answers.

Each case is a fresh `python -m bot.cli.main ...` process with the default timeouts (no timeout setting in its
environment, no .env: it runs in an empty folder), whose Google, Slack (and, for doctor, Qdrant) endpoints
point at tests/fakes/hanging.py. Measured from this process: the wall time to the command's first non-empty
output line and to its exit, and when the hanging socket accepted its first connection (the command's
first attempt), so "after the first attempt" excludes the interpreter's start-up and imports.

Targets: `curator doctor` <= 30 s in all; ask, ingest and serve say so in one line within 10 s of the first
attempt, exit non-zero, and print no traceback.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench._report import REPO, arguments, emit, stamp, table
from tests.fakes.gemini_api import FakeGemini
from tests.fakes.hanging import HangingServer

DOCTOR_TARGET_S, MESSAGE_TARGET_S = 30.0, 10.0
OURS = ("CURATOR_", "GOOGLE_", "GEMINI_", "SLACK_", "QDRANT_", "DOCTOR_", "IMAGE_", "EMBEDDING_", "ANSWER_",
        "ROUTER_", "MULTIMODAL_", "VERTEX_", "FIND_")


@dataclass
class Run:
    """One command's outcome, times in seconds from its launch."""

    case: str
    code: int
    exit_s: float
    message_s: float | None
    first_attempt_s: float | None
    lines: list[str] = field(default_factory=list)

    @property
    def after_attempt_s(self) -> float | None:
        """From the first connection the hanging socket accepted to the first output line."""
        if self.message_s is None or self.first_attempt_s is None:
            return None
        return self.message_s - self.first_attempt_s


def clean_env(data_dir: Path, **settings: str) -> dict[str, str]:
    """The machine's environment without any Curator setting, plus `settings`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(OURS) and k != "PYTHONPATH"}
    return {**env, "PYTHONPATH": str(REPO), "CURATOR_DATA_DIR": str(data_dir), "COLUMNS": "200", **settings}


def launch(case: str, args: list[str], env: dict[str, str], cwd: Path, hang: HangingServer | None) -> Run:
    """Run `curator ARGS` to its end, time-stamping each output line as it arrives."""
    lines: list[tuple[float, str]] = []
    started = time.monotonic()
    process = subprocess.Popen([sys.executable, "-m", "bot.cli.main", *args], cwd=cwd, env=env, text=True,
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def read(stream) -> None:
        for line in stream:
            lines.append((time.monotonic() - started, line.rstrip("\n")))

    readers = [threading.Thread(target=read, args=(s,), daemon=True) for s in (process.stdout, process.stderr)]
    for reader in readers:
        reader.start()
    code = process.wait(timeout=600)
    exit_s = time.monotonic() - started
    for reader in readers:
        reader.join(timeout=5)
    lines.sort()
    printed = [(t, text) for t, text in lines if text.strip()]
    first_attempt = hang.accepted_at[0] - started if hang and hang.accepted_at else None
    return Run(case, code, exit_s, printed[0][0] if printed else None, first_attempt, [t for _, t in printed])


def gemini_knowledge_base(data_dir: Path, cwd: Path) -> None:
    """A small knowledge base in the Gemini space, built against the fake, so `ask` gets as far as Google."""
    with FakeGemini(record_traffic=False) as fake:
        env = clean_env(data_dir, GEMINI_API_KEY=fake.api_key, GOOGLE_GEMINI_BASE_URL=fake.base_url.rstrip("/"))
        subprocess.run([sys.executable, "-m", "bot.cli.main", "ingest", str(REPO / "examples" / "kb" / "it")], cwd=cwd,
                       env=env, capture_output=True, check=True, timeout=600)


def cases(work: Path, quick: bool) -> list[Run]:
    """Every command, each against its own hanging socket."""
    runs = []
    with HangingServer() as hang:
        env = clean_env(work / "doctor", GEMINI_API_KEY="bench-key", GOOGLE_GEMINI_BASE_URL=hang.url,
                        SLACK_BOT_TOKEN="xoxb-bench", SLACK_APP_TOKEN="xapp-bench", SLACK_API_URL=f"{hang.url}/api/",
                        QDRANT_URL=hang.url)
        runs.append(launch("doctor: Google, Slack and Qdrant hanging", ["doctor"], env, work, hang))
    gemini_knowledge_base(work / "ask", work)
    google = [("ask (Gemini hanging)", "ask", ["ask", "How do I fix VPN error 809?"]),
              ("ingest (Gemini hanging)", "ingest", ["ingest", str(REPO / "examples" / "kb" / "it")])]
    for case, data, args in google[:1] if quick else google:
        with HangingServer() as hang:
            env = clean_env(work / data, GEMINI_API_KEY="bench-key", GOOGLE_GEMINI_BASE_URL=hang.url)
            runs.append(launch(case, args, env, work, hang))
    slack = [("serve, Socket Mode (Slack hanging)", []), ("serve --http (Slack hanging)", ["--http"])]
    for case, extra in slack[:1] if quick else slack:
        with HangingServer() as hang:
            env = clean_env(work / "serve", SLACK_BOT_TOKEN="xoxb-bench", SLACK_APP_TOKEN="xapp-bench",
                            SLACK_SIGNING_SECRET="bench", SLACK_API_URL=f"{hang.url}/api/")
            runs.append(launch(case, ["serve", *extra], env, work, hang))
    env = clean_env(work / "serve", SLACK_BOT_TOKEN="xoxb-bench", SLACK_APP_TOKEN="xapp-bench",
                    SLACK_API_URL="http://127.0.0.1:9/api/")  # the discard port: nothing listens, refused
    runs.append(launch("serve (Slack unreachable: connection refused)", ["serve"], env, work, None))
    return runs


def verdict(run: Run) -> str:
    """Met or missed against the issue's targets, with the reason for a miss."""
    misses = []
    if run.code == 0:
        misses.append("exit 0")
    if any("Traceback" in line for line in run.lines):
        misses.append("traceback")
    if run.case.startswith("doctor"):
        if run.exit_s > DOCTOR_TARGET_S:
            misses.append(f"{run.exit_s:.1f} s > {DOCTOR_TARGET_S:.0f} s")
    else:
        after = run.after_attempt_s if run.after_attempt_s is not None else run.message_s
        if after is None or after > MESSAGE_TARGET_S:
            misses.append("no message within 10 s of the first attempt")
        if len(run.lines) != 1:
            misses.append(f"{len(run.lines)} lines")
    return "met" if not misses else "**missed** (" + ", ".join(misses) + ")"


def seconds(value: float | None) -> str:
    """A figure for the table."""
    return "–" if value is None else f"{value:.1f} s"


def report(runs: list[Run]) -> str:
    """The section for docs/benchmarks.md."""
    rows = [[r.case, seconds(r.first_attempt_s), seconds(r.message_s), seconds(r.after_attempt_s),
             seconds(r.exit_s), r.code, len(r.lines), verdict(r)] for r in runs]
    quoted = "\n".join(f"- {r.case}: `{r.lines[0][:220]}`" for r in runs[1:] if r.lines)
    return "\n\n".join([
        "## Fast failures on a hanging network (`python -m bench.hanging`)",
        ("Each command is the real CLI in a fresh process with the default timeouts, its endpoints pointed at a "
         "loopback socket that accepts every connection and never sends a byte (tests/fakes/hanging.py). "
         "Times are from the launch; *first attempt* is when the socket accepted the command's first "
         "connection (start-up and imports come before it). Targets (issue 15): doctor <= 30 s in all; every "
         "other command one line within 10 s of its first attempt, a non-zero exit, no traceback."),
        table(["command", "first attempt", "message", "message after first attempt", "exit", "exit code",
               "lines printed", "verdict"], rows),
        "The one line each command printed:\n\n" + quoted,
        stamp(),
    ])


def main() -> None:
    parser = arguments(__doc__.splitlines()[0])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="curator-hanging-") as tmp:
        runs = cases(Path(tmp), args.quick)
    emit("hanging", report(runs), args.write)


if __name__ == "__main__":
    main()
