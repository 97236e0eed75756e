"""The router, pure and offline: explicit forms are certain, the words decide the rest, the thread matters,
and each feature gets its text with the request phrasing removed. No embedder here (rules only)."""

from __future__ import annotations

import pytest

from bot.routing.router import FLOOR, Decision, Kind, Router, Thread, strip_mentions

A, D, F, H, E = Kind.ASK, Kind.DRAW, Kind.FIND, Kind.HELP, Kind.EDIT
ROUTER = Router()

EXPLICIT = [
    # (text, has_files, expected kind, expected text): certain, whatever the rest says
    ("draw a lighthouse at dusk", False, D, "a lighthouse at dusk"),
    ("Draw: a lighthouse at dusk --ar 16:9", False, D, "a lighthouse at dusk --ar 16:9"),
    ("DRAW a cat", False, D, "a cat"),
    ("draw - a robot", False, D, "a robot"),
    ("draw me an image of a fox in the snow", False, D, "a fox in the snow"),
    ("draw", False, D, ""),
    ("draw\na cat\non two lines", False, D, "a cat\non two lines"),
    ("<@UCURATOR> draw a cat", False, D, "a cat"),
    ("draw this in watercolor", True, D, "this in watercolor"),
    ("find the payment flow diagram", False, F, "the payment flow diagram"),
    ("Find: screenshots of the VPN client", False, F, "screenshots of the VPN client"),
    ("find", False, F, ""),
    ("help", False, H, ""),
    ("Help!", False, H, ""),
    ("?", False, H, ""),
    ("<@UCURATOR|curator>: help", False, H, ""),
    ("help", True, H, ""),
    ("ask what is the per diem in London", False, A, "what is the per diem in London"),
]


@pytest.mark.parametrize(("text", "has_files", "kind", "rest"), EXPLICIT)
def test_a_leading_verb_is_certain_and_leaves_the_rest_for_the_feature(text, has_files, kind, rest):
    assert ROUTER.route(text, files=int(has_files)) == Decision(kind, rest, 1.0)


COMMANDS = [
    ("/ask", "draw a cat", A, "draw a cat"),  # the command is explicit: a question about drawing
    ("/draw", "a cat --ar 16:9", D, "a cat --ar 16:9"),
    ("/draw", "", D, ""),
    ("/find", "payment flow diagram", F, "payment flow diagram"),
    ("/curator", "", H, ""),
    ("/curator", "help", H, ""),
    ("/curator", "draw a cat", D, "a cat"),
]


@pytest.mark.parametrize(("command", "text", "kind", "rest"), COMMANDS)
def test_slash_commands_are_certain(command, text, kind, rest):
    assert ROUTER.route(text, command=command) == Decision(kind, rest, 1.0)


def test_curator_command_with_words_is_read_like_a_message():
    decision = ROUTER.route("could you sketch a windmill", command="/curator")
    assert (decision.kind, decision.text) == (D, "a windmill")


WORDS = [
    # Not "draw" at the start, yet a drawing: polite, indirect, other verbs, the image as the object.
    ("would you draw a heron at sunrise", D, "a heron at sunrise"),
    ("I'd love an image of a tram in the fog", D, "a tram in the fog"),
    ("can I get a logo for the chess club?", D, "a logo for the chess club"),
    ("please generate a picture of a snowy harbour --ar 16:9", D, "a snowy harbour --ar 16:9"),
    ("Could you paint me a stormy sea, oil on canvas", D, "a stormy sea, oil on canvas"),
    ("an icon of a paper boat", D, "an icon of a paper boat"),
    ("a poster for the charity bake sale, hand-lettered", D, "a poster for the charity bake sale, hand-lettered"),
    ("skecth a windmill", D, "a windmill"),
    ("Hey, please create an illustration of a sleepy fox. Thanks!", D, "a sleepy fox"),
    # Questions about drawing tools and other senses of "image" stay questions.
    ("how do I draw a box in Figma?", A, "how do I draw a box in Figma?"),
    ("what's the shortcut to draw arrows in Lucidchart", A, "what's the shortcut to draw arrows in Lucidchart"),
    ("how do I build a docker image for the worker", A, "how do I build a docker image for the worker"),
    ("can you make a disk image of my laptop?", A, "can you make a disk image of my laptop?"),
    ("is there a policy on photos of customers?", A, "is there a policy on photos of customers?"),
    ("who do I ask to draw up an NDA?", A, "who do I ask to draw up an NDA?"),
    ("draw a comparison between the two leave policies", A, "draw a comparison between the two leave policies"),
    # Searches for pictures that exist.
    ("where's the diagram of the billing pipeline?", F, "the diagram of the billing pipeline"),
    ("do we have photos from the summer party", F, "photos from the summer party"),
    ("any screenshots of the admin console?", F, "screenshots of the admin console"),
    # Help: the bot itself.
    ("what can you do?", H, ""),
    ("how do I use this bot", H, ""),
    ("hello!", H, ""),
    ("can you draw pictures?", H, ""),
    ("", H, ""),
]


