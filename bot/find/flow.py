"""Find in Slack: fetch and check the files of a post, look each image up, answer a question asked with them."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import zip_longest
from typing import Any
from urllib.parse import urlsplit

from slack_sdk.errors import SlackApiError

from bot.config import Settings
from bot.find.base import ImageDescription
from bot.find.blocks import SUPPORTED_HINT, image_uploads, result_message
from bot.find.download import SLACK_FILE_HOSTS, DownloadError, SlackFileDownloader
from bot.find.service import FindResult, FindService
from bot.kb.ask import AnswerStream
from bot.kb.images import FORMATS, DownloadedImage, UnsupportedFile
from bot.slack.format import escape
from bot.slack.reply import ThreadReply
from bot.state.drawings import DrawingRecords

log = logging.getLogger(__name__)

FIND_USAGE = "Tell me what to look for, e.g. `find the payment flow diagram`, or upload an image to find related documents."
SUPPORTED_MIME_TYPES = set(FORMATS.values())


@dataclass
class FindFlow:
    """Serves Find requests in a thread: uploads (one or several images, with or without words) and text."""

    settings: Settings
    service: FindService
    post_answer: Callable[[ThreadReply, str, AnswerStream], None]  # as Ask posts: sources, feedback buttons
    drawings: DrawingRecords  # where a generated image was drawn, to link a duplicate of it

    def text(self, reply: ThreadReply, query: str) -> None:
        """`find …` / `/find …`: documents and images matching words."""
        if not query.strip():
            reply.post(FIND_USAGE)
            return
        reply.acknowledge("is searching for images and documents…")
        self._post(reply, f"“{query.strip()[:200]}”", self.service.find_text(query.strip()))

    def files(self, reply: ThreadReply, files: Sequence[dict[str, Any]], words: str, question: bool) -> None:
        """Look up every image of a post (up to FIND_MAX_FILES); a question in `words` gets a grounded answer."""
        reply.acknowledge("is looking at your image…")
        cap = self.settings.find_max_files
        problems = [] if len(files) <= cap else [
            (f"You sent {len(files)} files; I looked at the first {cap} (the limit per message). "
             "Send the others in another message.")]
        downloader = self._downloader(reply)
        results: list[FindResult] = []
        for file in files[:cap]:
            try:
                image = _fetch(downloader, file)
            except (UnsupportedFile, DownloadError) as exc:
                problems.append(str(exc))
                continue
            result = self.service.find_image(image, text=words)
            results.append(result)
            self._post(reply, f"“{image.name}”", result)
        if problems:
            reply.error("\n".join(f"• {escape(p)}" for p in problems))
        if question and results:
            self._answer(reply, words, results)

    def images(self, reply: ThreadReply, files: Sequence[dict[str, Any]]) -> list[DownloadedImage]:
        """Every supported image among `files`, downloaded and checked; raises the first file's UnsupportedFile
        or DownloadError when none of them is usable."""
        downloader, images, problems = self._downloader(reply), [], []
        for file in files:
            try:
                images.append(_fetch(downloader, file))
            except (UnsupportedFile, DownloadError) as exc:
                problems.append(exc)
        if problems and not images:
            raise problems[0]
        return images

    def _post(self, reply: ThreadReply, subject: str, result: FindResult) -> None:
        drawn_at = self._drawn_at(reply, result.duplicate.passage.source) if result.duplicate else None
        text, blocks = result_message(subject, result, self.settings.docs_url, drawn_at)
        reply.post(text, blocks=blocks)
        matches = ([result.duplicate] if result.duplicate else []) + result.images
        uploads = image_uploads(matches)
        if not uploads:
            return
        # The list above already names them; if Slack refuses them, say why they are not shown.
        reply.upload(file_uploads=uploads,
                     error_text=lambda code: f":warning: I couldn't post the matching images here (Slack said `{code}`).")

    def _answer(self, reply: ThreadReply, question: str, results: list[FindResult]) -> None:
        merged = results[0] if len(results) == 1 else _merge(results)
        self.post_answer(reply, question, self.service.answer(question, merged))

    def _drawn_at(self, reply: ThreadReply, source: str) -> str | None:
        """The permalink of the thread where the image at `source` was drawn; None for other images."""
        drawing = self.drawings.with_image(source)
        if drawing is None:
            return None
        try:
            return reply.client.chat_getPermalink(channel=drawing.channel, message_ts=drawing.thread_ts)["permalink"]
        except SlackApiError as exc:  # e.g. a channel the bot has left: the duplicate is still reported
            log.info("no permalink for drawing %s: %s", drawing.drawing_id, exc.response.get("error"))
            return None

    def _downloader(self, reply: ThreadReply) -> SlackFileDownloader:
        return SlackFileDownloader(
            token=reply.client.token or "", allowed_hosts=_file_hosts(reply.client.base_url),
            max_bytes=int(self.settings.max_file_mb * 1_000_000), timeout_s=self.settings.slack_timeout_s,
            files_info=_files_info(reply),
        )


def _file_hosts(api_url: str) -> tuple[str, ...]:
    """Slack's file hosts, plus the Web API's own host when the client talks to another one (the console's
    emulator): the bot token already goes there."""
    api = urlsplit(api_url)
    if not api.hostname or api.hostname == "slack.com" or api.hostname.endswith(".slack.com"):
        return SLACK_FILE_HOSTS
    return (*SLACK_FILE_HOSTS, f"{api.hostname}:{api.port}" if api.port else api.hostname)


def _fetch(downloader: SlackFileDownloader, file: dict[str, Any]) -> DownloadedImage:
    """Download and check one shared file; what Slack already says is not a supported image (PDFs, SVGs,
    videos...) is refused without downloading it. Raises UnsupportedFile or DownloadError."""
    mimetype = str(file.get("mimetype") or "")
    if mimetype and mimetype not in SUPPORTED_MIME_TYPES:
        name = str(file.get("name") or file.get("title") or "your file")
        kind = str(file.get("pretty_type") or file.get("filetype") or mimetype)
        raise UnsupportedFile(f"“{name}” is a {kind} file, which I can't search with. {SUPPORTED_HINT}")
    return downloader.download(file)


def _files_info(reply: ThreadReply) -> Callable[[str], dict]:
    return lambda file_id: reply.client.files_info(file=file_id)["file"]


def _merge(results: list[FindResult]) -> FindResult:
    """One result for a question asked about several images: their passages, best of each first."""
    passages, seen = [], set()
    for group in zip_longest(*(r.passages for r in results)):
        for passage in group:
            if passage is not None and (passage.source, passage.text) not in seen:
                seen.add((passage.source, passage.text))
                passages.append(passage)
    captions = [r.description.as_text() for r in results if r.description and r.description.as_text()]
    return FindResult(passages=passages, description=ImageDescription(" / ".join(captions)))
