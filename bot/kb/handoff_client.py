"""The `curator ingest` side of the hand-off: find a live serving process from its token file, send it the run,
and read its JSON lines back (a per-line idle timeout; the server sends heartbeats during slow steps)."""

from __future__ import annotations

import http.client
import json
import os
from collections.abc import Iterator
from pathlib import Path

from bot.errors import UserError
from bot.kb.handoff import HANDOFF_FILE

CONNECT_TIMEOUT_S = 5.0
IDLE_TIMEOUT_S = 120.0  # no line (not even a heartbeat) for this long: the server is gone or stuck


def live_handoff(data_dir: Path) -> dict | None:
    """The serving process's {pid, port, token} when its token file names a process that is still running;
    None when there is no file, or it is stale (left by a process that died without cleaning up)."""
    try:
        found = json.loads((data_dir / HANDOFF_FILE).read_text())
        pid, port, token = int(found["pid"]), int(found["port"]), str(found["token"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        pass  # alive, another user's: the token file would not have been readable either way
    return {"pid": pid, "port": port, "token": token}


def send_ingest(handoff: dict, paths: list[Path], collection: str | None) -> Iterator[dict]:
    """POST the run to the serving process and yield its lines; UserError for a refusal (bad token, path)."""
    body = json.dumps({"paths": [str(p.resolve()) for p in paths], "collection": collection})
    conn = http.client.HTTPConnection("127.0.0.1", handoff["port"], timeout=CONNECT_TIMEOUT_S)
    try:
        conn.request("POST", "/ingest", body=body, headers={
            "Authorization": f"Bearer {handoff['token']}", "Content-Type": "application/json"})
        conn.sock.settimeout(IDLE_TIMEOUT_S)  # from now on: the longest silence between two lines
        response = conn.getresponse()
        if response.status != 200:
            raise _refusal(response, handoff)
        for raw in response:
            if raw.strip():
                yield json.loads(raw)
    except TimeoutError as exc:
        raise UserError(f"The serving Curator (pid {handoff['pid']}) sent nothing for {IDLE_TIMEOUT_S:.0f} s; "
                        "the ingest may still finish there: check its log.") from exc
    finally:
        conn.close()


def _refusal(response: http.client.HTTPResponse, handoff: dict) -> UserError:
    try:
        reason = json.loads(response.read()).get("error", "")
    except ValueError:
        reason = response.reason
    if response.status == 401:
        return UserError(f"The serving Curator (pid {handoff['pid']}) refused the hand-off: {reason} (401). Its token "
                        f"file may have been replaced; restart `curator serve`, or stop it and ingest directly.")
    return UserError(f"The serving Curator (pid {handoff['pid']}) refused the ingest: {reason}")
