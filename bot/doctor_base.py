"""What every `curator doctor` check shares: its result type, running a probe without crashing, and running
probes concurrently under one deadline.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace

from bot.config import Settings

OK, FAIL, SKIPPED = "ok", "fail", "skipped"
# Messages written for every command end by pointing at the doctor; inside the doctor that advice is circular.
_SELF_REFERENCE = re.compile(r"[;,]\s*`curator doctor` (?:tests|checks) [^.;]*\.")


@dataclass(frozen=True)
class Check:
    """The outcome of one check: its name, ok/fail/skipped, a one-line detail, what it talked to, how long."""

    name: str
    status: str
    detail: str
    endpoint: str = ""
    model: str = ""
    seconds: float = 0.0

    def as_dict(self) -> dict:
        """The check as JSON-ready fields (`curator doctor --json`)."""
        return asdict(self)


def without_client(name: str, settings: Settings, offline: str) -> Check:
    """A skipped check: Google is not configured (`offline` says what runs instead), or its credentials failed."""
    if settings.uses_google:  # configured, but the credentials check failed
        return Check(name, SKIPPED, "not tried: Google credentials failed (see above)")
    return Check(name, SKIPPED, f"no Google credentials: {offline}")


def attempt(name: str, run: Callable[[], str], endpoint: str = "", model: str = "") -> Check:
    """Run one probe: its detail on success, the error's message on failure."""
    from bot.errors import ProviderError

    try:
        return Check(name, OK, run(), endpoint, model)
    except ProviderError as exc:  # messages written for users
        return Check(name, FAIL, str(exc), endpoint, model)
    except Exception as exc:  # noqa: BLE001 - a doctor reports, it doesn't crash
        return Check(name, FAIL, first_line(exc), endpoint, model)


def without_self_reference(check: Check) -> Check:
    """The check without advice to run `curator doctor`: whoever reads it is running the doctor."""
    return replace(check, detail=_SELF_REFERENCE.sub(".", check.detail))


def first_line(exc: BaseException) -> str:
    """An exception's class and the first line of its message, for a one-line report."""
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0][:200]}" if lines else type(exc).__name__


class Job:
    """One check running on a daemon thread, so a hanging network can never hold the doctor past its deadline."""

    def __init__(self, name: str, run: Callable[[], Check], endpoint: str = "", model: str = "") -> None:
        self.name, self.endpoint, self.model = name, endpoint, model
        self._run = run
        self._result: Check | None = None
        self._started = time.monotonic()
        self._thread = threading.Thread(target=self._work, name=f"doctor: {name}", daemon=True)
        self._thread.start()

    def _work(self) -> None:
        try:
            check = self._run()
        except Exception as exc:  # noqa: BLE001 - a check that crashed is a failed check
            check = Check(self.name, FAIL, first_line(exc), self.endpoint, self.model)
        self._result = replace(check, seconds=round(time.monotonic() - self._started, 2))

    def result(self, deadline: float, budget: float) -> Check:
        """The check's outcome, waiting at most until `deadline` (monotonic); a late one fails, naming its target."""
        self._thread.join(max(0.0, deadline - time.monotonic()))
        if self._result is not None:
            return self._result
        target = f" from {self.endpoint}" if self.endpoint else ""
        return Check(self.name, FAIL, f"no answer{target} within the doctor's {budget:g} s (DOCTOR_DEADLINE_S): "
                     "the network or the service is hanging", self.endpoint, self.model, round(budget, 2))
