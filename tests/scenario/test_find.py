"""Find on the embedded default: images ingested with OCR and labels, and cross-modal lookups.

Everything runs offline with the real models: EfficientNet-lite0 (ImageNet), MiniLM and Tesseract.
"""

from __future__ import annotations

import pytest

from bot.config import Settings
from bot.kb.ask import InvalidQuestion
from bot.kb.images import decode_image
from bot.services import build_knowledge_base
from tests.conftest import ACCOUNT_LOCKED
from tests.fakes.screens import (
    as_upload,
    certificate_error,
    crossword,
    error_dialog,
    traffic_light,
)

CERT_RUNBOOK = "it/certificate-errors-runbook.md"


@pytest.fixture(scope="module")
def find(find_kb):
    return find_kb.kb.find


def test_ingest_indexes_image_files_with_the_words_read_in_them(find_kb):
    report = find_kb.report
    assert {"images/payment-flow.png", "images/traffic-light.png", "images/crossword.png",
            "images/account-locked.png"} <= set(report.added)
    assert not report.skipped
    [diagram] = find_kb.kb.images.store.search([0.0] * 384, "Authorise card capture payment", limit=1,
                                               mode="sparse", modality="image")
    assert diagram.doc_id == "images/payment-flow.png" and "Capture" in diagram.text
    assert ("images/traffic-light.png", "image: no text read in it (found by its look and caption only)") \
        in report.notes


def test_a_screenshot_of_an_error_finds_the_runbook_that_fixes_it(find):
    result = find.find_image(as_upload(certificate_error(), "screenshot.png"))

    assert "NW-CA-2024" in result.description.text
    assert result.documents[0].doc_id == CERT_RUNBOOK
    assert len({p.doc_id for p in result.documents}) == len(result.documents), "one entry per document"
    assert result.duplicate is None


def test_a_question_sent_with_a_screenshot_gets_a_grounded_answer_citing_the_runbook(find):
    result = find.find_image(as_upload(certificate_error(), "screenshot.png"), text="why does this fail?")
    answer = find.answer("why does this fail?", result)
    answer.finish()

    assert answer.found and CERT_RUNBOOK in [p.doc_id for _, p in answer.citations]
    with pytest.raises(InvalidQuestion):
        find.answer("   ", result)


def test_text_finds_images_by_the_words_in_them_and_by_what_they_show(find):
    assert find.find_text("the payment flow diagram").images[0].passage.doc_id == "images/payment-flow.png"
    assert find.find_text("traffic light").images[0].passage.doc_id == "images/traffic-light.png"


def test_text_about_something_no_image_shows_finds_no_image(find):
    assert find.find_text("quarterly revenue spreadsheet for the board").images == []


def test_the_same_image_uploaded_again_is_reported_as_a_duplicate(find, find_kb):
    data = (find_kb.root / "images" / "traffic-light.png").read_bytes()
    exact = find.find_image(decode_image(data, "light.png", 10**8))
    assert exact.duplicate.passage.doc_id == "images/traffic-light.png" and exact.duplicate.similarity == 1.0
    assert all(m.passage.doc_id != "images/traffic-light.png" for m in exact.images), "not listed twice"

    smaller = traffic_light().resize((224, 224)).convert("RGB")
    copy = find.find_image(as_upload(smaller, "light.jpg", "JPEG", quality=70))
    assert copy.duplicate is not None and copy.duplicate.passage.doc_id == "images/traffic-light.png"

    other = find.find_image(as_upload(certificate_error(), "screenshot.png"))
    assert other.duplicate is None


def test_a_look_alike_screenshot_with_other_words_is_not_a_duplicate_but_a_copy_is(find):
    other_error = find.find_image(as_upload(certificate_error(), "cert.png"))
    assert other_error.duplicate is None, "same dialog template, different error"
    assert "images/account-locked.png" in [m.passage.doc_id for m in other_error.images], "it still looks alike"

    copy = error_dialog("Northwind Sign-in", "Sign-in failed", ACCOUNT_LOCKED, scale=0.8).convert("RGB")
    result = find.find_image(as_upload(copy, "locked.jpg", "JPEG", quality=75))
    assert result.duplicate is not None and result.duplicate.passage.doc_id == "images/account-locked.png"


def test_a_similar_image_is_found_by_its_look(find):
    variant = crossword(size=400, cells=15)  # another grid, not the same picture
    result = find.find_image(as_upload(variant, "grid.png"))
    assert result.duplicate is None or result.duplicate.passage.doc_id == "images/crossword.png"
    shown = ([result.duplicate.passage.doc_id] if result.duplicate else []) + [m.passage.doc_id for m in result.images]
    assert shown[0] == "images/crossword.png"


def test_reingest_skips_unchanged_images_and_prunes_deleted_ones(tmp_path):
    root = tmp_path / "kb"
    (root / "images").mkdir(parents=True)
    traffic_light().save(root / "images" / "light.png")
    crossword().save(root / "images" / "grid.png")
    (root / "images" / "logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (root / "images" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    (root / "note.md").write_text("# Note\n\nThe lobby has a traffic light for the car park barrier.\n")
    kb = build_knowledge_base(Settings(_env_file=None, CURATOR_DATA_DIR=tmp_path / "data"))
    try:
        first = kb.ingestor().run([root])
        reasons = dict(first.skipped)
        assert "SVG" in reasons["images/logo.svg"] and "PNG, JPEG, WebP and GIF" in reasons["images/logo.svg"]
        assert "truncated or corrupt" in reasons["images/broken.png"]
        assert sorted(first.added) == ["images/grid.png", "images/light.png", "note.md"]

        again = kb.ingestor().run([root])
        assert again.embedding_calls == 0 and len(again.unchanged) == 3

        find = kb.find
        assert find.find_text("traffic light").images[0].passage.doc_id == "images/light.png"
        (root / "images" / "light.png").unlink()
        pruned = kb.ingestor().run([root])
        assert pruned.removed
        assert all(m.passage.doc_id != "images/light.png" for m in find.find_text("traffic light").images)
        image = decode_image((root / "images" / "grid.png").read_bytes(), "grid.png", 10**8)
        visual = kb.images.encoder.embed(image, kb.images.encoder.describe(image)).visual
        assert [m.doc_id for m in kb.images.visual.nearest(visual, 10)] == ["images/grid.png"], \
            "the deleted image's visual vector is gone too"
    finally:
        kb.close()
