"""A message cut into clauses, each with its fillers and request phrasing ("could you please") set aside."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.routing import lexicon as lx

SPLIT = re.compile(
    r"(?<!\d)[.!?;]+(?=\s|$)\s*|\s+[-\u2013\u2014]+\s+|:\s+|\n+|"
    r",\s*(?=(?:but|now|so|then|can|could|would|please|maybe|what|how|who|why|where|any ideas)\b)",
    re.IGNORECASE,
)
FILLER = re.compile(
    r"^(?:(?:hey+|hi+|hello|yo|ok(?:ay)?|so|um+|uh+|hmm+|hm+|oh|ah|well|alright|right|also|and|but|now|then|btw|"
    r"lol|haha+|curator|bot|guys|all|folks|team|quick one|question|just|actually|maybe|someone|@[\w.-]+)\b[\s,]*)+",
    re.IGNORECASE,
)
REQUEST_LEAD = re.compile(
    r"^(?:(?:can|could|would|will|may) (?:you|ya|u)(?: please| pls| possibly| maybe| quickly| just| kindly)?|"
    r"please|pls|plz|kindly|"
    r"(?:i|we)(?:'d| would)? (?:really )?(?:love|like|want|need)|need|want|would love|love|"
    r"(?:can|could|may) (?:i|we) (?:get|have|grab|borrow)|(?:can|could) we (?:try|do|make|add|change|go with)|"
    r"give me|gimme|get me|how about|what about|any chance (?:of|you could|you can)|"
    r"(?:would|is) it (?:be )?possible(?: for you)?|i was hoping (?:for|you could)|let's (?:have|get|see)|"
    r"(?:would|do) you mind|are you able|would you be able|(?:be )?able|(?:could|can|may) i (?:trouble|bother|ask) you "
    r"(?:for|to)|why don't you|why not|(?:do you )?(?:think|reckon) you (?:could|can)|mind|i'd appreciate|"
    r"it'd be (?:great|nice|cool) to (?:have|get|see)|"
    r"i (?:was )?wonder(?:ing)? if (?:you|u) (?:could|can|would)|(?:do|would) you (?:be able|have time) to)"
    r"(?: you| ya)?(?: to| to be able to)?\b[\s,]*",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Clause:
    """One clause: `body` is what remains after fillers and request phrasing; `requested` if it had some."""

    raw: str
    body: str
    requested: bool
    question: bool  # opens like a question for information ("how do I ...", "is there ...")
    reaction: bool  # only "thanks", "love it", "lol", ...


def split(text: str) -> list[Clause]:
    """The clauses of lower-case, spelled-out text, in order; empty ones are dropped."""
    pieces = [p.strip(" ,") for p in SPLIT.split(text)]
    found = [clause(p) for p in pieces if p and re.search(r"\w", p)]
    return [c for c in found if c.reaction or c.body]


def clause(raw: str) -> Clause:
    """Read one lower-case clause."""
    if lx.REACTION.match(raw):
        return Clause(raw, "", requested=False, question=False, reaction=True)
    opening = body = FILLER.sub("", raw)
    requested = False
    while (stripped := FILLER.sub("", REQUEST_LEAD.sub("", body, count=1))) != body:
        requested, body = True, stripped
    question = bool(re.search(lx.QUESTION, body)) or (not requested and bool(re.search(lx.QUESTION, opening)))
    return Clause(raw, body, requested=requested, question=question, reaction=False)
