"""The bot's state store: event de-dup, threads joined, feedback."""

from __future__ import annotations

import threading

from bot.state.sqlite import StateStore


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


def test_a_routing_offer_switches_once_and_each_press_is_labelled_data(tmp_path):
    from bot.state.sqlite import RouteOffer

    state = StateStore(tmp_path / "state.sqlite3")
    offer = RouteOffer("r1", "C1", "1.0", "1.0", "UALICE", "a mascot maybe?", "ask", "draw", 0.5)
    state.record_offer(offer)
    assert state.offer("r1") == offer and state.offer("nope") is None
    assert not state.switched("r1")

    assert state.claim_switch(offer, "UALICE") is True
    assert state.claim_switch(offer, "UALICE") is False, "a second press does not switch again"
    assert state.switched("r1")
    assert state.switches() == [("a mascot maybe?", "ask", "draw")]
    state.close()


def test_the_last_answer_of_a_thread_is_known(tmp_path):
    state = StateStore(tmp_path / "state.sqlite3")
    assert state.last_answer_at("C1", "1.0") is None
    state.record_answer("a1", "C1", "1.0", "q", [])
    assert state.last_answer_at("C1", "1.0") is not None and state.last_answer_at("C1", "2.0") is None
    state.close()
