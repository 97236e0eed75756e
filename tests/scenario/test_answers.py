"""Offline answers a user would check: the table row asked about, whole step lists, the specific rule over
the general one, refusals that name where to look, follow-ups, and clean text (real MiniLM, local Qdrant)."""

from __future__ import annotations

import re

import pytest

from bot.config import Settings
from bot.types import NOT_IN_KB, Turn

RATES = """# Travel Rates - Northwind Wiki

As a general rule, hotels are capped at 150 EUR per night.

## Rates by city

The caps below apply per night, excluding taxes:

| City | Hotel cap | Meals |
|---|---|---|
| Oslo | 230 EUR | 70 EUR |
| Bergen | 190 EUR | 60 EUR |
| Trondheim | 170 EUR | 55 EUR |
"""

TOKENS = """<html><head><title>Access Tokens | Northwind IT Portal</title></head><body>
<h1>Access Tokens</h1>
<p>An access token is a secret that lets your scripts call the internal API on your behalf.</p>
<h2>Token types</h2>
<table><tr><th>Type</th><th>Lifetime</th><th>Owner</th></tr>
<tr><td>Personal</td><td>90 days</td><td>You</td></tr>
<tr><td>Service</td><td>365 days</td><td>Platform team</td></tr></table>
<h2>Resetting a token</h2>
<p>To reset a token:</p>
<ol><li>Open the Token Console and sign in with Northwind ID.</li>
<li>Select the token and click <strong>Revoke</strong>.</li>
<li>Click <strong>New token</strong> and copy the value shown once.</li>
<li>Store the new value in 1Password and update your scripts.</li></ol>
<h2>Hardware keys</h2>
<p>A replacement hardware key for signing tokens costs <strong>$45</strong>. Order it from the IT Bar.</p>
</body></html>
"""

OSLO = """# Oslo Office

The Oslo office is at Karl Johans gate 12 and is open Monday to Friday, 07:00 to 19:00.

## Badges

> **Note:** Badges work in every Northwind office, including Oslo.

Lost badges are replaced at the front desk the next business day.
"""


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    from bot.services import build_knowledge_base

    root = tmp_path_factory.mktemp("answers-kb")
    (root / "travel").mkdir()
    (root / "travel" / "rates.md").write_text(RATES)
    (root / "it").mkdir()
    (root / "it" / "tokens.html").write_text(TOKENS)
    (root / "facilities").mkdir()
    (root / "facilities" / "oslo-office.md").write_text(OSLO)
    knowledge_base = build_knowledge_base(Settings(_env_file=None, CURATOR_DATA_DIR=root / "data"))
    knowledge_base.ingestor().run([root])
    yield knowledge_base
    knowledge_base.close()


def ask(kb, question: str, history: list[Turn] | None = None):
    answer = kb.ask.ask(question, history=history or [])
    return answer, answer.finish()


def cited(answer) -> list[str]:
    return [passage.doc_id for _, passage in answer.citations]


def test_a_markdown_table_row_is_quoted_with_its_headers(kb):
    answer, text = ask(kb, "What is the hotel cap in Oslo?")
    assert "Oslo: Hotel cap 230 EUR, Meals 70 EUR" in text
    assert "| City |" not in text and "Bergen" not in text, "the row asked about, not the header row or another"
    assert cited(answer) == ["travel/rates.md"]


def test_an_html_table_row_is_quoted_with_its_headers(kb):
    answer, text = ask(kb, "How long does a service token last?")
    assert "Service: Lifetime 365 days, Owner Platform team" in text
    assert "90 days" not in text
    assert cited(answer) == ["it/tokens.html"]


def test_how_do_i_quotes_the_whole_step_list_with_its_lead_in(kb):
    _, text = ask(kb, "How do I reset my access token?")
    steps = ["To reset a token:", "1. Open the Token Console", "2. Select the token and click Revoke",
             "3. Click New token", "4. Store the new value in 1Password"]
    positions = [text.find(step) for step in steps]
    assert -1 not in positions and positions == sorted(positions), text
    assert "is a secret that lets" not in text, "the fix, not what a token is"


def test_the_specific_row_wins_over_the_general_rule(kb):
    _, text = ask(kb, "What's the hotel cap for a trip to Bergen?")
    assert "190 EUR" in text
    assert "general rule" not in text and "150 EUR" not in text


def test_an_absent_topic_that_shares_words_is_refused_with_where_to_look(kb):
    answer, text = ask(kb, "What is on the cafeteria menu at the Oslo office?")
    assert text.startswith(NOT_IN_KB)
    assert "You could check: Oslo Office" in text
    assert answer.citations == [] and "[1]" not in text


def test_a_code_the_knowledge_base_lacks_is_refused(kb):
    _, text = ask(kb, "How long does a Tier-7 token last?")
    assert text.startswith(NOT_IN_KB)


def test_elliptical_follow_ups_reuse_the_previous_question_with_the_new_name(kb):
    _first, first_text = ask(kb, "What is the hotel cap in Oslo?")
    history = [Turn("user", "What is the hotel cap in Oslo?"), Turn("assistant", first_text)]
    _, second = ask(kb, "and in Bergen?", history)
    assert "190 EUR" in second and "230 EUR" not in second, "not one turn behind"
    history += [Turn("user", "and in Bergen?"), Turn("assistant", second)]
    _, third = ask(kb, "what about Trondheim?", history)
    assert "170 EUR" in third and "190 EUR" not in third


def test_a_follow_up_with_it_takes_the_earlier_topic(kb):
    history = [Turn("user", "What is a service token?"), Turn("assistant", "...")]
    _, text = ask(kb, "how long does it last?", history)
    assert "365 days" in text


def test_a_new_question_in_a_thread_stands_alone(kb):
    history = [Turn("user", "What is the hotel cap in Oslo?"), Turn("assistant", "> Oslo: ... [1]")]
    answer, text = ask(kb, "How do I reset my access token?", history)
    assert "Open the Token Console" in text and "EUR" not in text
    assert cited(answer) == ["it/tokens.html"]


def test_quotes_are_clean_and_sources_readable(kb):
    _answer, text = ask(kb, "Do badges work in every office?")
    assert "Badges work in every Northwind office" in text
    assert not re.search(r">\s*>", text), "one quote marker per line"
    assert "**" not in text
    _, price = ask(kb, "How much does a replacement hardware key cost?")
    assert "$45." in price and "$45 ." not in price
    labels = [passage.label for _, passage in ask(kb, "What is the hotel cap in Oslo?")[0].citations]
    assert labels == ["Travel Rates › Rates by city"], "no '- Northwind Wiki' suffix"
    assert ask(kb, "How long does a service token last?")[0].citations[0][1].title == "Access Tokens"
