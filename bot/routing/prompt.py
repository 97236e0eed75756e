"""The text a feature gets: the request phrasing removed ("would you draw a heron at sunrise" -> "a heron at
sunrise"), the subject kept as the user wrote it (case, flags such as `--ar 16:9`)."""

from __future__ import annotations

import re

from bot.routing import lexicon as lx
from bot.routing import signals
from bot.routing.clauses import FILLER, REQUEST_LEAD, SPLIT, Clause, clause
from bot.routing.kinds import Kind

_I = re.IGNORECASE
_TYPOED = "|".join(re.escape(typo) for typo, word in lx.TYPOS.items()
                   if re.fullmatch(lx.CREATIVE, word) or re.fullmatch(lx.MAKING, word))
_VERB = re.compile(rf"^(?:(?:me|us|now|also|just|then|go ahead and)\s+)*(?:{lx.CREATIVE}|{lx.MAKING}|"
                   rf"\b(?:give|get|send|show|see)\b|\b(?:{_TYPOED})\b)(?:\s+(?:me|us))?\s*[:,-]?\s*", _I)
_CONTAINER = re.compile(r"^(?:(?:a|an|some)\s+)?(?:images?|pictures?|pics?|drawings?|illustrations?|photos?|"
                        r"artwork|renders?|renderings?|sketch(?:es)?|paintings?)(?:\s+of\s+(?!(?:it|this|that|them)\b)|"
                        r"\s*:\s+)", _I)
_IMAGINED = re.compile(r"^(?:show me |i want to see |i'd like to see )?what\s+(?:(?:would|might|could)\s+)?(.+?)\s+"
                       r"(?:would|might|could)?\s*look(?:s)? like\b", _I)
_ME = re.compile(r"^(?:me|us)\b\s*", _I)
_NEW_ONE = re.compile(r"^(?:a\s+)?(?:totally\s+|completely\s+|brand\s+)?(?:new|different|fresh|another)\s+one\b"
                      r"[\s:,-]*", _I)
_SEARCH = re.compile(
    r"^(?:find|search(?: for)?|look(?:ing)? (?:for|up)|locate|dig up|dig out|pull up|bring up|fetch|share|"
    r"send (?:me|over)|show (?:me|us)|link (?:me )?to|where(?:'s|s| is| are| was| were)?(?: did (?:we|you|someone) put|"
    r" do (?:we|i) keep| can i (?:find|get|see)| would i find)?|do (?:we|you) have(?: any)?|does anyone have|"
    r"(?:has anyone|have we|have you) got(?: any)?|got(?: any)?|any|is there(?: an?| any)?|are there(?: any)?|"
    r"(?:can|could) i see|let me see|i need|need|i'm after|trying to find|need to find)\b\s*(?:me\s+)?", _I)
_TRAILING = re.compile(r"(?:[\s,]*(?:please|pls|plz|thanks|thank you|thx|lol|somewhere|anywhere|in the kb|"
                       r"in the knowledge base|for me)\b|\s*[?!.]+)+\s*$", _I)


def feature_text(kind: Kind, text: str, files: int = 0) -> str:
    """What Draw, Find or Edit should get from this readable message; Ask gets it whole, Help nothing.

    Words sent with an image to redraw are an instruction for the image model: they keep their verb."""
    if kind is Kind.HELP:
        return ""
    if kind is Kind.ASK:
        return text
    spans = _clauses(text)
    start = _request_clause(kind, [clause(lx.spell(piece)) for piece, _ in spans])
    end = start + 1 if kind is Kind.FIND else len(spans)
    body = text[spans[start][1]:spans[end][1] if end < len(spans) else len(text)] if spans else text
    body = _strip_lead(body, Kind.EDIT if files else kind)
    return _tidy(body) or _tidy(text)


def drawing_subject(text: str) -> str:
    """The subject after an explicit `draw`: "draw me an image of a fox" -> "a fox"."""
    return _CONTAINER.sub("", _ME.sub("", text), count=1)


def _clauses(text: str) -> list[tuple[str, int]]:
    """(clause text, offset in `text`) for each clause."""
    spans, position = [], 0
    for separator in [*SPLIT.finditer(text), None]:
        end = separator.start() if separator else len(text)
        if text[position:end].strip():
            spans.append((text[position:end], position))
        position = separator.end() if separator else end
    return spans


def _request_clause(kind: Kind, clauses: list[Clause]) -> int:
    """Where the request starts: the first clause that asks for this kind, else the first that says anything."""
    for index, part in enumerate(clauses):
        if kind is Kind.DRAW and signals.draw_strength(part, index == 0, False):
            return index
        if kind is Kind.FIND and signals.find_strength(part, index == 0, part.raw):
            return index
    return next((i for i, part in enumerate(clauses) if part.body and not part.reaction), 0)


def _strip_lead(body: str, kind: Kind) -> str:
    steps = [FILLER, REQUEST_LEAD] + ([_VERB, _NEW_ONE, _CONTAINER] if kind is Kind.DRAW else [])
    steps += [_SEARCH] if kind is Kind.FIND else []
    for step in steps:
        body = step.sub("", body.lstrip(" ,:"), count=1)
        if step is REQUEST_LEAD:
            body = FILLER.sub("", body)
    if kind is Kind.DRAW:
        body = _IMAGINED.sub(lambda m: m.group(1), body, count=1)
    return body


def _tidy(text: str) -> str:
    text = re.sub(r"\s*\?\s+(?=\S)", ", ", text.strip())
    return _TRAILING.sub("", text).strip(" ,:;-")
