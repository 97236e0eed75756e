"""Every state store keeps the same promises (SQLite and in memory): an event is claimed once, a button
switches once, and the drawing quota is never overdrawn, even by concurrent requests or two processes."""

from __future__ import annotations

import threading

import pytest

from bot.state.base import DiskImageFiles, RouteOffer
from bot.state.drawings import DrawingRecords
from bot.state.memory import MemoryDrawings, MemoryState
from bot.state.sqlite import StateStore
from bot.types import DrawRequest, GeneratedImage


@pytest.fixture(params=["sqlite", "memory"])
def state(request, tmp_path):
    store = StateStore(tmp_path / "state.sqlite3") if request.param == "sqlite" else MemoryState()
    yield store
    store.close()


@pytest.fixture(params=["sqlite", "memory"])
def drawings(request, tmp_path):
    files = DiskImageFiles(tmp_path / "images")
    ledger = DrawingRecords(tmp_path / "state.sqlite3", files) if request.param == "sqlite" else MemoryDrawings(files)
    yield ledger
    ledger.close()


def at_once(calls: int, call) -> list:
    """Run `call` from `calls` threads released together; their results."""
    results, start = [], threading.Barrier(calls)

    def run():
        start.wait()
        results.append(call())

    threads = [threading.Thread(target=run) for _ in range(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_a_retried_event_is_answered_once(state):
    assert at_once(16, lambda: state.claim_event("Ev1")).count(True) == 1
    assert state.claim_event("Ev2")


def test_a_switch_button_works_once_and_is_remembered_as_labelled_data(state):
    offer = RouteOffer("r1", "C1", "1.0", "1.0", "UALICE", "a mascot maybe?", "ask", "draw", 0.5)
    state.record_offer(offer)
    assert state.offer("r1") == offer and state.offer("nope") is None
    assert at_once(8, lambda: state.claim_switch(offer, "UALICE")).count(True) == 1
    assert state.switched("r1") and state.switches() == [("a mascot maybe?", "ask", "draw")]


def test_threads_answers_and_votes(state):
    assert not state.in_thread("C1", "1.0") and state.last_answer_at("C1", "1.0") is None
    state.join_thread("C1", "1.0")
    state.record_answer("a1", "C1", "1.0", "q", ["doc.md"])
    state.record_feedback("a1", "U1", "up", "C1", "1.1")
    state.record_feedback("a1", "U1", "down", "C1", "1.1")
    assert state.in_thread("C1", "1.0") and state.last_answer_at("C1", "1.0") is not None
    assert state.feedback("a1") == {"U1": "down"}


def test_concurrent_drawings_never_overdraw_the_daily_quota(drawings):
    reservations = at_once(12, lambda: drawings.reserve("UBOB", 1, quota=5))
    assert sum(r is not None for r in reservations) == 5 and drawings.used_today("UBOB") == 5
    drawings.cancel(next(r for r in reservations if r))
    assert drawings.used_today("UBOB") == 4, "a failed or stopped drawing gives its quota back"
    assert drawings.reserve("UCAROL", 2, quota=5) is not None, "quotas are per user"


def test_two_processes_sharing_the_ledger_share_one_quota(tmp_path):
    files = DiskImageFiles(tmp_path / "images")
    first, second = (DrawingRecords(tmp_path / "state.sqlite3", files) for _ in range(2))
    results = at_once(10, lambda: first.reserve("UBOB", 1, 4)) + at_once(10, lambda: second.reserve("UBOB", 1, 4))
    assert sum(r is not None for r in results) == 4
    first.close()
    second.close()


def test_a_drawing_is_kept_with_its_images_and_its_cost(drawings):
    request = DrawRequest("a heron", aspect_ratio="16:9")
    reservation = drawings.reserve("UBOB", 1, quota=5)
    drawing = drawings.save("C1", "1.0", "UBOB", request, "imagen-4", [GeneratedImage(b"png-bytes")])
    drawings.settle(reservation, "imagen-4", 1, 1290, 0.04)
    assert drawing.first_image().data == b"png-bytes"
    assert drawings.get(drawing.drawing_id) == drawing == drawings.last_in_thread("C1", "1.0")
    assert drawings.with_image(str(drawing.paths[0])) == drawing and drawings.all() == [drawing]
    assert drawings.last_in_thread("C1", "2.0") is None
    (row,) = drawings.usage(days=1)
    assert (row.user, row.model, row.images, row.tokens, row.cost_usd) == ("UBOB", "imagen-4", 1, 1290, 0.04)
