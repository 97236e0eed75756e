"""Offline answers on the pages people actually write: FAQ pages (Markdown headings and HTML definition
lists), per-platform instructions, a table's catch-all row, a how-to answered by a paragraph, and questions
about a neighbouring topic the knowledge base doesn't cover (real MiniLM, local Qdrant)."""

from __future__ import annotations

import pytest

from bot.config import Settings
from bot.types import NOT_IN_KB, Turn

ACCOUNTS_FAQ = """# Accounts FAQ

## How often do I have to change my password?

Passwords expire every 180 days. You get a reminder by email 14 days before.

## What happens after too many wrong passwords?

After 6 failed attempts your account locks for 20 minutes. It unlocks on its own.

## Which authenticator app should I use?

Use Duo Mobile. SMS codes are only allowed as a temporary fallback for 7 days.
"""

SOFTWARE_FAQ = """<html><head><title>Software FAQ - Larkspur IT</title></head><body>
<h1>Software FAQ</h1>
<dl>
<dt>Can I get admin rights on my laptop?</dt>
<dd>Admin rights are given for 30 minutes at a time through the Privileges app, after you state a reason.</dd>
<dt>Which browser is supported?</dt>
<dd>Google Chrome is the supported browser; Firefox is allowed but IT does not support it.</dd>
</dl></body></html>
"""

ENCRYPTION = """# Laptop Disk Encryption

Every laptop must have full-disk encryption switched on within 24 hours of first sign-in.

## Windows: BitLocker

To turn on BitLocker on Windows:

1. Open Settings → Privacy & security → Device encryption.
2. Click **Turn on BitLocker** and save the recovery key to your Entra ID account.
3. Restart the laptop when asked.

## Mac: FileVault

To turn on FileVault on a Mac:

1. Open System Settings → Privacy & Security → FileVault.
2. Click **Turn On** and choose **Let my organisation escrow the key**.
3. Restart and sign in with your password.
"""

ALLOWANCES = """# Meal and Hotel Allowances

## Rates by city

| City | Meals per day | Hotel cap per night |
|------|---------------|---------------------|
| Lisbon | 48 EUR | 140 EUR |
| Nairobi | 40 USD | 130 USD |
| Other cities | 55 USD | 160 USD |

## Rental cars

Book a compact car through Navan. A mid-size car is allowed when four or more employees travel together.
"""

RELEASES = """# Release Process

## How to roll back

Run `kestrel rollback --service NAME`; the previous version is live again within 3 minutes. Post in
#releases that you rolled back and why.
"""


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    from bot.services import build_knowledge_base

    root = tmp_path_factory.mktemp("pages-kb")
    for name, text in {"it/accounts-faq.md": ACCOUNTS_FAQ, "it/software-faq.html": SOFTWARE_FAQ,
                       "it/disk-encryption.md": ENCRYPTION, "travel/allowances.md": ALLOWANCES,
                       "engineering/releases.md": RELEASES}.items():
        (root / name).parent.mkdir(exist_ok=True)
        (root / name).write_text(text)
    knowledge_base = build_knowledge_base(Settings(_env_file=None, CURATOR_DATA_DIR=root / "data"))
    knowledge_base.ingestor().run([root])
    yield knowledge_base
    knowledge_base.close()


def ask(kb, question: str, history: list[Turn] | None = None) -> tuple[object, str]:
    answer = kb.ask.ask(question, history=history or [])
    return answer, answer.finish()


def cited(answer) -> list[str]:
    return [passage.doc_id for _, passage in answer.citations]


def test_an_faq_answer_is_quoted_whole_under_its_question(kb):
    answer, text = ask(kb, "What happens after too many wrong passwords?")
    assert "After 6 failed attempts your account locks for 20 minutes. It unlocks on its own." in text
    assert "180 days" not in text, "the answer to this question, not its neighbour's"
    assert cited(answer) == ["it/accounts-faq.md"]


def test_an_html_faq_answers_with_the_answer_not_the_question_repeated(kb):
    answer, text = ask(kb, "Which browser is supported?")
    assert "Google Chrome is the supported browser" in text
    assert "> Which browser is supported?" not in text
    assert cited(answer) == ["it/software-faq.html"]


def test_a_platform_follow_up_switches_to_that_platforms_steps(kb):
    first = "How do I turn on BitLocker on Windows?"
    _, first_text = ask(kb, first)
    assert "Turn on BitLocker" in first_text
    _, text = ask(kb, "and on a Mac?", [Turn("user", first), Turn("assistant", first_text)])
    assert "Let my organisation escrow the key" in text, "the Mac (FileVault) steps"
    assert "BitLocker" not in text


def test_a_city_the_table_does_not_list_gets_the_catch_all_row(kb):
    _, text = ask(kb, "What is the hotel cap in Reykjavik?")
    assert "160 USD" in text and "140 EUR" not in text


def test_the_row_naming_the_place_beats_the_catch_all_row_even_in_lower_case(kb):
    _, text = ask(kb, "what is the meal allowance in nairobi?")
    assert "40 USD" in text and "55 USD" not in text


def test_a_how_to_answered_by_a_paragraph_quotes_the_command(kb):
    _, text = ask(kb, "How do I roll back a release?")
    assert "kestrel rollback --service NAME" in text


def test_a_near_topic_question_is_refused_and_names_where_to_look(kb):
    answer, text = ask(kb, "What is the insurance excess on a rental car?")
    assert text.startswith(NOT_IN_KB) and "You could check:" in text
    assert answer.citations == []


def test_a_light_misspelling_still_finds_the_answer(kb):
    _, text = ask(kb, "How do I turn on FileVault encryptoin on my Mac?")
    assert "Let my organisation escrow the key" in text
