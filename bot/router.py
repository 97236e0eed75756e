"""Intent routing: decide whether a message asks, draws, finds or wants help. Pure: no Slack imports."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    """What the user wants Curator to do."""

    ASK = "ask"
    DRAW = "draw"
    FIND = "find"
    HELP = "help"
    EDIT = "edit"  # change the last image of the thread


@dataclass(frozen=True)
class Intent:
    """The routed request: its kind and the text that remains for it (verb and mentions removed)."""

    kind: Kind
    text: str


_MENTION = re.compile(r"^\s*(?:<@[A-Z0-9]+(?:\|[^>]*)?>[\s,:]*)+")
# A verb at the very start, followed by a separator or the end: "draw a cat", "Draw: a cat", "/find diagram".
_VERB = re.compile(r"^/?(draw|find|ask|help)\b[\s:,\-–—]*(.*)$", re.IGNORECASE | re.DOTALL)
_HELP_ONLY = re.compile(r"^(?:help|\?|what can you do)[\s?!.]*$", re.IGNORECASE)
# "find out ..." is a question in disguise, not a search request.
_FIND_IS_QUESTION = re.compile(r"^(?:out\b|how\b|why\b|whether\b)", re.IGNORECASE)
# In a thread with an image, a reply that reads like a question is still a question, not an edit.
_QUESTION = re.compile(
    r"(\?\s*$)|^(?:how|what|why|when|where|who|whom|which|whose|is|are|was|were|can|could|do|does|did|should|"
    r"would|will|may|might|has|have|any|ask)\b",
    re.IGNORECASE,
)
_COMMANDS = {"/ask": Kind.ASK, "/draw": Kind.DRAW, "/find": Kind.FIND}
SLASH_COMMANDS = ("/ask", "/draw", "/find", "/curator")  # as declared in manifest.yml


def strip_mentions(text: str) -> str:
    """Remove leading @mentions (`<@U123>`) and surrounding whitespace."""
    return _MENTION.sub("", text or "").strip()


def is_question(text: str) -> bool:
    """Whether words read as a question ("why does this fail?"), not as a search hint ("similar diagrams")."""
    return bool(_QUESTION.search(strip_mentions(text)))


def route(text: str, has_files: bool = False, command: str | None = None, thread_has_image: bool = False) -> Intent:
    """Route a slash command or a message; explicit forms win, files alone mean find, the rest is a question.

    In a thread whose last drawing is there to change, an instruction ("make the sky purple") is an edit.
    """
    text = strip_mentions(text)
    if command in _COMMANDS:
        return Intent(_COMMANDS[command], text)
    if command == "/curator" and (not text or _HELP_ONLY.match(text)):
        return Intent(Kind.HELP, "")
    if _HELP_ONLY.match(text):
        return Intent(Kind.HELP, "")
    match = _VERB.match(text)
    if match:
        verb, rest = match.group(1).lower(), match.group(2).strip()
        if verb == "draw":
            return Intent(Kind.DRAW, rest)
        if verb == "find" and not _FIND_IS_QUESTION.match(rest):
            return Intent(Kind.FIND, rest)
        if verb == "ask" and rest:
            return Intent(Kind.ASK, rest)
    if has_files:
        return Intent(Kind.FIND, text)
    if thread_has_image and text and not _QUESTION.search(text):
        return Intent(Kind.EDIT, text)
    return Intent(Kind.ASK, text)
