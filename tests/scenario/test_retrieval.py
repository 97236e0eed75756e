"""Retrieval and answers on the sample knowledge base with the offline providers (real MiniLM, local Qdrant)."""

from __future__ import annotations

import json

import pytest

from bot.types import NOT_IN_KB
from tests.conftest import REPO

QUESTIONS = [json.loads(line) for line in (REPO / "examples/eval/questions.jsonl").read_text().splitlines() if line.strip()]
ABSENT = [json.loads(line) for line in (REPO / "examples/eval/absent.jsonl").read_text().splitlines() if line.strip()]


@pytest.fixture
def kb(sample_kb):
    return sample_kb


def top_documents(kb, question: str, k: int = 3, **kwargs) -> list[str]:
    documents: list[str] = []
    for passage in kb.ask.retrieve(question, limit=12, **kwargs):
        if passage.doc_id not in documents:
            documents.append(passage.doc_id)
    return documents[:k]


def test_the_relevant_document_is_in_the_top_3_for_most_questions(kb):
    hits = [q["id"] for q in QUESTIONS if set(top_documents(kb, q["question"])) & set(q["relevant"])]
    share = len(hits) / len(QUESTIONS)
    # Measured: 40/40 (100%) with hybrid search; the README quotes this number.
    assert share >= 0.9, f"only {len(hits)}/{len(QUESTIONS)} questions had a relevant document in the top 3"


def test_questions_the_knowledge_base_answers_get_cited_answers(kb):
    answered = []
    for q in QUESTIONS:
        answer = kb.ask.ask(q["question"])
        answer.finish()
        cited = {passage.doc_id for _, passage in answer.citations}
        if answer.found and cited & set(q["relevant"]):
            answered.append(q["id"])
    # Measured: 32/40 answered, citing a relevant document. The answerer now refuses when the quoted unit
    # doesn't hold the question's terms; the refusals are chatty questions (docs/benchmarks.md, answers).
    assert len(answered) >= 0.75 * len(QUESTIONS), f"answered {len(answered)}/{len(QUESTIONS)}"


@pytest.mark.parametrize("question", [q["question"] for q in ABSENT])
def test_absent_topics_get_the_honest_not_in_the_knowledge_base_answer(kb, question):
    answer = kb.ask.ask(question)
    text = answer.finish()
    assert text.startswith(NOT_IN_KB) and "You could check:" in text, "refused, naming where to look instead"
    assert answer.citations == []


def test_an_exact_error_code_finds_its_runbook_first(kb):
    assert top_documents(kb, "ERR_TUNNEL_TIMEOUT", k=1) == ["it/vpn-troubleshooting.md"]


def test_tags_scope_the_search_to_a_folder(kb):
    documents = top_documents(kb, "how many days off do I get", k=10, tags=["hr"])
    assert documents and all(doc.startswith("hr/") for doc in documents)


def test_a_follow_up_uses_the_earlier_question(kb):
    from bot.types import Turn

    history = [Turn("user", "What is the per diem for London?"), Turn("assistant", "...")]
    answer = kb.ask.ask("and for Paris?", history=history)
    answer.finish()
    assert {p.doc_id for _, p in answer.citations} == {"travel/per-diem-rates.html"}
