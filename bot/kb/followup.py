"""Follow-ups resolved against the thread: "and for Berlin?" after "What is the lodging cap in Dublin?"
becomes "What is the lodging cap in Berlin?"; "how long is it valid?" takes the earlier question's topic;
a full new question stands alone. The whole thread is resolved in order, so each turn has a frame."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence

from bot.kb import sparse
from bot.kb.question import CONVERSATIONAL

# How close (cosine) the new words must be to the words they replace.
REPLACE_AT = 0.2
_ALIKE = 0.15  # a name is likelier to replace a name, a common word a common word
_CONNECTOR = re.compile(
    r"^\s*(?:(?:and|or|but|also|so|ok|okay)\b[\s,]*(?:(?:what|how) about\b|for\b(?=.)|in\b(?=.)|on\b(?=.)|"
    r"with\b(?=.)|at\b(?=.))?|(?:what|how) about\b|what of\b|same (?=for|in|on|with|at)|"
    r"what if\s+(?:it'?s|it is|i'?m|i am|we'?re|they'?re|the \w+ is)?)\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
_QUESTION_START = re.compile(r"^\s*(what|how|when|where|who|whom|which|why|is|are|am|do|does|did|can|could|"
                             r"should|would|will|may|must|have|has)\b", re.IGNORECASE)
_PRONOUN = re.compile(r"\b(it|its|it's|that|this|they|them|their|those|these|one|ones)\b", re.IGNORECASE)
_LEADING = re.compile(r"^(?:(?:in|for|on|at|with|to|from|of|the|a|an|my|our|your|using|about)\s+)+", re.IGNORECASE)
_WORD = re.compile(r"[$€£]?[A-Za-z0-9]+(?:[-_.,'][A-Za-z0-9]+)*%?")
# What the earlier question asked about the topic, not the topic: "what does X mean?" -> X.
_PREDICATES = frozenset(["mean", "means", "meaning", "cost", "costs", "work", "works", "take", "takes", "need", "needs", "happen", "happens"])
Closeness = Callable[[str, list[str]], list[float]]


def resolve(question: str, earlier: Sequence[str], closeness: Closeness) -> str:
    """`question` as a standalone question, given the earlier user questions of its thread (oldest first)."""
    frame = ""
    for text in [*earlier, question]:
        frame = resolve_turn(text, frame, closeness)
    return frame


def resolve_turn(question: str, frame: str, closeness: Closeness) -> str:
    """One turn against the resolved turn before it."""
    question = question.strip()
    if not frame:
        return question
    match = _CONNECTOR.match(question)
    rest = match.group("rest").strip(" ?.!") if match else ""
    if match and rest and not (_QUESTION_START.match(rest) and len(rest.split()) > 3):
        return _substitute(frame, rest, closeness)
    if not match and _is_fragment(question):
        return _substitute(frame, question.strip(" ?.!"), closeness)
    own = match and rest or question
    if _PRONOUN.search(own) or not _content(own):
        return f"{own.rstrip()} ({_topic(frame)})"
    return question


def _is_fragment(question: str) -> bool:
    """Three words or fewer and not a question of its own: "Berlin?", "for contractors?"."""
    return len(question.split()) <= 3 and not _QUESTION_START.match(question)


def _content(text: str) -> list[str]:
    return [t for t in sparse.terms(text) if t not in CONVERSATIONAL]


def _topic(frame: str) -> str:
    """The words of the frame that say what it is about."""
    words = [w for w in _WORD.findall(frame) if w.lower() not in sparse.STOPWORDS | _PREDICATES
             and sparse.stem(w.lower()) not in CONVERSATIONAL and not _QUESTION_START.fullmatch(w)]
    return " ".join(words)


def _substitute(frame: str, new: str, closeness: Closeness) -> str:
    """The frame with its words most like `new` replaced by `new`, or with `new` added when none are alike."""
    core = _LEADING.sub("", new).strip() or new
    spans = _spans(frame)
    shared = {w.lower() for w in _WORD.findall(core)} & {w.lower() for w in _WORD.findall(frame)}
    if shared:  # "and the Executive plan?" after "... the Standard phone plan ...": Executive replaces Standard
        core = " ".join(w for w in core.split() if w.lower() not in shared) or core
        spans = [s for s in spans if not shared & {w.lower() for w in _WORD.findall(s[0])}]
    if spans:
        scores = closeness(core, [text for text, _, _ in spans])
        named = _capitalised(core)
        scores = [score + (_ALIKE if _capitalised(text) == named else 0.0) for score, (text, _, _) in zip(scores, spans)]
        best = max(range(len(spans)), key=lambda i: (round(scores[i], 2), spans[i][2] - spans[i][1]))
        if scores[best] >= REPLACE_AT:
            _, start, end = spans[best]
            return frame[:start] + core + frame[end:]
    return f"{frame.rstrip(' ?.!')} {new}?"


def _capitalised(text: str) -> bool:
    """Whether `text` names something (a capitalised word or a number): names replace names."""
    return any(w[:1].isupper() or w[:1].isdigit() or w[:1] in "$€£" for w in text.split())


def _spans(frame: str) -> list[tuple[str, int, int]]:
    """Runs of one to three content words of the frame, with their character positions."""
    words = [m for m in _WORD.finditer(frame)]
    content = [m for m in words if m.group(0).lower() not in sparse.STOPWORDS and
               sparse.stem(m.group(0).lower()) not in CONVERSATIONAL and not _QUESTION_START.fullmatch(m.group(0))]
    spans = []
    for i, first in enumerate(content):
        for length in (1, 2, 3):
            run = content[i : i + length]
            if len(run) < length or any(words.index(b) - words.index(a) != 1 for a, b in itertools.pairwise(run)):
                break
            spans.append((frame[first.start() : run[-1].end()], first.start(), run[-1].end()))
    return spans
