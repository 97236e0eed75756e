"""A real `curator serve --http` process for tests: started on a free loopback port, waited for, and posted
signed Slack payloads."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from dataclasses import dataclass

import httpx

from tests.slack_harness import encode, signed_headers


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class ServeProcess:
    """A running `curator serve --http` and its base URL."""

    process: subprocess.Popen
    base: str

    def post(self, payload: dict, **sign) -> httpx.Response:
        """Send an emulator payload (event, command, click) signed, as Slack would."""
        raw, content_type = encode(payload)
        headers = {k: v[0] for k, v in signed_headers(raw, content_type, **sign).items()}
        return httpx.post(f"{self.base}/slack/events", content=raw, headers=headers, timeout=10)

    def output(self, timeout: float = 30) -> str:
        """Everything it printed, once it has exited (killed after `timeout`)."""
        try:
            return self.process.communicate(timeout=timeout)[0]
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.communicate()[0]


def start_serve(env: dict[str, str], startup_s: float = 90) -> ServeProcess:
    """Start `curator serve --http` with `env` and wait until /healthz answers (fails the test otherwise)."""
    import pytest

    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli.main", "serve", "--http", "--host", "127.0.0.1", "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + startup_s
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return ServeProcess(process, base)
        except httpx.TransportError:
            if process.poll() is not None:
                pytest.fail(f"the server exited: {process.stdout.read()}")
            time.sleep(0.3)
    process.kill()
    pytest.fail(f"the server did not start: {process.communicate()[0]}")
