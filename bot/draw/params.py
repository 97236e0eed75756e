"""Parse a draw request: the description plus `--ar`, `--no`, `--seed`, `--n` and the words wide/tall/square."""

from __future__ import annotations

import difflib
import math
import re
from fractions import Fraction

from bot.draw.base import ASPECT_RATIOS, EXTREME_RATIOS
from bot.types import DrawRequest

MAX_PROMPT_CHARS = 2000
MAX_SEED = 2**31 - 1
MAX_COUNT = 4
EXAMPLE = "`a lighthouse at dusk, oil painting --ar 16:9 --no people`"

ALL_RATIOS = ASPECT_RATIOS + EXTREME_RATIOS
USAGE = f"""Describe the picture, then add parameters if you like:
• `--ar W:H`: aspect ratio, one of {", ".join(ASPECT_RATIOS)} (default 1:1; \
{", ".join(EXTREME_RATIOS)} with gemini-3.1-flash-image). \
`wide`, `tall` or `square` as the first or last word does the same: `wide: a beach at dusk` (16:9), \
`a lighthouse, tall` (9:16).
• `--no THINGS`: what to leave out, e.g. `--no text, watermarks`.
• `--seed N`: a number from 0 to {MAX_SEED} for repeatable results (best effort: Gemini may still vary).
• `--n N`: how many images, 1 to {MAX_COUNT}.
Example: {EXAMPLE}"""

# Flag spellings -> canonical names. `—` is accepted because some keyboards turn `--` into an em dash.
_FLAGS = {"ar": "ar", "aspect": "ar", "no": "no", "seed": "seed", "n": "n"}
_FLAG = re.compile(r"^(--|—)([A-Za-z][\w-]*)(?:=(.*))?$", re.DOTALL)
_ASPECT_WORDS = {"wide": "16:9", "tall": "9:16", "square": "1:1"}
_LEADING_WORD = re.compile(r"^\s*(wide|tall|square)\s*[:,]\s*", re.IGNORECASE)
_TRAILING_WORD = re.compile(r"\s*(?:[,;]\s*(wide|tall|square)|\((wide|tall|square)\))\s*[.!]?\s*$", re.IGNORECASE)
_RATIO = re.compile(r"^(\d{1,5})\s*[:xX/]\s*(\d{1,5})$")


# "in this style", "like these", "based on this image": the drawing should follow images in the thread.
_REFERENCES = re.compile(
    r"\b(in (this|that|the same|their|its) (style|look)|(like|based on|from|using) (this|that|these|those|it|them)"
    r"|(this|that|these|those) (image|picture|photo|screenshot|diagram|drawing|style)s?)\b", re.IGNORECASE)


def refers_to_images(prompt: str) -> bool:
    """Whether a draw prompt points at images (`draw a poster in this style`), not only at words."""
    return _REFERENCES.search(prompt) is not None


class DrawParamError(ValueError):
    """The draw request cannot be understood; the message says what was wrong and shows an example."""


def parse_draw(text: str) -> DrawRequest:
    """Split `text` into the description and its parameters, validating each one."""
    values, prompt = _split_flags(text)
    prompt, word_ratio = _aspect_word(prompt)
    if word_ratio and "ar" in values:
        raise DrawParamError(f"Both `--ar` and an aspect word set the shape; use one. Example: {EXAMPLE}")
    if not prompt:
        raise DrawParamError(f"Tell me what to draw, not just the parameters. Example: {EXAMPLE}")
    if len(prompt) > MAX_PROMPT_CHARS:
        raise DrawParamError(
            f"The description is {len(prompt):,} characters; shorten it to {MAX_PROMPT_CHARS:,} or fewer."
        )
    return DrawRequest(
        prompt=prompt,
        aspect_ratio=_aspect_ratio(values["ar"]) if "ar" in values else word_ratio or "1:1",
        negative=values.get("no", ""),
        seed=_bounded_int(values["seed"], "--seed", 0, MAX_SEED) if "seed" in values else None,
        count=_bounded_int(values["n"], "--n", 1, MAX_COUNT) if "n" in values else 1,
    )


