"""Evidence in one clause: does it ask for a picture to be made, for something to be found, or for help?

Each function returns a strength in [0, 1] (0: no evidence). `rules` weighs them with the thread context.
"""

from __future__ import annotations

import re

from bot.routing import lexicon as lx
from bot.routing.clauses import Clause

_LEAD = r"^(?:(?:me|us|quickly|just|now|also|then|go ahead and|pls|please)\s+)*"
_LEAD_WORDS = re.compile(_LEAD)
_CREATIVE = re.compile(
    _LEAD + lx.CREATIVE + r"(?!\s+(?:up|on|from|down|out|attention|conclusions|how|why|what|whether|where|when|if)\b)"
)
_MAKING = re.compile(_LEAD + lx.MAKING + r"(?:\s+(?:me|us))?\b")
_GERUND = re.compile(r"^(?:drawing|sketching|painting|illustrating|doodling|rendering)\s+(?:me\s+|us\s+)?(?:a|an|some|"
                     r"two|three|\d+)\b|^(?:making|creating|generating|designing)\s+")
# "illustrate the difference between ...": explaining, unless the words also name a picture.
_ABSTRACT = re.compile(r"^(?:illustrate|visualize|paint|draw|sketch)\s+(?:the |this |that |a |an |our |my )?(?:difference|"
                       r"differences|point|concept|idea|process|steps|problem|issue|impact|benefits?|trade-?offs?|"
                       r"situation|history|reasons?|relationship|plan|strategy|argument|case)\b")
_GIVING = re.compile(_LEAD + r"(?:give|get|send|show) (?:me|us)\b")
_NOT_DETERMINER = r"(?!(?:the|our|that|this|those|these|my|your|his|her|their|it|them)\b)"
_ARTICLE = r"(?:(?:a|an|some|one|two|three|four|five|\d+|another|a few|a couple of|a set of|a series of)\s+)"
_FOLLOWS = r"(?=\s+(?:of|for|with|showing|featuring|that|where|in|on|about|depicting|to)\b|\s*[,:]|\s*\??$)"
_WORDS = rf"(?:{_NOT_DETERMINER}[\w'&+-]+\s+){{0,3}}?"
_PICTURE_NP = re.compile(rf"^{_ARTICLE}?{_WORDS}{lx.PICTURE}{_FOLLOWS}")
_MADE_NP = re.compile(rf"^{_ARTICLE}{_WORDS}{lx.MADE}{_FOLLOWS}")
_INDEFINITE = re.compile(rf"^\s*(?:{_ARTICLE}|something|anything|one\b)")
_EXISTING = r"(?:the|our|last|this|that|those|yesterday's|today's|my|their|his|her|\w+'s)\b"
_PLAIN_WORDS = r"(?:(?!(?:a|an|the|our|that|this|my|your)\b)[\w'&+-]+\s+){0,3}?"
_FOUND_NP = re.compile(
    rf"^(?:(?:the|our|any|all the|all|those|these|that|some)\s+)?{_PLAIN_WORDS}{lx.VISUAL}\s+(?:of|from|showing)\s+"
    rf"{_EXISTING}"
)
_DEFINITE_NP = re.compile(rf"^(?:the|our|that|those)\s+(?:[\w'&+-]+\s+){{0,4}}{lx.VISUAL}\s*\??$")
_SEARCH_OBJECT = re.compile(
    lx.SEARCH + r"\s*(?P<between>(?:[\w'&./#-]+\s+){0,6}?)" + lx.VISUAL
    + r"(?!\s+(?:generators?|tools?|editors?|apps?|formats?|sizes?|quality|retention|polic(?:y|ies)|licen[cs]es?|"
    r"permissions?|rules?|guidelines?|generation)\b)"
)
# Between a search phrase and a visual noun: a preposition or one of these nouns means the visual noun is not
# what is searched for ("is there a policy on using AI image generators").
_NOT_AN_OBJECT = re.compile(lx.words(
    "on", "about", "for", "of", "from", "with", "in", "to", "using", "regarding", "if",
    "policy", "policies", "rules?", "way", "process", "procedure", "limit", "deadline", "templates?", "person",
))
SEARCH_VERB = re.compile(lx.words("find", "search", "look for", "looking for", "locate", "dig up", "dig out",
                                  "pull up", "track down", "hunt down", "hunting for"))
