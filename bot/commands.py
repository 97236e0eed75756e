"""The slash commands, in one table. The router, the slash listeners, the help text and the manifest test all
read it: a new command is one row here, its feature in the assistant's table, and its entry in manifest.yml."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Command:
    """One slash command: the feature it runs ("" routes its words, as /curator does), the reply to the command
    sent empty, how the posted request reads in the channel, and its line in the help text."""

    name: str
    feature: str
    usage: str = ""
    echo: str = ""
    help: str = ""


COMMANDS = (
    Command("/ask", "ask", "Ask me a question, e.g. `/ask how do I fix VPN error 809?`", "asked",
            "*Answer* questions from our knowledge base, with sources: just ask, here or with `/ask`."),
    Command("/draw", "draw", "Tell me what to draw, e.g. `/draw a lighthouse at dusk --ar 16:9`",
            "asked for a drawing of",
            "*Draw* an image: ask for one in your own words (“could you draw a fox in the snow?”), or use `/draw`. "
            "Reply under a drawing to change it."),
    Command("/find", "find", "Tell me what to find, e.g. `/find the payment flow diagram` (or upload an image)",
            "is looking for",
            "*Find* related documents and images: upload an image, ask to see a diagram or screenshot, or use `/find`."),
    Command("/curator", ""),
)
BY_NAME = {command.name: command for command in COMMANDS}
BY_FEATURE = {command.feature: command for command in COMMANDS if command.feature}
SLASH_COMMANDS = tuple(BY_NAME)  # as declared in manifest.yml (tests/unit/test_manifest.py checks it)

HELP_TEXT = (
    "*Hi, I'm Curator.* I can:\n"
    + "".join(f"• {command.help}\n" for command in COMMANDS if command.help)
    + "In a channel, @mention me; in a thread I've joined, just reply."
)
