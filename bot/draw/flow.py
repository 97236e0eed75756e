"""The draw flow in Slack: quota, queue with visible position, progress, upload, controls, library."""

from __future__ import annotations

import dataclasses
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass

from bot.config import Settings
from bot.draw.base import (
    DrawRequest,
    GeneratedImage,
    GenerationResult,
    ImageGenerator,
)
from bot.draw.blocks import drawing_summary
from bot.draw.library import ImageLibrary
from bot.draw.progress import Footer, Progress, with_footer
from bot.draw.queue import DrawCancelled, DrawQueue, QueueTimeout
from bot.errors import ProviderError
from bot.slack.format import escape
from bot.slack.reply import ThreadReply
from bot.state.drawings import Drawing, DrawingRecords

log = logging.getLogger(__name__)

PRICE_PER_IMAGE_USD = {"gemini-2.5-flash-image": 0.039}  # 1,290 output tokens at $30 per million
PRICE_PER_OUTPUT_TOKEN_USD = 30 / 1_000_000
DEFAULT_PRICE_PER_IMAGE_USD = 0.04
VARIATION_INSTRUCTION = "Make a variation of this image: keep the subject and style, change the details."
OFFLINE = (
    "Drawing needs one of Google's image models. Set `GEMINI_API_KEY` (or Vertex AI with "
    "`GOOGLE_GENAI_USE_VERTEXAI=true`), then restart Curator; `curator doctor` checks `IMAGE_MODEL`."
)

Make = Callable[[], GenerationResult]


@dataclass
class DrawService:
    """Draws, redraws and edits images for Slack users, fairly and within their quota."""

    settings: Settings
    generator: ImageGenerator | None
    records: DrawingRecords
    queue: DrawQueue
    library: ImageLibrary

    def draw(self, reply: ThreadReply, user: str, request: DrawRequest, footer: Footer | None = None) -> None:
        """A new drawing in the reply's thread; `footer` adds blocks under its placeholder."""
        if self.generator is None:
            self._offline(reply, request.prompt, footer)
            return
        self._run(reply, user, request, lambda: self.generator.generate(request), None, footer)

    def regenerate(self, reply: ThreadReply, user: str, drawing: Drawing, aspect_ratio: str | None = None) -> None:
        """The same prompt again: a new seed, or the same seed in another aspect ratio."""
        if aspect_ratio:
            request = dataclasses.replace(drawing.request, aspect_ratio=aspect_ratio)
        else:
            request = dataclasses.replace(drawing.request, seed=random.randrange(2**31))
        self.draw(reply, user, request)

    def edit(self, reply: ThreadReply, user: str, drawing: Drawing, instruction: str,
             footer: Footer | None = None) -> None:
        """Change the drawing's first image as `instruction` says (also used for variations)."""
        if self.generator is None:
            self._offline(reply, instruction, footer)
            return
        request = dataclasses.replace(drawing.request, prompt=instruction, count=1, seed=None)
        image = drawing.first_image()
        self._run(reply, user, request, lambda: self.generator.edit(image, instruction, request), drawing.drawing_id,
                  footer)

    def draw_with_references(self, reply: ThreadReply, user: str, images: list[GeneratedImage],
                             request: DrawRequest, footer: Footer | None = None) -> None:
        """`draw …` with images (attached, or found and uploaded in the thread): the model follows them,
        as the prompt says (change this image, draw in this style); one drawing per request."""
        if self.generator is None:
            self._offline(reply, request.prompt, footer)
            return
        request = dataclasses.replace(request, count=1)
        self._run(reply, user, request, lambda: self.generator.generate(request, images), None, footer)

    def variations(self, reply: ThreadReply, user: str, drawing: Drawing) -> None:
        """A variation of the drawing's first image."""
        self.edit(reply, user, drawing, VARIATION_INSTRUCTION)

    def _run(self, reply: ThreadReply, user: str, request: DrawRequest, make: Make, parent_id: str | None,
             footer: Footer | None = None) -> None:
        quota = self.settings.image_quota_per_user_per_day
        reservation = self.records.reserve(user, request.count, quota)
        if reservation is None:
            used = self.records.used_today(user)
            reply.error(f"You've used {used} of your {quota} images for today (IMAGE_QUOTA_PER_USER_PER_DAY). "
                        "The quota resets at 00:00 UTC.")
            return
        progress = Progress(reply, request, footer)
        with reply.watching() as stop:  # Slack's Stop button, while the drawing waits and runs
            stop.on_stop(self.queue.wake)
            result = self._generate(reservation, progress, make, stopped=stop.is_set)
        if result is None:
            return
        drawing = self.records.save(reply.channel, reply.thread_ts, user, request, result.model, result.images, parent_id)
        self.records.settle(reservation, result.model, len(result.images), result.tokens, _cost(result))
        self._deliver(reply, drawing, result, progress)
        try:
            self.library.add(drawing)
        except Exception:  # the user has the image; indexing can be redone, so it never fails the drawing
            log.exception("could not index drawing %s in the knowledge base", drawing.drawing_id)

    def _generate(self, reservation: str, progress: Progress, make: Make,
                  stopped: Callable[[], bool]) -> GenerationResult | None:
        """Wait in line and draw; None (the quota given back, the user told) when it failed or was stopped."""
        try:
            with self.queue.slot(on_position=progress.queued, cancelled=stopped):
                if stopped():
                    raise DrawCancelled("stopped before it started")
                progress.drawing(self.generator.model)
                result = make()
            if stopped():  # the model call could not be interrupted: its images are dropped
                raise DrawCancelled("stopped while drawing")
            return result
        except DrawCancelled:
            self.records.cancel(reservation)
            progress.stopped()
        except (ProviderError, QueueTimeout) as exc:
            self.records.cancel(reservation)
            progress.failed(str(exc))
        except Exception:
            self.records.cancel(reservation)
            progress.failed("something went wrong on my side. Please try again.")
            raise
        return None

    def _deliver(self, reply: ThreadReply, drawing: Drawing, result: GenerationResult, progress: Progress) -> None:
        alt_text = drawing.request.prompt[:1000]
        reply.upload(
            file_uploads=[
                {"content": path.read_bytes(), "filename": f"curator-{path.name}", "title": alt_text[:250], "alt_txt": alt_text}
                for path in drawing.paths
            ],
            initial_comment=drawing_summary(drawing, result.ignored, result.notes),
            error_text=lambda code: f":warning: The image was made but Slack refused it here (`{code}`). Please try again.",
        )
        progress.done(drawing, result)

    def _offline(self, reply: ThreadReply, prompt: str, footer: Footer | None = None) -> None:
        images = self.library.search(prompt, limit=3)
        if not images:
            text = f":information_source: {OFFLINE} There are no images in the knowledge base yet to offer instead."
            reply.post(text, blocks=with_footer(text, None, footer))
            return
        text = f":information_source: {OFFLINE} Meanwhile, here are the closest images in the knowledge base:"
        reply.post(text, blocks=with_footer(text, None, footer))
        reply.upload(
            file_uploads=[{"file": p.source, "title": p.title[:250], "alt_txt": p.title[:1000]} for p in images],
            initial_comment="\n".join(f"• {escape(p.title)} (`{escape(p.doc_id)}`)" for p in images),
        )


def _cost(result: GenerationResult) -> float:
    if result.tokens:
        return result.tokens * PRICE_PER_OUTPUT_TOKEN_USD
    return len(result.images) * PRICE_PER_IMAGE_USD.get(result.model, DEFAULT_PRICE_PER_IMAGE_USD)
