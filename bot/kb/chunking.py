"""Heading-aware chunking: chunks never cross a section, pack whole paragraphs, and overlap a little."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.kb.documents import Document

TARGET_CHARS = 900
OVERLAP_CHARS = 150

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+")


@dataclass(frozen=True)
class Chunk:
    """One piece of a document to embed and retrieve."""

    index: int
    section: str
    text: str

    def embedding_text(self, title: str) -> str:
        """What the embedder sees: the title and heading give a short chunk its context."""
        heading = f"{self.section}\n" if self.section and self.section != title else ""
        return f"{title}\n{heading}{self.text}"


def chunk_document(document: Document, target: int = TARGET_CHARS, overlap: int = OVERLAP_CHARS) -> list[Chunk]:
    """Split each section into chunks of about `target` characters with `overlap` carried over."""
    chunks: list[Chunk] = []
    for section in document.sections:
        for text in _pack(_pieces(section.text, target), target, overlap):
            chunks.append(Chunk(index=len(chunks), section=section.heading, text=text))
    return chunks


def _pieces(text: str, target: int) -> list[str]:
    """Paragraphs, with paragraphs longer than `target` split into sentences and then hard-wrapped."""
    pieces: list[str] = []
    for paragraph in _PARAGRAPH_BREAK.split(text):
        paragraph = paragraph.strip()
        if not paragraph:
            continue
        if len(paragraph) <= target:
            pieces.append(paragraph)
            continue
        for sentence in _SENTENCE_BREAK.split(paragraph):
            pieces += [sentence[i : i + target] for i in range(0, len(sentence), target)]
    return pieces


def _pack(pieces: list[str], target: int, overlap: int) -> list[str]:
    chunks: list[str] = []
    current: list[str] = []  # the overlap carried over, then new pieces
    has_new = False
    for piece in pieces:
        if has_new and sum(map(len, current)) + len(piece) > target:
            chunks.append("\n\n".join(current))
            current, has_new = _tail(current, overlap), False
        current.append(piece)
        has_new = True
    if has_new:
        chunks.append("\n\n".join(current))
    return chunks


def _tail(pieces: list[str], overlap: int) -> list[str]:
    """The last sentences of a chunk, up to `overlap` characters, to open the next chunk."""
    if overlap <= 0 or not pieces:
        return []
    sentences = _SENTENCE_BREAK.split(pieces[-1])
    tail: list[str] = []
    for sentence in reversed(sentences):
        if sum(len(s) for s in tail) + len(sentence) > overlap:
            break
        tail.insert(0, sentence)
    return [" ".join(tail)] if tail else []
