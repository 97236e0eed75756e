"""The Slack bot under load, against the local Slack emulator (real Bolt, real slack_sdk, real HTTP server).

1. Ack latency: 100 concurrent signed events POSTed to the HTTP transport (uvicorn + Starlette + Bolt).
   Target: p99 under 100 ms.
2. Concurrency: 100 questions at once with an answerer that takes 2 s each. Curator's executor vs Bolt's
   default of 5 workers, in the same run, with Slack's rate tiers off on both sides (the executor alone;
   ``bench.slack_tiers`` measures answers within the tiers). Target: all answered, wall time under 3 s.
3. Bot overhead per answer, model time excluded (instant answerer, hashing embedder): from dispatch to the
   finished streamed answer, one question at a time, tiers off. Target: p95 under 100 ms.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from qdrant_client import QdrantClient

from bench._corpus import SAMPLE_KB
from bench._report import arguments, emit, percentile, stamp, table
from bot.config import Settings
from bot.console.emulator import SlackEmulator
from bot.find.encoders.factory import OFFLINE_TUNING
from bot.find.encoders.offline_encoder import OfflineImageEncoder
from bot.find.index import ImageIndex
from bot.kb.ask import AskService
from bot.kb.ingest import Ingestor
from bot.kb.manifest import Manifest
from bot.kb.stores.qdrant import ChunkStore
from bot.providers.factory import Providers
from bot.services import KnowledgeBase, Services, build_draw_service
from bot.slack.outbox import Outbox
from bot.state.sqlite import StateStore
from tests.fakes.embedders import HashingEmbedder
from tests.slack_harness import SIGNING_SECRET, ScriptedAnswerer, dispatch, make_app


def knowledge_base(settings: Settings, work: Path, answerer) -> KnowledgeBase:
    """The sample KB in memory with a hashing embedder: retrieval without model time."""
    embedder = HashingEmbedder(384)
    store = ChunkStore(QdrantClient(":memory:"), "bench", embedder.model_id, embedder.dimension)
    manifest = Manifest(work / "manifest.sqlite3")
    Ingestor(store, embedder, manifest, 50_000_000).run([SAMPLE_KB])
    providers = Providers(embedder, answerer, local=True)
    images = ImageIndex(store, OfflineImageEncoder(embedder))  # no image is sent: the CNN never loads
    kb = KnowledgeBase(settings, providers, store, manifest, AskService(store, embedder, answerer))
    kb.__dict__["_image_side"] = (images, OFFLINE_TUNING)  # the cached image side, without a model to load
    return kb


def bot_for(api_url: str, token: str, work: Path, answerer, workers: int = 128, paced: bool = True):
    """An app talking to the Slack Web API at `api_url`, over a fresh state store (`paced`: within Slack's
    rate tiers, as in production; else the pacer lets every call go at once)."""
    settings = Settings(
        _env_file=None, CURATOR_DATA_DIR=work / f"bot-{time.monotonic_ns()}", SLACK_BOT_TOKEN=token,
        SLACK_API_URL=api_url, SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_WORKERS=workers,
    )
    kb = knowledge_base(settings, work, answerer)
    outbox = Outbox(settings) if paced else Outbox(settings, rates=None)
    services = Services(settings, kb, StateStore(settings.state_path), build_draw_service(settings, kb, None),
                        outbox=outbox)
    return make_app(settings, services)


def bot(slack: SlackEmulator, work: Path, answerer, workers: int = 128, paced: bool = True):
    """An in-process app for the emulator."""
    return bot_for(slack.api_url, slack.bot_token, work, answerer, workers, paced)


def answered(slack: SlackEmulator, events: list[dict]) -> int:
    """How many of the events' threads hold a finished bot answer."""
    done = 0
    for event in events:
        replies = [m for m in slack.messages("DALICE", thread_ts=event["event"]["ts"]) if m.bot_id]
        done += bool(replies) and not replies[0].streaming
    return done


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ack_latency(slack: SlackEmulator, work: Path, count: int) -> tuple[list[float], list[float]]:
    """Per-request latency of `count` concurrent signed events to the HTTP transport, in ms, and the floor:
    the same client sending `count` concurrent GET /healthz to the same server.

    As in production, the bot runs in its own process; so does the load generator, so that its clock is
    not slowed by the emulator (which plays Slack's Web API in this process).
    """
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "bench._bot_server", slack.api_url, str(port), str(work), "0.5"])
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not _healthy(port):
            time.sleep(0.2)
        events = [slack.user_message(f"question {i} about VPN error 809") for i in range(count + 1)]
        events_file = work / "events.json"
        events_file.write_text(json.dumps(events))
        floor, acks = (
            json.loads(subprocess.run(
                [sys.executable, "-m", "bench._load_client", f"http://127.0.0.1:{port}{path}", str(events_file)],
                capture_output=True, text=True, timeout=120, check=True,
            ).stdout)
            for path in ("/healthz", "/slack/events")
        )
        slack.wait_for(lambda: answered(slack, events) == count + 1, timeout=60)
    finally:
        server.terminate()
        server.wait(timeout=20)
    return acks, floor


