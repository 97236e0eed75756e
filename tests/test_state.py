"""The bot's state store: event de-dup, threads joined, feedback."""

from __future__ import annotations

import threading

from bot.state import StateStore


def test_an_event_is_claimed_once_even_under_concurrent_deliveries(tmp_path):
    store = StateStore(tmp_path / "state.sqlite3")
    results = []
    threads = [threading.Thread(target=lambda: results.append(store.claim_event("Ev1"))) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count(True) == 1 and results.count(False) == 15


def test_threads_and_feedback_survive_a_restart(tmp_path):
    store = StateStore(tmp_path / "state.sqlite3")
    store.join_thread("C1", "111.1")
    assert store.claim_event("Ev1")
    store.record_feedback("a1", "U1", "up", "C1", "111.2")
    store.record_feedback("a1", "U1", "down", "C1", "111.2")  # a second click replaces the first
    store.close()
    reopened = StateStore(tmp_path / "state.sqlite3")
    assert reopened.in_thread("C1", "111.1") and not reopened.in_thread("C1", "999.9")
    assert reopened.feedback("a1") == {"U1": "down"}
    assert not reopened.claim_event("Ev1"), "a retry after a restart is still a duplicate"
    assert reopened.claim_event("Ev2")
