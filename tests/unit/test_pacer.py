"""The pacer on its own: which call goes first, what a 429 does, that callers never wait on Slack."""

from __future__ import annotations

import threading
import time

from slack_sdk.errors import SlackApiError
from slack_sdk.web.slack_response import SlackResponse

from bot.slack.clock import ScaledClock
from bot.slack.limits import Rate
from bot.slack.pacer import FINISH, FIRST_TEXT, PROGRESS, Call, Job, Pacer


def rate_limited(retry_after: str) -> SlackApiError:
    response = SlackResponse(client=None, http_verb="POST", api_url="chat.update", req_args={},
                             data={"ok": False, "error": "ratelimited"}, headers={"Retry-After": retry_after},
                             status_code=429)
    return SlackApiError("ratelimited", response)


class OneCall(Job):
    """A job wanting one call; `answers` is what Slack does with each attempt (an exception or a value)."""

    def __init__(self, name: str, priority: int, log: list, answers: list | None = None, team: str = "T1",
                 method: str = "chat.update") -> None:
        super().__init__(team=team)
        self.name, self.priority, self.log, self.method = name, priority, log, method
        self.answers = answers or ["ok"]
        self.attempts = 0

    def next_call(self, now: float, pace: Pacer) -> Call | None:
        return Call(self.method, "C1", self.priority, self._send, done=self._done, age=0)

    def _send(self):
        self.attempts += 1
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        self.log.append((self.name, time.monotonic()))
        return answer

    def _done(self, _):
        self.finished = self.created = True


def run(pacer: Pacer, jobs: list[Job], timeout: float = 5.0) -> None:
    with pacer.lock:  # all submitted before the scheduler looks, so that it has to choose
        for job in jobs:
            pacer.submit(job)
    deadline = time.monotonic() + timeout
    while not all(job.finished for job in jobs):
        assert time.monotonic() < deadline, [(type(j).__name__, j.finished) for j in jobs]
        time.sleep(0.01)
    pacer.close()


def test_a_first_visible_text_goes_before_finishing_others_and_progress_comes_last():
    log: list = []
    pacer = Pacer(clock=ScaledClock(60), rates={"chat.update": (Rate(60, 1),)})  # one call per clock second
    jobs = [OneCall("progress", PROGRESS, log), OneCall("finish", FINISH, log), OneCall("first text", FIRST_TEXT, log)]
    run(pacer, jobs)
    assert [name for name, _ in log] == ["first text", "finish", "progress"]


def test_a_429_blocks_the_bucket_for_retry_after_and_the_call_is_made_again_later():
    log: list = []
    clock = ScaledClock(20)
    pacer = Pacer(clock=clock, rates={"chat.update": (Rate(600, 10),)})
    limited = OneCall("limited", FINISH, log, answers=[rate_limited("10"), "ok"])
    started = time.monotonic()
    run(pacer, [limited])
    assert limited.attempts == 2 and pacer.stats.rate_limited["chat.update"] == 1
    assert 0.45 <= log[0][1] - started < 2.0, "retried after Retry-After (10 clock s = 0.5 s real), not at once"


def test_workspaces_have_their_own_buckets():
    log: list = []
    pacer = Pacer(clock=ScaledClock(10), rates={"chat.update": (Rate(6, 1),)})  # 1 now, then 1 per 10 clock s
    jobs = [OneCall("A1", FINISH, log, team="TA"), OneCall("A2", FINISH, log, team="TA"),
            OneCall("B1", FINISH, log, team="TB")]
    run(pacer, jobs)
    at = dict(log)
    assert abs(at["A1"] - at["B1"]) < 0.3, "TB does not wait for TA's tier"
    assert at["A2"] - at["A1"] >= 0.8, "TA's second call waits for TA's bucket"


def test_submitting_never_waits_for_slack():
    release = threading.Event()

    class Slow(OneCall):
        def _send(self):
            release.wait(5)
            return super()._send()

    pacer = Pacer(clock=ScaledClock(10))
    started = time.monotonic()
    jobs = [Slow(f"slow {i}", FIRST_TEXT, []) for i in range(20)]
    for job in jobs:
        pacer.submit(job)
    assert time.monotonic() - started < 0.2, "handing work to the pacer returns at once"
    release.set()
    deadline = time.monotonic() + 5
    while not all(j.finished for j in jobs) and time.monotonic() < deadline:
        time.sleep(0.01)
    pacer.close()
    assert all(j.finished for j in jobs)
