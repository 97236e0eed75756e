"""qdrant-edge shards on disk, one folder per collection, and the HNSW index built off the request path.

Qdrant Edge (qdrant-edge-py, an in-process Rust engine) searches new points exactly (brute force) until
`optimize()` builds their index; that build releases the GIL and can take minutes at 100k points, so a
long-lived process runs it in a background thread once writes settle, and search stays exact meanwhile.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qdrant_edge import EdgeConfig, EdgeShard

log = logging.getLogger(__name__)
SETTLE_S = 2.0  # the index is built once no write has arrived for this long
STATUS_FILE = "index-status.json"  # what the indexer is doing, for `curator doctor` in another process


def read_status(root: Path) -> dict | None:
    """The index status a serving process last wrote under `root`, if any."""
    try:
        return json.loads((root / STATUS_FILE).read_text())
    except (OSError, ValueError):
        return None


def describe_status(status: dict) -> str:
    """An index status as one line: building (for how long) or the last build."""
    if status.get("building"):
        return (f"building the search index of {status['building']} since {status['since']} "
                "(searches are exact meanwhile)")
    if status.get("last"):
        return f"search index up to date (last built {status['last']} in {status['seconds']:.1f} s)"
    return "search index up to date"


class EdgeEngine:
    """The shards of one data folder (`root/<collection>/`), shared by every store. Existing shards are opened
    (and locked against other processes) at once, so a second process is told at start, not mid-request."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._shards: dict[str, EdgeShard] = {}
        self._lock = threading.RLock()
        self._indexer: Indexer | None = None
        try:
            for name in self.names():
                self.shard(name)
        except BaseException:
            self.close()
            raise

    def names(self) -> list[str]:
        """The collections stored under the root."""
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if p.is_dir() and any(p.iterdir()))

    def exists(self, name: str) -> bool:
        """Whether collection `name` has been created."""
        return name in self._shards or name in self.names()

    def shard(self, name: str, config: Callable[[], EdgeConfig] | None = None) -> EdgeShard | None:
        """The open shard of `name`; created with `config()` when missing and a config is given, else None."""
        from qdrant_edge import EdgeShard

        with self._lock:
            if name in self._shards:
                return self._shards[name]
            path = self.root / name
            try:
                if self.exists(name):
                    shard = EdgeShard.load(str(path))
                elif config is not None:
                    path.mkdir(parents=True, exist_ok=True)
                    shard = EdgeShard.create(str(path), config())
                else:
                    return None
            except Exception as exc:  # the Rust engine raises plain exceptions; WouldBlock = a second process
                if "WouldBlock" in str(exc):
                    raise RuntimeError(
                        f"The local knowledge base at {self.root} is in use by another Curator process. Stop it, "
                        "or set QDRANT_URL to share a Qdrant server between processes.") from exc
                raise
            self._shards[name] = shard
            return shard

    def wrote(self, name: str) -> None:
        """Note a write to `name`: the background indexer (when running) rebuilds its index once writes settle."""
        if self._indexer is not None:
            self._indexer.wrote(name)

    def index_in_background(self) -> Indexer:
        """Start building indexes off the request path (long-lived processes): now for every collection, then
        after each burst of writes."""
        with self._lock:
            if self._indexer is None:
                self._indexer = Indexer(self)
                for name in self.names():
                    self._indexer.wrote(name, settle=0.0)
            return self._indexer

    def status(self) -> str:
        """How far the index is: points, indexed vectors, and a build in progress."""
        parts = []
        with self._lock:
            shards = dict(self._shards)
        for name, shard in sorted(shards.items()):
            info = shard.info()
            parts.append(f"{name}: {info.points_count} points in {info.segments_count} segments")
        building = self._indexer.building if self._indexer else None
        if building:
            parts.append(f"building the search index of {building[0]} for {time.monotonic() - building[1]:.0f} s "
                         "(searches are exact meanwhile)")
        return "; ".join(parts)

    def close(self) -> None:
        """Stop the indexer (waiting for a build under way) and close every shard."""
        if self._indexer is not None:
            self._indexer.stop()
        with self._lock:
            for shard in self._shards.values():
                shard.close()
            self._shards.clear()


class Indexer:
    """One daemon thread that runs `optimize()` on collections some time after their last write."""

    def __init__(self, engine: EdgeEngine) -> None:
        self._engine = engine
        self._due: dict[str, float] = {}
        self._wake = threading.Condition()
        self._stopped = False
        self.building: tuple[str, float] | None = None
        self.builds = 0
        self._thread = threading.Thread(target=self._run, name="curator-edge-indexer", daemon=True)
        self._thread.start()

    def wrote(self, name: str, settle: float = SETTLE_S) -> None:
        """Schedule `name`'s index build `settle` seconds from now (a later write postpones it)."""
        with self._wake:
            self._due[name] = time.monotonic() + settle
            self._wake.notify()

    def idle(self, timeout: float) -> bool:
        """Wait until nothing is due or building; False on timeout."""
        deadline = time.monotonic() + timeout
        while self._due or self.building:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.02)
        return True

    def stop(self) -> None:
        """Stop scheduling builds and wait for one under way (it cannot be interrupted)."""
        with self._wake:
            self._stopped = True
            self._wake.notify()
        if self.building:
            log.info("Waiting for the index build of %s to finish before closing", self.building[0])
        self._thread.join()

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._stopped and not self._ready():
                    self._wake.wait(timeout=self._wait_s())
                if self._stopped:
                    return
                name = min(self._due, key=self._due.__getitem__)
                del self._due[name]
                self.building = (name, time.monotonic())
            self._write_status({"building": name, "since": _now()})
            seconds = self._build(name)
            self.building = None
            self._write_status({"last": name, "at": _now(), "seconds": seconds} if seconds is not None else {})

    def _ready(self) -> bool:
        return bool(self._due) and min(self._due.values()) <= time.monotonic()

    def _wait_s(self) -> float | None:
        return max(0.0, min(self._due.values()) - time.monotonic()) if self._due else None

    def _write_status(self, status: dict) -> None:
        status["pid"] = os.getpid()
        try:
            self._engine.root.mkdir(parents=True, exist_ok=True)
            (self._engine.root / STATUS_FILE).write_text(json.dumps(status))
        except OSError:  # a read-only data dir costs the doctor its progress line, never the bot its index
            log.warning("Could not write %s", self._engine.root / STATUS_FILE, exc_info=True)

    def _build(self, name: str) -> float | None:
        shard = self._engine.shard(name)
        if shard is None:
            return None
        started = time.monotonic()
        try:
            changed = shard.optimize()
        except Exception:  # an index that failed to build leaves exact search working: say so, keep serving
            log.exception("Building the search index of %s failed; searches stay exact (slower)", name)
            return None
        self.builds += 1
        seconds = time.monotonic() - started
        if changed:
            log.info("Search index of %s built in %.1f s (%d points)", name, seconds, shard.info().points_count)
        return seconds


def _now() -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
