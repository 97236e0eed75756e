"""Drawing in Slack, against the local Slack emulator (real Bolt, real slack_sdk uploads).

1. Bot overhead per drawing with a zero-latency generator, including the upload of a 1 MB PNG: from the
   user's message to the finished drawing (image in the thread, controls posted). Target: p95 under 300 ms.
2. 20 concurrent draws, a 5 s generator and a concurrency limit of 4: queue positions shown, all delivered.
"""

from __future__ import annotations

import os
import re
import struct
import tempfile
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench._report import arguments, emit, percentile, stamp, table
from bench.slack_bot import knowledge_base
from bot.config import Settings
from bot.console.emulator import SlackEmulator
from bot.services import Services, build_draw_service
from bot.state.sqlite import StateStore
from tests.fakes.generators import ScriptedGenerator
from tests.slack_harness import SIGNING_SECRET, ScriptedAnswerer, dispatch, make_app


def noisy_png(size_bytes: int = 1_000_000) -> bytes:
    """A valid PNG of about `size_bytes` (random pixels do not compress)."""
    width = 512
    height = size_bytes // (width * 3) + 1
    raw = b"".join(b"\x00" + os.urandom(width * 3) for _ in range(height))

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 1)) + chunk(b"IEND", b"")


def drawing_bot(slack: SlackEmulator, work: Path, generator: ScriptedGenerator, concurrency: int):
    """The app with a scripted generator and the given concurrency limit."""
    settings = Settings(
        _env_file=None, CURATOR_DATA_DIR=work / f"bot-{time.monotonic_ns()}", SLACK_BOT_TOKEN=slack.bot_token,
        SLACK_API_URL=slack.api_url, SLACK_SIGNING_SECRET=SIGNING_SECRET, IMAGE_CONCURRENCY=concurrency,
        IMAGE_QUOTA_PER_USER_PER_DAY=10_000,
    )
    kb = knowledge_base(settings, work, ScriptedAnswerer())
    services = Services(settings, kb, StateStore(settings.state_path), build_draw_service(settings, kb, generator))
    return make_app(settings, services)


def delivered(slack: SlackEmulator, event: dict) -> bool:
    """The thread shows the uploaded image and the drawing's controls."""
    thread = slack.messages("DALICE", thread_ts=event["event"]["ts"])
    return any(m.files for m in thread) and any(any(b["type"] == "actions" for b in m.blocks) for m in thread)


def overhead(slack: SlackEmulator, work: Path, count: int, png: bytes) -> list[float]:
    """Milliseconds from the message to the delivered drawing, one drawing at a time."""
    app = drawing_bot(slack, work, ScriptedGenerator(image_bytes=png), concurrency=4)
    dispatch(app, slack.user_message("warm-up"))
    timings = []
    for i in range(count):
        event = slack.user_message(f"draw a lighthouse number {i}")
        started = time.perf_counter()
        dispatch(app, event)
        slack.wait_for(lambda event=event: delivered(slack, event), timeout=30)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def queued(slack: SlackEmulator, work: Path, count: int, delay: float, limit: int) -> tuple[float, int, int]:
    """Wall time, drawings delivered, and the highest queue position shown, for `count` concurrent draws."""
    app = drawing_bot(slack, work, ScriptedGenerator(delay=delay), concurrency=limit)
    events = [slack.user_message(f"draw a boat number {i}") for i in range(count)]
    updates_before = len(slack.calls_to("chat.update"))
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=count) as pool:
        list(pool.map(lambda e: dispatch(app, e), events))
    slack.wait_for(lambda: all(delivered(slack, e) for e in events), timeout=delay * count / limit + 60)
    wall = time.perf_counter() - started
    positions = [int(m) for c in slack.calls_to("chat.update")[updates_before:]
                 for m in re.findall(r"number (\d+) in line", c.params.get("text", ""))]
    return wall, sum(delivered(slack, e) for e in events), max(positions, default=0)


def main() -> None:
    """Run both measurements and report them."""
    args = arguments(__doc__.splitlines()[0]).parse_args()
    png = noisy_png()
    with tempfile.TemporaryDirectory() as tmp, SlackEmulator() as slack:
        work = Path(tmp)
        costs = overhead(slack, work, 10 if args.quick else 50, png)
        count, delay = (8, 1.0) if args.quick else (20, 5.0)
        wall, done, deepest = queued(slack, work, count, delay, limit=4)
    rows = [
        [f"overhead per drawing, {len(png) / 1e6:.1f} MB PNG uploaded", f"p50 {percentile(costs, 50):.0f} ms, p95 {percentile(costs, 95):.0f} ms",
         "p95 < 300 ms", "met" if percentile(costs, 95) < 300 else "MISSED"],
        [f"{count} concurrent draws, {delay:.0f} s generator, limit 4",
         f"{done}/{count} delivered in {wall:.1f} s (ideal {delay * -(-count // 4):.0f} s); positions shown up to {deepest}",
         "all delivered, positions shown", "met" if done == count and deepest > 0 else "MISSED"],
    ]
    body = "## Drawing in Slack\n\n" + stamp() + "\n\n" + table(["measurement", "result", "target", "verdict"], rows)
    body += (
        "\n\nReal Bolt app and slack_sdk `files_upload_v2` (getUploadURLExternal, raw upload, completeUploadExternal) "
        "against the local Slack emulator (`python -m bench.draw`). Overhead covers routing, parameter parsing, quota, "
        "queue, progress updates, saving the image, the upload, the controls and indexing the drawing in the knowledge base."
    )
    emit("draw", body, args.write)


if __name__ == "__main__":
    main()
