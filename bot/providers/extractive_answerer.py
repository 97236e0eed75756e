"""The offline answerer: quotes the unit of the passages that answers the question (a sentence, a table
row with its headers, a whole step list), with its citation, or says the knowledge base doesn't cover it.

Without a language model, choosing and refusing are decided by meaning (MiniLM) and by the question's
specific terms (bot/kb/selection.py); the weights were set on examples/eval/answers.jsonl and are measured
on a held-out split in docs/benchmarks.md.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from bot.kb.selection import Choice, Selector, Tuning
from bot.kb.units import Unit, passage_units
from bot.types import NOT_IN_KB, Embedder, Passage, TermStats, Turn

HEADER = "From the knowledge base:"


class ExtractiveAnswerer:
    """Quotes whole answer units with [n] citations; says NOT_IN_KB when the passages don't answer."""

    def __init__(self, embedder: Embedder, vocabulary: TermStats | None = None, tuning: Tuning | None = None) -> None:
        self._selector = Selector(embedder, vocabulary, tuning)

    def stream_answer(
        self, question: str, passages: Sequence[Passage], history: Sequence[Turn] = ()
    ) -> Iterator[str]:
        """Yield one answer: the chosen units as quotes citing [n], or NOT_IN_KB.

        `question` arrives resolved against its thread (bot.kb.followup), so `history` is not needed here.
        """
        yield render(self.choose(question, passages))

    def choose(self, question: str, passages: Sequence[Passage]) -> Choice:
        """What to quote from `passages` for `question` (no units: not answered)."""
        return self._selector.choose(question, passage_units(passages))


def render(choice: Choice) -> str:
    """The answer text: the note, if any, then each unit quoted whole with its citation."""
    if not choice.units:
        return NOT_IN_KB
    lines = [HEADER] + ([choice.note] if choice.note else [])
    lines += [quote(unit) for unit in choice.units]
    return "\n".join(lines)


def quote(unit: Unit) -> str:
    """A unit as one quote block (every line marked once), cited at its end."""
    body = "\n".join(f"> {line}" if line.strip() else ">" for line in unit.text.splitlines())
    return f"{body} [{unit.number}]"
