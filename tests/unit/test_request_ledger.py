"""The request lifecycle: received -> claimed (owner + lease) -> done, in SQLite and in memory alike."""

from __future__ import annotations

import threading

import pytest

from bot.state.lifecycle import Lifecycle
from bot.state.requests import Claim, MemoryRequests, Origin
from bot.state.requests_sqlite import SqliteRequests

ORIGIN = Origin("C1", "100.1", "100.2", "UALICE", "T1", "How do I fix VPN error 809?",
                files=({"id": "F1", "name": "screen.png"},), command=None)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=["sqlite", "memory"])
def ledger_factory(request, tmp_path):
    clock = Clock()

    def make():
        return SqliteRequests(tmp_path / "state.db", clock) if request.param == "sqlite" else shared

    shared = MemoryRequests(clock)
    return make, clock


def test_a_duplicate_is_dropped_while_leased_and_after_done_but_taken_over_once_the_lease_ran_out(ledger_factory):
    make, clock = ledger_factory
    ledger = make()
    assert ledger.claim("Ev1", "alpha", 30) is Claim.NEW
    assert ledger.claim("Ev1", "beta", 30) is Claim.HELD  # alpha is on it
    clock.now += 31  # alpha died
    assert ledger.claim("Ev1", "beta", 30) is Claim.TAKEN_OVER
    assert ledger.claim("Ev1", "gamma", 30) is Claim.HELD
    ledger.finish("Ev1")
    clock.now += 100
    assert ledger.claim("Ev1", "gamma", 30) is Claim.DONE


def test_a_begun_request_whose_owner_died_is_found_once_with_where_to_reply(ledger_factory):
    make, clock = ledger_factory
    first, second = make(), make()  # two processes sharing the store
    first.claim("Ev1", "alpha", 30)
    first.begin("Ev1", "alpha", 30, ORIGIN)
    first.claim("Ev2", "alpha", 30)  # skipped chatter: never begun, never reported
    clock.now += 20
    assert second.interrupted("beta", 30) == []  # alpha's lease still runs
    clock.now += 11
    taken = second.interrupted("beta", 30) + first.interrupted("gamma", 30)
    assert taken == [("Ev1", ORIGIN)]
    assert second.origin("Ev1") == ORIGIN


def test_renewing_keeps_a_live_owners_requests_from_being_reported(ledger_factory):
    make, clock = ledger_factory
    ledger = make()
    ledger.begin("R1", "alpha", 30, ORIGIN)
    for _ in range(5):
        clock.now += 20
        assert ledger.renew("alpha", 30) == 1
    assert ledger.interrupted("beta", 30) == []
    ledger.finish("R1")
    assert ledger.renew("alpha", 30) == 0
    clock.now += 100
    assert ledger.interrupted("beta", 30) == []  # finished requests are never reported


def test_sixteen_replicas_claiming_one_delivery_serve_it_once(tmp_path):
    ledgers = [SqliteRequests(tmp_path / "state.db") for _ in range(16)]
    results: list[Claim] = []
    threads = [threading.Thread(target=lambda lg=lg: results.append(lg.claim("Ev1", str(id(lg)), 30))) for lg in ledgers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results).count(Claim.NEW) == 1 and results.count(Claim.HELD) == 15


def test_drain_waits_for_running_requests_and_tells_the_users_of_the_rest(tmp_path):
    lifecycle = Lifecycle(MemoryRequests(), lease_s=30)
    lifecycle.begin("quick", ORIGIN)
    lifecycle.begin("hung", ORIGIN)
    told: list[str] = []
    threading.Timer(0.2, lifecycle.finish, args=("quick",)).start()
    assert lifecycle.drain(1.0, lambda request_id, origin: told.append(request_id)) == 1
    assert told == ["hung"] and lifecycle.running() == 0
    assert lifecycle.ledger.claim("hung", "next-process", 30) is Claim.DONE  # no second notice after a restart


def test_a_notice_that_cannot_be_posted_is_tried_again_after_a_lease(tmp_path):
    clock = Clock()
    ledger = SqliteRequests(tmp_path / "state.db", clock)
    ledger.begin("Ev1", "dead", 30, ORIGIN)
    clock.now += 31
    watcher = Lifecycle(ledger, lease_s=30)
    attempts: list[str] = []

    def failing(request_id: str, origin: Origin) -> None:
        attempts.append(request_id)
        raise ConnectionError("slack unreachable")

    [(request_id, origin)] = ledger.interrupted(f"{watcher.owner}:telling", 30)
    watcher._tell(failing, request_id, origin)
    assert ledger.renew(watcher.owner, 30) == 0  # not renewed: its lease runs out again
    clock.now += 31
    assert ledger.interrupted("another", 30) == [("Ev1", ORIGIN)]
