"""Many questions at once against Slack's rate tiers: the real app and the tier-enforcing Slack emulator.

30 and 100 people ask at once in one workspace, each in their own DM. The emulator enforces Slack's
published tiers per method and workspace (``bot.slack.limits``; 429 + Retry-After past them) on a clock
running ``--speed`` times faster than real time; the bot's pacer reads the same clock. Every answer is
written by a scripted model (first words after 1.5 s, then 16 pieces 0.4 s apart: ~7.5 s and ~1,100
characters, like a streamed Gemini answer). All times are Slack seconds (the emulator's clock).

Measured per run: answers complete (all pieces, citations and buttons, not left streaming), messages
that mention a rate limit or a warning (user-visible 429s), 429s Slack answered (absorbed by the pacer),
the longest a listener worker stayed on a request after its model had finished (a worker sleeping on a
429 would show the Retry-After here), first visible text per answer (p50/p95), and drain time (first
question to last finished answer) against the floor the tiers impose:

  every answer, once written, needs at least one finishing call: chat.postMessage (special tier:
  300/min per workspace, burst 30), chat.stopStream (Tier 2: 20/min, burst 4) or chat.update (Tier 3:
  50/min, burst 10). So N answers written by time W cannot all be finished before
  W + 60 x max(0, N - 44) / 370 s, and none before its model is done.

Target: every answer completes, zero user-visible 429s, no worker blocked in a sleep, drain <= 1.5x floor.
"""

from __future__ import annotations

import re
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from bench._report import arguments, emit, percentile, stamp, table
from bench.slack_bot import knowledge_base
from bot.config import Settings
from bot.console.emulator import SlackEmulator
from bot.services import Services, build_draw_service
from bot.slack.clock import Clock, ScaledClock
from bot.slack.limits import POST_PER_WORKSPACE, TIER_2, TIER_3
from bot.slack.outbox import Outbox
from bot.state.sqlite import StateStore
from bot.types import Passage, Turn
from tests.slack_harness import SIGNING_SECRET, bot_replies, dispatch, make_app

PIECES = [f"Step {i}: open the VPN client, choose the NW-SSL profile and sign in again [1]. " for i in range(17)]
FIRST_WORDS_S, PIECE_S = 1.5, 0.4
FINISHERS = (POST_PER_WORKSPACE, TIER_2, TIER_3)  # chat.postMessage, chat.stopStream, chat.update
FINISHING_METHODS = ("chat.postMessage", "chat.stopStream", "chat.update")


