"""The intent router, table-tested: explicit forms win, files alone mean find, everything else is a question."""

from __future__ import annotations

import pytest

from bot.router import Intent, Kind, route, strip_mentions

A, D, F, H = Kind.ASK, Kind.DRAW, Kind.FIND, Kind.HELP

MESSAGES = [
    # (text, has_files, expected kind, expected remaining text)
    ("How do I reset my VPN password?", False, A, "How do I reset my VPN password?"),
    ("How do I draw a box in Figma?", False, A, "How do I draw a box in Figma?"),
    ("draw a lighthouse at dusk", False, D, "a lighthouse at dusk"),
    ("Draw: a lighthouse at dusk --ar 16:9", False, D, "a lighthouse at dusk --ar 16:9"),
    ("DRAW a cat", False, D, "a cat"),
    ("draw, a fox in the snow", False, D, "a fox in the snow"),
    ("draw - a robot", False, D, "a robot"),
    ("draw", False, D, ""),
    ("/draw a cat in a hat", False, D, "a cat in a hat"),
    ("drawing tips for whiteboard sessions?", False, A, "drawing tips for whiteboard sessions?"),
    ("drawer in the office is broken, who fixes it?", False, A, "drawer in the office is broken, who fixes it?"),
    ("Can you draw me a diagram of our deploy pipeline?", False, A, "Can you draw me a diagram of our deploy pipeline?"),
    ("what does withdraw mean in the expense tool?", False, A, "what does withdraw mean in the expense tool?"),
    ("<@UCURATOR> draw a cat", False, D, "a cat"),
    ("<@UCURATOR>  how many vacation days do I get?", False, A, "how many vacation days do I get?"),
    ("<@UCURATOR|curator>: help", False, H, ""),
    ("find the payment flow diagram", False, F, "the payment flow diagram"),
    ("Find: screenshots of the VPN client", False, F, "screenshots of the VPN client"),
    ("/find onboarding slides", False, F, "onboarding slides"),
    ("find", False, F, ""),
    ("find out how to expense a taxi", False, A, "find out how to expense a taxi"),
    ("find how to reset SSO", False, A, "find how to reset SSO"),
    ("finding a desk for a visitor: who do I ask?", False, A, "finding a desk for a visitor: who do I ask?"),
    ("Where can I find the travel policy?", False, A, "Where can I find the travel policy?"),
    ("help", False, H, ""),
    ("Help!", False, H, ""),
    ("help?", False, H, ""),
    ("?", False, H, ""),
    ("what can you do?", False, H, ""),
    ("help me fix VPN error 809", False, A, "help me fix VPN error 809"),
    ("helpdesk phone number?", False, A, "helpdesk phone number?"),
    ("ask what is the per diem in London", False, A, "what is the per diem in London"),
    ("asking for a friend: is parental leave paid?", False, A, "asking for a friend: is parental leave paid?"),
    ("", True, F, ""),
    ("why does this fail?", True, F, "why does this fail?"),
    ("<@UCURATOR>", True, F, ""),
    ("draw this in watercolor", True, D, "this in watercolor"),
    ("find similar images", True, F, "similar images"),
    ("help", True, H, ""),
    ("", False, A, ""),
    ("   ", False, A, ""),
    ("make the sky purple", False, A, "make the sky purple"),
    ("draw\na cat\non two lines", False, D, "a cat\non two lines"),
    ("Drawn conclusions from the postmortem?", False, A, "Drawn conclusions from the postmortem?"),
    ("findings of the March outage?", False, A, "findings of the March outage?"),
]


@pytest.mark.parametrize(("text", "has_files", "kind", "rest"), MESSAGES)
def test_messages_route_by_explicit_verb_then_files_then_question(text, has_files, kind, rest):
    assert route(text, has_files=has_files) == Intent(kind, rest)


COMMANDS = [
    ("/ask", "how do I reset my password?", A, "how do I reset my password?"),
    ("/ask", "draw a cat", A, "draw a cat"),  # the command is explicit: it is a question about drawing
    ("/draw", "a cat --ar 16:9", D, "a cat --ar 16:9"),
    ("/draw", "", D, ""),
    ("/find", "payment flow diagram", F, "payment flow diagram"),
    ("/curator", "help", H, ""),
    ("/curator", "", H, ""),
    ("/curator", "draw a cat", D, "a cat"),
    ("/curator", "what is the VPN gateway?", A, "what is the VPN gateway?"),
]


@pytest.mark.parametrize(("command", "text", "kind", "rest"), COMMANDS)
def test_slash_commands_are_explicit(command, text, kind, rest):
    assert route(text, command=command) == Intent(kind, rest)


def test_strip_mentions_only_removes_leading_mentions():
    assert strip_mentions("<@U1> <@U2> hi <@U3>") == "hi <@U3>"


IN_AN_IMAGE_THREAD = [
    ("make the sky purple", Kind.EDIT, "make the sky purple"),
    ("add a red balloon on the left", Kind.EDIT, "add a red balloon on the left"),
    ("Make it look like a watercolor painting", Kind.EDIT, "Make it look like a watercolor painting"),
    ("remove the text", Kind.EDIT, "remove the text"),
    ("brighter please", Kind.EDIT, "brighter please"),
    ("can you make it darker?", Kind.ASK, "can you make it darker?"),
    ("what is the per diem in London?", Kind.ASK, "what is the per diem in London?"),
    ("How do I expense this", Kind.ASK, "How do I expense this"),
    ("is this on brand", Kind.ASK, "is this on brand"),
    ("draw a new one: a fox", Kind.DRAW, "a new one: a fox"),
    ("find similar diagrams", Kind.FIND, "similar diagrams"),
    ("help", Kind.HELP, ""),
    ("", Kind.ASK, ""),
]


@pytest.mark.parametrize(("text", "kind", "rest"), IN_AN_IMAGE_THREAD)
def test_in_a_thread_with_an_image_instructions_edit_it_and_questions_stay_questions(text, kind, rest):
    assert route(text, thread_has_image=True) == Intent(kind, rest)


def test_without_an_image_in_the_thread_an_instruction_is_a_question():
    assert route("make the sky purple") == Intent(Kind.ASK, "make the sky purple")
