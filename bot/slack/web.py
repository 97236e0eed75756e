"""The Slack Web API calls features make beside their replies: permalinks, files.info and the safe file
downloader. Built once per bot token with the settings (SlackWebs), so no feature calls the raw client or
rebuilds the downloader per request."""

from __future__ import annotations

import logging
import threading
from urllib.parse import urlsplit

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.config import Settings
from bot.slack.download import SLACK_FILE_HOSTS, SlackFileDownloader

log = logging.getLogger(__name__)


class SlackWeb:
    """One bot token's Web API calls beside its replies."""

    def __init__(self, client: WebClient, settings: Settings) -> None:
        self._client = client
        self.downloader = SlackFileDownloader(
            token=client.token or "", allowed_hosts=file_hosts(client.base_url),
            max_bytes=int(settings.max_file_mb * 1_000_000), timeout_s=settings.slack_timeout_s,
            files_info=self.file_info,
        )

    def file_info(self, file_id: str) -> dict:
        """files.info: what Slack knows of a shared file (its private download URL, type, size)."""
        return self._client.files_info(file=file_id)["file"]

    def permalink(self, channel: str, ts: str) -> str | None:
        """chat.getPermalink of a message; None when Slack won't say (e.g. a channel the bot has left)."""
        try:
            return self._client.chat_getPermalink(channel=channel, message_ts=ts)["permalink"]
        except SlackApiError as exc:
            log.info("no permalink for %s/%s: %s", channel, ts, exc.response.get("error"))
            return None


class SlackWebs:
    """A SlackWeb per bot token and API URL, built on first use."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._built: dict[tuple[str, str], SlackWeb] = {}
        self._lock = threading.Lock()

    def __call__(self, client: WebClient) -> SlackWeb:
        """The SlackWeb of `client`'s token."""
        key = (client.token or "", client.base_url)
        with self._lock:
            if key not in self._built:
                self._built[key] = SlackWeb(client, self._settings)
            return self._built[key]


def file_hosts(api_url: str) -> tuple[str, ...]:
    """Slack's file hosts, plus the Web API's own host when the client talks to another one (the console's
    emulator): the bot token already goes there."""
    api = urlsplit(api_url)
    if not api.hostname or api.hostname == "slack.com" or api.hostname.endswith(".slack.com"):
        return SLACK_FILE_HOSTS
    return (*SLACK_FILE_HOSTS, f"{api.hostname}:{api.port}" if api.port else api.hostname)
