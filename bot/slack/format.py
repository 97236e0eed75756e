"""Slack text: Markdown to mrkdwn, escaping, splitting within Slack's limits."""

from __future__ import annotations

import re
from urllib.parse import quote

SECTION_LIMIT = 3000  # characters of text in one section block / plain message we aim to stay under
STREAM_CHUNK_LIMIT = 12_000  # markdown_text per streaming call

_CODE_FENCE = re.compile(r"(```.*?```)", re.DOTALL)
_INLINE_CODE = re.compile(r"(`[^`\n]+`)")
_LINK = re.compile(r"\[([^\]\n]+)\]\(([^)\s]+)\)")
_BOLD = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_ITALIC = re.compile(r"(?<![*\w])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![*\w])")
_STRIKE = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")
_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$", re.MULTILINE)
_BULLET = re.compile(r"^(\s*)[-*+]\s+", re.MULTILINE)
# Slack's special sequences (<!channel>, <@U1>, <#C1>) must never come from a document or a model.
_SPECIAL = re.compile(r"<([!@#])")


def escape(text: str) -> str:
    """Escape the three characters Slack's mrkdwn treats as control characters."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def shorten(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, ending in "…" when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def mrkdwn_link(url: str, label: str) -> str:
    """A Slack link `<url|label>` (`label` already escaped); `|` and `>` in the URL can't end it early."""
    return f"<{url.replace('|', '%7C').replace('>', '%3E')}|{label}>"


def neutralise_mentions(markdown: str) -> str:
    """Defuse `<!channel>`, `<!here>`, `<!subteam^…>`, `<@U…>` and `<#C…>` in standard Markdown (streamed
    text is not mrkdwn): the one defusing function for text Slack shows as Markdown."""
    return _SPECIAL.sub(lambda m: "<\u200b" + m.group(1), markdown)


def safe_prefix_end(markdown: str, final: bool) -> int:
    """How much of accumulated `markdown` can be defused and shown now: all of it once `final`, else all
    but a trailing `<` that the next piece could turn into a mention (`<` + `!channel>`)."""
    return len(markdown) if final or not markdown.endswith("<") else len(markdown) - 1


def markdown_to_mrkdwn(markdown: str) -> str:
    """Convert the Markdown a model writes into Slack mrkdwn, escaping everything that is not markup."""
    parts = _CODE_FENCE.split(markdown)
    return "".join(escape(part) if part.startswith("```") else _convert_prose(part) for part in parts)


def _convert_prose(text: str) -> str:
    out = []
    for part in _INLINE_CODE.split(text):
        out.append(escape(part) if part.startswith("`") and part.endswith("`") else _convert_inline(part))
    return "".join(out)


def _convert_inline(text: str) -> str:
    links: list[str] = []

    def keep_link(match: re.Match[str]) -> str:
        label, url = match.group(1), match.group(2)
        if not re.match(r"^(https?://|mailto:)", url):
            return match.group(0)
        links.append(f"<{quote(url, safe=':/?#[]@!$&()*+,;=%~-._')}|{escape(label)}>")
        return f"\x00{len(links) - 1}\x00"

    text = escape(_LINK.sub(keep_link, text))
    text = _HEADING.sub(lambda m: f"\x01{m.group(1)}\x01", text)
    text = _BOLD.sub(lambda m: f"\x01{m.group(2)}\x01", text)
    text = _ITALIC.sub(r"_\1_", text)
    text = _STRIKE.sub(r"~\1~", text)
    text = _BULLET.sub(r"\1• ", text)
    text = text.replace("\x01", "*")
    return re.sub(r"\x00(\d+)\x00", lambda m: links[int(m.group(1))], text)


def split_text(text: str, limit: int = SECTION_LIMIT) -> list[str]:
    """Split at paragraph, then line, then word boundaries so that every part fits in `limit`."""
    parts: list[str] = []
    remaining = text.strip()
    while len(remaining) > limit:
        cut = next(
            (at for sep in ("\n\n", "\n", " ") if (at := remaining.rfind(sep, 0, limit)) > limit // 2), limit
        )
        parts.append(remaining[:cut].rstrip())
        remaining = remaining[cut:].lstrip()
    if remaining:
        parts.append(remaining)
    return parts
