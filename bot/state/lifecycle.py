"""The requests this process owns: it claims deliveries, leases what it works on (renewed while it lives),
tells users about requests a dead process left behind, and drains its own on shutdown.

No request ends in silence: it finishes (answered or refused), or, interrupted, its user is told so with a
way to retry, by this process at shutdown (`drain`) or, after a crash, by whichever process finds the lease
run out (`watch`, every third of a lease, from start-up on).
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable

from bot.state.requests import Claim, Origin, RequestLedger

log = logging.getLogger(__name__)

Notify = Callable[[str, Origin], None]  # tell the user of request_id (at origin) that it was interrupted


class Lifecycle:
    """Claims, leases and endings of the requests served by this process."""

    def __init__(self, ledger: RequestLedger, lease_s: float) -> None:
        self.ledger, self.lease_s = ledger, lease_s
        self.owner = uuid.uuid4().hex
        self._running: dict[str, Origin] = {}
        self._changed = threading.Condition()
        self._stop = threading.Event()
        self._watcher: threading.Thread | None = None

    def claim(self, request_id: str) -> bool:
        """Whether to serve this delivery: new, or its owner's lease ran out (a duplicate otherwise)."""
        return self.ledger.claim(request_id, self.owner, self.lease_s) in (Claim.NEW, Claim.TAKEN_OVER)

    def begin(self, request_id: str, origin: Origin) -> None:
        """The work on a request starts: leased to this process until `finish`."""
        self.ledger.begin(request_id, self.owner, self.lease_s, origin)
        with self._changed:
            self._running[request_id] = origin

    def finish(self, request_id: str) -> None:
        """The request's reply is delivered (or its user was told it was interrupted)."""
        self.ledger.finish(request_id)
        with self._changed:
            self._running.pop(request_id, None)
            self._changed.notify_all()

    def running(self) -> int:
        """How many requests this process is working on."""
        with self._changed:
            return len(self._running)

    def watch(self, notify: Notify) -> None:
        """From now on, keep this process's leases alive and tell the users of requests a dead process left
        (once at once, then every third of a lease), on a daemon thread."""
        self._watcher = threading.Thread(target=self._watch, args=(notify,), name="request-leases", daemon=True)
        self._watcher.start()

    def drain(self, grace_s: float, notify: Notify) -> int:
        """Wait up to `grace_s` for the running requests to finish; tell the users of the rest that they were
        interrupted and mark them done. How many were interrupted."""
        deadline = time.monotonic() + grace_s
        with self._changed:
            while self._running and (left := deadline - time.monotonic()) > 0:
                self._changed.wait(left)
            rest = list(self._running.items())
        for request_id, origin in rest:
            self._tell(notify, request_id, origin)
        return len(rest)

    def stop(self) -> None:
        """Stop renewing leases (what is still running will be found by the next process)."""
        self._stop.set()
        if self._watcher is not None:
            self._watcher.join(timeout=5)

    def _watch(self, notify: Notify) -> None:
        while True:
            try:
                self.ledger.renew(self.owner, self.lease_s)
                # Taken under another owner name, which nobody renews: if telling fails, the lease runs out
                # again and the next round (here or in another process) tries again.
                for request_id, origin in self.ledger.interrupted(f"{self.owner}:telling", self.lease_s):
                    self._tell(notify, request_id, origin)
            except Exception:  # the state store failing must not end the watch: the next round tries again
                log.exception("could not renew request leases")
            if self._stop.wait(self.lease_s / 3):
                return

    def _tell(self, notify: Notify, request_id: str, origin: Origin) -> None:
        try:
            notify(request_id, origin)
        except Exception:
            log.exception("could not tell %s in %s that request %s was interrupted (tried again after a lease)",
                          origin.user, origin.channel, request_id)
            return
        self.finish(request_id)