class PacedAnswerer:
    """A model that writes at a fixed pace on the emulator's clock and notes when each answer was written."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.written: dict[int, float] = {}  # question number -> when its answer was written
        self._lock = threading.Lock()

    def stream_answer(self, question: str, passages: Sequence[Passage], history: Sequence[Turn] = ()) -> Iterator[str]:
        time.sleep(self.clock.real(FIRST_WORDS_S))
        for index, piece in enumerate(PIECES):
            if index:
                time.sleep(self.clock.real(PIECE_S))
            yield piece
        number = re.search(r"\((\d+)\)", question)
        with self._lock:
            self.written[int(number.group(1)) if number else -1] = self.clock.now()


def tier_floor(count: int, written_first: float, written_last: float) -> float:
    """The earliest the tiers let `count` answers written from `written_first` on all be finished."""
    bursts = sum(rate.burst for rate in FINISHERS)
    per_minute = sum(rate.per_minute for rate in FINISHERS)
    return max(written_last, written_first + 60 * max(0, count - bursts) / per_minute)


def run(count: int, speed: float, work: Path) -> dict:
    """`count` questions at once; what the users saw and what it cost."""
    with SlackEmulator(clock=ScaledClock(speed)) as slack:
        clock = slack.clock
        settings = Settings(_env_file=None, CURATOR_DATA_DIR=work / f"bot-{count}", SLACK_BOT_TOKEN=slack.bot_token,
                            SLACK_API_URL=slack.api_url, SLACK_SIGNING_SECRET=SIGNING_SECRET)
        answerer = PacedAnswerer(clock)
        kb = knowledge_base(settings, work / f"kb-{count}", answerer)
        state = StateStore(settings.state_path)
        ended: dict[str, float] = {}
        join = state.join_thread

        def worker_done(channel: str, thread_ts: str) -> None:  # the last thing a listener worker does
            join(channel, thread_ts)
            ended[channel] = clock.now()

        state.join_thread = worker_done
        services = Services(settings, kb, state, build_draw_service(settings, kb, None), outbox=Outbox(settings, clock))
        app = make_app(settings, services)
        events = [slack.user_message(f"How do I fix VPN error 809? ({i})", user=f"UASK{i:03d}") for i in range(count)]
        started = clock.now()
        for event in events:
            dispatch(app, event)
        deadline = time.monotonic() + clock.real(600)
        while _finished(slack, events) < count and time.monotonic() < deadline:
            time.sleep(0.25)  # the bench's own look, kept rare: the bot and the emulator share these cores
        calls = slack.calls
        services.close()
        return _measure(slack, events, calls, answerer, ended, started)


def _finished(slack: SlackEmulator, events: list[dict]) -> int:
    return sum(_complete(bot_replies(slack, e["event"]["channel"], e["event"]["ts"])) for e in events)


def _complete(replies: list) -> bool:
    if not replies or any(m.streaming or m.text.endswith(" …") for m in replies):
        return False
    text = " ".join(m.text for m in replies)
    return all(f"Step {i}:" in text for i in range(len(PIECES))) and any(
        b.get("type") == "context_actions" for m in replies for b in m.blocks)


def _measure(slack: SlackEmulator, events: list[dict], calls: list, answerer: PacedAnswerer,
             ended: dict[str, float], started: float) -> dict:
    first_text, finished = {}, {}
    for call in calls:
        if call.status == 200 and call.response.get("ok"):
            channel = str(call.params.get("channel") or "")
            if call.method in ("chat.postMessage", "chat.startStream"):
                first_text.setdefault(channel, call.at - started)
            if call.method in FINISHING_METHODS:
                finished[channel] = call.at - started
    channels = [e["event"]["channel"] for e in events]
    texts = " ".join(m.text for e in events for m in bot_replies(slack, e["event"]["channel"], e["event"]["ts"]))
    written = [answerer.written[i] - started for i in range(len(events)) if i in answerer.written]
    return {
        "count": len(events),
        "complete": _finished(slack, events),
        "visible_429": sum(texts.lower().count(word) for word in ("rate limit", "ratelimit", ":warning:")),
        "absorbed_429": sum(1 for c in calls if c.status == 429),
        "worker_after_model": max((ended[c] - answerer.written[i] for i, c in enumerate(channels)
                                   if c in ended and i in answerer.written), default=float("nan")),
        "first_text": [first_text.get(c, float("inf")) for c in channels],
        "drain": max(finished.values(), default=float("inf")),
        "floor": tier_floor(len(events), min(written), max(written)) if written else float("nan"),
        "calls": {m: sum(1 for c in calls if c.method == m and c.status == 200) for m in
                  ("chat.startStream", "chat.appendStream", "chat.stopStream", "chat.postMessage", "chat.update")},
    }


def _row(result: dict) -> list[str]:
    ratio = result["drain"] / result["floor"]
    met = (result["complete"] == result["count"] and not result["visible_429"]
           and result["worker_after_model"] < 1.0 and ratio <= 1.5)
    calls = ", ".join(f"{m.split('.')[1]} {n}" for m, n in result["calls"].items())
    return [f"{result['count']} questions at once", f"{result['complete']}/{result['count']}",
            str(result["visible_429"]), str(result["absorbed_429"]), f"{result['worker_after_model']:.2f} s",
            f"{percentile(result['first_text'], 50):.1f} s / {percentile(result['first_text'], 95):.1f} s",
            f"{result['drain']:.1f} s", f"{result['floor']:.1f} s", f"{ratio:.2f}x", calls,
            "met" if met else "MISSED"]


def main() -> None:
    """Run 30 and 100 questions at once (10 with --quick) and report them."""
    parser = arguments(__doc__.splitlines()[0])
    parser.add_argument("--speed", type=float, default=5.0, help="how much faster than real time the clock runs")
    args = parser.parse_args()
    counts = (10,) if args.quick else (30, 100)
    with tempfile.TemporaryDirectory() as tmp:
        results = [run(count, args.speed, Path(tmp)) for count in counts]
    headers = ["run", "complete", "user-visible 429s", "429s absorbed", "worker on a request after its model",
               "first text p50 / p95", "drain", "tier floor", "drain / floor", "calls (ok)", "verdict"]
    body = "## Slack rate tiers: many questions at once (`python -m bench.slack_tiers`)\n\n" + stamp()
    body += f" Clock {args.speed:g}x real time; all times are Slack seconds.\n\n"
    body += table(headers, [_row(r) for r in results])
    body += "\n\n" + FLOOR_NOTE
    emit("slack_tiers", body, args.write)


FLOOR_NOTE = (
    "Real Bolt app and slack_sdk against the emulator enforcing Slack's published tiers per method and "
    "workspace (`bot/slack/limits.py`, sources beside each number; bursts are this project's reading, Slack "
    "publishes none). Each question comes from its own DM; the scripted model writes each answer in ~7.5 s "
    "(first words after 1.5 s), ~1,100 characters. Tier floor: every written answer needs one finishing call "
    "out of chat.postMessage (300/min per workspace, burst 30), chat.stopStream (Tier 2, 20/min, burst 4) or "
    "chat.update (Tier 3, 50/min, burst 10): N answers written from time W on cannot all be finished before "
    "W + 60 x (N - 44) / 370 s, nor before the last is written. The pacer keeps one call of each burst and 5% "
    "of each rate in hand; only chat.startStream's Tier 2 (20/min, burst 4) limits how many answers stream "
    "word by word, the others show their first words as a post that is finished with one chat.update (at most "
    "chat.update's burst at a time), or appear whole when written. \"Worker on a request after its model\" is "
    "the longest a listener worker stayed on a request after the model had written its answer: a worker that "
    "slept on a 429's Retry-After would show it here."
)


if __name__ == "__main__":
    main()