@pytest.mark.parametrize(("text", "kind", "feature_text"), WORDS)
def test_the_words_decide_kind_and_feature_text(text, kind, feature_text):
    decision = ROUTER.route(text)
    assert (decision.kind, decision.text) == (kind, feature_text)


UNDER_A_DRAWING = [
    ("make the sky purple", E, "make the sky purple"),
    ("can you make the background blue?", E, "make the background blue"),
    ("Love it! could you add a red balloon", E, "add a red balloon"),
    ("what if it was at night?", E, "what if it was at night"),
    ("again", E, "again"),
    ("thanks, love it", A, "thanks, love it"),
    ("what model made this?", A, "what model made this?"),
    ("can I get this as a png?", A, "can I get this as a png?"),
    ("now draw a different one: a tiger in the rain", D, "a tiger in the rain"),
    ("find similar diagrams", F, "similar diagrams"),
    ("what else can you do?", H, ""),
]


@pytest.mark.parametrize(("text", "kind", "feature_text"), UNDER_A_DRAWING)
def test_under_a_drawing_instructions_edit_it_and_questions_stay_questions(text, kind, feature_text):
    decision = ROUTER.route(text, thread=Thread.DRAWING)
    assert (decision.kind, decision.text) == (kind, feature_text)


UNDER_AN_ANSWER = [
    ("make it shorter", A), ("and for contractors?", A), ("thx", A), ("can you draw that as a diagram?", D),
    ("is there a screenshot of that page?", F),
]


@pytest.mark.parametrize(("text", "kind"), UNDER_AN_ANSWER)
def test_under_an_answer_replies_are_follow_ups_unless_they_ask_for_a_picture(text, kind):
    assert ROUTER.route(text, thread=Thread.ANSWER).kind is kind


def test_the_same_instruction_is_an_edit_only_where_there_is_a_drawing():
    assert ROUTER.route("make the sky purple", thread=Thread.DRAWING).kind is E
    assert ROUTER.route("make the sky purple", thread=Thread.ANSWER).kind is A
    assert ROUTER.route("make the sky purple").kind is not E


FILES = [
    ("", F), ("what is this error?", F), ("any related docs?", F), ("make this look like a pencil sketch", D),
    ("turn my photo into a cartoon", D), ("is there a newer version of this diagram?", F),
]


@pytest.mark.parametrize(("text", "kind"), FILES)
def test_an_image_alone_or_with_a_question_is_find_and_a_restyle_is_draw(text, kind):
    assert ROUTER.route(text, files=1).kind is kind


def test_the_request_to_the_bot_is_read_after_its_mention_and_broadcasts_are_dropped():
    text = "<!here> hey <@U07ALICE> look <@UBOT> could you draw a llama in a server room"
    decision = ROUTER.route(text, bot_user_id="UBOT")
    assert (decision.kind, decision.text) == (D, "a llama in a server room")


def test_slack_markup_becomes_words_in_the_prompt():
    decision = ROUTER.route("a poster for the R&amp;D fair :tada: with <@U1|maria> as a knight")
    assert decision.kind is D
    assert decision.text == "a poster for the R&D fair with @maria as a knight"


def test_unrecognised_words_are_unsure_and_offer_the_other_reading():
    decision = ROUTER.route("the quarterly thing for the marketing folks")
    assert decision.kind is A and decision.confidence < FLOOR
    assert decision.alternative is D


def test_confident_decisions_offer_nothing():
    for text in ("how do I reset my password?", "could you draw a fox on a bike"):
        decision = ROUTER.route(text)
        assert decision.confidence >= FLOOR and decision.alternative is None


def test_routing_is_deterministic():
    texts = [text for text, *_ in WORDS]
    assert [ROUTER.route(t) for t in texts] == [Router().route(t) for t in texts]


def test_strip_mentions_only_removes_leading_mentions():
    assert strip_mentions("<@U1> <@U2> hi <@U3>") == "hi <@U3>"


def test_decide_as_serves_a_button_choice_with_that_kinds_text():
    decision = ROUTER.decide_as(D, "<@UBOT> can you illustrate our release train?", bot_user_id="UBOT")
    assert decision == Decision(D, "our release train", 1.0)
