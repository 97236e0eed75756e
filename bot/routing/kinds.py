"""What a message can ask for, and what the thread it is posted in shows."""

from __future__ import annotations

from enum import StrEnum


class Kind(StrEnum):
    """What the user wants Curator to do."""

    ASK = "ask"
    DRAW = "draw"
    FIND = "find"
    HELP = "help"
    EDIT = "edit"  # change the last image of the thread


class Thread(StrEnum):
    """What the bot last posted in the thread a message replies in."""

    DRAWING = "drawing"
    ANSWER = "answer"