def _split_flags(text: str) -> tuple[dict[str, str], str]:
    """The flag values by canonical name, and the text left once flags and their values are removed."""
    tokens = list(re.finditer(r"\S+", text))
    values: dict[str, str] = {}
    kept: list[str] = []
    i = 0
    while i < len(tokens):
        flag = _flag(tokens[i].group())
        if flag is None:
            kept.append(tokens[i].group())
            i += 1
            continue
        name, inline = flag
        if name in values:
            raise DrawParamError(f"`--{name}` is given twice; keep one. Example: {EXAMPLE}")
        i += 1
        if name == "no":  # everything up to the next flag
            end = i
            while end < len(tokens) and _flag(tokens[end].group()) is None:
                end += 1
            rest = text[tokens[i].start() : tokens[end - 1].end()] if end > i else ""
            value = " ".join(part for part in (inline or "", rest) if part).strip(" ,;")
            i = end
        elif inline is not None:
            value = inline
        elif i < len(tokens) and _flag(tokens[i].group()) is None:
            value = tokens[i].group()
            i += 1
        else:
            value = ""
        if not value:
            raise DrawParamError(_missing_value(name))
        values[name] = value
    return values, " ".join(kept).strip()


def _flag(token: str) -> tuple[str, str | None] | None:
    """(canonical name, value after `=`) when `token` is a flag; None for ordinary words."""
    match = _FLAG.match(token)
    if match is None:
        return None
    dash, name, inline = match.groups()
    canonical = _FLAGS.get(name.lower())
    if canonical is not None:
        return canonical, inline
    if dash == "—":  # an em dash before an unknown word is punctuation, not a flag
        return None
    close = difflib.get_close_matches(name.lower(), _FLAGS, n=1)
    hint = f" Did you mean `--{close[0]}`?" if close else ""
    raise DrawParamError(f"I don't know the parameter `--{name}`.{hint} I understand --ar, --no, --seed and --n.")


def _missing_value(name: str) -> str:
    examples = {"ar": "--ar 16:9", "no": "--no text, watermarks", "seed": "--seed 42", "n": "--n 2"}
    return f"`--{name}` needs a value, e.g. `{examples[name]}`."


def _aspect_word(prompt: str) -> tuple[str, str | None]:
    """Remove a leading (`wide: …`) or trailing (`…, wide`) aspect word; return the prompt and its ratio."""
    match = _LEADING_WORD.match(prompt)
    if match:
        return prompt[match.end() :].strip(), _ASPECT_WORDS[match.group(1).lower()]
    match = _TRAILING_WORD.search(prompt)
    if match:
        word = match.group(1) or match.group(2)
        return prompt[: match.start()].strip(), _ASPECT_WORDS[word.lower()]
    return prompt, None


def _aspect_ratio(value: str) -> str:
    """`16:9` (or `16x9`, `1920:1080`) as one of ASPECT_RATIOS, else an error naming the closest."""
    match = _RATIO.match(value)
    if match is None or 0 in (int(match.group(1)), int(match.group(2))):
        raise DrawParamError(f"`--ar {value}` isn't an aspect ratio. Use width:height, e.g. `--ar 16:9`.")
    width, height = int(match.group(1)), int(match.group(2))
    for ratio in ALL_RATIOS:  # by value, so 1920:1080 is 16:9
        if Fraction(width, height) == _as_fraction(ratio):
            return ratio
    closest = min(ALL_RATIOS, key=lambda r: abs(math.log(Fraction(width, height) / _as_fraction(r))))
    raise DrawParamError(
        f"`--ar {value}` isn't supported; the closest is `--ar {closest}`. Choose one of {', '.join(ALL_RATIOS)}."
    )


def _as_fraction(ratio: str) -> Fraction:
    width, height = ratio.split(":")
    return Fraction(int(width), int(height))


def _bounded_int(value: str, flag: str, low: int, high: int) -> int:
    """`value` as an integer in [low, high], else an error showing the valid range."""
    if re.fullmatch(r"[+-]?\d+", value) is None or not low <= int(value) <= high:
        raise DrawParamError(f"`{flag} {value}` must be a whole number from {low} to {high}, e.g. `{flag} {low + 1}`.")
    return int(value)
