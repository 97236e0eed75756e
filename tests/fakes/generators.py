"""A scripted image generator (the ImageGenerator protocol) for tests of the Slack draw flow."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

from bot.draw.base import GenerationResult
from bot.types import DrawRequest, GeneratedImage

from .images import tiny_png


class ScriptedGenerator:
    """Returns small PNGs (one colour per seed), records every call, can be slow or fail."""

    def __init__(self, model: str = "fake-image-1", delay: float = 0.0, error: Exception | None = None,
                 image_bytes: bytes | None = None, max_references: int = 3) -> None:
        self.model = model
        self.max_references = max_references
        self.delay = delay
        self.error = error
        self.image_bytes = image_bytes
        self.generated: list[DrawRequest] = []
        self.edits: list[tuple[bytes, str, DrawRequest]] = []
        self.references: list[list[bytes]] = []  # the reference images of each generate call
        self._lock = threading.Lock()

    def generate(self, request: DrawRequest, references: Sequence[GeneratedImage] = ()) -> GenerationResult:
        with self._lock:
            self.generated.append(request)
            self.references.append([r.data for r in references])
        return self._result(request)

    def edit(self, image: GeneratedImage, instruction: str, request: DrawRequest) -> GenerationResult:
        with self._lock:
            self.edits.append((image.data, instruction, request))
        return self._result(request)

    def _result(self, request: DrawRequest) -> GenerationResult:
        if self.delay:
            time.sleep(self.delay)
        if self.error:
            raise self.error
        seed = request.seed or 0
        images = [
            GeneratedImage(self.image_bytes or tiny_png(rgb=((seed + i) % 256, 90, 160)))
            for i in range(request.count)
        ]
        ignored = ["--no"] if request.negative else []
        return GenerationResult(images=images, model=self.model, ignored=ignored, tokens=0)
