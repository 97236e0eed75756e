"""When the passages don't answer: a code the knowledge base lacks, a name no passage lists, a topic word
it never uses; and the one exception, a table's catch-all row ("Other international cities") for a name
the table doesn't list."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.kb import sparse
from bot.kb.question import QuestionTerms, present, stems_of
from bot.kb.tuning import Choice, Tuning, Weights
from bot.kb.units import Unit
from bot.kb.vectors import VectorCache
from bot.types import TermStats


@dataclass
class Refusals:
    """The checks that turn a best guess into an honest "not in the knowledge base"."""

    vectors: VectorCache
    stats: TermStats | None
    tuning: Tuning

    def missing_code(self, terms: QuestionTerms, units: Sequence[Unit]) -> str:
        """A code or numbered name the question gives ("P-104", "Tier 4") that the knowledge base lacks."""
        texts = [f"{u.context}\n{u.local}" for u in units]
        for identifier in terms.identifiers:
            if present(identifier, texts):
                continue
            if " " not in identifier and self.stats is not None and self.stats.frequencies([identifier]):
                continue  # the KB has it, in passages not retrieved: not a reason to refuse
            return identifier
        return ""

    def unlisted_name(self, terms: QuestionTerms, weights: Weights, units: Sequence[Unit]) -> str:
        """A name the question is about ("the Berlin office") that no passage mentions, nor anything like it."""
        everywhere = set().union(*(stems_of(f"{u.local} {u.context}") for u in units))
        missing = [t for t in terms.names if t.stem not in everywhere and weights.salience.get(t.stem, 0.0) >= 1.0]
        if not missing:
            return ""
        words = sorted(set().union(*(word_set(f"{u.local} {u.context}") for u in units)))
        return next((t.word for t in missing if not self.vectors.near(t.word, words, self.tuning.stranger_match)), "")

    def stranger(self, terms: QuestionTerms, weights: Weights, units: Sequence[Unit]) -> str:
        """A topic word of the question (salient, never used by the KB) with nothing close to it in `units`."""
        salient = [t for t in terms.unknown if weights.salience.get(t.stem, 0.0) >= 1.0]
        if not salient:
            return ""
        words = sorted(set().union(*(word_set(f"{u.local} {u.context}") for u in units)))
        return next((t.word for t in salient if not self.vectors.near(t.word, words, self.tuning.stranger_match)), "")

    def unsupported(self, weights: Weights, unit: Unit) -> str:
        """The question's heaviest term when the chosen unit neither says it, nor its heading, nor a word close
        to it: "insurance excess on a rental car" is not answered by a rental rule. Only the heaviest: a long
        question names more than any one passage says."""
        held = stems_of(f"{unit.local} {unit.context}")
        terms = {s: w for s, w in weights.terms.items() if s not in weights.identifiers}
        heaviest = max(terms, key=terms.get, default="")
        missing = [heaviest] if heaviest and heaviest not in held else []
        if not missing:
            return ""
        words = sorted(word_set(f"{unit.local} {unit.context}"))
        return next((weights.spelled.get(s, s) for s in missing
                     if not self.vectors.near(weights.spelled.get(s, s), words, self.tuning.support_match)), "")

    def catch_all(self, terms: QuestionTerms, units: Sequence[Unit], gap: str) -> Choice | None:
        """A catch-all row ("Other international cities") answers for a name its table does not list."""
        if terms.identifiers and gap in terms.identifiers:
            return None
        everywhere = set().union(*(stems_of(f"{u.local} {u.context}") for u in units))
        names = [gap] if gap else []
        names += [t.word for t in terms.names if t.stem not in everywhere]
        for unit in units:
            if unit.kind != "row" or not unit.general:
                continue
            siblings = [u.text.split(":", 1)[0] for u in units if u.kind == "row" and u.context == unit.context
                        and u is not unit]
            for name in names:
                if siblings and self.vectors.closest(name, siblings) >= self.tuning.same_kind:
                    note = f"{name[:1].upper()}{name[1:]} isn't listed separately; the general row applies:"
                    return Choice(units=[unit], note=note)
        return None


def word_set(text: str) -> set[str]:
    """The alphabetic words of `text` (stopwords out) that can stand for a question's word."""
    return {w for w in sparse.tokens(text) if len(w) > 2 and w.isalpha()}
