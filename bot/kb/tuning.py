"""The knobs and results of answer selection, shared by bot.kb.selection and bot.kb.refusal."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.kb.units import Unit


@dataclass(frozen=True)
class Tuning:
    """The weights of the choice, set on the tuning set (examples/eval/answers.jsonl); see docs/benchmarks.md."""

    coverage_weight: float = 0.6
    context_credit: float = 0.6  # a term found in the heading or lead-in counts this much
    soft_credit: float = 0.6  # a term found only as a word close in meaning counts this much
    soft_match: float = 0.7  # ... when the two words are at least this close (cosine)
    steps_bonus: float = 0.12
    why_bonus: float = 0.1
    shape_bonus: float = 0.08  # the unit holds what the question asks for: a duration, an amount, a time
    general_penalty: float = 0.06
    name_penalty: float = 0.15  # the unit lacks a name the question capitalises (a city, a plan) or its code
    focus_boost: float = 1.5  # what the question is about ("how does the canary work ...") weighs more
    salient: float = 0.35  # a word this close to the question's meaning (or closer) carries its full weight
    stranger_match: float = 0.6  # an unknown topic word needs a passage word this close, or the question is refused
    min_support: float = 0.5
    min_coverage: float = 0.35
    second_margin: float = 0.04
    breadth_credit: float = 0.25  # what a section's other parts add to its best part's coverage
    candidates: int = 6  # units whose coverage is refined with words close in meaning
    platform_penalty: float = 0.5  # the unit is about another platform than the one the question names
    strong_support: float = 0.92  # below this score, the chosen unit must hold each specific term (or a near word)
    concise_words: int = 12  # ... in a question this short: a long, chatty one names more than any passage says
    support_match: float = 0.6  # a specific term the chosen unit lacks needs a word this close in it, or refuse
    same_kind: float = 0.35  # a missing name fits a table's catch-all row when this close to its row names


@dataclass
class Choice:
    """The units to quote (best first), or none with the reason the question is not answered."""

    units: list[Unit] = field(default_factory=list)
    reason: str = ""
    note: str = ""  # said before the quote, e.g. that a catch-all row answers for a name not listed
    scores: list[float] = field(default_factory=list)


@dataclass(frozen=True)
class Weights:
    """How much each of the question's terms counts, and which are specific."""

    terms: dict[str, float]  # stem -> weight (identifiers by their normalised text)
    spelled: dict[str, str]  # stem -> the word as the question spells it
    identifiers: tuple[str, ...]
    specific: frozenset[str]
    salience: dict[str, float]

    @property
    def total(self) -> float:
        return sum(self.terms.values()) or 1.0
