"""Loading files: titles and sections per format, and refusals with reasons."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.kb.documents import SkipFile, decode_text, load_document


def test_markdown_sections_follow_headings_and_ignore_hashes_in_code():
    text = "# VPN guide\n\nIntro.\n\n## Error 809\n\nEnable passthrough.\n\n```\n# not a heading\n```\n"
    doc = load_document(Path("vpn.md"), text.encode())
    assert doc.title == "VPN guide"
    assert [s.heading for s in doc.sections] == ["VPN guide", "Error 809"]
    assert "# not a heading" in doc.sections[1].text


def test_html_uses_title_and_headings_and_drops_scripts():
    html = (
        "<html><head><title>Expense policy</title><script>alert('x')</script></head><body>"
        "<h1>Expenses</h1><p>Submit receipts within 30 days.</p><h2>Meals</h2><ul><li>Up to $60 a day</li></ul>"
        "</body></html>"
    )
    doc = load_document(Path("expenses.html"), html.encode())
    assert doc.title == "Expense policy"
    assert [(s.heading, s.text) for s in doc.sections] == [
        ("Expenses", "Submit receipts within 30 days."),
        ("Meals", "- Up to $60 a day"),
    ]
    assert "alert" not in " ".join(s.text for s in doc.sections)


def test_pdf_pages_become_sections(tmp_path):
    fpdf = pytest.importorskip("fpdf")
    pdf = fpdf.FPDF()
    for page in ("Badge policy: badges are renewed every two years.", "Lost badges cost 25 EUR to replace."):
        pdf.add_page()
        pdf.set_font("Helvetica", size=12)
        pdf.multi_cell(0, 10, page)
    data = bytes(pdf.output())
    doc = load_document(Path("badges.pdf"), data)
    assert [s.heading for s in doc.sections] == ["page 1", "page 2"]
    assert "Lost badges cost 25 EUR" in doc.sections[1].text


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.md", b"  \n\n", "empty file"),
        ("binary.md", b"abc\x00def", "binary content"),
        ("scan.pdf", b"%PDF-1.4 not really", "unreadable PDF"),
        ("photo.jpg", b"\xff\xd8\xff", "image"),
        ("sheet.xlsx", b"PK", "unsupported file type '.xlsx'"),
        ("headings-only.md", b"# Title\n\n## Empty\n", "no text content"),
    ],
)
def test_bad_files_are_refused_with_a_reason(name, data, reason):
    with pytest.raises(SkipFile, match=reason.replace("(", r"\(").replace(".", r"\.")):
        load_document(Path(name), data)


def test_non_utf8_text_is_decoded_with_a_note():
    text, notes = decode_text("Überstunden werden vergütet".encode("cp1252"))
    assert text == "Überstunden werden vergütet"
    assert notes == ["not UTF-8: decoded as Windows-1252"]
    assert decode_text("\ufeffBOM text".encode("utf-8")) == ("BOM text", [])
