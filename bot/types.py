"""The value types every layer shares (a retrieved passage, a conversation turn, a vector) and the protocols
models implement (embedders, answerers, the knowledge base's term statistics)."""

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


@dataclass(frozen=True)
class DrawRequest:
    """What to draw: the prompt and its parameters (already validated)."""

    prompt: str
    aspect_ratio: str = "1:1"
    negative: str = ""  # --no: things to leave out
    seed: int | None = None
    count: int = 1  # --n: 1-4 images

    def describe(self) -> str:
        """The parameters as a user would type them, e.g. `--ar 16:9 --seed 7 --no text`."""
        parts = [f"--ar {self.aspect_ratio}"]
        if self.negative:
            parts.append(f"--no {self.negative}")
        if self.seed is not None:
            parts.append(f"--seed {self.seed}")
        if self.count > 1:
            parts.append(f"--n {self.count}")
        return " ".join(parts)


@dataclass(frozen=True)
class GeneratedImage:
    """One image as bytes, with its MIME type."""

    data: bytes
    mime_type: str = "image/png"
