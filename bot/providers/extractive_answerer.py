"""The offline answerer: quotes the passage sentences closest in meaning to the question, with citations.

Without a language model, "is this answered here?" is decided by two signals measured on the sample
knowledge base (see docs/benchmarks.md): how close the best sentence is in meaning, and how many of the
question's topic words the knowledge base never mentions at all (pet insurance, parking garage, ...).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

import numpy as np

from bot.kb import sparse
from bot.providers.base import NOT_IN_KB, Embedder, Passage, Turn, Vocabulary

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(\[])|\n+")
_LIST_MARKER = re.compile(r"^\s*(?:[-*+•]|\d+[.)]|#+)\s+")
_MIN_SENTENCE_CHARS = 20
# Conversational words that never carry a question's topic, so they don't count as unknown topic words.
_CONVERSATIONAL = frozenset(
    sparse.terms(
        "get got do does need can could would should want know tell please way anyone someone thing things help "
        "question what how much many long day days week time tomorrow today yesterday onto ve m s t ll re d"
    )
)


class ExtractiveAnswerer:
    """Quotes up to `max_sentences` supporting sentences; says NOT_IN_KB when support is below `min_support`.

    support = cosine(question, best sentence) - unknown_penalty * (share of topic words unknown to the KB)
    """

    def __init__(
        self, embedder: Embedder, vocabulary: Vocabulary | None = None,
        min_support: float = 0.30, unknown_penalty: float = 0.5, max_sentences: int = 3,
    ) -> None:
        self._embedder = embedder
        self._vocabulary = vocabulary
        self._min_support = min_support
        self._unknown_penalty = unknown_penalty
        self._max_sentences = max_sentences

    def stream_answer(
        self, question: str, passages: Sequence[Passage], history: Sequence[Turn] = ()
    ) -> Iterator[str]:
        """Yield one answer: the best sentences as a quoted list citing [n], or NOT_IN_KB."""
        query = _with_context(question, history)
        picks = self.best_sentences(query, passages)
        if not picks:
            yield NOT_IN_KB
            return
        lines = [f"> {sentence} [{number}]" for number, sentence in picks]
        yield "From the knowledge base:\n" + "\n".join(lines)

    def best_sentences(self, question: str, passages: Sequence[Passage]) -> list[tuple[int, str]]:
        """The most relevant (passage number, sentence) pairs, in reading order of relevance."""
        candidates = [
            (number, sentence)
            for number, passage in enumerate(passages, start=1)
            for sentence in split_sentences(passage.text)
        ]
        if not candidates:
            return []
        vectors = np.asarray(self._embedder.embed_documents([s for _, s in candidates]))
        query = np.asarray(self._embedder.embed_query(question))
        scores = vectors @ query
        order = np.argsort(-scores)
        best = float(scores[order[0]])
        if best - self._unknown_penalty * self.unknown_share(question) < self._min_support:
            return []
        # Keep sentences nearly as good as the best one, so a weak tail never dilutes the answer.
        keep = [i for i in order[: self._max_sentences] if scores[i] >= best - 0.12]
        return [candidates[i] for i in keep]

    def unknown_share(self, question: str) -> float:
        """The share of the question's topic words that occur nowhere in the knowledge base."""
        topic = {t for t in sparse.terms(question) if t not in _CONVERSATIONAL and len(t) > 1}
        if not topic or self._vocabulary is None:
            return 0.0
        return len(topic - self._vocabulary(topic)) / len(topic)


def split_sentences(text: str) -> list[str]:
    """Split chunk text into clean sentences, dropping headings, list markers and fragments."""
    sentences = []
    for raw in _SENTENCE_END.split(text):
        sentence = _LIST_MARKER.sub("", raw).replace("**", "").strip()
        if len(sentence) >= _MIN_SENTENCE_CHARS and not sentence.endswith(":"):
            sentences.append(sentence)
    return sentences


def _with_context(question: str, history: Sequence[Turn]) -> str:
    # A follow-up like "and for contractors?" needs the previous question to mean anything.
    earlier = [turn.text for turn in history if turn.role == "user"][-1:]
    return " ".join([*earlier, question])
