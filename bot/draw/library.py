"""Generated images join the knowledge base as images, so Find (and the offline draw) can surface them."""

from __future__ import annotations

import hashlib

from bot.find.base import ImageDescription
from bot.find.index import ImageIndex
from bot.find.service import FindService
from bot.kb.images import decode_image
from bot.kb.stores.qdrant import KnowledgeBaseError
from bot.slack.format import shorten
from bot.state.drawings import Drawing
from bot.types import Passage

GENERATED_TAG = "generated"
MAX_PIXELS = 40_000_000  # our own model's output; the check only guards against a corrupt file


class ImageLibrary:
    """Indexes drawings (their pixels and their prompt) and searches the knowledge base's images by text."""

    def __init__(self, index: ImageIndex, find: FindService) -> None:
        self._index = index
        self._find = find

    def add(self, drawing: Drawing) -> None:
        """Index every image of a drawing: its prompt, parameters and author, plus a caption and the words
        read in it (as for any image in the knowledge base)."""
        request = drawing.request
        made = f"AI-generated image by <@{drawing.user}> with {drawing.model} ({request.describe()}): {request.prompt}"
        title = shorten(request.prompt, 120)
        prepared = []
        for path in drawing.paths:
            data = path.read_bytes()
            image = decode_image(data, path.name, MAX_PIXELS)
            seen = self._index.encoder.describe(image)
            description = ImageDescription(f"{made}. {seen.caption}".strip(), seen.text)
            prepared.append(self._index.prepare(
                image, str(path), f"{GENERATED_TAG}/{path.name}", hashlib.sha256(data).hexdigest(),
                tags=(GENERATED_TAG,), title=title, description=description, words=request.prompt,
            ))
        self._index.store_images(prepared)

    def search(self, text: str, limit: int = 3) -> list[Passage]:
        """The images matching `text` (as `find` would show them); empty when the knowledge base has none."""
        try:
            return [match.passage for match in self._find.find_images(text, limit)]
        except KnowledgeBaseError:
            return []
