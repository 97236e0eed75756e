"""Find's Google image encoders with the REAL google-genai and google-cloud-aiplatform clients, against FakeGemini."""

from __future__ import annotations

import base64
import io
import json
import logging
import math
import time

import pytest
from PIL import Image

from bot.errors import ModelNotFound, ProviderError, ProviderUnavailable
from bot.find.base import ImageDescription
from bot.find.encoders.gemini_encoder import GeminiImageEncoder
from bot.find.encoders.vertex_encoder import VertexMultimodalEncoder
from bot.kb.images import DownloadedImage
from bot.providers.gemini_embedder import GeminiEmbedder, unit_length
from bot.providers.google_client import build_genai_client
from tests.fakes.gemini_clients import api_key_client, google_settings, vertex_client
from tests.fakes.images import tiny_png

PNG = tiny_png(rgb=(10, 200, 30))
IMAGE = DownloadedImage(PNG, "image/png", 8, 8, "screenshot.png")
SEEN = ImageDescription("A dialog with an error.", "VPN error 809")
TOKEN = "ya29.test-secret-token-do-not-log"


def gemini(fake, tmp_path, **env) -> GeminiImageEncoder:
    """The Gemini encoder on the production client (bounded retries, timeouts), as the factory builds it."""
    settings = google_settings(fake, tmp_path, **env)
    return GeminiImageEncoder(build_genai_client(settings), settings.embedding_model, settings.embedding_dim,
                              settings.answer_model)


def vertex(fake, tmp_path, token: str = TOKEN, **env) -> VertexMultimodalEncoder:
    """The Vertex encoder on a REST endpoint at the fake, with the Gemini text space beside it."""
    from google.oauth2.credentials import Credentials

    fake.access_token = TOKEN
    settings = google_settings(fake, tmp_path, **{
        "GEMINI_API_KEY": None, "GOOGLE_GENAI_USE_VERTEXAI": True, "GOOGLE_CLOUD_PROJECT": "acme-kb",
        "GOOGLE_CLOUD_LOCATION": "europe-west4", "VERTEX_API_ENDPOINT": fake.base_url.rstrip("/"), **env})
    text = GeminiEmbedder(api_key_client(fake), "gemini-embedding-2", 768)
    describer = GeminiImageEncoder(api_key_client(fake), "gemini-embedding-2", 768, "gemini-3.6-flash")
    return VertexMultimodalEncoder(settings, text, describer, credentials=Credentials(token=token))


def is_unit(vector) -> bool:
    return math.isclose(math.fsum(x * x for x in vector), 1.0, rel_tol=1e-6)


# ---------------------------------------------------------------- Gemini (gemini-embedding-2 image parts)


def test_a_mixed_post_is_one_content_of_image_and_prefixed_text_beside_the_image_alone(fake, tmp_path):
    vectors = gemini(fake, tmp_path).embed(IMAGE, SEEN, "document", text="why does this fail?")

    (call,) = fake.calls("batchEmbedContents")
    image_only, mixed = call.body["requests"]
    assert [len(r["content"]["parts"]) for r in call.body["requests"]] == [1, 2]
    assert mixed["content"]["parts"][1] == {"text": "title: none | text: why does this fail?"}
    assert not any("taskType" in r for r in (image_only, mixed)), "gemini-embedding-2 takes the task in the text"
    assert {r["outputDimensionality"] for r in (image_only, mixed)} == {768}
    assert fake.images == [("image/png", PNG), ("image/png", PNG)], "bytes and mime type round-trip"
    assert vectors.visual == pytest.approx(unit_length(fake.embed("", 768, [PNG])))
    expected = fake.embed("title: none | text: why does this fail?", 768, [PNG])
    assert vectors.semantic == pytest.approx(unit_length(expected))
    assert is_unit(vectors.visual) and is_unit(vectors.semantic), "Matryoshka truncations re-normalised"


