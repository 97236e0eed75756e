"""`curator serve --http` against hostile or broken clients: a signed but malformed body gets 400 (Slack does
not retry a 4xx), a huge body is refused by its Content-Length before it is read, a connection that sends no
request is closed after HTTP_REQUEST_TIMEOUT_S, and at most HTTP_MAX_CONNECTIONS are served at once."""

from __future__ import annotations

import socket
import threading
import time
from urllib.parse import quote

import httpx
import pytest
from slack_bolt import App

from bot.config import Settings
from bot.http_server import http_server
from bot.server import http_app_for
from tests.serve_process import free_port
from tests.slack_harness import SIGNING_SECRET, signed_headers

TIMEOUT_S = 0.6


@pytest.fixture
def base(tmp_path):
    """Curator's HTTP server (uvicorn with its limits) in this process, over a Bolt app with no listeners."""
    settings = Settings(_env_file=None, CURATOR_DATA_DIR=tmp_path, SLACK_SIGNING_SECRET=SIGNING_SECRET,
                        HTTP_REQUEST_TIMEOUT_S=TIMEOUT_S, HTTP_MAX_CONNECTIONS=3)
    bolt = App(signing_secret=SIGNING_SECRET, token="xoxb-test", token_verification_enabled=False)
    port = free_port()
    server = http_server(http_app_for(bolt, settings), settings, "127.0.0.1", port)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    assert _wait(lambda: server.started, 10)
    yield f"http://127.0.0.1:{port}", port
    server.should_exit = True
    thread.join(10)


def _wait(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def signed_post(url: str, raw: bytes | str, content_type: str) -> httpx.Response:
    text = raw.decode("latin-1") if isinstance(raw, bytes) else raw
    headers = {k: v[0] for k, v in signed_headers(text, content_type).items()}
    return httpx.post(f"{url}/slack/events", content=raw if isinstance(raw, bytes) else raw.encode(),
                      headers=headers, timeout=5)


@pytest.mark.parametrize(("raw", "content_type"), [
    ("{not json", "application/json"),
    ("[1, 2, 3]", "application/json"),
    (b"\xff\xfe{}", "application/json"),
    ("payload=" + quote("{not json"), "application/x-www-form-urlencoded"),
    ("payload=" + quote('"a string"'), "application/x-www-form-urlencoded"),
])
def test_a_signed_malformed_body_gets_400_not_500(base, raw, content_type):
    url, _ = base
    response = signed_post(url, raw, content_type)
    assert response.status_code == 400 and response.json() == {"error": "malformed body"}


def test_a_huge_body_is_refused_by_its_content_length_before_it_is_sent(base):
    _, port = base
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 20000000\r\n\r\n")  # and not one byte of the 20 MB
        started = time.monotonic()
        answer = sock.recv(4096)
    assert answer.startswith(b"HTTP/1.1 413") and time.monotonic() - started < TIMEOUT_S


def test_a_body_that_lies_about_its_length_is_cut_off_at_the_limit(base):
    url, _ = base

    def chunks():
        for _ in range(30):
            yield b"x" * 100_000  # 3 MB, chunked: no Content-Length to refuse by

    response = httpx.post(f"{url}/slack/events", content=chunks(), timeout=5)
    assert response.status_code == 413


def closed_after(sock: socket.socket, limit: float) -> float | None:
    """Seconds until the server closed the connection (None if it stayed open for `limit`)."""
    sock.settimeout(limit)
    started = time.monotonic()
    try:
        while sock.recv(4096):
            pass
    except TimeoutError:
        return None
    return time.monotonic() - started


def test_an_idle_connection_is_closed_after_the_timeout(base):
    _, port = base
    with socket.create_connection(("127.0.0.1", port)) as sock:
        waited = closed_after(sock, 5)
    assert waited is not None and TIMEOUT_S * 0.8 <= waited < TIMEOUT_S + 1.5


def test_a_request_whose_headers_never_finish_is_closed_after_the_timeout(base):
    _, port = base
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(b"POST /slack/events HTTP/1.1\r\nHost: x\r\n")
        time.sleep(TIMEOUT_S / 2)
        sock.sendall(b"X-Slow: 1\r\n")  # trickling headers does not keep it open
        waited = closed_after(sock, 5)
    assert waited is not None and waited < TIMEOUT_S + 1.5


def test_a_body_that_never_arrives_gets_408(base):
    _, port = base
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
        answer = sock.recv(4096)
    assert answer.startswith(b"HTTP/1.1 408")


def test_connections_beyond_the_limit_get_503_until_idle_ones_are_closed(base):
    url, port = base
    idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(3)]
    try:
        time.sleep(0.1)
        assert httpx.get(f"{url}/healthz", timeout=5).status_code == 503
        assert _wait(lambda: httpx.get(f"{url}/healthz", timeout=5).status_code == 200, TIMEOUT_S + 3)
    finally:
        for sock in idle:
            sock.close()
