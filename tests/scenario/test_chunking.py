"""Chunking: sections are never crossed, sizes are bounded, overlap carries context."""

from __future__ import annotations

import itertools
import re

from bot.kb.chunking import chunk_document
from bot.kb.documents import Document, Section


def sentences(n: int, prefix: str) -> str:
    return " ".join(f"{prefix} sentence number {i} says something useful." for i in range(n))


def test_chunks_stay_inside_their_section():
    doc = Document("Guide", [Section("Install", sentences(3, "Install")), Section("Remove", sentences(3, "Remove"))])
    chunks = chunk_document(doc)
    assert [(c.section, c.text.split()[0]) for c in chunks] == [("Install", "Install"), ("Remove", "Remove")]
    assert [c.index for c in chunks] == [0, 1]


def test_long_sections_split_near_the_target_with_overlap():
    doc = Document("Guide", [Section("Long", sentences(60, "Long"))])
    chunks = chunk_document(doc, target=500, overlap=120)
    assert len(chunks) > 4
    assert all(len(c.text) <= 500 + 120 + 60 for c in chunks)
    for before, after in itertools.pairwise(chunks):
        last_sentence = re.split(r"(?<=\.)\s+", before.text)[-1]
        assert after.text.startswith(last_sentence), "the next chunk opens with the previous one's last sentence"
    all_text = " ".join(c.text for c in chunks)
    assert all(f"number {i} says" in all_text for i in range(60)), "nothing is lost"


def test_a_giant_unbroken_line_is_hard_wrapped():
    doc = Document("Log", [Section("Dump", "x" * 5000)])
    chunks = chunk_document(doc, target=900, overlap=0)
    assert sum(len(c.text.replace("\n\n", "")) for c in chunks) == 5000
    assert max(len(c.text) for c in chunks) <= 900


def test_embedding_text_carries_title_and_heading():
    chunk = chunk_document(Document("VPN guide", [Section("Error 809", "Enable passthrough.")]))[0]
    assert chunk.embedding_text("VPN guide") == "VPN guide\nError 809\nEnable passthrough."


def test_a_list_stays_with_the_sentence_that_leads_into_it():
    text = "Some background first. " * 20 + "\n\nTo reset a token:\n\n1. Open the console.\n2. Click Revoke.\n3. Copy the new value."
    chunks = chunk_document(Document("Tokens", [Section("Reset", text)]), target=500, overlap=0)
    [steps] = [c for c in chunks if "1. Open the console." in c.text]
    assert steps.text.startswith("To reset a token:") and "3. Copy the new value." in steps.text


def test_a_long_table_is_split_by_rows_each_part_under_its_header_row():
    rows = "\n".join(f"| City {i} | {100 + i} EUR |" for i in range(40))
    text = f"Caps per night:\n\n| City | Cap |\n|---|---|\n{rows}"
    chunks = chunk_document(Document("Rates", [Section("Caps", text)]), target=300, overlap=0)
    assert len(chunks) > 2
    for chunk in chunks:
        assert chunk.text.startswith("Caps per night:\n\n| City | Cap |\n|---|---|\n")
    assert all(f"| City {i} |" in " ".join(c.text for c in chunks) for i in range(40)), "no row is lost"


def test_table_rows_are_embedded_with_their_headers():
    chunk = chunk_document(Document("Rates", [Section("Caps", "| City | Cap |\n|---|---|\n| Oslo | 230 EUR |")]))[0]
    assert chunk.embedding_text("Rates") == "Rates\nCaps\nOslo: Cap 230 EUR"
