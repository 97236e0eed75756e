"""SlackFileDownloader: the emulator for the happy path, a tiny local HTTP server for hostile answers."""

from __future__ import annotations

import io
import struct
import threading
import zlib
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from PIL import Image

from bot.console.emulator import SlackEmulator
from bot.slack.download import DownloadError, SlackFileDownloader, UnsupportedFile

TOKEN = "xoxb-secret-token"


def image_bytes(fmt: str, size: tuple[int, int] = (32, 24), color: str = "red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format=fmt)
    return out.getvalue()


def two_frame_gif() -> bytes:
    out = io.BytesIO()
    red, blue = Image.new("RGB", (20, 10), "red"), Image.new("RGB", (20, 10), "blue")
    red.save(out, format="GIF", save_all=True, append_images=[blue], duration=100, loop=0)
    return out.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A 1x1 PNG whose IHDR (with a valid CRC) claims another size: a decompression bomb's header."""
    data = bytearray(image_bytes("PNG", (1, 1)))
    ihdr = bytes(data[12:16]) + struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:24] = ihdr[4:12]
    data[29:33] = struct.pack(">I", zlib.crc32(ihdr))
    return bytes(data)


# The emulator: real Slack file objects, Bearer-checked downloads.

@pytest.fixture(scope="module")
def slack() -> Iterator[SlackEmulator]:
    with SlackEmulator(bot_token=TOKEN) as emulator:
        yield emulator


def downloader_for(slack: SlackEmulator, token: str = TOKEN, **kw) -> SlackFileDownloader:
    return SlackFileDownloader(token, allowed_hosts={slack.api_url.split("/")[2]}, **kw)


@pytest.mark.parametrize(("fmt", "mime"), [("PNG", "image/png"), ("JPEG", "image/jpeg"), ("WEBP", "image/webp")])
def test_downloads_an_uploaded_image_unchanged(slack: SlackEmulator, fmt: str, mime: str) -> None:
    data = image_bytes(fmt)
    file = slack.upload_file(data, f"photo.{fmt.lower()}", mimetype=mime)
    got = downloader_for(slack).download(file)
    assert (got.data, got.mime_type, got.width, got.height, got.name) == (data, mime, 32, 24, f"photo.{fmt.lower()}")


def test_gif_becomes_its_first_frame_as_png(slack: SlackEmulator) -> None:
    file = slack.upload_file(two_frame_gif(), "anim.gif", mimetype="image/gif")
    got = downloader_for(slack).download(file)
    assert (got.mime_type, got.width, got.height) == ("image/png", 20, 10)
    with Image.open(io.BytesIO(got.data)) as frame:
        assert frame.format == "PNG" and frame.convert("RGB").getpixel((0, 0)) == (255, 0, 0)


def test_falls_back_to_url_private(slack: SlackEmulator) -> None:
    file = slack.upload_file(image_bytes("PNG"), "a.png", mimetype="image/png")
    file.pop("url_private_download")
    assert downloader_for(slack).download(file).mime_type == "image/png"


def test_wrong_token_gets_the_login_page_and_a_clear_error(slack: SlackEmulator) -> None:
    file = slack.upload_file(image_bytes("PNG"), "a.png", mimetype="image/png")
    with pytest.raises(DownloadError, match="files:read") as info:
        downloader_for(slack, token="xoxb-wrong-token").download(file)
    assert "xoxb" not in str(info.value)


def test_stub_is_resolved_through_files_info(slack: SlackEmulator) -> None:
    full = slack.upload_file(image_bytes("PNG"), "ext.png", mimetype="image/png")
    asked: list[str] = []
    lookup = lambda fid: asked.append(fid) or full
    got = downloader_for(slack, files_info=lookup).download(
        {"id": full["id"], "mode": "file_access", "file_access": "check_file_info"})
    assert asked == [full["id"]] and got.name == "ext.png"


def test_stub_without_files_info_fails() -> None:
    with pytest.raises(DownloadError, match="look that file up"):
        SlackFileDownloader(TOKEN).download({"id": "F123", "mode": "file_access"})
    with pytest.raises(DownloadError, match="download link"):
        SlackFileDownloader(TOKEN, files_info=lambda fid: {"id": fid}).download({"id": "F123", "mode": "file_access"})


# A local server that answers whatever a test scripts, and records what it was sent.

class Server:
    def __init__(self) -> None:
        self.routes: dict[str, Callable[[BaseHTTPRequestHandler], None]] = {}
        self.requests: list[tuple[str, str | None]] = []  # (path, Authorization header)
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests.append((self.path, self.headers.get("Authorization")))
                server.routes.get(self.path, lambda h: h.send_error(404))(self)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.host = f"127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://{self.host}{path}"

    def serve(self, path: str, body: bytes, content_type: str = "application/octet-stream",
              length: int | None = None) -> str:
        def answer(h: BaseHTTPRequestHandler) -> None:
            h.send_response(200)
            h.send_header("Content-Type", content_type)
            if length is not None:
                h.send_header("Content-Length", str(length))
            h.end_headers()
            h.wfile.write(body)
            h.close_connection = True
        self.routes[path] = answer
        return self.url(path)

    def redirect(self, path: str, location: str) -> str:
        def answer(h: BaseHTTPRequestHandler) -> None:
            h.send_response(302)
            h.send_header("Location", location)
            h.send_header("Content-Length", "0")
            h.end_headers()
        self.routes[path] = answer
        return self.url(path)


