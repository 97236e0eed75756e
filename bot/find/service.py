"""Find: related documents and images for an uploaded image, an image with a question, or a text query."""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.find.base import ImageDescription, ImageVectors
from bot.find.index import ImageIndex, VisualMatch, as_passage
from bot.kb.ask import PASSAGES_PER_ANSWER, AnswerStream, AskService, validate_question
from bot.kb.images import DownloadedImage
from bot.kb.stores.qdrant import ChunkStore, SearchMode
from bot.types import Embedder, Passage, Vector

RRF_K = 60
_WORDS = re.compile(r"[a-z0-9][a-z0-9\-]{2,}")
CANDIDATES = 12
DUPLICATE_CANDIDATES = 3  # look-alikes checked for being the same picture


@dataclass(frozen=True)
class FindTuning:
    """Similarity floors of one encoder: below them a match is noise, not a result (cosine, 0..1)."""

    duplicate_similarity: float  # the same picture, resized or re-encoded
    min_image_similarity: float  # an image worth showing, by meaning (text space)
    min_visual_similarity: float  # an image worth showing for words, in a cross-modal image space (Vertex)
    min_image_match: float  # an image worth showing for an image: the mean of its look and meaning cosines
    min_document_similarity: float  # a document worth showing for an image


@dataclass(frozen=True)
class ImageMatch:
    """A knowledge-base image that matches, and how closely (cosine in its space)."""

    passage: Passage
    similarity: float


@dataclass
class FindResult:
    """What a lookup found: related documents (one passage per document), matching images, a duplicate."""

    documents: list[Passage] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)  # every relevant passage, for a grounded answer
    images: list[ImageMatch] = field(default_factory=list)
    duplicate: ImageMatch | None = None
    description: ImageDescription | None = None