def _healthy(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200
    except httpx.TransportError:
        return False


def concurrent_wall_time(slack: SlackEmulator, work: Path, count: int, workers: int) -> tuple[float, int]:
    """Seconds until `count` simultaneous 2-second answers are all posted, and how many were; Slack's rate
    tiers are off on both sides (`bench.slack_tiers` measures them), so this is the executor alone."""
    app = bot(slack, work, ScriptedAnswerer(delay=2.0), workers=workers, paced=False)
    dispatch(app, slack.user_message("warm-up"))  # auth.test and first-request costs outside the timing
    events = [slack.user_message(f"question {i} about the per diem") for i in range(count)]
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(lambda e: dispatch(app, e), events))
    slack.wait_for(lambda: answered(slack, events) == count, timeout=count * 2.5 / workers + 30)
    return time.perf_counter() - started, answered(slack, events)


def overhead(slack: SlackEmulator, work: Path, count: int) -> list[float]:
    """Milliseconds from dispatch to the finished answer, with an instant answerer, one at a time (tiers off:
    100 answers in one DM would wait for chat.postMessage's one message per second per channel)."""
    app = bot(slack, work, ScriptedAnswerer(["Use the NW-SSL profile [1]."]), paced=False)
    dispatch(app, slack.user_message("warm-up"))
    timings = []
    for i in range(count):
        event = slack.user_message(f"How do I fix VPN error 809? ({i})")
        started = time.perf_counter()
        dispatch(app, event)
        slack.wait_for(lambda event=event: answered(slack, [event]) == 1, timeout=10)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def main() -> None:
    """Run the three measurements and report them."""
    args = arguments(__doc__.splitlines()[0]).parse_args()
    count = 20 if args.quick else 100
    with tempfile.TemporaryDirectory() as tmp, SlackEmulator() as slack, SlackEmulator(rates=None) as untiered:
        work = Path(tmp)
        acks, floor = ack_latency(slack, work, count)
        curator_wall, curator_done = concurrent_wall_time(untiered, work, count, workers=128)
        bolt_wall, bolt_done = concurrent_wall_time(untiered, work, 20 if args.quick else count, workers=5)
        costs = overhead(untiered, work, 20 if args.quick else 100)
    rows = [
        [f"ack latency, {count} concurrent signed events (HTTP)", f"p50 {percentile(acks, 50):.1f} ms, p99 {percentile(acks, 99):.1f} ms",
         "p99 < 100 ms", "met" if percentile(acks, 99) < 100 else "MISSED"],
        [f"floor: {count} concurrent GET /healthz, same client and server", f"p50 {percentile(floor, 50):.1f} ms, p99 {percentile(floor, 99):.1f} ms",
         "(reference)", f"events/floor p99 {percentile(acks, 99) / percentile(floor, 99):.1f}x"],
        [f"{count} concurrent 2 s answers, Curator executor (128), rate tiers off", f"{curator_wall:.2f} s, {curator_done}/{count} answered",
         "< 3 s, all answered", "met" if curator_wall < 3 and curator_done == count else "MISSED"],
        ["same, Bolt's default executor (5)", f"{bolt_wall:.2f} s, {bolt_done} answered", "(reference)",
         f"{bolt_wall / curator_wall:.0f}x slower"],
        ["bot overhead per answer (model time excluded)", f"p50 {percentile(costs, 50):.1f} ms, p95 {percentile(costs, 95):.1f} ms",
         "p95 < 100 ms", "met" if percentile(costs, 95) < 100 else "MISSED"],
    ]
    body = "## Slack bot under load\n\n" + stamp() + "\n\n" + table(["measurement", "result", "target", "verdict"], rows)
    body += (
        "\n\nReal Bolt app, real slack_sdk and uvicorn, talking to the local Slack emulator over loopback "
        "(`python -m bench.slack_bot`). Overhead includes routing, hybrid retrieval (hashing embedder), "
        "status, streaming calls and state writes; the emulator's own HTTP handling is inside every number."
    )
    emit("slack_bot", body, args.write)


if __name__ == "__main__":
    main()
