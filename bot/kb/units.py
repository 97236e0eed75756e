"""The candidate answers inside retrieved passages: sentences, table rows, step lists, a short section.

Each unit is quotable whole and knows its context (the document, the heading, the sentence that leads into
it, a row's column headers), so "Dublin: lodging cap EUR 230" can be chosen, and read, on its own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.kb.structure import Block, parse_blocks, row_text
from bot.types import Passage

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(\[`])")
_EMPHASIS = re.compile(r"(\*\*|__|(?<![\w*])\*(?!\s))(?=\S)(.+?)(?<=\S)\1")
_QUOTE_MARKERS = re.compile(r"^(\s*>)+\s?", re.MULTILINE)
_SPACE_BEFORE = re.compile(r"[ \t]+([.,;:!?%)\]])")
_GENERAL = re.compile(r"\b(as a general rule|in general|by default|generally|all other|other (\w+ ){0,2}(cities|roles|countries|"
                      r"offices|changes|employees|locations|levels|plans)|most changes|everyone else|unless|otherwise|any other)\b", re.IGNORECASE)
_SHORT_SECTION_CHARS = 450
_EMBED_CHARS = 320
_MIN_SENTENCE_CHARS = 20
_MIN_LEAD_SENTENCE = 60
_PARAGRAPH_CHARS = 900
_FAQ_ANSWER_CHARS = 600


@dataclass(frozen=True)
class Unit:
    """One quotable candidate: where it comes from, what it says, and what surrounds it."""

    number: int  # the passage it comes from, 1-based
    kind: str  # "sentence", "paragraph", "entry", "answer" (an FAQ's), "row", "steps", "list", "item" or "section"
    text: str
    context: str  # the document title and heading, a lead-in sentence, a row's column headers
    general: bool = False  # a general rule or catch-all row ("All other roles", "As a general rule")
    parts: tuple[str, ...] = ()  # a list's items or a section's sentences: it means what its best part means
    cue: str = ""  # the heading or lead-in the embedder reads before the text
    topic: str = ""  # what a list or section is about (its heading and lead-in): it means that too
    labels: str = ""  # a row's column headers: they name what its cells hold

    @property
    def local(self) -> str:
        """The words the unit itself says (a row's headers included)."""
        return f"{self.text} {self.labels}" if self.labels else self.text

    @property
    def embedding_text(self) -> str:
        """What the embedder sees: a short cue (heading or lead-in), then the unit, within MiniLM's window."""
        return f"{self.cue}: {self.text}"[:_EMBED_CHARS] if self.cue else self.text[:_EMBED_CHARS]


def clean(text: str) -> str:
    """Quotable text: no emphasis markers, no quote markers, no space before punctuation."""
    text = _QUOTE_MARKERS.sub("", _EMPHASIS.sub(r"\2", text))
    return _SPACE_BEFORE.sub(r"\1", text).strip()


def passage_units(passages: Sequence[Passage]) -> list[Unit]:
    """Every candidate unit of `passages`, each distinct text once (overlapping chunks repeat text)."""
    units: list[Unit] = []
    seen: set[str] = set()
    for number, passage in enumerate(passages, start=1):
        for unit in _units(number, passage):
            key = " ".join(unit.text.lower().split())
            if key not in seen:
                seen.add(key)
                units.append(unit)
    return units


def _units(number: int, passage: Passage) -> list[Unit]:
    heading = f"{passage.title} › {passage.section}" if passage.section and passage.section != passage.title \
        else passage.title
    cue = passage.section or passage.title
    blocks = parse_blocks(passage.text)
    if _is_faq_answer(passage.section, blocks):
        return [_answer(number, clean(passage.text), heading, passage.section.split(" › ")[-1])]
    units: list[Unit] = []
    for i, block in enumerate(blocks):
        before = blocks[i - 1] if i else None
        lead = clean(before.text) if before is not None and before.is_lead_in else ""
        if block.kind == "table":
            units += _rows(number, block, heading, lead, lead or cue)
        elif block.kind == "list":
            units += _lists(number, block, heading, lead, lead or cue)
        elif block.kind == "entry":
            units += _entry(number, block, heading)
        elif block.kind != "code":
            units += _sentences(number, block, heading, cue, blocks[i + 1] if i + 1 < len(blocks) else None)
    atomic = [u.text for u in units if not u.parts]
    if len(passage.text) <= _SHORT_SECTION_CHARS and len(atomic) > 1 and all(b.kind != "table" for b in blocks):
        units.append(Unit(number, "section", clean(passage.text), heading, parts=tuple(atomic), cue=cue,
                          topic=cue))
    return units


def _sentences(number: int, block: Block, heading: str, cue: str, following: Block | None) -> list[Unit]:
    sentences = _split(clean(block.text))
    if following is not None and following.kind == "code" and sentences:
        sentences[-1] += "\n" + following.text.strip()  # "roll back with:" and the command it introduces
    units = [Unit(number, "sentence", s, heading, bool(_GENERAL.search(s)), cue=cue) for s in sentences]
    if len(units) > 1 and len(block.text) <= _PARAGRAPH_CHARS:
        units.append(Unit(number, "paragraph", "\n".join(sentences) if following is not None and following.kind == "code"
                          else clean(block.text), heading, parts=tuple(sentences), cue=cue, topic=cue))
    return units


def _is_faq_answer(section: str, blocks: list[Block]) -> bool:
    """A section headed by a question ("How long must my password be?") whose text is a short answer."""
    return section.rstrip().endswith("?") and bool(blocks) and all(b.kind == "paragraph" for b in blocks) \
        and sum(len(b.text) for b in blocks) <= _FAQ_ANSWER_CHARS


def _answer(number: int, text: str, heading: str, question: str) -> Unit:
    """An FAQ answer, quoted whole: the question it answers is its context and what it means."""
    return Unit(number, "answer", text, f"{heading}\n{question}" if question not in heading else heading,
                bool(_GENERAL.search(text)), cue=question)


def _entry(number: int, block: Block, heading: str) -> list[Unit]:
    """A bold symptom line and its fix: quoted whole; its sentences are candidates too. A bold question
    (a definition list's term) and its answer are one FAQ answer."""
    title, body = clean(block.items[0]), clean(block.items[1])
    if title.endswith("?"):
        return [_answer(number, body, heading, title)]
    sentences = [Unit(number, "sentence", s, f"{heading}\n{title}", cue=title) for s in _split(body)]
    whole = Unit(number, "entry", f"{title}\n{body}", heading, parts=(title, *(u.text for u in sentences)), cue=title,
                 topic=title)
    return [Unit(number, "sentence", title, heading, cue=heading), *sentences, whole]


def _split(text: str) -> list[str]:
    """Sentences long enough to say something; a lead-in ending in ":" counts when it says enough itself."""
    return [s.strip() for s in _SENTENCE_END.split(text) if len(s.strip()) >= _MIN_SENTENCE_CHARS
            and (not s.strip().endswith(":") or len(s.strip()) >= _MIN_LEAD_SENTENCE)]


def _lists(number: int, block: Block, heading: str, lead: str, cue: str) -> list[Unit]:
    context = f"{heading}\n{lead}".strip()
    items = [clean(item) for item in block.items]
    body = "\n".join(f"{n}. {item}" if block.ordered else f"• {item}" for n, item in enumerate(items, 1))
    whole = Unit(number, "steps" if block.ordered else "list", f"{lead}\n{body}".strip(), heading,
                 bool(_GENERAL.search(lead)), parts=tuple(items), cue=cue, topic=f"{heading.split(' › ')[-1]}: {lead}")
    singles = [Unit(number, "item", item, context, bool(_GENERAL.search(item)), cue=cue) for item in items]
    return [whole, *singles]


def _rows(number: int, block: Block, heading: str, lead: str, cue: str) -> list[Unit]:
    context = f"{heading}\n{lead}".strip()
    units = []
    for row in block.rows:
        if any(row):
            text = clean(row_text(block.headers, row))
            units.append(Unit(number, "row", text, context, bool(_GENERAL.search(row[0])), cue=cue,
                              labels=" ".join(block.headers)))
    return units
