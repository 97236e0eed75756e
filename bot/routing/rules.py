"""Routing by the words: the shapes of requests for pictures, searches, changes, questions and help.

`judge` reads a message in its context (files, the thread it replies in) and returns the kind it reads,
how sure the words make it, and why. Where no shape fits, the confidence is low and the exemplars decide.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.routing import lexicon as lx
from bot.routing import signals
from bot.routing.clauses import Clause, split
from bot.routing.helping import about_the_bot
from bot.routing.kinds import Kind, Thread

UNKNOWN = 0.5  # nothing recognisable: the exemplars decide

_TOOL_WORK = re.compile(lx.CREATIVE + "|" + lx.MAKING + r"|\bdrawing\b|" + lx.PICTURE + "|" + lx.VISUAL)
_REWRITE = re.compile(
    r"\b(?:make (?:it|that|this|the answer)|shorter|longer|simpler|briefer|more concise|rephrase|reword|"
    r"summari[sz]e|tl;?dr|simplify|elaborate|expand on|plain english|eli5|bullet(?: points)?|just the steps|"
    r"step by step|more detail|explain (?:that|it|again|more)|say (?:that|it) again|translate)\b"
)
_NEW_DRAWING = re.compile(
    r"\b(?:a (?:totally |completely |brand )?(?:new|different|separate|fresh|second) (?:one|picture|image|drawing)|"
    r"another (?:picture|image|drawing) of (?!this|it|that)|start (?:over|again) with|something (?:else|different))"
)
_EDIT_QUESTION = re.compile(r"^(?:what if|how about|what about|could it|can it|would it look)\b")
# Under a drawing, asking for the file rather than a change: "can I get this as a png?".
_AS_A_FILE = re.compile(r"\b(?:as|in) (?:a |an )?(?:png|svg|jpe?g|pdf|gif|webp|file|vector file|high-res file)\b|"
                        r"\b(?:download|save|export|copyright|licen[cs]e|credit|print) (?:it|this|that)\b")
# Making something that is text, not a picture: "make a checklist", "generate a report".
_MAKING_TEXT = re.compile(
    r"^(?:(?:me|us|just|now|also)\s+)*(?:make|create|generate|produce|build|put together|draft|write|prepare|"
    r"compile|design|set up)(?: me| us)?\s+(?:(?:a|an|the|some|my|our)\s+)?(?:[\w-]+\s+){0,2}?(?:lists?|summary|summaries|"
    r"checklists?|reports?|tables?|plans?|docs?|documents?|templates?|emails?|messages?|tickets?|prs?|pull requests?|"
    r"tokens?|keys?|repos?|repositories|channels?|accounts?|passwords?|pages?|agendas?|outlines?|notes?|"
    r"spreadsheets?|queries|query|scripts?|tests?|invoices?|budgets?|proposals?|faqs?|timelines?|recaps?|"
    r"overviews?|drafts?|posts?|announcements?|process(?:es)?|workflows?|strateg(?:y|ies)|schemas?|apis?|"
    r"databases?|systems?|services?|pipelines?|architectures?|roadmaps?|surveys?|forms?|calendars?|meetings?)\b"
)


@dataclass(frozen=True)
class Verdict:
    """What the words say: a kind, how sure (0-1), and the rule that decided."""

    kind: Kind
    confidence: float
    reason: str


def judge(text: str, files: int = 0, thread: Thread | None = None) -> Verdict:
    """The kind these words ask for in this context; low confidence where no rule recognises them."""
    s = lx.spell(text).strip()
    clauses = split(s)
    if files and not s:
        return Verdict(Kind.FIND, 0.95, "an image with no words")
    if not s or about_the_bot(s, thread):
        return Verdict(Kind.HELP, 0.9, "asks about Curator itself")
    if files:
        if signals.transforms_upload(clauses):
            return Verdict(Kind.DRAW, 0.85, "asks to redraw the attached image")
        return Verdict(Kind.FIND, 0.95, "an image was attached")
    if not clauses or all(c.reaction for c in clauses):
        return Verdict(Kind.ASK, 0.85, "a reaction, not a request")
    if thread is Thread.DRAWING:
        return _under_drawing(s, clauses)
    if thread is Thread.ANSWER and _REWRITE.search(s) and not signals.PICTURE.search(s):
        return Verdict(Kind.ASK, 0.9, "asks to rework the answer above")
    return _by_request(s, clauses, follow_up=thread is Thread.ANSWER)


def _by_request(s: str, clauses: list[Clause], follow_up: bool) -> Verdict:
    spoken = [c for c in clauses if not c.reaction]
    if signals.NOT_A_PICTURE.search(s) and not any(signals.draw_strength(c, True, False) for c in spoken):
        return Verdict(Kind.ASK, 0.9, "'image' in another sense (container, disk, profile photo)")
    asking = any(c.question for c in spoken)
    if asking and re.search(lx.TOOLS, s) and _TOOL_WORK.search(s):
        return Verdict(Kind.ASK, 0.9, "a question about a drawing or diagram tool")
    evidence = _evidence(s, spoken)
    if evidence:
        return evidence
    if follow_up:
        return Verdict(Kind.ASK, 0.85, "a follow-up under an answer")
    if any(_MAKING_TEXT.match(c.body) for c in spoken):
        return Verdict(Kind.ASK, 0.75, "asks to make something that is not a picture")
    if spoken[0].question:
        return Verdict(Kind.ASK, 0.85, "opens as a question")
    if asking or s.endswith("?"):
        return Verdict(Kind.ASK, 0.75, "a question")
    return Verdict(Kind.ASK, UNKNOWN, "no rule matched")


def _evidence(s: str, spoken: list[Clause]) -> Verdict | None:
    """The stronger of the drawing and search readings; close readings lower the confidence."""
    styled = bool(signals.STYLE.search(s))
    first_asks = spoken[0].question and not spoken[0].requested
    draw = max((signals.draw_strength(c, i == 0, styled) for i, c in enumerate(spoken)), default=0.0)
    find = max((signals.find_strength(c, i == 0, s) for i, c in enumerate(spoken)), default=0.0)
    if first_asks and draw and not find:
        draw = min(draw, 0.6)  # "how do I make ..." opens as a question: ask unless something else is certain
    if not draw and not find:
        return None
    kind, top, other = (Kind.DRAW, draw, find) if draw >= find else (Kind.FIND, find, draw)
    confidence = top if not other else max(UNKNOWN, top - other / 2)
    return Verdict(kind, confidence, "asks for a picture to be made" if kind is Kind.DRAW else "asks to see an image")


def _under_drawing(s: str, clauses: list[Clause]) -> Verdict:
    spoken = [c for c in clauses if not c.reaction]
    first = spoken[0]
    if _NEW_DRAWING.search(s) and any(signals.draw_strength(c, False, False) for c in spoken):
        return Verdict(Kind.DRAW, 0.85, "asks for a new drawing, not a change")
    if any(signals.find_strength(c, i == 0, s) >= 0.8 for i, c in enumerate(spoken)):
        return Verdict(Kind.FIND, 0.8, "asks to see existing images")
    if (first.question and not _EDIT_QUESTION.match(first.body)) or _AS_A_FILE.search(s):
        return Verdict(Kind.ASK, 0.8, "a question about the drawing")
    return Verdict(Kind.EDIT, 0.85, "an instruction under a drawing")