_ASKED_TO_CREATE = re.compile(r"\b(?:you|u) (?:could|can|would|to|will) (?:please )?(?:just )?" + lx.CREATIVE
                              + r"(?!\s+(?:up|on|from|how|why|what|whether)\b)")
_MADE_OF_A = re.compile(rf"^{_ARTICLE}?{_WORDS}{lx.MADE}\s+of\s+{_ARTICLE}")
_BARE_VERB = re.compile(_LEAD + "(?:" + lx.CREATIVE + "|" + lx.MAKING + r")(?:\s+(?:me|us|one|it))?\s*$")
_LOOKS_LIKE = re.compile(r"^what (?:does|do) (?:the|our|that|this|your|my|their) .{1,60} look like\b")
_IMAGINED = re.compile(r"\b(?:would|could|might) look like\b|\b(?:love|like|want) to see (?:a|an|what)\b|"
                       r"\bshow me what\b|\bwhat (?:would|might) .{3,80} look like\b")
_TRANSFORM = re.compile(
    r"\b(?:make|turn|convert|transform|redo|redraw|restyle|render|reimagine|change|paint|draw|sketch)\b.{0,40}"
    r"\b(?:into|as|like|look like|in the style|style|version)\b|\bversion of (?:this|it|that|my)\b"
)
STYLE = re.compile(lx.STYLE)
NOT_A_PICTURE = re.compile(lx.NOT_A_PICTURE)
PICTURE = re.compile(lx.PICTURE)
VISUAL = re.compile(lx.VISUAL)


def draw_strength(clause: Clause, first: bool, styled: bool) -> float:
    """How surely this clause asks for a picture to be made; `styled`: the message describes a style."""
    body = clause.body
    if NOT_A_PICTURE.search(body):
        return 0.0
    named = PICTURE.search(body) or STYLE.search(body)
    if _ABSTRACT.match(_LEAD_WORDS.sub("", body)) and not named:
        return 0.0
    if _CREATIVE.match(body):
        return 0.9
    if clause.requested and _GERUND.match(body) and (named or not body.startswith(("making", "creating", "generating",
                                                                                      "designing"))):
        return 0.85
    giving = _GIVING.match(body)
    if giving and _INDEFINITE.match(body[giving.end():]) and PICTURE.search(body):
        return 0.85
    making = _MAKING.match(body)
    if making:
        rest = body[making.end():]
        head = " ".join(rest.split()[:8])
        if PICTURE.search(head):
            return 0.9
        if re.search(lx.MADE, head) and (_INDEFINITE.match(rest) or styled):
            return 0.8
        if _INDEFINITE.match(rest) and styled:
            return 0.75
    if _PICTURE_NP.match(body) and (clause.requested or not _FOUND_NP.match(body)):
        return 0.85 if clause.requested or styled else (0.75 if first and not clause.question else 0.0)
    if _MADE_OF_A.match(body):
        return 0.8  # "a diagram of a cache in front of a database": an imagined subject
    if _MADE_NP.match(body) and (clause.requested or styled or first):
        return 0.75 if clause.requested or styled else 0.7
    if _IMAGINED.search(clause.raw):
        return 0.75
    if _ASKED_TO_CREATE.search(clause.raw):
        return 0.85
    if _BARE_VERB.match(body) and not clause.question:
        return 0.7  # "generate: a cat in a box": the subject follows in the next clause
    return 0.0


def find_strength(clause: Clause, first: bool, message: str) -> float:
    """How surely this clause asks to see pictures, diagrams or screenshots that already exist."""
    body = clause.body or clause.raw
    if _LOOKS_LIKE.match(body):
        return 0.8
    for match in _SEARCH_OBJECT.finditer(clause.raw):
        if not _NOT_AN_OBJECT.search(match.group("between")):
            return 0.85
    if SEARCH_VERB.search(clause.raw) and VISUAL.search(message):
        return 0.8
    if first and not clause.requested and (_FOUND_NP.match(body) or _DEFINITE_NP.match(body)):
        return 0.75
    return 0.0


def transforms_upload(clauses: list[Clause]) -> bool:
    """Whether words sent with an image ask to redraw it ("make this look like a pencil sketch")."""
    return any(
        not c.question and (_TRANSFORM.search(c.raw) or (STYLE.search(c.raw) and re.search(r"\b(?:this|it|my)\b", c.raw)))
        for c in clauses
    )
