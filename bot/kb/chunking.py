"""Structure-aware chunking: chunks never cross a section, keep a list or table with the sentence that
leads into it (a long table is split by rows, each part under its header row), and overlap a little."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.kb.documents import Document
from bot.kb.structure import Block, linear_text, list_text, parse_blocks, table_text

TARGET_CHARS = 900
OVERLAP_CHARS = 150
STEPS_STRETCH = 1.6  # a list up to this many targets stays in one chunk, so its steps are quoted together

_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+")


@dataclass(frozen=True)
class Chunk:
    """One piece of a document to embed and retrieve."""

    index: int
    section: str
    text: str

    def embedding_text(self, title: str) -> str:
        """What the embedder sees: the title and heading give a short chunk its context; table rows carry
        their headers."""
        heading = f"{self.section}\n" if self.section and self.section != title else ""
        return f"{title}\n{heading}{linear_text(self.text) if '|' in self.text else self.text}"


@dataclass(frozen=True)
class _Piece:
    text: str
    prose: bool  # a paragraph, whose last sentences may open the next chunk


def chunk_document(document: Document, target: int = TARGET_CHARS, overlap: int = OVERLAP_CHARS) -> list[Chunk]:
    """Split each section into chunks of about `target` characters with `overlap` carried over."""
    chunks: list[Chunk] = []
    for section in document.sections:
        for text in _pack(_pieces(section.text, target), target, overlap):
            chunks.append(Chunk(index=len(chunks), section=section.heading, text=text))
    return chunks


def _pieces(text: str, target: int) -> list[_Piece]:
    """Blocks as pieces: a lead-in joins its list or table; long blocks are split where they allow."""
    blocks = parse_blocks(text)
    pieces: list[_Piece] = []
    i = 0
    while i < len(blocks):
        block = blocks[i]
        following = blocks[i + 1] if i + 1 < len(blocks) else None
        if block.is_lead_in and following is not None and following.kind in ("list", "table"):
            pieces += _structured(following, block.text, target)
            i += 2
            continue
        pieces += _structured(block, "", target) if block.kind in ("list", "table") else _prose(block, target)
        i += 1
    return pieces


def _structured(block: Block, lead: str, target: int) -> list[_Piece]:
    """A list or table with its lead-in, split into parts that each repeat the lead-in (and header row)."""
    prefix = f"{lead}\n\n" if lead else ""
    whole = prefix + block.text.strip()
    if len(whole) <= target * (STEPS_STRETCH if block.kind == "list" else 1):
        return [_Piece(whole, False)]
    parts: list[_Piece] = []
    units = block.rows if block.kind == "table" else block.items
    group: list = []
    for unit in units:
        if group and len(prefix + _render(block, [*group, unit])) > target:
            parts.append(_Piece(prefix + _render(block, group), False))
            group = []
        group.append(unit)
    if group:
        parts.append(_Piece(prefix + _render(block, group), False))
    return parts


def _render(block: Block, units: list) -> str:
    return table_text(block.headers, units) if block.kind == "table" else list_text(units, block.ordered)


def _prose(block: Block, target: int) -> list[_Piece]:
    """A paragraph, quote or code block; longer than `target`, split into sentences and then hard-wrapped."""
    text = block.text.strip()
    if len(text) <= target:
        return [_Piece(text, block.kind == "paragraph")]
    pieces = []
    for sentence in _SENTENCE_BREAK.split(text) if block.kind == "paragraph" else text.split("\n"):
        pieces += [_Piece(sentence[i : i + target], block.kind == "paragraph") for i in range(0, len(sentence), target)]
    return pieces


def _pack(pieces: list[_Piece], target: int, overlap: int) -> list[str]:
    chunks: list[str] = []
    current: list[_Piece] = []  # the overlap carried over, then new pieces
    has_new = False
    for piece in pieces:
        if has_new and sum(len(p.text) for p in current) + len(piece.text) > target:
            chunks.append("\n\n".join(p.text for p in current))
            current, has_new = _tail(current, overlap), False
        current.append(piece)
        has_new = True
    if has_new:
        chunks.append("\n\n".join(p.text for p in current))
    return chunks


def _tail(pieces: list[_Piece], overlap: int) -> list[_Piece]:
    """The last sentences of a chunk that ends in prose, up to `overlap` characters, to open the next chunk."""
    if overlap <= 0 or not pieces or not pieces[-1].prose:
        return []
    tail: list[str] = []
    for sentence in reversed(_SENTENCE_BREAK.split(pieces[-1].text)):
        if sum(len(s) for s in tail) + len(sentence) > overlap:
            break
        tail.insert(0, sentence)
    return [_Piece(" ".join(tail), True)] if tail else []
