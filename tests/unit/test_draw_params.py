"""parse_draw: the description and its parameters, and the errors a user sees."""

from __future__ import annotations

import pytest

from bot.draw.base import ASPECT_RATIOS
from bot.draw.params import USAGE, DrawParamError, parse_draw
from bot.types import DrawRequest

LONG = "a very detailed castle " * 87 + "!"  # 2,002 characters

VALID = [
    # (text, prompt, aspect ratio, negative, seed, count)
    ("a lighthouse at dusk", "a lighthouse at dusk", "1:1", "", None, 1),
    ("a lighthouse --ar 16:9", "a lighthouse", "16:9", "", None, 1),
    ("--ar 9:16 a lighthouse", "a lighthouse", "9:16", "", None, 1),
    ("a lighthouse --ar=21:9", "a lighthouse", "21:9", "", None, 1),
    ("a lighthouse --aspect 4:5", "a lighthouse", "4:5", "", None, 1),
    ("a lighthouse --AR 16:9", "a lighthouse", "16:9", "", None, 1),
    ("a lighthouse --ar 1920:1080", "a lighthouse", "16:9", "", None, 1),
    ("a lighthouse --ar 3x2", "a lighthouse", "3:2", "", None, 1),
    ("a lighthouse --ar 42:18", "a lighthouse", "21:9", "", None, 1),
    ("a lighthouse —ar 4:3", "a lighthouse", "4:3", "", None, 1),  # `--` autocorrected to an em dash
    ("wide: a beach at dusk", "a beach at dusk", "16:9", "", None, 1),
    ("Tall, a lighthouse", "a lighthouse", "9:16", "", None, 1),
    ("a beach at dusk, wide", "a beach at dusk", "16:9", "", None, 1),
    ("a lighthouse, tall.", "a lighthouse", "9:16", "", None, 1),
    ("a lighthouse (square)", "a lighthouse", "1:1", "", None, 1),
    ("wide: a beach --seed 3", "a beach", "16:9", "", 3, 1),
    ("a wide river", "a wide river", "1:1", "", None, 1),  # a description word, not a parameter
    ("wide shot of a harbour", "wide shot of a harbour", "1:1", "", None, 1),
    ("a red square", "a red square", "1:1", "", None, 1),
    ("draw a 16:9 poster", "draw a 16:9 poster", "1:1", "", None, 1),  # 16:9 in the prompt is not --ar
    ("a cat --no dogs, birds", "a cat", "1:1", "dogs, birds", None, 1),
    ("a cat --no dogs, birds --ar 16:9", "a cat", "16:9", "dogs, birds", None, 1),
    ("a cat --no=text, logos --n=2", "a cat", "1:1", "text, logos", None, 2),
    ("a cat --ar 16:9 sitting on a mat", "a cat sitting on a mat", "16:9", "", None, 1),  # flag in the middle
    ("a cat --seed 0", "a cat", "1:1", "", 0, 1),
    ("a cat --seed 2147483647", "a cat", "1:1", "", 2147483647, 1),
    ("a cat --n 4 --seed 7", "a cat", "1:1", "", 7, 4),
    ("un chat ☕ sur un toit, 夕焼け --n 2", "un chat ☕ sur un toit, 夕焼け", "1:1", "", None, 2),
    ("a cat — so cute", "a cat — so cute", "1:1", "", None, 1),
    ("a cat -- sitting", "a cat -- sitting", "1:1", "", None, 1),
    ("  a \n  cat  ", "a cat", "1:1", "", None, 1),  # whitespace is normalised
    ("a" * 2000, "a" * 2000, "1:1", "", None, 1),
]


@pytest.mark.parametrize(("text", "prompt", "ratio", "negative", "seed", "count"), VALID)
def test_valid_requests(text, prompt, ratio, negative, seed, count):
    assert parse_draw(text) == DrawRequest(prompt, ratio, negative, seed, count)


INVALID = [
    # (text, words the message must contain)
    ("--ar 16:9", "Tell me what to draw"),
    ("", "Tell me what to draw"),
    ("wide:", "Tell me what to draw"),
    ("--no text", "Tell me what to draw"),
    ("a cat --ar 2:1", "closest is `--ar 16:9`"),
    ("a cat --ar 5:2", "closest is `--ar 21:9`"),
    ("a cat --ar 1:3", "closest is `--ar 1:4`"),
    ("a cat --ar wide", "isn't an aspect ratio"),
    ("a cat --ar 0:1", "isn't an aspect ratio"),
    ("a cat --ar", "`--ar` needs a value, e.g. `--ar 16:9`"),
    ("a cat --ar --n 2", "`--ar` needs a value"),
    ("a cat --ar=", "`--ar` needs a value"),
    ("a cat --n 5", "from 1 to 4"),
    ("a cat --n 0", "from 1 to 4"),
    ("a cat --n two", "from 1 to 4"),
    ("a cat --n", "`--n` needs a value"),
    ("a cat --seed -1", "from 0 to 2147483647"),
    ("a cat --seed 2147483648", "from 0 to 2147483647"),
    ("a cat --seed 1.5", "whole number"),
    ("a cat --no", "`--no` needs a value, e.g. `--no text, watermarks`"),
    ("a cat --no --ar 16:9", "`--no` needs a value"),
    ("a cat --style vivid", "I don't know the parameter `--style`"),
    ("a cat --seeds 3", "Did you mean `--seed`?"),
    ("a cat --ar 16:9 --ar 1:1", "`--ar` is given twice"),
    ("a cat --ar 16:9 --aspect 1:1", "`--ar` is given twice"),
    ("a cat --no dogs --no birds", "`--no` is given twice"),
    ("wide: a cat --ar 1:1", "use one"),
    (LONG, "2,002 characters; shorten it to 2,000"),
]


@pytest.mark.parametrize(("text", "expected"), INVALID)
def test_invalid_requests_say_what_was_wrong(text, expected):
    with pytest.raises(DrawParamError) as caught:
        parse_draw(text)
    assert expected in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_errors_about_a_value_show_an_example():
    for text in ["a cat --ar", "a cat --n 9", "--ar 16:9", "a cat --ar 5:1", "a cat --seed x"]:
        with pytest.raises(DrawParamError, match=r"e\.g\.|Example|closest"):
            parse_draw(text)


def test_usage_names_every_parameter_and_ratio():
    for word in ["--ar", "--no", "--seed", "--n", "wide", "tall", "square", *ASPECT_RATIOS]:
        assert word in USAGE


def test_describe_round_trips_through_the_parser():
    request = parse_draw("a harbour at night --ar 3:2 --no boats --seed 9 --n 3")
    assert parse_draw(f"{request.prompt} {request.describe()}") == request
