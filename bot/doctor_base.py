"""What every `curator doctor` check shares: its result type, and running a probe without crashing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.config import Settings

OK, FAIL, SKIPPED = "ok", "fail", "skipped"


@dataclass(frozen=True)
class Check:
    """The outcome of one check: its name, ok/fail/skipped, and a one-line detail."""

    name: str
    status: str
    detail: str


def without_client(name: str, settings: Settings, offline: str) -> Check:
    """A skipped check: Google is not configured (`offline` says what runs instead), or its client failed."""
    if settings.uses_google:  # configured, but the client could not be built
        return Check(name, SKIPPED, "no Google client (see Google credentials)")
    return Check(name, SKIPPED, f"no Google credentials: {offline}")


def attempt(name: str, run: Callable[[], str]) -> Check:
    """Run one probe: its detail on success, the error's message on failure."""
    from bot.providers.base import ProviderError

    try:
        return Check(name, OK, run())
    except ProviderError as exc:  # messages written for users
        return Check(name, FAIL, str(exc))
    except Exception as exc:  # noqa: BLE001 - a doctor reports, it doesn't crash
        return Check(name, FAIL, first_line(exc))


def first_line(exc: BaseException) -> str:
    """An exception's class and the first line of its message, for a one-line report."""
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0][:200]}" if lines else type(exc).__name__


