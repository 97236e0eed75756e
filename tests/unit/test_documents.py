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


def test_html_uses_its_h1_and_headings_and_drops_scripts():
    html = (
        "<html><head><title>Expense policy | Northwind Intranet</title><script>alert('x')</script></head><body>"
        "<h1>Expenses</h1><p>Submit receipts within <strong>30 days</strong>.</p><h2>Meals</h2><ul><li>Up to $60 a day</li></ul>"
        "</body></html>"
    )
    doc = load_document(Path("expenses.html"), html.encode())
    assert doc.title == "Expenses"
    assert [(s.heading, s.text) for s in doc.sections] == [
        ("Expenses", "Submit receipts within 30 days."),
        ("Meals", "- Up to $60 a day"),
    ]
    assert "alert" not in " ".join(s.text for s in doc.sections)


@pytest.mark.parametrize(
    ("title", "clean"),
    [("Parking - Northwind Wiki", "Parking"), ("Expense policy | Northwind Intranet", "Expense policy"),
     ("Service Tiers — Engineering Handbook", "Service Tiers"), ("Deploy - Freeze Rules", "Deploy - Freeze Rules")],
)
def test_page_titles_lose_the_site_name(title, clean):
    doc = load_document(Path("page.html"), f"<title>{title}</title><p>Some text here.</p>".encode())
    assert doc.title == clean


def test_html_tables_become_rows_under_their_headers():
    html = ("<h1>Rates</h1><table><caption>Caps per night</caption><tr><th>City</th><th>Cap</th></tr>"
            "<tr><td>Oslo</td><td>230 EUR</td></tr><tr><td>Bergen</td><td>190 <b>EUR</b></td></tr></table>")
    [section] = load_document(Path("rates.html"), html.encode()).sections
    assert section.text == "Caps per night:\n\n| City | Cap |\n|---|---|\n| Oslo | 230 EUR |\n| Bergen | 190 EUR |"


def test_plain_text_reads_headings_aligned_tables_and_steps():
    text = ("On-Call Handbook\n\nCOMPENSATION\n\n  Role        United States   Ireland\n"
            "  ----------  -------------   -------\n  Primary     USD 500         EUR 400\n"
            "  Secondary   USD 150         EUR 120\n\nDECLARING\n\n1) Run /incident declare and choose a\n"
            "   severity.\n2) Post in #incidents.\n")
    doc = load_document(Path("oncall.txt"), text.encode())
    assert doc.title == "On-Call Handbook"
    sections = {s.heading: s.text for s in doc.sections}
    assert "| Primary | USD 500 | EUR 400 |" in sections["COMPENSATION"]
    assert sections["COMPENSATION"].startswith("| Role | United States | Ireland |")
    assert sections["DECLARING"] == "1. Run /incident declare and choose a severity.\n2. Post in #incidents."


def test_pdf_text_keeps_headings_and_tables_and_drops_page_furniture(tmp_path):
    fpdf = pytest.importorskip("fpdf")
    pdf = fpdf.FPDF()
    pdf.set_title("Badge Policy")
    for page in (1, 2):
        pdf.add_page()
        pdf.set_font("Helvetica", size=12)
        pdf.cell(0, 8, "Northwind Labs - Internal", new_x="LMARGIN", new_y="NEXT")
        if page == 1:
            pdf.cell(0, 8, "1. Replacement fees", new_x="LMARGIN", new_y="NEXT")
            for office, fee in (("Office", "Fee"), ("Oslo", "25 EUR"), ("Bergen", "20 EUR")):
                pdf.cell(60, 8, office)
                pdf.cell(60, 8, fee, new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.multi_cell(0, 8, "Lost badges are replaced at the front desk the next business day.")
        pdf.cell(0, 8, f"Badge Policy - Page {page} of 2", new_x="LMARGIN", new_y="NEXT")
    doc = load_document(Path("badges.pdf"), bytes(pdf.output()))
    text = "\n".join(s.text for s in doc.sections)
    assert doc.title == "Badge Policy"
    assert "1. Replacement fees" in [s.heading for s in doc.sections]
    assert "| Oslo | 25 EUR |" in text and "Lost badges are replaced" in text
    assert "Internal" not in text and "Page 1" not in text


def test_a_pdf_table_cell_wrapped_over_two_lines_stays_one_row(tmp_path):
    """A printed table whose first column wraps ("Less than 3" / "years") reads back as one row per line of
    the policy, so "how much PTO with 2 years of service" can be quoted as that row."""
    fpdf = pytest.importorskip("fpdf")
    pdf = fpdf.FPDF()
    pdf.set_title("PTO Policy")
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.cell(0, 8, "PTO accrual", new_x="LMARGIN", new_y="NEXT")
    for service, days, accrual in (("Length of service", "PTO per year", "Per pay period"),
                                   ("Less than 3", "18 days", "0.75 days"), ("years", "", ""),
                                   ("3 years or more", "22 days", "0.92 days")):
        pdf.cell(60, 8, service)
        pdf.cell(50, 8, days)
        pdf.cell(50, 8, accrual, new_x="LMARGIN", new_y="NEXT")
    doc = load_document(Path("pto.pdf"), bytes(pdf.output()))
    text = "\n".join(s.text for s in doc.sections)
    assert "| Less than 3 years | 18 days | 0.75 days |" in text
    assert "| years |" not in text


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