def test_an_image_query_on_vertex_is_one_embed_content_call_per_vector(fake, tmp_path):
    encoder = GeminiImageEncoder(vertex_client(fake), "gemini-embedding-2", 1536, "gemini-3.6-flash")
    vectors = encoder.embed(IMAGE, SEEN, "query")

    calls = fake.calls("embedContent")
    assert len(calls) == 2 and all(c.path.endswith("/publishers/google/models/gemini-embedding-2:embedContent")
                                   for c in calls)
    assert all(c.body["embedContentConfig"] == {"outputDimensionality": 1536} for c in calls)
    assert sorted(len(c.body["content"]["parts"]) for c in calls) == [1, 2]
    assert fake.images == [("image/png", PNG), ("image/png", PNG)]
    assert vectors.visual == pytest.approx(unit_length(fake.embed("", 1536, [PNG])))
    query = fake.embed("task: search result | query: ", 1536, [PNG])
    assert vectors.semantic == pytest.approx(unit_length(query)), "the query side is marked even without words"
    assert encoder.embed_text_visual("error 809") is None, "the visual space is the text space"


def test_webp_is_sent_as_png(fake, tmp_path):
    out = io.BytesIO()
    Image.new("RGB", (6, 4), (1, 2, 3)).save(out, format="WEBP", lossless=True)
    webp = DownloadedImage(out.getvalue(), "image/webp", 6, 4, "shot.webp")

    gemini(fake, tmp_path).embed(webp, SEEN)

    (mime_type, sent), _ = fake.images
    with Image.open(io.BytesIO(sent)) as img:
        assert mime_type == "image/png" and img.format == "PNG" and img.size == (6, 4)
        assert img.convert("RGB").getpixel((0, 0)) == (1, 2, 3)


def test_a_text_only_embedding_model_embeds_the_description_instead(fake, tmp_path):
    encoder = gemini(fake, tmp_path, EMBEDDING_MODEL="gemini-embedding-001", EMBEDDING_DIM=256)
    vectors = encoder.embed(IMAGE, SEEN, "document", text="why?")

    assert not fake.images, "no image part goes to a text-only model"
    (call,) = fake.calls("batchEmbedContents")
    assert [r["content"]["parts"][0]["text"] for r in call.body["requests"]] == [
        "A dialog with an error.\nVPN error 809\nwhy?", "A dialog with an error.\nVPN error 809"]
    assert vectors.semantic == pytest.approx(unit_length(fake.embed("A dialog with an error.\nVPN error 809\nwhy?", 256)))
    assert vectors.visual == pytest.approx(unit_length(fake.embed("A dialog with an error.\nVPN error 809", 256)))


def test_describe_reads_the_json_caption_and_transcription(fake, tmp_path):
    fake.set_answer(json.dumps({"caption": " A VPN client showing an error. ", "text": "Error 809\nRetry"}))
    description = gemini(fake, tmp_path).describe(IMAGE)

    assert description == ImageDescription("A VPN client showing an error.", "Error 809\nRetry")
    (call,) = fake.calls("generateContent")
    picture = call.body["contents"][0]["parts"][0]["inlineData"]
    assert call.model == "gemini-3.6-flash" and picture["mime_type"] == "image/png"
    assert base64.urlsafe_b64decode(picture["data"]) == PNG
    config = call.body["generationConfig"]
    assert config["responseMimeType"] == "application/json"
    assert set(config["responseSchema"]["properties"]) == {"caption", "text"}
    assert "verbatim transcription" in call.texts[-1]


@pytest.mark.parametrize(("answer", "why"), [("malformed", "its answer was not the JSON asked for"),
                                             ("blocked prompt", "prompt blocked: SAFETY"),
                                             ("blocked candidate", "answer stopped: SAFETY")])
def test_describe_survives_an_unusable_answer_and_says_why(fake, tmp_path, caplog, answer, why):
    {"malformed": lambda: fake.set_answer("Sure! It's a {broken"), "blocked prompt": fake.block_next,
     "blocked candidate": fake.block_candidate_next}[answer]()
    with caplog.at_level(logging.WARNING):
        assert gemini(fake, tmp_path).describe(IMAGE) == ImageDescription("")
    assert f"No usable description of screenshot.png from gemini-3.6-flash ({why})" in caplog.text


