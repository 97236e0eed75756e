"""What the user reads of an answer stream: sources numbered in the order shown, each section once."""

from __future__ import annotations

from bot.kb.ask import AnswerStream
from bot.types import NOT_IN_KB, Passage


def passage(doc: str, section: str) -> Passage:
    return Passage(text="...", title=doc.title(), section=section, doc_id=doc, source=f"/kb/{doc}")


PASSAGES = [passage("vpn.md", "Setup"), passage("wifi.md", "Guests"), passage("vpn.md", "Errors"),
            passage("pto.md", "Accrual"), passage("vpn.md", "Setup")]


def test_sources_are_numbered_in_the_order_the_answer_cites_them():
    stream = AnswerStream(PASSAGES, iter(["First [4] then [", "2] and [4] again [9]."]))
    assert stream.finish() == "First [1] then [2] and [1] again ."
    assert [(n, p.doc_id, p.section) for n, p in stream.citations] == [(1, "pto.md", "Accrual"), (2, "wifi.md", "Guests")]


def test_two_passages_of_one_section_share_a_number():
    stream = AnswerStream(PASSAGES, iter(["A [5] B [1] C [3]"]))
    assert stream.finish() == "A [1] B [1] C [2]"
    assert [n for n, _ in stream.citations] == [1, 2]


def test_a_refusal_names_the_closest_documents_without_citing_them():
    stream = AnswerStream(PASSAGES, iter([NOT_IN_KB]))
    assert stream.finish() == f"{NOT_IN_KB} You could check: Vpn.Md; Wifi.Md."
    assert stream.citations == [] and not stream.found
