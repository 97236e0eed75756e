"""Intent routing: what a message asks for (ask, draw, find, edit, help), the text the feature gets, and how
sure the router is. Pure, in the lowest layer: no Slack, no model construction. The sentence embedder and
the optional model classifier are passed in; offline it is deterministic.

Explicit forms (slash commands, a leading `draw`/`find`/`ask`/`help`, buttons) are certain. Everything else
is read by word rules (bot/routing/rules.py) in its context (files, the thread it replies in); where they
are unsure, similarity to labelled exemplars decides with them, and where it stays unsure a model may give
a second opinion. Below the floor the caller offers the other reading with one button.
"""

from __future__ import annotations

import logging
import re
from dataclasses import asdict, dataclass
from typing import Protocol

from bot.routing.kinds import Kind, Thread
from bot.routing.prompt import drawing_subject, feature_text
from bot.routing.rules import UNKNOWN, judge
from bot.routing.semantic import ExemplarIndex, TextEmbedder
from bot.routing.text import addressed_part, readable, strip_mentions

log = logging.getLogger(__name__)

DECISIVE = 0.85  # rules at least this sure need no exemplars
UNSURE = 0.7  # below this, a configured model gives a second opinion
FLOOR = 0.6  # below this, the other reading is offered with one button
DISPUTED = 0.55  # the model and the offline reading disagree
SWITCHABLE = {Kind.ASK: (Kind.DRAW, Kind.EDIT), Kind.DRAW: (Kind.ASK,), Kind.EDIT: (Kind.ASK,)}
SLASH_COMMANDS = ("/ask", "/draw", "/find", "/curator")  # as declared in manifest.yml

_COMMANDS = {"/ask": Kind.ASK, "/draw": Kind.DRAW, "/find": Kind.FIND}
_VERB = re.compile(r"^/?(draw|find|ask|help)\b(?!\.io)[\s:,\-\u2013\u2014]*(.*)$", re.IGNORECASE | re.DOTALL)
# "draw a comparison", "draw up a contract": the verb, not a request for a picture.
_FIGURATIVE_DRAW = re.compile(r"^(?:up|on|from|down|a comparison|comparisons|conclusions?|the line|attention|lessons|"
                              r"a blank|inspiration)\b", re.IGNORECASE)
