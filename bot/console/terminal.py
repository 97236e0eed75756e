"""The console's two ends: an interactive terminal (prompt_toolkit line editing, a rich spinner, late output
printed above the prompt) and plain streams (pipes, scripts and tests: input echoed, no spinner)."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import Protocol, TextIO

from rich.console import Console

PROMPT = "you> "


class Spinner(Protocol):
    """Shows that work is in flight; `update` changes what it says."""

    def update(self, status: str) -> None:
        """Show `status` beside the spinner."""
        ...


class Terminal(Protocol):
    """Where the console reads the user's lines and prints the conversation."""

    console: Console
    echo: bool  # print "you> line" for lines that the terminal itself did not show

    def read(self) -> str | None:
        """The next line, or None at end of input (Ctrl-D, Ctrl-C)."""
        ...

    def waiting(self) -> contextlib.AbstractContextManager[Spinner]:
        """A spinner for as long as the context lasts."""
        ...


def open_terminal(stdin: TextIO, stdout: TextIO) -> Terminal:
    """The interactive terminal when both ends are this process's terminal, else plain streams."""
    if stdin is sys.stdin and stdout is sys.stdout and stdin.isatty() and stdout.isatty():
        return InteractiveTerminal()
    return StreamTerminal(stdin, stdout)


class _NoSpinner:
    def update(self, status: str) -> None:
        """Nothing to show on a pipe."""


class StreamTerminal:
    """Lines from a stream; output to a stream without colours or animation (what tests and pipes see)."""

    echo = True

    def __init__(self, stdin: TextIO, stdout: TextIO) -> None:
        self._stdin = stdin
        self.console = Console(file=stdout, soft_wrap=True, highlight=False, emoji=False, markup=False)

    def read(self) -> str | None:
        """The next line of the stream, or None at its end."""
        line = self._stdin.readline()
        return line if line else None

    @contextlib.contextmanager
    def waiting(self) -> Iterator[Spinner]:
        """No spinner: statuses are printed as lines anyway."""
        yield _NoSpinner()


class InteractiveTerminal:
    """prompt_toolkit for the input line (history, editing); while it waits, anything the bot posts is printed
    above it (patch_stdout). rich prints to whatever sys.stdout is at the time, so it follows the prompt."""

    echo = False

    def __init__(self) -> None:
        from prompt_toolkit import PromptSession

        self._session: PromptSession = PromptSession()
        self.console = Console(soft_wrap=True, highlight=False, emoji=False, markup=False)

    def read(self) -> str | None:
        """Prompt for a line; None on Ctrl-D or Ctrl-C."""
        from prompt_toolkit.patch_stdout import patch_stdout

        try:
            with patch_stdout(raw=True):
                return self._session.prompt(PROMPT)
        except (EOFError, KeyboardInterrupt):
            return None

    @contextlib.contextmanager
    def waiting(self) -> Iterator[Spinner]:
        """A rich spinner below the conversation; lines printed meanwhile appear above it."""
        with self.console.status("Curator is working…", spinner="dots") as status:
            yield _StatusSpinner(status)


class _StatusSpinner:
    def __init__(self, status) -> None:
        self._status = status

    def update(self, status: str) -> None:
        """Show the bot's latest status."""
        self._status.update(f"Curator {status}")
