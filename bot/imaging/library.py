"""Generated images join the knowledge base as images, so Find (and the offline draw) can surface them."""

from __future__ import annotations

from bot.imaging.records import Drawing
from bot.kb.store import ChunkRecord, ChunkStore, KnowledgeBaseError
from bot.providers.base import Embedder, Passage

GENERATED_TAG = "generated"


class ImageLibrary:
    """Indexes drawings by their prompt (image embeddings arrive with Find) and searches images."""

    def __init__(self, store: ChunkStore, embedder: Embedder) -> None:
        self._store = store
        self._embedder = embedder

    def add(self, drawing: Drawing) -> None:
        """Index every image of a drawing with its prompt, parameters and author."""
        request = drawing.request
        text = f"{request.prompt}. AI-generated image by <@{drawing.user}> with {drawing.model} ({request.describe()})."
        title = request.prompt if len(request.prompt) <= 120 else request.prompt[:119] + "…"
        [vector] = self._embedder.embed_documents([text], title)
        self._store.ensure()
        self._store.upsert([
            ChunkRecord(
                source=str(path), doc_id=f"{GENERATED_TAG}/{path.name}", title=title, section="AI-generated image",
                text=text, content_hash=drawing.drawing_id, index=index, count=len(drawing.paths),
                tags=(GENERATED_TAG,), vector=vector, modality="image",
            )
            for index, path in enumerate(drawing.paths)
        ])

    def search(self, text: str, limit: int = 3) -> list[Passage]:
        """The images closest to `text`; empty when the knowledge base has none."""
        try:
            return self._store.search(self._embedder.embed_query(text), text, limit=limit, modality="image")
        except KnowledgeBaseError:
            return []
