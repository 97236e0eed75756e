"""What the console user sees: the bot's statuses, messages, citations, buttons and files, as plain text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TextIO

from .emulator import Message, SlackEmulator

_LINK = re.compile(r"<((?:https?|mailto):[^|>]+)\|([^>]+)>")
_BARE_LINK = re.compile(r"<((?:https?|mailto):[^|>]+)>")
_USER = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")


def to_terminal(mrkdwn: str) -> str:
    """Slack mrkdwn as terminal text: links as `label (url)`, mentions as `@name`, entities unescaped."""
    text = _LINK.sub(lambda m: f"{m.group(2)} ({m.group(1)})", mrkdwn)
    text = _BARE_LINK.sub(r"\1", text)
    text = _USER.sub(lambda m: "@" + m.group(1)[1:].lower(), text)
    return text.replace("\u200b", "").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


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


def section_lines(blocks: list[dict], text: str) -> list[str]:
    """The text of section blocks (Find's results), leaving out one that only repeats the message text."""
    sections = [block["text"]["text"] for block in blocks if block.get("type") == "section" and block.get("text")]
    return [to_terminal(s) for s in sections if s.strip("*") != text]


def citation_lines(blocks: list[dict]) -> list[str]:
    """The text of every context block element (Curator's citations), one line each."""
    return [to_terminal(element["text"]) for block in blocks if block.get("type") == "context"
            for element in block.get("elements", []) if element.get("text")]


@dataclass
class ClickTarget:
    """The latest bot message with buttons: where a `/click N` lands."""

    channel: str
    ts: str
    buttons: list[Button]


@dataclass
class _Shown:
    text: str = ""
    finished: bool = False


class Transcript:
    """Follows one conversation in the emulator and prints what is new since the last look."""

    def __init__(self, emulator: SlackEmulator, channel: str, user: str, out: TextIO) -> None:
        self.emulator, self.channel, self.user, self.out = emulator, channel, user, out
        self.click_target: ClickTarget | None = None
        self._shown: dict[str, _Shown] = {}
        self._statuses: dict[str, str] = {}
        self._line_open = False

    def say(self, text: str) -> None:
        """Print a line of the console's own, after whatever the bot left unfinished on the current line."""
        self._close_line()
        self._write(text + "\n")

    def refresh(self) -> bool:
        """Print new bot messages, the growth of streaming ones and new statuses; True if a message changed."""
        changed = False
        for parent in self.emulator.messages(self.channel):
            for message in self._bot_messages(parent.ts):
                changed |= self._show_text(message)
            self._show_status(parent.ts)
        return changed

    def busy(self) -> bool:
        """Whether the bot shows a status or is still streaming a message."""
        return bool(self._statuses) or any(m.streaming for m in self._all_bot_messages())

    def finish(self) -> None:
        """Print citations, buttons and files of every message that is no longer streaming; end the line."""
        for message in self._all_bot_messages():
            shown = self._shown.get(message.ts)
            if shown and not shown.finished and not message.streaming:
                shown.finished = True
                self._show_extras(message)
        self._close_line()

    def _show_status(self, thread_ts: str) -> None:
        """Print a thread's status ("is searching…") when it appears or changes."""
        status = self.emulator.thread_status(self.channel, thread_ts)
        if status and status != self._statuses.get(thread_ts):
            self.say(f"Curator {to_terminal(status)}")
        if status:
            self._statuses[thread_ts] = status
        else:
            self._statuses.pop(thread_ts, None)

    def _show_text(self, message: Message) -> bool:
        shown = self._shown.get(message.ts)
        if shown is None:
            shown = self._shown[message.ts] = _Shown()
            self._close_line()
            self._write("Curator (only visible to you): " if message.ephemeral_for else "Curator: ")
        if message.text == shown.text:
            return False
        if message.text.startswith(shown.text):
            self._write(to_terminal(message.text[len(shown.text):]))
        else:  # chat.update replaced the text
            self._close_line()
            self._write(f"(edited) {to_terminal(message.text)}")
        shown.text = message.text
        return True

    def _show_extras(self, message: Message) -> None:
        self._close_line()
        lines = section_lines(message.blocks, message.text) + citation_lines(message.blocks)
        buttons = buttons_of(message.blocks)
        if buttons:
            lines.append("  ".join(f"[{n}] {b.label}" for n, b in enumerate(buttons, 1)))
            self.click_target = ClickTarget(message.channel, message.ts, buttons)
        for shared in message.files:
            saved = self.emulator.file(shared["id"]).saved_path
            kind = "image" if shared.get("mimetype", "").startswith("image/") else "file"
            lines.append(f"{kind} saved to {saved}" if saved else f"{kind}: {shared.get('name')}")
        for line in lines:
            self._write("  " + line.replace("\n", "\n  ") + "\n")

    def _bot_messages(self, thread_ts: str) -> list[Message]:
        """A thread's parent and replies that the bot posted and this user can see."""
        return [m for m in self.emulator.thread_of(self.channel, thread_ts)
                if m.bot_id and m.ephemeral_for in (None, self.user)]

    def _all_bot_messages(self) -> list[Message]:
        return [reply for parent in self.emulator.messages(self.channel) for reply in self._bot_messages(parent.ts)]

    def _close_line(self) -> None:
        if self._line_open:
            self._write("\n")

    def _write(self, text: str) -> None:
        if not text:
            return
        self.out.write(text)
        self.out.flush()
        self._line_open = not text.endswith("\n")
