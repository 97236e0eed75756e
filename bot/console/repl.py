"""The console's read-eval-print loop: a user chats with the real Curator app, the emulator plays Slack.

Each line becomes what Slack would deliver (a DM message, a slash command, an upload, a click), handed to
the app in-process as a Socket Mode request; a spinner runs until the bot has replied and gone quiet. A
watcher thread prints whatever the bot posts the moment it appears, also later, while the prompt waits.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from pathlib import Path
from typing import TextIO

from slack_bolt import App, BoltRequest

from bot.routing.router import SLASH_COMMANDS

from .emulator import SlackEmulator
from .emulator_workspace import dm_channel
from .render import Transcript
from .terminal import PROMPT, Terminal, open_terminal

log = logging.getLogger(__name__)

QUIT = ("/quit", "/exit")
POLL_S = 0.1
SETTLE_S = 0.3  # the bot has finished once it replied and nothing changed for this long
PROMPTS_TIMEOUT_S = 5.0
_UPLOAD = re.compile(r"""^(?:"([^"]+)"|'([^']+)'|(\S+))\s*(.*)$""", re.DOTALL)
HELP = """Console commands:
  TEXT                      message Curator; the next messages continue the same thread
  /new                      start a new thread with your next message
  /ask, /draw, /find TEXT   Curator's slash commands (the next messages continue their thread)
  /curator help             what Curator can do
  /upload PATH [TEXT]       upload a file, with an optional message
  /click bN                 click button (bN) under Curator's latest message with buttons
  /help                     this list
  /quit                     leave (or Ctrl-D)"""


