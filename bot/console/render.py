"""What the console user sees: the bot's statuses, messages, citations, buttons and files, rendered with rich.

A watcher thread calls `refresh()` several times a second, so whatever the bot does (a streamed answer, a
drawing finished minutes later) is printed as it happens, without waiting for the user's next line. Streamed
text is printed line by line as lines complete; a message's sources, buttons and files follow once it is done.
Buttons are numbered `(b1)`, `(b2)` so they never look like the `[1]` of a cited source.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from typing import TextIO

from rich.console import Console
from rich.text import Text

from .emulator import Message, SlackEmulator
from .markup import BlockState, render_inline, render_line, render_text


@dataclass(frozen=True)
class Button:
    """One clickable choice under a message: what it says and what a click sends."""

    label: str
    action_id: str
    value: str


def buttons_of(blocks: list[dict]) -> list[Button]:
    """The buttons of a message in reading order; feedback_buttons count as two (positive, negative)."""
    found = []
    for block in blocks:
        if block.get("type") not in ("actions", "context_actions"):
            continue
        for element in block.get("elements", []):
            if element.get("type") == "button":
                found.append(Button(element["text"]["text"], element["action_id"], element.get("value", "")))
            elif element.get("type") == "feedback_buttons":
                for side in (element["positive_button"], element["negative_button"]):
                    found.append(Button(side["text"]["text"], element["action_id"], side["value"]))
    return found


def section_texts(blocks: list[dict], text: str) -> list[str]:
    """The text of section blocks (Find's results), leaving out one that repeats the message text (Slack shows
    the blocks and uses the text only as the notification fallback)."""
    sections = [block["text"]["text"] for block in blocks if block.get("type") == "section" and block.get("text")]
    return [s for s in sections if s.strip() not in (text.strip(), f"*{text.strip()}*")]


def context_texts(blocks: list[dict]) -> list[str]:
    """The text of every context block element (Curator's citations), one line each."""
    return [element["text"] for block in blocks if block.get("type") == "context"
            for element in block.get("elements", []) if element.get("text")]


@dataclass
class ClickTarget:
    """The latest bot message with buttons: where a `/click bN` lands."""

    channel: str
    ts: str
    buttons: list[Button]


@dataclass
class _Shown:
    text: str = ""  # the part of the text already printed
    extras: str = ""  # signature of the blocks and files already printed
    state: BlockState = field(default_factory=BlockState)


class Transcript:
    """Follows one conversation in the emulator and prints what is new since the last look (thread-safe)."""

    def __init__(self, emulator: SlackEmulator, channel: str, user: str, out: TextIO | None,
                 console: Console | None = None) -> None:
        self.emulator, self.channel, self.user = emulator, channel, user
        self.console = console or Console(file=out, soft_wrap=True, highlight=False, emoji=False, markup=False)
        self.click_target: ClickTarget | None = None
        self.changes = 0  # bumped whenever a bot message is printed or grows
        self.last_change = time.monotonic()
        self._shown: dict[str, _Shown] = {}
        self._statuses: dict[str, str] = {}  # thread -> the status it shows now
        self._statuses_shown: dict[str, int] = {}  # thread -> how many of its statuses were printed
        self._last_ts: str | None = None  # the message whose lines were printed last
        self._lock = threading.RLock()

    def say(self, text: str | Text, style: str = "") -> None:
        """Print a line of the console's own."""
        with self._lock:
            self._last_ts = None
            self.console.print(text if isinstance(text, Text) else Text(text, style=style))

    def status(self) -> str | None:
        """The latest status the bot shows in this conversation ("is searching the knowledge base…"), if any."""
        with self._lock:
            return next(reversed(self._statuses.values()), None)

    def refresh(self) -> bool:
        """Print new statuses, new and grown bot messages, and the extras of finished ones; True if anything changed."""
        with self._lock:
            changed = False
            for parent in self.emulator.messages(self.channel):
                self._show_status(parent.ts)  # first: a status shown and cleared since the last look precedes its reply
                for message in self._bot_messages(parent.ts):
                    changed |= self._show(message)
            if changed:
                self.changes += 1
                self.last_change = time.monotonic()
            return changed

    def busy(self) -> bool:
        """Whether the bot shows a status or is still streaming a message."""
        with self._lock:
            return bool(self._statuses) or any(m.streaming for m in self._all_bot_messages())

    def _show_status(self, thread_ts: str) -> None:
        history = self.emulator.thread_status_history(self.channel, thread_ts)
        for shown in history[self._statuses_shown.get(thread_ts, 0):]:
            self.say(Text("Curator ", style="dim").append_text(render_inline(shown, "dim italic")))
        self._statuses_shown[thread_ts] = len(history)
        status = self.emulator.thread_status(self.channel, thread_ts)
        if status:
            self._statuses[thread_ts] = status
        else:
            self._statuses.pop(thread_ts, None)

    def _show(self, message: Message) -> bool:
        shown = self._shown.setdefault(message.ts, _Shown())
        changed = self._show_text(message, shown)
        if not message.streaming:
            changed |= self._show_extras(message, shown)
        return changed

    def _show_text(self, message: Message, shown: _Shown) -> bool:
        text = message.text
        if shown.text and not text.startswith(shown.text):  # chat.update replaced the text
            self._print(message, Text("(updated) ", style="dim").append_text(render_text(text)))
            shown.text = text
            return True
        ready = text if not message.streaming else text[:text.rfind("\n") + 1]  # whole lines while streaming
        if len(ready) <= len(shown.text) or not ready.strip():
            return False
        new = ready[len(shown.text):]
        lines = [render_line(line, shown.state) for line in new.removesuffix("\n").split("\n")]
        self._print(message, Text("\n").join(lines))
        shown.text = ready
        return True

    def _print(self, message: Message, body: Text) -> None:
        if self._last_ts != message.ts:
            who = "Curator (only visible to you): " if message.ephemeral_for else "Curator: "
            body = Text(who, style="bold magenta").append_text(body)
        self.console.print(body)
        self._last_ts = message.ts

    def _show_extras(self, message: Message, shown: _Shown) -> bool:
        signature = json.dumps([message.blocks, [f.get("id") for f in message.files]], sort_keys=True)
        if signature == shown.extras:
            return False
        shown.extras = signature
        lines = [render_text(s) for s in section_texts(message.blocks, message.text)]
        lines += [Text(style="dim").append_text(render_text(c)) for c in context_texts(message.blocks)]
        buttons = buttons_of(message.blocks)
        if buttons:
            lines.append(Text("  ").join(Text(f"(b{n}) {b.label}", style="bold") for n, b in enumerate(buttons, 1)))
            self.click_target = ClickTarget(message.channel, message.ts, buttons)
        for shared in message.files:
            saved = self.emulator.file(shared["id"]).saved_path
            kind = "image" if shared.get("mimetype", "").startswith("image/") else "file"
            lines.append(Text(f"{kind} saved to {saved}" if saved else f"{kind}: {shared.get('name')}", style="green"))
        for line in lines:
            for part in line.split("\n"):
                self.console.print(Text("  ").append_text(part))
        self._last_ts = None if lines else self._last_ts
        return bool(lines)

    def _bot_messages(self, thread_ts: str) -> list[Message]:
        """A thread's parent and replies that the bot posted and this user can see."""
        return [m for m in self.emulator.thread_of(self.channel, thread_ts)
                if m.bot_id and m.ephemeral_for in (None, self.user)]

    def _all_bot_messages(self) -> list[Message]:
        return [reply for parent in self.emulator.messages(self.channel) for reply in self._bot_messages(parent.ts)]
