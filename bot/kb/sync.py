"""Scheduled sync: `curator serve` re-ingests SYNC_PATHS every SYNC_INTERVAL, incrementally (unchanged files
cost nothing; edits are re-embedded, deletions pruned). Each run's summary goes to the log; the last outcome
is kept in `sync-status.json` in the data dir, where `curator doctor` reads it."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from bot.config import parse_interval
from bot.kb.ingest import IngestReport

__all__ = ["SyncSchedule", "parse_interval", "read_sync_status"]

log = logging.getLogger(__name__)
STATUS_FILE = "sync-status.json"
def read_sync_status(data_dir: Path) -> dict | None:
    """The last sync outcome a serving process wrote, if any."""
    try:
        return json.loads((data_dir / STATUS_FILE).read_text())
    except (OSError, ValueError):
        return None


class SyncSchedule:
    """A daemon thread that runs `ingest(paths)` every `interval_s` seconds, the first run at once."""

    def __init__(self, ingest: Callable[[Sequence[Path]], IngestReport], paths: Sequence[Path], interval_s: float,
                 data_dir: Path) -> None:
        self._ingest = ingest
        self.paths = list(paths)
        self.interval_s = interval_s
        self._data_dir = data_dir
        self._stop = threading.Event()
        self.runs = 0
        self._thread = threading.Thread(target=self._loop, name="curator-sync", daemon=True)

    def start(self) -> SyncSchedule:
        """Start syncing in the background."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop after the run under way, if any."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def run_once(self) -> None:
        """One sync: ingest the paths, log the summary, record the outcome (a failure never stops the schedule)."""
        at = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
        try:
            report = self._ingest(self.paths)
        except Exception as exc:  # kept for the doctor and the log; the next run tries again
            log.exception("Sync of %s failed", ", ".join(map(str, self.paths)))
            self._write({"at": at, "ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]})
        else:
            summary = (f"{len(report.added)} added, {len(report.updated)} updated, {len(report.removed)} removed, "
                       f"{len(report.unchanged)} unchanged, {len(report.skipped)} skipped in {report.seconds:.1f} s")
            log.info("Sync of %s: %s", ", ".join(map(str, self.paths)), summary)
            self._write({"at": at, "ok": True, "summary": summary})
        self.runs += 1

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.run_once()
            self._stop.wait(self.interval_s)

    def _write(self, status: dict) -> None:
        try:
            self._data_dir.mkdir(parents=True, exist_ok=True)
            (self._data_dir / STATUS_FILE).write_text(json.dumps(status))
        except OSError:
            log.warning("Could not write %s", self._data_dir / STATUS_FILE, exc_info=True)
