"""The router on the labelled sets, offline with the real MiniLM: every tuning message as a table test, the
held-out file in aggregate only (it is never tuned on, so no per-message expectations are written here)."""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest

from bot.routing.router import Kind, Router, Thread
from bot.routing.semantic import load_exemplars
from tests.conftest import REPO

EVAL = REPO / "examples" / "eval"
BOT = "U0CURATOR"


def rows(name: str) -> list[dict]:
    return [json.loads(line) for line in (EVAL / name).read_text().splitlines() if line.strip()]


@pytest.fixture(scope="module")
def router(local_embedder):
    return Router(local_embedder)


def route(router: Router, row: dict):
    thread = Thread(row["thread"]) if row["thread"] else None
    return router.route(row["text"], files=row["files"], thread=thread, bot_user_id=BOT)


@pytest.mark.parametrize("row", rows("routing.jsonl"), ids=lambda row: row["id"])
def test_each_labelled_message_goes_where_its_label_says(router, row):
    assert route(router, row).kind is Kind(row["kind"]), row["text"]


def test_the_held_out_messages_meet_the_target_in_aggregate(router):
    held_out = rows("routing-holdout.jsonl")
    confusion = Counter((row["kind"], route(router, row).kind.value) for row in held_out)
    right = sum(n for (label, got), n in confusion.items() if label == got)
    assert right / len(held_out) >= 0.95, f"held-out accuracy {right}/{len(held_out)}"
    assert confusion[("ask", "draw")] == 0, "a question was sent to Draw"


def _plain(text: str) -> str:
    return " ".join(re.sub(r"<[^>]*>|[^\w\s]", " ", text.lower()).split())


def test_no_exemplar_is_copied_from_an_eval_file():
    evaluated = {_plain(row["text"]) for name in ("routing.jsonl", "routing-holdout.jsonl") for row in rows(name)}
    copied = [text for _, text in load_exemplars() if _plain(text) in evaluated]
    assert not copied
