"""Slack message text for the terminal: mrkdwn (posted messages) and Markdown (streamed answers) as rich Text.

Slack shows `*bold*`, `_italic_`, `~strike~`, `` `code` ``, `> quotes`, links `<url|label>`, mentions and
`:emoji:` codes rendered; streamed answers are Markdown (`**bold**`, `[label](url)`). Both dialects are read by
one tokenizer, rendered with rich styles (no hand-written escape codes), and rich's emoji table turns the codes
into characters. Entities (`&lt;`, `&gt;`, `&amp;`) are unescaped after the `<…>` forms are read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rich.emoji import Emoji
from rich.text import Text

_INLINE = re.compile(
    r"(?P<link><(?P<url>(?:https?|mailto):[^|>]+)(?:\|(?P<label>[^>]+))?>)"
    r"|(?P<user><@(?P<uid>[UW][A-Z0-9]+)(?:\|[^>]*)?>)"
    r"|(?P<chan><#(?P<cid>C[A-Z0-9]+)(?:\|(?P<cname>[^>]*))?>)"
    r"|(?P<special><!(?P<sp>here|channel|everyone)[^>]*>)"
    r"|(?P<mdlink>\[(?P<mdlabel>[^\]\n]+)\]\((?P<mdurl>[^)\s]+)\))"
    r"|(?P<code>`(?P<codetext>[^`\n]+)`)"
    r"|(?P<bold2>\*\*(?P<b2>[^*\n]+)\*\*)"
    r"|(?P<bold>(?<![\w*])\*(?P<b1>[^*\n]+?)\*(?![\w*]))"
    r"|(?P<italic>(?<![\w_])_(?P<i1>[^_\n]+?)_(?![\w_]))"
    r"|(?P<strike>(?<![\w~])~~?(?P<s1>[^~\n]+?)~~?(?![\w~]))"
)
_QUOTE = re.compile(r"^(?:>|&gt;)\s?")
_BULLET = re.compile(r"^(\s*)(?:[-*•])\s+")
_HEADING = re.compile(r"^#{1,6}\s+")
_ENTITIES = (("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&"), ("\u200b", ""))


@dataclass
class BlockState:
    """What carries from one line of a message to the next: being inside a ``` code block."""

    in_code: bool = False


def render_line(line: str, state: BlockState | None = None) -> Text:
    """One line of mrkdwn or Markdown as styled terminal text."""
    state = state or BlockState()
    if line.strip().startswith("```"):
        state.in_code = not state.in_code
        rest = line.strip()[3:]
        return Text(rest, style="cyan") if rest else Text("")
    if state.in_code:
        return Text(plain(line), style="cyan")
    if _QUOTE.match(line):
        return Text("│ ", style="dim").append_text(render_inline(_QUOTE.sub("", line, count=1)))
    if _HEADING.match(line):
        return render_inline(_HEADING.sub("", line, count=1), "bold")
    bullet = _BULLET.match(line)
    if bullet:
        return Text(f"{bullet.group(1)}• ").append_text(render_inline(line[bullet.end():]))
    return render_inline(line)


def render_text(text: str) -> Text:
    """A whole message, line by line."""
    state = BlockState()
    return Text("\n").join(render_line(line, state) for line in text.split("\n"))


def render_inline(text: str, style: str = "") -> Text:
    """Inline formatting, links, mentions and emoji codes of one line."""
    out, position = Text(), 0
    for match in _INLINE.finditer(text):
        out.append(plain(text[position:match.start()]), style=style)
        out.append_text(_token(match, style))
        position = match.end()
    out.append(plain(text[position:]), style=style)
    return out


def plain(text: str) -> str:
    """Text with entities unescaped and emoji codes as characters."""
    for entity, char in _ENTITIES:
        text = text.replace(entity, char)
    return Emoji.replace(text)


def _token(match: re.Match, style: str) -> Text:
    kind = match.lastgroup
    if kind == "link" or kind == "mdlink":
        url = match.group("url") or match.group("mdurl")
        label = match.group("label") or match.group("mdlabel") or url
        shown = render_inline(label, f"{style} underline".strip())
        return shown.append(f" ({url})", style="dim") if label != url else shown
    if kind == "user":
        return Text("@" + match.group("uid")[1:].lower(), style=f"{style} bold".strip())
    if kind == "chan":
        return Text("#" + (match.group("cname") or match.group("cid")), style=f"{style} bold".strip())
    if kind == "special":
        return Text("@" + match.group("sp"), style=f"{style} bold".strip())
    if kind == "code":
        return Text(plain(match.group("codetext")), style=f"{style} cyan".strip())
    inner, added = {"bold2": ("b2", "bold"), "bold": ("b1", "bold"), "italic": ("i1", "italic"),
                    "strike": ("s1", "strike")}[kind]
    return render_inline(match.group(inner), f"{style} {added}".strip())
