"""Ingest hand-off: `curator serve` on the embedded store (which only one process can open) accepts
`curator ingest` runs from other terminals over a loopback-only port, authenticated with a random token kept
in a 0600 file in the data dir, and streams the run's progress and summary back as JSON lines.

One run at a time: a second request while one is under way is refused at once with when it started (a user
at a terminal would rather know than wait on a silent prompt); scheduled syncs wait for their turn.
"""

from __future__ import annotations

import dataclasses
import hmac
import json
import logging
import os
import queue
import secrets
import threading
import time
from collections.abc import Callable, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from bot.kb.ingest import IngestReport

log = logging.getLogger(__name__)
HANDOFF_FILE = "ingest-handoff.json"
HEARTBEAT_S = 5.0  # a line at least this often, so the client's idle timeout only fires on a dead server
IngestFn = Callable[[Sequence[Path], Callable[[str], None]], IngestReport]


class IngestRuns:
    """The one-run-at-a-time gate shared by hand-offs and the scheduled sync."""

    def __init__(self, ingest: IngestFn) -> None:
        self._ingest = ingest
        self._lock = threading.Lock()
        self.started: str | None = None

    def try_run(self, paths: Sequence[Path], on_file: Callable[[str], None]) -> IngestReport | None:
        """Run now, or return None at once when another run holds the gate."""
        if not self._lock.acquire(blocking=False):
            return None
        return self._locked(paths, on_file)

    def run(self, paths: Sequence[Path]) -> IngestReport:
        """Run after any run under way (the scheduled sync)."""
        self._lock.acquire()
        return self._locked(paths, lambda _f: None)

    def _locked(self, paths: Sequence[Path], on_file: Callable[[str], None]) -> IngestReport:
        try:
            self.started = time.strftime("%H:%M:%S UTC", time.gmtime())
            return self._ingest(paths, on_file)
        finally:
            self.started = None
            self._lock.release()


def unreadable(paths: Sequence[str]) -> str | None:
    """Why this process cannot ingest one of `paths` (relative, missing, unreadable), or None."""
    for raw in paths:
        path = Path(raw)
        if not path.is_absolute():
            return f"{raw} is not an absolute path"
        if not path.exists():
            return f"the serving Curator (pid {os.getpid()}) cannot find {raw}"
        if not os.access(path, os.R_OK | (os.X_OK if path.is_dir() else 0)):
            return f"the serving Curator (pid {os.getpid()}) cannot read {raw}: check its permissions"
    return None


class HandoffServer:
    """The loopback listener of a serving process, and its token file (removed on close)."""

    def __init__(self, runs: IngestRuns, data_dir: Path, collection: str, label: str,
                 count: Callable[[list[Path]], int]) -> None:
        self.runs, self.collection, self.label, self.count = runs, collection, label, count
        self.token = secrets.token_urlsafe(32)
        self.file = data_dir / HANDOFF_FILE
        self._http = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._http.daemon_threads = True
        self.port = self._http.server_address[1]
        self._thread = threading.Thread(target=self._http.serve_forever, name="curator-handoff", daemon=True)

    def start(self) -> HandoffServer:
        """Write the token file (mode 0600) and start listening."""
        self.file.parent.mkdir(parents=True, exist_ok=True)
        body = json.dumps({"pid": os.getpid(), "port": self.port, "token": self.token})
        tmp = self.file.with_suffix(f".{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(body)
        os.replace(tmp, self.file)
        self._thread.start()
        return self

    def close(self) -> None:
        """Stop listening and remove the token file if it is still ours."""
        self._http.shutdown()
        self._http.server_close()
        try:
            if json.loads(self.file.read_text()).get("pid") == os.getpid():
                self.file.unlink()
        except (OSError, ValueError):
            pass

    def stream(self, paths: list[Path], send: Callable[[dict], None]) -> None:
        """Run the ingest in a worker thread, sending progress lines, heartbeats, then the summary or the error."""
        lines: queue.Queue = queue.Queue()
        total = self.count(paths)
        done = [0]

        def on_file(doc_id: str) -> None:
            done[0] += 1
            lines.put({"progress": doc_id, "done": done[0], "total": total})

        def work() -> None:
            try:
                report = self.runs.try_run(paths, on_file)
                lines.put({"busy": self.runs.started} if report is None else
                          {"summary": dataclasses.asdict(report), "collection": self.label, "exit": 0})
            except Exception as exc:  # the client prints it and exits 1, as a local ingest would
                log.exception("Handed-off ingest of %s failed", paths)
                lines.put({"error": str(exc) or type(exc).__name__, "exit": 1})

        threading.Thread(target=work, name="curator-handoff-run", daemon=True).start()
        while True:
            try:
                line = lines.get(timeout=HEARTBEAT_S)
            except queue.Empty:
                line = {"heartbeat": True}
            send(line)
            if "exit" in line or "busy" in line:
                return


def _handler(owner: HandoffServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"  # the body ends when the connection closes: a line-streamed response
        timeout = 30  # reading the request; the run itself streams heartbeats

        def do_POST(self) -> None:
            """POST /ingest {"paths": [...], "collection": ...} with `Authorization: Bearer <token>`."""
            given = self.headers.get("Authorization", "").removeprefix("Bearer ")
            if not hmac.compare_digest(given.encode(), owner.token.encode()):
                return self._reply(401, {"error": "wrong or missing hand-off token"})
            if self.path != "/ingest":
                return self._reply(404, {"error": f"no such endpoint {self.path}"})
            try:
                request = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
                paths = [str(p) for p in request["paths"]]
            except (ValueError, KeyError, TypeError):
                return self._reply(400, {"error": "malformed hand-off request"})
            collection = request.get("collection") or owner.collection
            if collection != owner.collection:
                return self._reply(409, {"error": f"the serving Curator serves the knowledge base "
                                                  f"'{owner.collection}', not '{collection}'"})
            problem = unreadable(paths)
            if problem:
                return self._reply(400, {"error": problem})
            self.send_response(200)
            self.send_header("Content-Type", "application/x-ndjson")
            self.end_headers()
            owner.stream([Path(p) for p in paths], self._send)

        def _send(self, line: dict) -> None:
            self.wfile.write(json.dumps(line).encode() + b"\n")
            self.wfile.flush()

        def _reply(self, status: int, body: dict) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self._send(body)

        def log_message(self, format: str, *args) -> None:
            log.debug("hand-off: " + format, *args)

    return Handler
