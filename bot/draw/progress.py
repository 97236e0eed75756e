"""A drawing's placeholder message, updated in place, and Slack's Stop button while the drawing waits and runs."""

from __future__ import annotations

from collections.abc import Callable

from bot.draw.base import GenerationResult
from bot.draw.blocks import build_drawing_blocks, drawing_summary
from bot.slack.format import escape
from bot.slack.reply import ThreadReply
from bot.state.drawings import Drawing
from bot.types import DrawRequest

Footer = Callable[[], list[dict]]  # blocks shown under the placeholder, read at each update (e.g. a switch button)


class Progress:
    """One placeholder message (queued with position, drawing, done, failed or stopped) and an agent session
    (Slack's Stop button) that is closed once the drawing is over."""

    def __init__(self, reply: ThreadReply, request: DrawRequest, footer: Footer | None = None) -> None:
        self._reply = reply
        self._prompt = escape(request.prompt[:200])
        self._footer = footer
        text = f":hourglass_flowing_sand: Getting ready to draw _{self._prompt}_…"
        self._message = reply.post(text, blocks=with_footer(text, None, footer), updatable=True)
        self._session = reply.session(f"Drawing: {request.prompt}")

    def queued(self, position: int) -> None:
        """The drawing waits in line at `position`."""
        self._update(f":hourglass_flowing_sand: Queued: you're number {position} in line for _{self._prompt}_.")

    def drawing(self, model: str) -> None:
        """The model is drawing."""
        self._update(f":art: Drawing _{self._prompt}_ with {escape(model)}…")

    def failed(self, message: str) -> None:
        """The drawing failed; `message` says why."""
        self._update(f":warning: I couldn't draw _{self._prompt}_: {escape(message)}", final=True)

    def stopped(self) -> None:
        """The user clicked Stop: nothing was drawn and the quota was given back."""
        self._update(f":black_square_for_stop: Stopped: _{self._prompt}_ was not drawn, and it did not count "
                     "against your quota.", final=True, urgent=True)

    def done(self, drawing: Drawing, result: GenerationResult) -> None:
        """The drawing is posted: its summary and controls."""
        self._update(drawing_summary(drawing, result.ignored, result.notes),
                     blocks=build_drawing_blocks(drawing, result.ignored, result.notes), final=True)

    def _update(self, text: str, blocks: list | None = None, final: bool = False, urgent: bool = False) -> None:
        self._reply.update(self._message, text, with_footer(text, blocks, self._footer), final=final)
        if final:
            self._reply.close_session(self._session, urgent=urgent)


def with_footer(text: str, blocks: list | None, footer: Footer | None) -> list | None:
    """`blocks` (or the text as a section) followed by the footer's blocks; unchanged without a footer."""
    extra = footer() if footer else []
    if not extra:
        return blocks
    return (blocks or [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]) + extra