def test_describe_reports_transport_errors(fake, tmp_path):
    fake.fail_next(403, op="generateContent")
    with pytest.raises(ProviderError, match="Describing the image failed: Google rejected the credentials"):
        gemini(fake, tmp_path).describe(IMAGE)


def test_429_is_retried_with_backoff_and_persistent_failure_is_bounded(fake, tmp_path):
    encoder = gemini(fake, tmp_path, GOOGLE_RETRY_ATTEMPTS=3)
    fake.fail_next(429, op="batchEmbedContents")
    assert len(encoder.embed(IMAGE, SEEN).visual) == 768
    assert len(fake.calls("batchEmbedContents")) == 2

    fake.reset()
    fake.fail_next(429, times=10)
    with pytest.raises(ProviderUnavailable, match="kept answering 429 after retries"):
        encoder.embed(IMAGE, SEEN)
    assert len(fake.calls("batchEmbedContents")) == 3


def test_an_unknown_embedding_model_names_itself(fake, tmp_path):
    with pytest.raises(ModelNotFound, match="'gemini-embedding-2-retired' was not found or is retired"):
        gemini(fake, tmp_path, EMBEDDING_MODEL="gemini-embedding-2-retired").embed(IMAGE, SEEN)


def test_a_slow_server_times_out_within_the_bound(fake, tmp_path):
    fake.delay_next(3, times=5)
    encoder = gemini(fake, tmp_path, GOOGLE_TIMEOUT_S=0.3, GOOGLE_RETRY_ATTEMPTS=2)
    started = time.monotonic()
    with pytest.raises(ProviderUnavailable, match="did not answer in time"):
        encoder.embed(IMAGE, SEEN)
    assert time.monotonic() - started < 2.5


# ---------------------------------------------------------------- Vertex (multimodalembedding@001, aiplatform)


def test_vertex_predict_carries_the_image_and_dimension_and_semantic_is_the_text_space(fake, tmp_path):
    vectors = vertex(fake, tmp_path).embed(IMAGE, SEEN, "document", text="why?")

    (call,) = fake.calls("predict")
    assert call.path == "/v1/projects/acme-kb/locations/europe-west4/publishers/google/models/multimodalembedding%40001:predict"
    assert call.headers["authorization"] == f"Bearer {TOKEN}"
    (instance,) = call.body["instances"]
    assert set(instance) == {"image"} and base64.b64decode(instance["image"]["bytesBase64Encoded"]) == PNG
    assert call.body["parameters"] == {"dimension": 512} and isinstance(call.body["parameters"]["dimension"], float)
    assert vectors.visual == pytest.approx(unit_length(fake.embed("", 512, [PNG]))) and is_unit(vectors.visual)
    (text_call,) = fake.calls("batchEmbedContents")
    words = "title: none | text: A dialog with an error.\nVPN error 809\nwhy?"
    assert text_call.body["requests"][0]["content"]["parts"] == [{"text": words}]
    assert "taskType" not in text_call.body["requests"][0]
    assert vectors.semantic == pytest.approx(unit_length(fake.embed(words, 768)))


def test_vertex_text_lands_in_the_image_space(fake, tmp_path):
    fake.describe_image(PNG, "red vpn error dialog")
    encoder = vertex(fake, tmp_path, MULTIMODAL_EMBEDDING_DIM=128)

    image = encoder.embed(IMAGE, SEEN, "query").visual
    words = encoder.embed_text_visual("red vpn error dialog")

    assert fake.calls("predict")[1].body == {"instances": [{"text": "red vpn error dialog"}], "parameters": {"dimension": 128}}
    assert len(words) == 128 and is_unit(words)
    assert math.fsum(a * b for a, b in zip(image, words)) == pytest.approx(1.0)
    assert encoder.visual_model_id == "multimodalembedding@001" and encoder.visual_dimension == 128


def test_vertex_describe_delegates_to_the_gemini_describer(fake, tmp_path):
    fake.set_answer(json.dumps({"caption": "A router.", "text": ""}))
    assert vertex(fake, tmp_path).describe(IMAGE) == ImageDescription("A router.")
    assert fake.calls("generateContent") and not fake.calls("predict")


