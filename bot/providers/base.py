"""The protocols every provider implements, and the errors they raise."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

Vector = list[float]

NOT_IN_KB = "I couldn't find this in the knowledge base."


@dataclass(frozen=True)
class Passage:
    """One retrieved chunk, as the answerer and the user see it."""

    text: str
    title: str
    section: str
    doc_id: str
    source: str
    score: float = 0.0
    modality: str = "text"  # "image" for pictures in the knowledge base

    @property
    def label(self) -> str:
        """A short human label: the document title and, when it adds anything, the section."""
        if self.section and self.section != self.title:
            return f"{self.title} › {self.section}"
        return self.title


@dataclass(frozen=True)
class Turn:
    """One earlier message of a conversation, for follow-up questions."""

    role: str  # "user" or "assistant"
    text: str


class TermStats(Protocol):
    """How often the knowledge base uses its index terms: what makes a word specific."""

    def frequencies(self, terms: Iterable[str]) -> dict[str, int]:
        """How many documents use each of `terms` (terms no document uses are left out)."""
        ...

    def documents(self) -> int:
        """How many documents the knowledge base holds."""
        ...


class Embedder(Protocol):
    """Turns text into vectors of one fixed space."""

    model_id: str
    dimension: int

    def embed_documents(self, texts: Sequence[str], title: str | None = None) -> list[Vector]:
        """Embed chunks of one document (retrieval-document task)."""
        ...

    def embed_query(self, text: str) -> Vector:
        """Embed a question (retrieval-query task)."""
        ...


class Answerer(Protocol):
    """Writes an answer grounded in numbered passages, streamed as text pieces."""

    def stream_answer(
        self, question: str, passages: Sequence[Passage], history: Sequence[Turn] = ()
    ) -> Iterator[str]:
        """Yield the answer in pieces; cite passages as [n] (1-based)."""
        ...


class ProviderError(Exception):
    """A model call failed; the message is safe and useful to show to a user."""


class ProviderUnavailable(ProviderError):
    """The provider could not be reached or kept failing after bounded retries."""


class ModelNotFound(ProviderError):
    """The configured model does not exist or is retired."""


class AnswerBlocked(ProviderError):
    """The model refused to answer (safety or policy block)."""