_FIND_IS_QUESTION = re.compile(r"^(?:out\b|how\b|why\b|whether\b)", re.IGNORECASE)  # "find out ..." asks
_HELP_ONLY = re.compile(r"^(?:help|\?+|what can you do)[\s?!.]*$", re.IGNORECASE)
_QUESTION = re.compile(
    r"(\?\s*$)|^(?:how|what|why|when|where|who|whom|which|whose|is|are|was|were|can|could|do|does|did|should|"
    r"would|will|may|might|has|have|any|ask)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Decision:
    """The routed request: its kind, the text for the feature, how sure (0-1), whether a model was asked,
    and the reading to offer with one button when unsure (None when sure or when no switch fits)."""

    kind: Kind
    text: str
    confidence: float = 1.0
    second_opinion: bool = False
    alternative: Kind | None = None

    def as_json(self) -> dict:
        """The decision as `curator route` prints it."""
        return asdict(self) | {"confidence": round(self.confidence, 3)}


class SecondOpinion(Protocol):
    """A model that classifies a message when the offline router is unsure (raises on timeout or error)."""

    def classify(self, text: str, files: int, thread: Thread | None) -> tuple[Kind, str]:
        """The kind, and the text the feature should get ("" to keep the offline text)."""
        ...


def is_question(text: str) -> bool:
    """Whether words read as a question ("why does this fail?"), not as a search hint ("similar diagrams")."""
    return bool(_QUESTION.search(strip_mentions(text)))


class Router:
    """Routes messages with rules, exemplars (given an embedder) and an optional second opinion."""

    def __init__(self, embedder: TextEmbedder | None = None, second_opinion: SecondOpinion | None = None) -> None:
        self._exemplars = ExemplarIndex(embedder) if embedder is not None else None
        self._second_opinion = second_opinion

    def warm(self) -> None:
        """Embed the exemplars now, so the first unsure message is as fast as the rest."""
        if self._exemplars is not None:
            self._exemplars.warm()

    def route(self, text: str, files: int = 0, command: str | None = None, thread: Thread | None = None,
              bot_user_id: str = "") -> Decision:
        """Decide what a message (or slash command) asks for, in the context of its thread and files."""
        words = readable(addressed_part(text, bot_user_id))
        explicit = _explicit(words, files, command)
        if explicit is not None:
            return explicit
        kind, confidence, others = self._offline(words, files, thread)
        asked, model_text = False, ""
        if confidence < UNSURE and self._second_opinion is not None:
            asked = True
            kind, confidence, others, model_text = self._ask_model(words, files, thread, kind, confidence, others)
        switchable = [k for k in others if k in SWITCHABLE.get(kind, ())]
        alternative = switchable[0] if confidence < FLOOR and switchable else None
        return Decision(kind, model_text or feature_text(kind, words, files), confidence, asked, alternative)

    def decide_as(self, kind: Kind, text: str, bot_user_id: str = "") -> Decision:
        """A message served as `kind` because a button chose it: certain, with the text that kind gets."""
        return Decision(kind, feature_text(kind, readable(addressed_part(text, bot_user_id))))

    def _offline(self, words: str, files: int, thread: Thread | None) -> tuple[Kind, float, list[Kind]]:
        """The offline kind, its confidence, and the other kinds from likelier to less likely."""
        verdict = judge(words, files, thread)
        if verdict.confidence >= DECISIVE or self._exemplars is None or not words:
            return verdict.kind, verdict.confidence, _others(verdict.kind, thread)
        kinds = [k for k in Kind if k is not Kind.EDIT or thread is Thread.DRAWING]
        similar = self._exemplars.probabilities(words, kinds)
        weight = max(0.0, (verdict.confidence - UNKNOWN) * 2)  # no rule: the exemplars alone decide
        blended = {k: weight * (k is verdict.kind) + (1 - weight) * similar.get(k, 0.0) for k in kinds}
        ranked = sorted(blended, key=blended.get, reverse=True)
        return ranked[0], blended[ranked[0]], ranked[1:]

    def _ask_model(self, words: str, files: int, thread: Thread | None, kind: Kind, confidence: float,
                   others: list[Kind]) -> tuple[Kind, float, list[Kind], str]:
        """The model's reading merged with the offline one: agreement makes it sure, disagreement disputed."""
        try:
            opinion, text = self._second_opinion.classify(words, files, thread)
        except Exception as exc:  # noqa: BLE001 - a timeout, an API error, an unreadable answer: offline stands
            log.warning("routing second opinion failed (%s); keeping the offline decision", type(exc).__name__)
            return kind, confidence, others, ""
        if opinion is Kind.EDIT and thread is not Thread.DRAWING:
            return kind, confidence, others, ""  # nothing to edit here
        if opinion is kind:
            return kind, max(confidence, DECISIVE), others, text if kind is not Kind.ASK else ""
        return opinion, DISPUTED, [kind, *(k for k in others if k is not opinion)], text if opinion is not Kind.ASK else ""


def _explicit(words: str, files: int, command: str | None) -> Decision | None:
    """Slash commands and a leading verb: certain."""
    if command in _COMMANDS:
        return Decision(_COMMANDS[command], words)
    if _HELP_ONLY.match(words) or (command == "/curator" and not words):
        return Decision(Kind.HELP, "")
    match = _VERB.match(words)
    if not match:
        return None
    verb, rest = match.group(1).lower(), match.group(2).strip()
    if verb == "draw" and not _FIGURATIVE_DRAW.match(rest):
        return Decision(Kind.DRAW, drawing_subject(rest))
    if verb == "find" and not _FIND_IS_QUESTION.match(rest):
        return Decision(Kind.FIND, rest)
    if verb == "ask" and rest:
        return Decision(Kind.ASK, rest)
    return None


def _others(kind: Kind, thread: Thread | None) -> list[Kind]:
    """Without exemplars, the other readings, likeliest first: the thread's own (an edit under a drawing)."""
    order = [Kind.EDIT, Kind.ASK, Kind.DRAW] if thread is Thread.DRAWING else [Kind.ASK, Kind.DRAW]
    candidates = [*order, Kind.FIND, Kind.HELP]
    return [k for k in candidates if k is not kind and (k is not Kind.EDIT or thread is Thread.DRAWING)]
