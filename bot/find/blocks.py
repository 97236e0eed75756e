"""Slack messages for Find results: what was read in the image, related documents, matching images."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.find.service import FindResult, ImageMatch
from bot.slack.blocks import source_url
from bot.slack.format import escape, mrkdwn_link, shorten
from bot.types import Passage

MAX_SEEN_CHARS = 300
MAX_SNIPPET_CHARS = 160
SUPPORTED_HINT = "I can read PNG, JPEG, WebP and GIF images."


def _link(passage: Passage, docs_url: str | None, label: str) -> str:
    url = source_url(passage, docs_url)
    return mrkdwn_link(url, escape(label)) if url else f"{escape(label)} (`{escape(passage.doc_id)}`)"


def _flat(text: str, limit: int) -> str:
    """One line of at most `limit` characters."""
    return shorten(" ".join(text.split()), limit)


def result_message(subject: str, result: FindResult, docs_url: str | None,
                   drawn_at: str | None = None) -> tuple[str, list[dict[str, Any]]]:
    """The fallback text and blocks for one lookup (`subject`: the file name or the query); `drawn_at` is
    the Slack link of the thread where a duplicate was drawn."""
    blocks: list[dict[str, Any]] = []
    if result.duplicate:
        where = f" (<{drawn_at}|drawn in this thread>)" if drawn_at else ""
        blocks.append(_section(":repeat: This image is already in the knowledge base: "
                               f"{_link(result.duplicate.passage, docs_url, result.duplicate.passage.doc_id)}{where}"))
    seen = result.description.as_text() if result.description else ""
    if seen:
        what = escape(_flat(seen, MAX_SEEN_CHARS))
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": f"What I see: “{what}”"}]})
    if result.documents:
        lines = [f"*[{n}]* {_link(p, docs_url, p.label)}: {escape(_flat(p.text, MAX_SNIPPET_CHARS))}"
                 for n, p in enumerate(result.documents, start=1)]
        blocks.append(_section("*Related documents*\n" + "\n".join(lines)))
    if result.images:
        names = ", ".join(f"`{escape(m.passage.doc_id)}`" for m in result.images)
        blocks.append(_section(f"*Matching images* (posted below): {names}"))
    if not (result.documents or result.images or result.duplicate):
        blocks.append(_section(f"I found nothing related to {escape(subject)} in the knowledge base. "
                               "Try other words, or a clearer or larger image."))
    header = f"Find results for {escape(subject)}"
    return header, [_section(f"*{header}*")] + blocks


def image_uploads(matches: list[ImageMatch]) -> list[dict[str, Any]]:
    """files_upload_v2 entries for the matching images that still exist on disk."""
    uploads = []
    for match in matches:
        path = Path(match.passage.source)
        if path.is_file():
            title = match.passage.title[:250] or path.name
            uploads.append({"file": str(path), "filename": path.name, "title": title,
                            "alt_txt": f"{title} ({match.passage.doc_id})"[:1000]})
    return uploads


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}}