@pytest.fixture
def files() -> Iterator[Server]:
    server = Server()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


@pytest.fixture
def foreign() -> Iterator[Server]:
    server = Server()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


def fetch(server: Server, url: str, **kw):
    file = {"id": "F1", "name": "x", "url_private_download": url}
    return SlackFileDownloader(TOKEN, allowed_hosts={server.host}, timeout_s=5, **kw).download(file)


def test_allowed_redirect_is_followed_with_the_token(files: Server) -> None:
    target = files.serve("/real.png", image_bytes("PNG"), "image/png")
    assert fetch(files, files.redirect("/start", target)).mime_type == "image/png"
    assert [auth for _, auth in files.requests] == [f"Bearer {TOKEN}"] * 2


def test_redirect_to_another_host_or_port_is_refused_without_the_token(files: Server, foreign: Server) -> None:
    foreign.serve("/steal", image_bytes("PNG"), "image/png")
    with pytest.raises(DownloadError, match="Slack's file servers") as info:
        fetch(files, files.redirect("/start", foreign.url("/steal")))  # same 127.0.0.1, other port
    assert foreign.requests == [] and TOKEN not in str(info.value)


def test_redirect_loop_stops_after_three(files: Server) -> None:
    with pytest.raises(DownloadError, match="redirected too many times"):
        fetch(files, files.redirect("/loop", "/loop"))
    assert len(files.requests) == 4  # the first request and three redirects


def test_foreign_url_is_refused_before_any_request(foreign: Server) -> None:
    foreign.serve("/a.png", image_bytes("PNG"), "image/png")
    for url in (foreign.url("/a.png"), "http://files.slack.com/a.png", "https://files.slack.com:8443/a.png",
                f"https://{TOKEN}@evil.example/a.png", "file:///etc/passwd", "https://files.slack.com@evil.example/"):
        with pytest.raises(DownloadError, match="Slack's file servers"):
            SlackFileDownloader(TOKEN).download({"id": "F1", "url_private": url})
    assert foreign.requests == []


def test_size_is_refused_before_reading(files: Server) -> None:
    files.serve("/big", b"x" * 2000, length=2000)
    with pytest.raises(UnsupportedFile, match="too large"):
        SlackFileDownloader(TOKEN, allowed_hosts={files.host}, max_bytes=1000).download(
            {"id": "F1", "size": 5000, "url_private": files.url("/big")})
    assert files.requests == []  # the file object's size was enough
    with pytest.raises(UnsupportedFile, match="too large"):
        fetch(files, files.url("/big"), max_bytes=1000)  # the Content-Length was enough


def test_size_cap_holds_while_reading(files: Server) -> None:
    body = image_bytes("PNG") + b"\0" * 200_000
    files.serve("/none", body)  # no Content-Length: read until the server closes
    with pytest.raises(UnsupportedFile, match="too large"):
        fetch(files, files.url("/none"), max_bytes=100_000)
    files.serve("/lying", body, length=50)  # a small lie: the client reads no more than it claims
    with pytest.raises(UnsupportedFile, match="couldn't be read"):  # 50 bytes of a PNG, not 200 kB
        fetch(files, files.url("/lying"), max_bytes=100_000)


def test_html_is_never_decoded(files: Server) -> None:
    page = b"<!DOCTYPE html><html><body>Sign in to Slack</body></html>"
    with pytest.raises(DownloadError, match="files:read"):  # Slack's sign-in page is served as text/html
        fetch(files, files.serve("/typed", page, "text/html; charset=utf-8"))
    with pytest.raises(UnsupportedFile, match="is a web page \\(HTML\\), not an image, although it was sent as "
                                              "image/png") as refused:  # a user's HTML file uploaded as a PNG
        fetch(files, files.serve("/sniffed", page, "image/png"))
    assert "token" not in str(refused.value) and "files:read" not in str(refused.value)


def test_http_errors_are_download_errors(files: Server) -> None:
    with pytest.raises(DownloadError, match="HTTP 404"):
        fetch(files, files.url("/missing"))


@pytest.mark.parametrize(("body", "message"), [
    (b"", "empty"),
    (image_bytes("PNG", (64, 64))[:60], "couldn't be read"),
    (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>', "SVG"),
    (b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n", "PDF"),
    (b"\0\0\0\x18ftypheic\0\0\0\0mif1heic" + b"\0" * 64, "HEIC"),
    (b"just some notes\n", "text file"),
    (png_claiming(50_000, 50_000), "too many pixels"),
])
def test_unsupported_files_are_named_and_refused(files: Server, body: bytes, message: str) -> None:
    with pytest.raises(UnsupportedFile, match=message) as info:
        fetch(files, files.serve("/f", body))
    assert "PNG, JPEG, WebP and GIF" in str(info.value)


def test_max_pixels_is_checked_before_decoding(files: Server) -> None:
    bomb = io.BytesIO()
    Image.new("1", (3000, 3000)).save(bomb, format="PNG")  # tiny on disk, 9 megapixels decoded
    with pytest.raises(UnsupportedFile, match="too many pixels"):
        fetch(files, files.serve("/bomb.png", bomb.getvalue(), "image/png"), max_pixels=1_000_000)


def test_token_never_in_repr() -> None:
    assert TOKEN not in repr(SlackFileDownloader(TOKEN))
