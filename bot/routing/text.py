"""Slack message text made readable for routing: mentions, links, emoji codes and entities resolved."""

from __future__ import annotations

import html
import re

_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|([^>]*))?>")
_LEADING_MENTIONS = re.compile(r"^\s*(?:<@[A-Z0-9]+(?:\|[^>]*)?>[\s,:]*)+")
_BROADCAST = re.compile(r"<!(?:here|channel|everyone|subteam\^[^>]*)(?:\|[^>]*)?>")
_LINK = re.compile(r"<((?:https?|mailto):[^|>]+)(?:\|([^>]*))?>")
_CHANNEL = re.compile(r"<#C[A-Z0-9]+(?:\|([^>]*))?>")
_EMOJI = re.compile(r"(?<![\w:]):[a-z0-9_+'-]+:(?![\w:])")
_SPACES = re.compile(r"[ \t]+")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def strip_mentions(text: str) -> str:
    """Remove leading @mentions (`<@U123>`) and surrounding whitespace."""
    return _LEADING_MENTIONS.sub("", text or "").strip()


def addressed_part(text: str, bot_user_id: str = "") -> str:
    """The part of a message meant for the bot: what follows its last @mention (chatter to others before
    it is dropped), or the text before the mention when nothing follows it; leading mentions go anyway."""
    text = text or ""
    if bot_user_id:
        mention = re.compile(rf"<@{re.escape(bot_user_id)}(?:\|[^>]*)?>")
        pieces = [p.strip(" \t,:") for p in mention.split(text)]
        if len(pieces) > 1:
            after = pieces[-1].strip()
            text = after if after else " ".join(pieces[:-1])
    return strip_mentions(text)


def readable(text: str) -> str:
    """Slack markup as words: people by name, links by label, no broadcasts or emoji codes, `&amp;` -> `&`."""
    text = _BROADCAST.sub(" ", text)
    text = _MENTION.sub(lambda m: "@" + m.group(2) if m.group(2) else "someone", text)
    text = _LINK.sub(lambda m: m.group(2) or m.group(1), text)
    text = _CHANNEL.sub(lambda m: "#" + (m.group(1) or "channel"), text)
    text = _EMOJI.sub(" ", text)
    text = html.unescape(text).translate(_QUOTES)
    lines = [_SPACES.sub(" ", line).strip() for line in text.splitlines()]
    return "\n".join(line for line in lines if line).strip()
