"""Ask: resolve a follow-up against its thread, retrieve passages and stream a grounded answer whose sources
are numbered in the order the answer shows them, each section once."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from bot.kb.followup import resolve
from bot.kb.stores.qdrant import ChunkStore, SearchMode
from bot.kb.vectors import VectorCache
from bot.types import NOT_IN_KB, Answerer, Embedder, Passage, Turn

MAX_QUESTION_CHARS = 4000
PASSAGES_PER_ANSWER = 6
SUGGESTED_DOCUMENTS = 2
_CITATION = re.compile(r"\[(\d{1,2})\]")
_PARTIAL_CITATION = re.compile(r"\[\d{0,2}$")


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
    """An answer being written: iterate for text pieces; afterwards `text` and `citations` are final.

    The answerer cites passages as [n]; the user sees sources numbered 1, 2, 3 in the order the answer
    first cites them, with passages of the same document section sharing one number.
    """

    passages: list[Passage]
    _pieces: Iterator[str]
    text: str = ""
    _shown: dict[tuple[str, str], int] = field(default_factory=dict)
    _held: str = ""

    def __iter__(self) -> Iterator[str]:
        for piece in self._pieces:
            out = self._renumber(self._held + piece)
            if out:
                self.text += out
                yield out
        if self._held:
            out, self._held = _CITATION.sub(self._display, self._held), ""
            self.text += out
            yield out
        if self.passages and self.text.strip() == NOT_IN_KB:
            suggestion = _suggestion(self.passages)
            self.text += suggestion
            yield suggestion

    def _renumber(self, text: str) -> str:
        """Rewrite complete markers; hold back a marker cut in two by the stream ("[1" then "2]")."""
        partial = _PARTIAL_CITATION.search(text)
        self._held = text[partial.start():] if partial else ""
        return _CITATION.sub(self._display, text[: partial.start()] if partial else text)

    def _display(self, match: re.Match[str]) -> str:
        number = int(match.group(1))
        if not 1 <= number <= len(self.passages):
            return ""  # a number no passage has: never shown
        passage = self.passages[number - 1]
        key = (passage.doc_id, passage.section)
        self._shown.setdefault(key, len(self._shown) + 1)
        return f"[{self._shown[key]}]"

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
        """(number as shown, passage) for each cited section, in the order the answer first cites them."""
        first = {}
        for passage in self.passages:
            first.setdefault((passage.doc_id, passage.section), passage)
        return [(number, first[key]) for key, number in sorted(self._shown.items(), key=lambda item: item[1])]

    @property
    def found(self) -> bool:
        """False when the answer is the honest 'not in the knowledge base'."""
        return NOT_IN_KB not in self.text


def _suggestion(passages: Sequence[Passage]) -> str:
    """Where to look instead: the closest documents by title (no citation: they don't answer)."""
    titles = list(dict.fromkeys(p.title for p in passages if p.title))[:SUGGESTED_DOCUMENTS]
    return f" You could check: {'; '.join(titles)}." if titles else ""


class AskService:
    """Hybrid retrieval followed by a grounded answer."""

    def __init__(self, store: ChunkStore, embedder: Embedder, answerer: Answerer) -> None:
        self._store = store
        self._embedder = embedder
        self._answerer = answerer
        self._vectors = VectorCache(embedder, size=5_000)

    def retrieve(
        self, question: str, limit: int = PASSAGES_PER_ANSWER, mode: SearchMode = "hybrid", tags: Sequence[str] = ()
    ) -> list[Passage]:
        """The passages most relevant to `question`."""
        self._store.check_ready()  # before the (possibly paid) query embedding; search checks again, cheaply
        vector = self._embedder.embed_query(question)
        return self._store.search(vector, question, limit=limit, mode=mode, tags=tags, modality="text")

    def ask(self, question: str, history: Sequence[Turn] = (), tags: Sequence[str] = ()) -> AnswerStream:
        """Retrieve and start streaming an answer; raises InvalidQuestion or KnowledgeBaseError first."""
        question = self.resolve(validate_question(question), history)
        return self.answer_from(question, self.retrieve(question, tags=tags), history)

    def resolve(self, question: str, history: Sequence[Turn]) -> str:
        """The question as it stands on its own in its thread ("and for Paris?" -> "... for Paris?")."""
        earlier = [turn.text for turn in history if turn.role == "user"]
        return resolve(question, earlier, self._closeness) if earlier else question

    def _closeness(self, text: str, candidates: list[str]) -> list[float]:
        vectors = self._vectors.embed([text, *candidates])
        return [float(score) for score in vectors[1:] @ vectors[0]]

    def answer_from(self, question: str, passages: list[Passage], history: Sequence[Turn] = ()) -> AnswerStream:
        """Start streaming an answer grounded in `passages`; none means the honest 'not in the KB'."""
        if not passages:
            return AnswerStream(passages=[], _pieces=iter([NOT_IN_KB]))
        return AnswerStream(passages=passages, _pieces=self._answerer.stream_answer(question, passages, history))