def test_vertex_retries_429_and_503_then_gives_up_after_the_bound(fake, tmp_path):
    encoder = vertex(fake, tmp_path, GOOGLE_RETRY_ATTEMPTS=3)
    fake.fail_next(429, op="predict")
    fake.fail_next(503, op="predict")
    assert len(encoder.embed_text_visual("vpn")) == 512
    assert len(fake.calls("predict")) == 3

    fake.reset()
    fake.fail_next(503, times=10, op="predict")
    with pytest.raises(ProviderUnavailable, match="kept answering 503 after retries"):
        encoder.embed_text_visual("vpn")
    assert len(fake.calls("predict")) == 3


def test_vertex_does_not_retry_a_client_error(fake, tmp_path):
    fake.fail_next(400, op="predict", message="Image is too large.")
    with pytest.raises(ProviderError, match=r"Google answered 400 \(Image is too large.\)"):
        vertex(fake, tmp_path).embed_text_visual("vpn")
    assert len(fake.calls("predict")) == 1


def test_vertex_unknown_model_names_itself(fake, tmp_path):
    encoder = vertex(fake, tmp_path, MULTIMODAL_EMBEDDING_MODEL="multimodalembedding@000")
    with pytest.raises(ModelNotFound, match="'multimodalembedding@000' was not found"):
        encoder.embed(IMAGE, SEEN)
    assert len(fake.calls("predict")) == 1


def test_vertex_slow_server_times_out_within_the_bound(fake, tmp_path):
    encoder = vertex(fake, tmp_path, GOOGLE_TIMEOUT_S=0.3, GOOGLE_RETRY_ATTEMPTS=2)
    fake.delay_next(3, times=5, op="predict")
    started = time.monotonic()
    with pytest.raises(ProviderUnavailable, match="timed out"):
        encoder.embed_text_visual("vpn")
    assert time.monotonic() - started < 2.5 and len(fake.calls("predict")) == 2


def test_vertex_never_logs_or_shows_the_token(fake, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    fake.fail_next(429, op="predict")
    vertex(fake, tmp_path).embed(IMAGE, SEEN)
    with pytest.raises(ProviderError, match="rejected the credentials") as caught:
        vertex(fake, tmp_path, token=TOKEN + "-revoked").embed_text_visual("vpn")
    assert "retrying" in caplog.text, "the retry was logged"
    assert TOKEN not in caplog.text and TOKEN not in str(caught.value)


def test_vertex_without_application_default_credentials_says_how_to_set_them(fake, tmp_path, monkeypatch):
    monkeypatch.setenv("NO_GCE_CHECK", "true")
    monkeypatch.setenv("CLOUDSDK_CONFIG", str(tmp_path / "no-gcloud"))
    settings = google_settings(fake, tmp_path, GEMINI_API_KEY=None, GOOGLE_GENAI_USE_VERTEXAI=True,
                               GOOGLE_CLOUD_PROJECT="acme-kb", VERTEX_API_ENDPOINT=fake.base_url.rstrip("/"))
    text = GeminiEmbedder(api_key_client(fake), "gemini-embedding-2", 768)
    with pytest.raises(ProviderError, match="no Google credentials found. Set GOOGLE_APPLICATION_CREDENTIALS"):
        VertexMultimodalEncoder(settings, text, GeminiImageEncoder(api_key_client(fake), "gemini-embedding-2", 768,
                                                                   "gemini-3.6-flash"))


def test_vertex_and_ocr_leave_nothing_process_wide(fake, tmp_path):
    """Another Vertex client in the process (or a second Curator in tests) is never steered by this one."""
    import os

    import pytesseract
    from google.cloud.aiplatform import initializer

    from bot.find.encoders import ocr
    from tests.fakes.screens import error_dialog

    vertex(fake, tmp_path).embed_text_visual("vpn")
    assert "Sign-in failed" in ocr.read_text(error_dialog("Northwind Sign-in", "Sign-in failed", "Try again."))
    config = initializer.global_config
    assert (config._project, config._api_endpoint, config._credentials) == (None, None, None)
    assert pytesseract.pytesseract.environ is os.environ
