"""Find with Google credentials: gemini-embedding-2 image parts and Gemini captions, through the real
google-genai client against the local fake of the Gemini API."""

from __future__ import annotations

import base64
import json

import pytest

from bot.kb.images import decode_image
from bot.services import build_knowledge_base
from tests.fakes.diagrams import flow_diagram
from tests.fakes.gemini_clients import google_settings, write_service_account_file
from tests.fakes.screens import encoded, error_dialog

DIAGRAM = encoded(flow_diagram("Payment flow", ["Checkout page", "Authorise card", "Capture payment"]))
SCREENSHOT = encoded(error_dialog("VPN", "Connection failed", "Error 809: the network connection was blocked."))
CAPTIONS = {
    DIAGRAM: {"caption": "A payment flow diagram.", "text": "Payment flow Checkout page Authorise card Capture"},
    SCREENSHOT: {"caption": "A VPN client error dialog.", "text": "Error 809: the network connection was blocked."},
}


def caption_for(body: dict) -> str:
    """The fake model's JSON answer for the image inside a describe request."""
    for content in body["contents"]:
        for part in content["parts"]:
            inline = part.get("inlineData") or part.get("inline_data")
            if inline:
                data = base64.urlsafe_b64decode(inline["data"] + "=" * (-len(inline["data"]) % 4))
                return json.dumps(CAPTIONS[data])
    return "no image"


@pytest.fixture
def google_kb(fake, tmp_path):
    root = tmp_path / "kb"
    (root / "images").mkdir(parents=True)
    (root / "vpn.md").write_text("# VPN error 809\n\nError 809 means the network connection was blocked: "
                                 "switch to the NW-SSL profile.\n")
    (root / "expenses.md").write_text("# Expenses\n\nTaxi receipts go into the expense tool within 30 days.\n")
    (root / "images" / "payment-flow.png").write_bytes(DIAGRAM)
    fake.set_answer(caption_for)
    for data, described in CAPTIONS.items():
        fake.describe_image(data, described["caption"])
    settings = google_settings(fake, tmp_path)
    kb = build_knowledge_base(settings)
    report = kb.ingestor().run([root])
    yield kb, kb.find, report
    kb.close()


def test_ingest_sends_the_image_to_the_caption_model_and_the_embedding_model(fake, google_kb):
    kb, _, report = google_kb
    assert "images/payment-flow.png" in report.added
    assert (("image/png", DIAGRAM) in fake.images), "the embedding request carried the diagram's bytes"
    described = [c for c in fake.calls("generateContent") if "caption" in json.dumps(c.body).lower()]
    assert described and described[0].model == "gemini-3.6-flash"
    [entry] = kb.store.search([0.0] * 768, "Authorise card", limit=1, mode="sparse", modality="image")
    assert entry.doc_id == "images/payment-flow.png" and "Capture" in entry.text


def test_an_uploaded_screenshot_is_embedded_as_an_image_query_and_finds_the_document(fake, google_kb):
    _, find, _ = google_kb
    result = find.find_image(decode_image(SCREENSHOT, "shot.png", 10**8), text="why does this fail?")

    assert result.documents[0].doc_id == "vpn.md"
    query = fake.calls("batchEmbedContents")[-1].body["requests"]
    assert not any("taskType" in r for r in query), "gemini-embedding-2 takes the task in the text"
    parts = [p for r in query for p in r["content"]["parts"]]
    assert {"text": "task: search result | query: why does this fail?"} in parts, "the question joins the image"
    assert sum(1 for p in parts if p.get("inline_data") or p.get("inlineData")) == 2, "image alone + image & text"


def test_text_finds_the_diagram_and_a_reupload_is_a_duplicate(google_kb):
    _, find, _ = google_kb
    assert find.find_text("the payment flow diagram").images[0].passage.doc_id == "images/payment-flow.png"
    again = find.find_image(decode_image(DIAGRAM, "copy.png", 10**8))
    assert again.duplicate is not None and again.duplicate.passage.doc_id == "images/payment-flow.png"


def test_vertex_users_get_multimodalembedding_for_looks_and_the_gemini_text_space_for_meaning(
        fake, tmp_path, monkeypatch):
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(write_service_account_file(fake, tmp_path / "sa.json")))
    monkeypatch.setenv("NO_GCE_CHECK", "true")
    settings = google_settings(fake, tmp_path, GEMINI_API_KEY=None, GOOGLE_GENAI_USE_VERTEXAI=True,
                               GOOGLE_CLOUD_PROJECT="acme-kb", IMAGE_EMBEDDER="vertex",
                               VERTEX_API_ENDPOINT=fake.base_url.rstrip("/"))
    fake.set_answer(caption_for)
    root = tmp_path / "kb"
    root.mkdir()
    (root / "vpn.md").write_text("# VPN error 809\n\nError 809 means the network connection was blocked.\n")
    (root / "payment-flow.png").write_bytes(DIAGRAM)
    kb = build_knowledge_base(settings)
    try:
        assert kb.ingestor().run([root]).added == ["payment-flow.png", "vpn.md"]
        [predict] = [c for c in fake.calls("predict") if c.model == "multimodalembedding@001"]
        assert base64.b64decode(predict.body["instances"][0]["image"]["bytesBase64Encoded"]) == DIAGRAM
        assert predict.body["parameters"]["dimension"] == 512
        assert kb.images.visual.name == "kb-visual__multimodalembedding-001__512"

        result = kb.find.find_image(decode_image(DIAGRAM, "again.png", 10**8))
        assert result.duplicate is not None and result.duplicate.passage.doc_id == "payment-flow.png"
    finally:
        kb.close()
