"""Download a file a user shared in Slack, safely, and decode it as an image.

The bot token goes only to Slack's file hosts over HTTPS (plain HTTP only for hosts the caller lists
beyond Slack's, such as the loopback emulator). Redirects are followed by hand, at most three, and
only to allowed hosts; the size is capped before and while reading; Slack's HTML login page (what a
bad token or a missing ``files:read`` scope gets) is recognised and never decoded.
"""

from __future__ import annotations

import logging
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Collection
from urllib.parse import urljoin, urlsplit

from bot.errors import UserError
from bot.kb.images import SUPPORTED, DownloadedImage, UnsupportedFile, decode_image

__all__ = ["SLACK_FILE_HOSTS", "DownloadError", "DownloadedImage", "SlackFileDownloader", "UnsupportedFile"]

logger = logging.getLogger(__name__)

SLACK_FILE_HOSTS = ("files.slack.com", "files-origin.slack.com", "files-edu.slack.com", "slack-files.com",
                    "files.slack-gov.com")
MAX_REDIRECTS = 3
CHUNK = 64 * 1024
NO_ACCESS = ("I couldn't access that file: Slack sent its sign-in page instead. "
             "Check the bot token and that the app has the files:read scope.")


class DownloadError(UserError):
    """The file could not be fetched from Slack; the message is safe to show to a user."""


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Hand every 3xx back to the caller (as an HTTPError) instead of following it."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class SlackFileDownloader:
    """Fetches ``url_private_download`` (or ``url_private``) of a Slack file object with the bot token."""

    def __init__(self, token: str, allowed_hosts: Collection[str] = SLACK_FILE_HOSTS, max_bytes: int = 20_000_000,
                 max_pixels: int = 40_000_000, timeout_s: float = 15,
                 files_info: Callable[[str], dict] | None = None) -> None:
        self._token = token
        self._hosts = frozenset(h.lower() for h in allowed_hosts)
        self._plain_http_ok = self._hosts - set(SLACK_FILE_HOSTS)  # Slack's own hosts: HTTPS only
        self.max_bytes, self.max_pixels, self.timeout_s = max_bytes, max_pixels, timeout_s
        self._files_info = files_info
        self._opener = urllib.request.build_opener(_NoRedirects)

    def __repr__(self) -> str:  # never show the token
        return f"SlackFileDownloader(allowed_hosts={sorted(self._hosts)}, max_bytes={self.max_bytes})"

    def download(self, file: dict) -> DownloadedImage:
        """Fetch and decode one Slack file object; raises DownloadError or UnsupportedFile with a user message."""
        file = self._resolve(file)
        name = str(file.get("name") or file.get("title") or file.get("id") or "the file")
        self._check_size(file.get("size"), name)
        url = file.get("url_private_download") or file.get("url_private")
        data, content_type = self._fetch(str(url), name)
        if _served_as_html(content_type):
            raise DownloadError(NO_ACCESS)  # Slack's sign-in page: the token can't see the file
        if _looks_like_html(data):
            raise UnsupportedFile(f"“{name}” is a web page (HTML), not an image, although it was sent as "
                                  f"{content_type.split(';')[0] or 'an image'}. I can read {SUPPORTED} images.")
        return decode_image(data, name, self.max_pixels, declared_type=str(file.get("filetype") or ""))

    def _resolve(self, file: dict) -> dict:
        """Turn a ``file_access`` stub (or a file without URLs) into the full object via files.info."""
        if file.get("mode") != "file_access" and (file.get("url_private_download") or file.get("url_private")):
            return file
        file_id = file.get("id")
        if not file_id or self._files_info is None:
            raise DownloadError("I couldn't look that file up in Slack, so I can't read it.")
        try:
            full = self._files_info(str(file_id))
        except Exception as e:  # noqa: BLE001 - slack_sdk errors; their text stays out of user messages
            logger.warning("files.info for %s failed: %s", file_id, type(e).__name__)
            raise DownloadError("I couldn't look that file up in Slack, so I can't read it.") from None
        if not isinstance(full, dict) or not (full.get("url_private_download") or full.get("url_private")):
            raise DownloadError("Slack didn't give me a download link for that file, so I can't read it.")
        return full

    def _check_size(self, size: object, name: str) -> None:
        try:
            n = int(size) if size is not None else None  # type: ignore[call-overload]
        except (TypeError, ValueError):
            n = None
        if n is not None and n > self.max_bytes:
            raise UnsupportedFile(f"“{name}” is too large ({n / 1e6:.1f} MB); the limit is "
                                  f"{self.max_bytes / 1e6:g} MB.")

    def _allowed(self, url: str) -> bool:
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError:
            return False
        if not parts.hostname or parts.username is not None or parts.password is not None:
            return False
        host = parts.hostname.lower()
        default = {"https": 443, "http": 80}.get(parts.scheme)
        key = host if port in (None, default) else f"{host}:{port}"
        if parts.scheme == "https":
            return key in self._hosts
        return parts.scheme == "http" and key in self._plain_http_ok

    def _fetch(self, url: str, name: str) -> tuple[bytes, str]:
        """GET with the token, following at most MAX_REDIRECTS redirects by hand; returns (body, content type)."""
        deadline = time.monotonic() + 4 * self.timeout_s  # each wait is bounded by timeout_s, the whole by this
        for _ in range(MAX_REDIRECTS + 1):
            if not self._allowed(url):
                host = urlsplit(url).hostname if url else None
                logger.warning("refusing to fetch a Slack file from %s", host or "an invalid URL")
                raise DownloadError("That file's link doesn't point at Slack's file servers, so I won't fetch it.")
            request = urllib.request.Request(url, headers={"Authorization": f"Bearer {self._token}",
                                                           "User-Agent": "Curator"})
            try:
                with self._opener.open(request, timeout=self.timeout_s) as response:
                    return self._read(response, name, deadline), response.headers.get("Content-Type", "")
            except urllib.error.HTTPError as e:
                with e:
                    location = e.headers.get("Location") if 300 <= e.code < 400 else None
                    if not location:
                        raise DownloadError(f"Slack answered HTTP {e.code} when I fetched “{name}”.") from None
                url = urljoin(url, location)
            except (urllib.error.URLError, OSError) as e:
                logger.warning("downloading %s failed: %s", name, type(e).__name__)
                raise DownloadError(f"I couldn't download “{name}” from Slack (network error or timeout)."
                                    ) from None
        raise DownloadError(f"Slack redirected too many times while I fetched “{name}”.")

    def _read(self, response, name: str, deadline: float) -> bytes:
        length = response.headers.get("Content-Length")
        self._check_size(length if length and length.strip().isdigit() else None, name)
        chunks, total = [], 0
        while chunk := response.read(CHUNK):
            total += len(chunk)
            if total > self.max_bytes:  # a lying or missing Content-Length stops here
                raise UnsupportedFile(f"“{name}” is too large; the limit is {self.max_bytes / 1e6:g} MB.")
            if time.monotonic() > deadline:
                raise DownloadError(f"Downloading “{name}” from Slack took too long.")
            chunks.append(chunk)
        return b"".join(chunks)


def _served_as_html(content_type: str) -> bool:
    """Slack's sign-in page: served as text/html with status 200 when the token can't see the file (a file
    itself is served with the type it was uploaded as)."""
    return content_type.split(";")[0].strip().lower() in {"text/html", "application/xhtml+xml"}


def _looks_like_html(data: bytes) -> bool:
    """An HTML document, whatever type it was sent as."""
    return data[:64].lstrip(b"\xef\xbb\xbf \t\r\n").lower().startswith((b"<!doctype html", b"<html"))