class ConsoleSession:
    """One user chatting with the app in their direct message with the bot, over text streams."""

    def __init__(self, app: App, emulator: SlackEmulator, stdin: TextIO, stdout: TextIO, *,
                 user: str = "UALICE", timeout: float = 120.0, terminal: Terminal | None = None) -> None:
        self.app, self.emulator, self.user, self.timeout = app, emulator, user, timeout
        self.channel = dm_channel(user)
        self.terminal = terminal or open_terminal(stdin, stdout)
        self.view = Transcript(emulator, self.channel, user, None, console=self.terminal.console)
        self.thread: str | None = None  # where plain messages go; None starts a new one
        self._commands = {"/help": self._help, "/new": self._new, "/upload": self._upload, "/click": self._click}
        self._stop = threading.Event()

    def run(self) -> None:
        """Greet and show the suggested prompts, then handle lines until /quit, end of input or Ctrl-C."""
        watcher = threading.Thread(target=self._watch, name="console-watcher", daemon=True)
        watcher.start()
        try:
            self._open_messages_tab()
            while (line := self._read()) is not None and line.strip() not in QUIT:
                self._handle(line.strip())
        except KeyboardInterrupt:
            pass
        finally:
            self._stop.set()
            watcher.join(timeout=5)
        self.view.say("Bye.")

    def _watch(self) -> None:
        """Print the bot's messages as they appear, until the session ends."""
        while not self._stop.is_set():
            try:
                self.view.refresh()
            except Exception:
                log.exception("console: could not show the latest messages")
            self._stop.wait(POLL_S)

    def _open_messages_tab(self) -> None:
        self.view.say(f"Curator console: you are @{self.user[1:].lower()}, in a direct message with Curator. "
                      "Type /help for the console commands.")
        self.app.dispatch(BoltRequest(body=self.emulator.app_home_opened(user=self.user), mode="socket_mode"))
        if self.emulator.wait_for(lambda: self.emulator.suggested_prompts(self.channel) is not None,
                                  timeout=PROMPTS_TIMEOUT_S):
            prompts = self.emulator.suggested_prompts(self.channel) or {}
            lines = [f"  • {prompt['message']}" for prompt in prompts.get("prompts", [])]
            self.view.say("\n".join([f"{prompts.get('title') or 'Try asking'}:", *lines]))

    def _read(self) -> str | None:
        """The next line, or None at end of input. Lines the terminal did not show are echoed as a chat."""
        line = self.terminal.read()
        if line is not None and self.terminal.echo:
            self.view.say(f"{PROMPT}{line.rstrip()}")
        return line

    def _handle(self, line: str) -> None:
        if not line:
            return
        command, _, rest = line.partition(" ")
        if command in SLASH_COMMANDS:
            self._slash_command(command, rest.strip())
        elif command in self._commands:
            self._commands[command](rest.strip())
        elif command.startswith("/"):
            self.view.say(f"Unknown command {command}. Type /help to see the console commands.")
        else:
            self._post(line)

    def _help(self, _: str) -> None:
        self.view.say(HELP)

    def _new(self, _: str) -> None:
        self.thread = None
        self.view.say("(your next message starts a new thread)")

    def _post(self, text: str, files: list[dict] | None = None) -> None:
        payload = self.emulator.user_message(text, user=self.user, thread_ts=self.thread, files=files)
        self.thread = self.thread or payload["event"]["ts"]
        self._deliver(payload)

    def _slash_command(self, command: str, text: str) -> None:
        """Run a slash command; if the bot posts a new message for it (the question), continue in its thread."""
        before = {m.ts for m in self.emulator.messages(self.channel)}
        self._deliver(self.emulator.slash_command(command, text, user=self.user))
        posted = [m.ts for m in self.emulator.messages(self.channel)
                  if m.ts not in before and m.bot_id and not m.ephemeral_for]
        self.thread = posted[-1] if posted else self.thread

    def _upload(self, rest: str) -> None:
        match = _UPLOAD.match(rest)
        if not match:
            self.view.say("Usage: /upload PATH [message]  (quote a PATH that has spaces)")
            return
        path = Path(next(group for group in match.groups()[:3] if group)).expanduser()
        if not path.is_file():
            self.view.say(f"No such file: {path}")
            return
        shared = self.emulator.upload_file(path, path.name, user=self.user)
        self.view.say(f"(uploaded {path.name})")
        self._post(match.group(4).strip(), files=[shared])

    def _click(self, rest: str) -> None:
        target = self.view.click_target
        if target is None:
            self.view.say("There is nothing to click yet: buttons show up under Curator's answers.")
            return
        number = rest.lower().removeprefix("b")
        if not number.isdigit() or not 1 <= int(number) <= len(target.buttons):
            self.view.say(f"Usage: /click bN, with N from 1 to {len(target.buttons)} (the (bN) under Curator's "
                          "latest message with buttons).")
            return
        button = target.buttons[int(number) - 1]
        try:
            payload = self.emulator.click(button.action_id, target.ts, target.channel, value=button.value,
                                          user=self.user)
        except LookupError:
            self.view.say("That message no longer has this button.")
            return
        self.view.say(f"(clicked {button.label})")
        self._deliver(payload)

    def _deliver(self, payload: dict) -> None:
        """Hand the payload to the app as Slack's Socket Mode would, then wait (spinner) until the bot is done."""
        before = self.view.changes
        response = self.app.dispatch(BoltRequest(body=payload, mode="socket_mode"))
        if response.status != 200:
            self.view.say(f"(the app answered {response.status}: {response.body or 'no body'})")
            return
        self._follow(before)

    def _follow(self, before: int) -> None:
        """Wait until the bot has replied and gone quiet, within `timeout`; the watcher prints as it goes."""
        deadline = time.monotonic() + self.timeout
        try:
            with self.terminal.waiting() as spinner:
                while True:
                    spinner.update(self.view.status() or "is working…")
                    replied = self.view.changes > before
                    if replied and not self.view.busy() and time.monotonic() - self.view.last_change >= SETTLE_S:
                        return
                    if time.monotonic() >= deadline:
                        self.view.say(f"(Curator has not finished after {self.timeout:g} s; the rest will show "
                                      "here when it comes)")
                        return
                    time.sleep(POLL_S)
        except KeyboardInterrupt:
            self.view.say("(stopped waiting; Curator's reply will show here when it comes)")
