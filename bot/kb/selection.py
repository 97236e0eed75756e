"""Choose the answer among candidate units: by meaning and by the question's specific terms, the specific
over the general, steps for "how do I"; or decide that the passages don't answer the question.

score = meaning (MiniLM cosine; a list or section means what its best part means)
        + coverage_weight * coverage (the share of the question's term weight the unit holds: in its own
          text, in its heading or lead-in, or as a word close in meaning; rare words weigh more)
        + small bonuses (steps for "how do I", a duration for "how long", ...) - a penalty for a general
          rule when the question names something specific the rule doesn't
A question is refused when a code it names ("Tier 4") is nowhere in the knowledge base, when a topic word
the knowledge base never uses has nothing close to it in the passages, when the best unit covers too
little of it, or when the best score is low; a name no passage lists can still be answered by a table's
catch-all row ("Other international cities").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from bot.kb.question import (
    CAUSE_HEADING,
    QuestionTerms,
    analyse,
    mentions,
    platforms,
    present,
    stems_of,
)
from bot.kb.refusal import Refusals, word_set
from bot.kb.tuning import Choice, Tuning, Weights
from bot.kb.units import Unit
from bot.kb.vectors import VectorCache
from bot.types import Embedder, TermStats


class Selector:
    """Scores units against a question and picks what to quote."""

    def __init__(self, embedder: Embedder, stats: TermStats | None = None, tuning: Tuning | None = None) -> None:
        self._embedder = embedder
        self._stats = stats
        self.tuning = tuning or Tuning()
        self._vectors = VectorCache(embedder)
        self._refusals = Refusals(self._vectors, stats, self.tuning)

    def choose(self, question: str, units: Sequence[Unit]) -> Choice:
        """The best units for `question`, or an empty Choice with the reason."""
        terms = analyse(question, self._stats)
        every = list(units)
        units = [u for u in units if not u.parts or u.kind in _composites(terms)]
        if not units:
            return Choice(reason="no passages")
        query = np.asarray(self._embedder.embed_query(question), dtype=np.float32)
        weights = self._weights(terms, query)
        meaning = self._meaning(query, units)
        coverage = np.array([self._coverage(weights, terms, u, soft=False) for u in units])
        first = self._scores(meaning, coverage, terms, weights, units)
        top = [int(i) for i in np.argsort(-first)[: self.tuning.candidates]]
        for i in top:
            coverage[i] = self._coverage(weights, terms, units[i], soft=True)
        scores = self._scores(meaning, coverage, terms, weights, units)
        order = sorted(top, key=lambda i: -scores[i])
        best = order[0]
        gap = self._refusals.missing_code(terms, units) or self._refusals.unlisted_name(terms, weights, units) \
            or self._refusals.stranger(terms, weights, [units[best]]) \
            or scores[best] < self.tuning.strong_support and len(question.split()) <= self.tuning.concise_words \
            and self._refusals.unsupported(weights, units[best])
        if gap or scores[best] < self.tuning.min_support or coverage[best] < self.tuning.min_coverage:
            return self._refusals.catch_all(terms, units, gap) or Choice(
                reason=f"nothing on '{gap}'" if gap else f"support {scores[best]:.2f}, coverage {coverage[best]:.2f}",
                scores=[float(scores[i]) for i in order[:3]])
        chosen = [self._whole(units[best], every, terms)]
        exceptions = _exceptions(chosen[0], units)
        if exceptions is not None:
            return Choice(units=[chosen[0], exceptions], scores=[float(scores[i]) for i in order[:3]])
        for i in order[1:]:
            if len(chosen) == 2 or scores[i] < scores[best] - self.tuning.second_margin:
                break
            if not any(_overlaps(units[i], c) for c in chosen):
                chosen.append(units[i])
        return Choice(units=chosen, scores=[float(scores[i]) for i in order[:3]])

    def _weights(self, terms: QuestionTerms, query: np.ndarray) -> Weights:
        """Each term's weight: rarity in the KB x salience (how close the word is to the question's meaning),
        so "pet" in "pet insurance" counts and "around" in "any way around it" hardly does."""
        salience = self._salience(terms, query)
        weights = {t.stem: t.weight * salience[t.stem] * (self.tuning.focus_boost if t.stem in terms.focus else 1.0)
                   for t in terms.terms}
        heaviest = max(weights.values(), default=1.0)
        for identifier in terms.identifiers:
            weights[identifier] = heaviest
        cut = 0.75 * heaviest
        specific = frozenset(s for s, w in weights.items() if w >= cut)
        return Weights(weights, {t.stem: t.word for t in terms.terms}, terms.identifiers, specific, salience)

    def _salience(self, terms: QuestionTerms, query: np.ndarray) -> dict[str, float]:
        if not terms.terms:
            return {}
        vectors = self._vectors.embed([t.word for t in terms.terms])
        closeness = vectors @ query
        full = self.tuning.salient
        return {t.stem: float(min(1.0, max(0.1, c / full))) for t, c in zip(terms.terms, closeness, strict=True)}

    def _meaning(self, query: np.ndarray, units: Sequence[Unit]) -> np.ndarray:
        """Cosine to the question; a list, entry or section means what its best part or its topic means."""
        texts = list(dict.fromkeys([u.embedding_text for u in units if not u.parts] +
                                   [u.topic for u in units if u.parts and u.topic]))
        vectors = self._vectors.embed(texts)
        by_text = dict(zip(texts, (vectors @ query).tolist(), strict=True))
        by_part = {u.text: by_text[u.embedding_text] for u in units if not u.parts}
        return np.array([max([by_part.get(p, 0.0) for p in u.parts] + [by_text.get(u.topic, 0.0)]) if u.parts
                         else by_text[u.embedding_text] for u in units])

    def _coverage(self, weights: Weights, terms: QuestionTerms, unit: Unit, soft: bool) -> float:
        """The share of the question's weight the unit holds. A section or list gets its best part's share
        and only a little for what its other parts add, so a long unit doesn't win by sheer size."""
        whole = self._held(weights, terms, unit, soft)
        if unit.kind not in ("section", "paragraph", "list") or not unit.parts:
            return whole
        best = max(self._held(weights, terms, replace(unit, text=part, parts=()), soft) for part in unit.parts)
        return best + self.tuning.breadth_credit * max(0.0, whole - best)

    def _held(self, weights: Weights, terms: QuestionTerms, unit: Unit, soft: bool) -> float:
        local, context = stems_of(unit.local), stems_of(unit.context)
        if unit.parts and (terms.how_to or terms.fix):
            local |= context  # steps under "VPN error 809" are about error 809
        credit = 0.0
        unmatched = []
        for stem, weight in weights.terms.items():
            if stem in weights.identifiers:
                found = present(stem, [unit.text]) or self.tuning.context_credit * present(stem, [unit.context])
                credit += weight * float(found)
            elif stem in local:
                credit += weight
            elif stem in context:
                credit += weight * self.tuning.context_credit
            else:
                unmatched.append(stem)
        if soft and unmatched:
            words = sorted(word_set(f"{unit.local} {unit.context}"))
            credit += sum(weights.terms[s] * self.tuning.soft_credit for s in unmatched
                          if self._vectors.near(weights.spelled.get(s, s), words, self.tuning.soft_match))
        amounts = sum(1.0 for a in terms.amounts if mentions(a, unit.text))
        return (credit + amounts * max(weights.terms.values(), default=1.0)) / (
            weights.total + len(terms.amounts) * max(weights.terms.values(), default=1.0))

    def _scores(self, meaning: np.ndarray, coverage: np.ndarray, terms: QuestionTerms, weights: Weights,
                units: Sequence[Unit]) -> np.ndarray:
        scores = meaning + self.tuning.coverage_weight * coverage
        names = [t.stem for t in terms.names]
        for i, unit in enumerate(units):
            if terms.how_to and unit.kind == "steps" or terms.fix and not terms.why and unit.kind == "entry":
                scores[i] += self.tuning.steps_bonus
            if terms.why and CAUSE_HEADING.search(unit.context.split("\n")[0].split(" › ")[-1]):
                scores[i] += self.tuning.why_bonus
            if names and any(n not in stems_of(f"{unit.local} {unit.context}") for n in names) \
                    and not (terms.how_to and unit.kind == "steps"):
                scores[i] -= self.tuning.name_penalty
            if not terms.why and any(not present(x, [unit.local, unit.context]) for x in terms.identifiers):
                scores[i] -= self.tuning.name_penalty  # "P-104" asks for the P-104 row, not its neighbours
            if terms.answer_types and any(shape.search(unit.text) for shape in terms.answer_types):
                scores[i] += self.tuning.shape_bonus
            if unit.general and any(s not in stems_of(unit.text) for s in weights.specific):
                scores[i] -= self.tuning.general_penalty
            if terms.platforms and platforms(f"{unit.context} {unit.local}") and \
                    not terms.platforms & platforms(f"{unit.context} {unit.local}"):
                scores[i] -= self.tuning.platform_penalty  # "on a Mac?" is not answered by the Windows steps
        return scores

    def _whole(self, best: Unit, units: Sequence[Unit], terms: QuestionTerms) -> Unit:
        """A step of a list (or a sentence of a short paragraph) answers "how do I" as the whole list (or
        paragraph); a list item otherwise stands alone."""
        if best.kind in ("item", "sentence") and terms.how_to:
            for kind in ("steps", "entry", "paragraph"):  # "Run `kestrel rollback`" comes with what follows it
                for unit in units:
                    if unit.kind == kind and unit.number == best.number and best.text in unit.text:
                        return unit
        return best


def _composites(terms: QuestionTerms) -> set[str]:
    """Which kinds of whole lists and sections may answer: steps for "how do I", a paragraph for "why"."""
    kinds: set[str] = set()
    if terms.how_to:
        kinds |= {"steps", "entry", "list"}
    if terms.fix and not terms.why:
        kinds |= {"entry", "steps"}
    if terms.why:
        kinds |= {"paragraph", "section", "entry"}
    if terms.enumeration:
        kinds |= {"list", "section"}
    return kinds


def _exceptions(chosen: Unit, units: Sequence[Unit]) -> Unit | None:
    """A general rule followed by its exceptions ("As a general rule ... The exceptions:") comes with them."""
    if not chosen.general or chosen.kind not in ("sentence", "item"):
        return None
    lists = [u for u in units if u.kind in ("list", "steps") and u.number == chosen.number]
    return lists[0] if lists else None


def _overlaps(a: Unit, b: Unit) -> bool:
    return a.text in b.text or b.text in a.text

