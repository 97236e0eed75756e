"""Slack formatting: Markdown to mrkdwn, escaping, mentions defused, splitting, citation and feedback blocks."""

from __future__ import annotations

from bot.slack.blocks import build_citation_blocks, build_feedback_blocks
from bot.slack.format import markdown_to_mrkdwn, neutralise_mentions, split_text
from bot.types import Passage


def test_markdown_becomes_mrkdwn():
    markdown = "## Steps\n\n**Enable** passthrough, then *restart* [the client](https://kb.example/vpn) ~~now~~.\n- one\n- two"
    assert markdown_to_mrkdwn(markdown) == (
        "*Steps*\n\n*Enable* passthrough, then _restart_ <https://kb.example/vpn|the client> ~now~.\n• one\n• two"
    )


def test_special_characters_and_hostile_sequences_are_escaped():
    assert markdown_to_mrkdwn("a < b & c > d <!channel> <@U123>") == (
        "a &lt; b &amp; c &gt; d &lt;!channel&gt; &lt;@U123&gt;"
    )
    assert markdown_to_mrkdwn("[click](javascript:alert(1))") == "[click](javascript:alert(1))"


def test_code_is_kept_verbatim_but_escaped():
    markdown = "Run `make dev-up` then:\n```\nif a < b && c:\n    **not bold**\n```"
    assert markdown_to_mrkdwn(markdown) == "Run `make dev-up` then:\n```\nif a &lt; b &amp;&amp; c:\n    **not bold**\n```"


def test_mentions_in_streamed_markdown_cannot_ping_anyone():
    defused = neutralise_mentions("Hi <!here> and <@U1> in <#C1>")
    assert "<!here>" not in defused and "<@U1>" not in defused and "<#C1>" not in defused
    assert defused.replace("\u200b", "") == "Hi <!here> and <@U1> in <#C1>"


def test_long_text_is_split_at_paragraphs_within_the_limit():
    paragraphs = [f"Paragraph {i}: " + "word " * 100 for i in range(20)]
    parts = split_text("\n\n".join(paragraphs), limit=3000)
    assert len(parts) > 1 and all(len(p) <= 3000 for p in parts)
    assert all(p.startswith("Paragraph") for p in parts)
    assert "".join(parts).replace(" ", "").replace("\n", "") == "".join(paragraphs).replace(" ", "")


def test_a_single_huge_word_is_still_split():
    parts = split_text("x" * 7000, limit=3000)
    assert [len(p) for p in parts] == [3000, 3000, 1000]


def passage(n: int, source: str = "/kb/doc.md") -> Passage:
    return Passage(f"text {n}", f"Doc <{n}>", "Setup", f"it/doc{n}.md", source)


def test_citations_link_to_the_docs_site_and_escape_titles():
    [block] = build_citation_blocks([(1, passage(1)), (3, passage(3, "https://wiki.example/a|b"))], "https://kb.example/docs/")
    texts = [element["text"] for element in block["elements"]]
    assert texts == [
        "<https://kb.example/docs/it/doc1.md|[1] Doc &lt;1&gt; › Setup>",
        "<https://wiki.example/a%7Cb|[3] Doc &lt;3&gt; › Setup>",
    ]


def test_citations_without_urls_name_the_document_and_fold_past_ten():
    [block] = build_citation_blocks([(n, passage(n)) for n in range(1, 13)])
    assert len(block["elements"]) == 10
    assert block["elements"][0]["text"] == "[1] Doc &lt;1&gt; › Setup · `it/doc1.md`"
    assert "[12]" in block["elements"][-1]["text"]


def test_feedback_buttons_carry_the_answer_id():
    [block] = build_feedback_blocks("abc123")
    buttons = block["elements"][0]
    assert buttons["positive_button"]["value"] == "up:abc123" and buttons["negative_button"]["value"] == "down:abc123"