class FindService:
    """Cross-modal lookups over one knowledge base: image -> documents and images, text -> images."""

    def __init__(self, store: ChunkStore, index: ImageIndex, embedder: Embedder, ask: AskService,
                 tuning: FindTuning) -> None:
        self._store = store
        self._index = index
        self._embedder = embedder
        self._ask = ask
        self.tuning = tuning

    def find_image(self, image: DownloadedImage, text: str = "", limit: int = 3) -> FindResult:
        """Documents and images related to an uploaded image (and the words sent with it)."""
        self._store.check_ready()
        description = self._index.encoder.describe(image)
        vectors = self._index.encoder.embed(image, description, task="query", text=text)
        words = " ".join(part for part in (text, description.text) if part.strip())
        looks = self._index.visual.nearest(vectors.visual, CANDIDATES)  # serves duplicates and look-alikes
        duplicate = self._duplicate(hashlib.sha256(image.data).hexdigest(), looks[:DUPLICATE_CANDIDATES],
                                    description.text)
        images = [m for m in self._images_for_image(vectors, looks, limit + 1)
                  if not (duplicate and m.passage.source == duplicate.passage.source)][:limit]
        passages = self._passages(vectors.semantic, words)
        return FindResult(_per_document(passages, limit), passages, images, duplicate, description)

    def find_text(self, text: str, limit: int = 3) -> FindResult:
        """Documents and images matching a text query ("the payment flow diagram")."""
        self._store.check_ready()
        vector = self._embedder.embed_query(text)
        passages = self._passages(vector, text)
        return FindResult(_per_document(passages, limit), passages, self._images_for_text(text, vector, limit))

    def find_images(self, text: str, limit: int = 3) -> list[ImageMatch]:
        """Only the images matching a text query; empty when the knowledge base has none."""
        self._store.check_ready()
        return self._images_for_text(text, self._embedder.embed_query(text), limit)

    def answer(self, question: str, result: FindResult) -> AnswerStream:
        """A grounded answer to a question asked with an image, from the documents the image found."""
        question = validate_question(question)
        seen = result.description.as_text() if result.description else ""
        prompt = f"{question}\n\nThe question comes with an image. {_quote(seen)}" if seen else question
        return self._ask.answer_from(prompt, result.passages[:PASSAGES_PER_ANSWER])

    def _duplicate(self, content_hash: str, nearest: Sequence[VisualMatch], words: str) -> ImageMatch | None:
        """The same bytes, or one of the `nearest` look-alikes whose words (if any) are the same: two dialogs
        of one template look identical to an image model and differ only in their text."""
        exact = self._index.visual.with_hash(content_hash)
        if exact is not None:
            return ImageMatch(as_passage(exact), 1.0)
        for match in nearest:
            if match.similarity >= self.tuning.duplicate_similarity and same_words(words, match.text):
                return ImageMatch(as_passage(match), match.similarity)
        return None

    def _passages(self, vector: Vector, words: str) -> list[Passage]:
        """Relevant text passages: dense hits above the floor fused with keyword hits."""
        return self._search(vector, words, "text", CANDIDATES, self.tuning.min_document_similarity)

    def _images_for_image(self, vectors: ImageVectors, nearest: Sequence[VisualMatch],
                          limit: int) -> list[ImageMatch]:
        """Images that both look and mean alike: the mean of the visual and the semantic cosine.

        Either alone misleads: all flow diagrams look alike to an ImageNet model, and the label vectors of
        any two photos are close in meaning; their mean separates related images from the rest. Keyword
        hits are left out: a screenshot's many words match some word in almost any image.
        """
        looks = {m.source: m for m in nearest}
        means = {p.source: p for p in self._store.search(vectors.semantic, "", limit=CANDIDATES, mode="dense",
                                                         modality="image")}
        if missing := [s for s in means if s not in looks]:
            looks |= {m.source: m for m in self._index.visual.nearest(vectors.visual, len(missing), missing)}
        if missing := [s for s in looks if s not in means]:
            means |= {p.source: p for p in self._store.search(vectors.semantic, "", limit=len(missing),
                                                              mode="dense", modality="image", sources=missing)}
        scored = [ImageMatch(means[s], (looks[s].similarity + means[s].score) / 2) for s in looks.keys() & means]
        scored = [m for m in scored if m.similarity >= self.tuning.min_image_match]
        return sorted(scored, key=lambda m: -m.similarity)[:limit]

    def _images_for_text(self, text: str, vector: Vector, limit: int) -> list[ImageMatch]:
        """Images by meaning and by the words in them, fused with the visual space when it reads text."""
        semantic = self._search(vector, text, "image", CANDIDATES, self.tuning.min_image_similarity)
        visual_query = self._index.encoder.embed_text_visual(text)
        visual = self._index.visual.nearest(visual_query, CANDIDATES) if visual_query is not None else []
        looks = [as_passage(m) for m in visual if m.similarity >= self.tuning.min_visual_similarity]
        return [ImageMatch(p, p.score) for p in _fuse([semantic, looks])[:limit]]

    def _search(self, vector: Vector, words: str, modality: str, limit: int, floor: float = 0.0) -> list[Passage]:
        """Dense hits above `floor` fused (RRF) with keyword (sparse) hits, which need no floor. Scores are
        the dense cosine, 0 for a passage found by its words only."""
        def run(mode: SearchMode) -> list[Passage]:
            return self._store.search(vector, words, limit=limit, mode=mode, modality=modality)

        dense = [p for p in run("dense") if p.score >= floor]
        sparse = [dataclasses.replace(p, score=0.0) for p in run("sparse")] if words.strip() else []
        return _fuse([dense, sparse])


def same_words(a: str, b: str, min_overlap: float = 0.6) -> bool:
    """Whether two OCR texts say the same thing (Jaccard overlap of their words); two texts without words do."""
    words_a, words_b = set(_WORDS.findall(a.lower())), set(_WORDS.findall(b.lower()))
    if len(words_a) < 3 and len(words_b) < 3:
        return True
    return len(words_a & words_b) / len(words_a | words_b) >= min_overlap


def _fuse(rankings: Sequence[Sequence[Passage]]) -> list[Passage]:
    """Reciprocal rank fusion; a passage keeps its score from the first ranking it is in (dense: a cosine)."""
    scores: dict[tuple[str, str], float] = {}
    first: dict[tuple[str, str], Passage] = {}
    for ranking in rankings:
        for rank, passage in enumerate(ranking):
            key = (passage.source, passage.text if passage.modality == "text" else "")  # an image is one point
            scores[key] = scores.get(key, 0.0) + 1.0 / (RRF_K + rank + 1)
            first.setdefault(key, passage)
    return [first[key] for key in sorted(scores, key=lambda k: -scores[k])]


def _per_document(passages: Sequence[Passage], limit: int) -> list[Passage]:
    """The best passage of each document, best documents first."""
    best: dict[str, Passage] = {}
    for passage in passages:
        best.setdefault(passage.doc_id, passage)
    return list(best.values())[:limit]


def _quote(seen: str) -> str:
    return "What it shows and the text in it: “" + " ".join(seen.split())[:1500] + "”"
