"""Ask: retrieve passages for a question and stream a grounded answer with its cited sources."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from bot.kb.store import ChunkStore, SearchMode
from bot.providers.base import NOT_IN_KB, Answerer, Embedder, Passage, Turn

MAX_QUESTION_CHARS = 4000
PASSAGES_PER_ANSWER = 6
_CITATION = re.compile(r"\[(\d{1,2})\]")


class InvalidQuestion(ValueError):
    """The question cannot be asked as it is; the message says how to fix it."""


def validate_question(question: str) -> str:
    """The question, stripped; raise InvalidQuestion when empty or too long."""
    question = (question or "").strip()
    if not question:
        raise InvalidQuestion("Ask a question, e.g. “How do I reset my VPN password?”")
    if len(question) > MAX_QUESTION_CHARS:
        raise InvalidQuestion(
            f"That question is {len(question):,} characters long; the limit is {MAX_QUESTION_CHARS:,}. "
            "Shorten it or ask about one thing at a time."
        )
    return question


@dataclass
class AnswerStream:
    """An answer being written: iterate for text pieces; afterwards `text` and `citations` are final."""

    passages: list[Passage]
    _pieces: Iterator[str]
    text: str = ""

    def __iter__(self) -> Iterator[str]:
        for piece in self._pieces:
            self.text += piece
            yield piece

    def close(self) -> None:
        """Stop the answer: the model's stream is closed, not read to its end."""
        close = getattr(self._pieces, "close", None)
        if close is not None:
            close()

    def finish(self) -> str:
        """Consume the rest of the stream and return the whole answer."""
        for _ in self:
            pass
        return self.text

    @property
    def citations(self) -> list[tuple[int, Passage]]:
        """(number, passage) for each passage the answer cites, in number order, each document once."""
        numbers = sorted({int(n) for n in _CITATION.findall(self.text) if 1 <= int(n) <= len(self.passages)})
        return [(n, self.passages[n - 1]) for n in numbers]

    @property
    def found(self) -> bool:
        """False when the answer is the honest 'not in the knowledge base'."""
        return NOT_IN_KB not in self.text


class AskService:
    """Hybrid retrieval followed by a grounded answer."""

    def __init__(self, store: ChunkStore, embedder: Embedder, answerer: Answerer) -> None:
        self._store = store
        self._embedder = embedder
        self._answerer = answerer

    def retrieve(
        self, question: str, limit: int = PASSAGES_PER_ANSWER, mode: SearchMode = "hybrid", tags: Sequence[str] = ()
    ) -> list[Passage]:
        """The passages most relevant to `question`."""
        self._store.check_ready()  # before the (possibly paid) query embedding; search checks again, cheaply
        vector = self._embedder.embed_query(question)
        return self._store.search(vector, question, limit=limit, mode=mode, tags=tags, modality="text")

    def ask(self, question: str, history: Sequence[Turn] = (), tags: Sequence[str] = ()) -> AnswerStream:
        """Retrieve and start streaming an answer; raises InvalidQuestion or KnowledgeBaseError first."""
        question = validate_question(question)
        search_text = " ".join([t.text for t in history if t.role == "user"][-1:] + [question])
        return self.answer_from(question, self.retrieve(search_text, tags=tags), history)

    def answer_from(self, question: str, passages: list[Passage], history: Sequence[Turn] = ()) -> AnswerStream:
        """Start streaming an answer grounded in `passages`; none means the honest 'not in the KB'."""
        if not passages:
            return AnswerStream(passages=[], _pieces=iter([NOT_IN_KB]))
        return AnswerStream(passages=passages, _pieces=self._answerer.stream_answer(question, passages, history))
