"""Image generators through the real google-genai client, against the local fake Gemini API."""

from __future__ import annotations

import base64

import pytest

from bot.config import Settings
from bot.draw.base import ImageBlocked
from bot.draw.factory import build_image_generator
from bot.draw.generators.gemini_images import SEED_NOTE, GeminiImageGenerator
from bot.draw.generators.imagen import ImagenGenerator
from bot.errors import ModelNotFound, ProviderError
from bot.types import DrawRequest, GeneratedImage
from tests.fakes.gemini_clients import google_settings, write_service_account_file
from tests.fakes.images import tiny_png

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def imagen_account(fake):
    """An account that still reaches the Imagen models Google shut down for everyone else."""
    fake.known_models |= {"imagen-4.0-generate-001", "imagegeneration@006", "imagen-3.0-capability-001"}
    return fake


@pytest.fixture
def vertex_settings(fake, tmp_path, monkeypatch):
    """Vertex AI settings: a service account whose token endpoint is the fake's."""
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(write_service_account_file(fake, tmp_path / "sa.json")))
    monkeypatch.setenv("NO_GCE_CHECK", "true")

    def build(**overrides) -> Settings:
        values = {"GEMINI_API_KEY": None, "GOOGLE_GENAI_USE_VERTEXAI": True, "GOOGLE_CLOUD_PROJECT": "acme-kb"}
        return google_settings(fake, tmp_path, **(values | overrides))

    return build


def decode(data: str) -> bytes:
    """genai sends standard or URL-safe base64; accept both."""
    data = data.replace("+", "-").replace("/", "_")
    return base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))


# ----------------------------------------------------------------------------- Gemini image models


def test_gemini_draws_with_the_aspect_ratio_and_seed_in_the_generation_config(fake, tmp_path):
    fake.set_answer("Here is your lighthouse.")
    generator = build_image_generator(google_settings(fake, tmp_path))
    assert isinstance(generator, GeminiImageGenerator) and generator.model == "gemini-3.1-flash-image"

    result = generator.generate(DrawRequest("a lighthouse at dusk", aspect_ratio="16:9", seed=7))

    [image] = result.images
    assert image.data.startswith(PNG_SIGNATURE) and image.mime_type == "image/png"
    assert result.model == "gemini-3.1-flash-image" and result.ignored == []
    assert result.notes == [SEED_NOTE], "a seed is reported as best effort"
    assert result.tokens == 4, "candidatesTokenCount from usageMetadata"
    [call] = fake.calls("generateContent")
    assert call.path == "/v1beta/models/gemini-3.1-flash-image:generateContent"
    assert call.body["contents"] == [{"parts": [{"text": "a lighthouse at dusk"}], "role": "user"}]
    assert call.body["generationConfig"] == {
        "seed": 7, "responseModalities": ["TEXT", "IMAGE"], "imageConfig": {"aspectRatio": "16:9"}
    }


def test_no_becomes_an_instruction_after_the_prompt(fake, tmp_path):
    generator = build_image_generator(google_settings(fake, tmp_path))
    generator.generate(DrawRequest("a harbour", negative="boats, people"))
    body = fake.calls("generateContent")[0].body
    assert body["contents"][0]["parts"] == [{"text": "a harbour\n\nDo not include: boats, people."}]
    assert "seed" not in body["generationConfig"] and "negativePrompt" not in str(body)


def test_n_images_are_n_calls_with_consecutive_seeds(fake, tmp_path):
    generator = build_image_generator(google_settings(fake, tmp_path))
    result = generator.generate(DrawRequest("a fox", count=3, seed=2147483646))
    assert len(result.images) == 3
    calls = fake.calls("generateContent")
    assert len(calls) == 3
    assert sorted(c.body["generationConfig"]["seed"] for c in calls) == [0, 2147483646, 2147483647]


def test_edit_sends_the_image_inline_then_the_instruction(fake, tmp_path):
    original = tiny_png(rgb=(10, 20, 30))
    generator = build_image_generator(google_settings(fake, tmp_path))

    result = generator.edit(GeneratedImage(original), "make the sky purple", DrawRequest("a fox", aspect_ratio="4:3"))

    assert result.images[0].data.startswith(PNG_SIGNATURE) and result.images[0].data != original
    body = fake.calls("generateContent")[0].body
    image_part, text_part = body["contents"][0]["parts"]
    inline = image_part.get("inlineData") or image_part["inline_data"]
    assert decode(inline["data"]) == original
    assert (inline.get("mimeType") or inline["mime_type"]) == "image/png"
    assert text_part == {"text": "make the sky purple"}
    assert body["generationConfig"]["imageConfig"] == {"aspectRatio": "4:3"}


def test_a_blocked_prompt_or_candidate_is_image_blocked_naming_the_reason(fake, tmp_path):
    generator = build_image_generator(google_settings(fake, tmp_path))
    fake.block_next("SAFETY")
    with pytest.raises(ImageBlocked, match=r"didn't return an image: the prompt was blocked \(SAFETY\)"):
        generator.generate(DrawRequest("something dangerous"))
    fake.block_candidate_next("IMAGE_SAFETY")
    with pytest.raises(ImageBlocked, match="didn't return an image: it stopped with IMAGE_SAFETY"):
        generator.generate(DrawRequest("something dangerous"))


def test_a_text_only_answer_is_image_blocked_quoting_the_model(fake, tmp_path):
    fake.set_answer("I can't draw real people.")
    fake.omit_image_next()
    generator = build_image_generator(google_settings(fake, tmp_path))
    with pytest.raises(ImageBlocked, match="didn't return an image: it said “I can't draw real people.”"):
        generator.generate(DrawRequest("a celebrity"))


def test_one_blocked_call_of_several_keeps_the_other_images(fake, tmp_path):
    fake.block_candidate_next("IMAGE_SAFETY")
    generator = build_image_generator(google_settings(fake, tmp_path))
    assert len(generator.generate(DrawRequest("a fox", count=2)).images) == 1


def test_429_is_retried_until_an_image_comes_back(fake, tmp_path):
    fake.fail_next(429, op="generateContent", retry_delay="1s")
    generator = build_image_generator(google_settings(fake, tmp_path, GOOGLE_RETRY_ATTEMPTS=3))
    assert len(generator.generate(DrawRequest("a fox")).images) == 1
    assert len(fake.calls("generateContent")) == 2


@pytest.mark.parametrize("retired", ["gemini-2.5-flash-image", "gemini-3-pro-image-preview"])
def test_a_retired_gemini_image_model_names_the_image_models_this_account_can_use(fake, tmp_path, retired):
    settings = google_settings(fake, tmp_path, IMAGE_MODEL=retired)
    with pytest.raises(ModelNotFound) as caught:
        build_image_generator(settings).generate(DrawRequest("a fox"))
    assert str(caught.value) == (
        f"IMAGE_MODEL '{retired}' is retired or not available to this account. Models this account can use "
        "for drawing: gemini-3.1-flash-image, gemini-3.1-flash-lite-image, gemini-3-pro-image. "
        "Set IMAGE_MODEL to one of them."
    )
    assert not fake.calls("generateContent"), "models.get caught it before anything was drawn"


def test_the_suggestions_come_from_models_list_not_a_table(fake, tmp_path):
    fake.known_models = {"gemini-3.6-flash", "gemini-embedding-2", "acme-tuned-image-v2"}
    settings = google_settings(fake, tmp_path, IMAGE_MODEL="gemini-2.5-flash-image")
    with pytest.raises(ModelNotFound, match=r"for drawing: acme-tuned-image-v2\. Set IMAGE_MODEL"):
        build_image_generator(settings).generate(DrawRequest("a fox"))


def test_extreme_aspect_ratios_go_only_to_the_model_that_lists_them(fake, tmp_path):
    build_image_generator(google_settings(fake, tmp_path)).generate(DrawRequest("a banner", aspect_ratio="8:1"))
    assert fake.calls("generateContent")[0].body["generationConfig"]["imageConfig"] == {"aspectRatio": "8:1"}

    pro = build_image_generator(google_settings(fake, tmp_path, IMAGE_MODEL="gemini-3-pro-image"))
    with pytest.raises(ProviderError, match=r"gemini-3-pro-image doesn't draw `--ar 8:1`; choose one of 1:1, 16:9"):
        pro.generate(DrawRequest("a banner", aspect_ratio="8:1"))
    assert len(fake.calls("generateContent")) == 1


def test_image_size_is_sent_only_where_the_api_version_takes_it(fake, tmp_path, vertex_settings):
    api_key = build_image_generator(google_settings(fake, tmp_path, IMAGE_SIZE="2K"))
    result = api_key.generate(DrawRequest("a fox"))
    assert result.ignored == ["IMAGE_SIZE=2K"], "v1beta's ImageConfig has only aspectRatio"
    assert fake.calls("generateContent")[0].body["generationConfig"]["imageConfig"] == {"aspectRatio": "1:1"}
    assert fake.calls("countTokens")[0].body["generateContentRequest"]["generationConfig"]["imageConfig"] == {
        "aspectRatio": "1:1", "imageSize": "2K"}, "the probe asked Google, drawing nothing"

    fake.reset()
    vertex_v1 = build_image_generator(vertex_settings(IMAGE_SIZE="2K", GOOGLE_API_VERSION="v1"))
    assert vertex_v1.generate(DrawRequest("a fox")).ignored == []
    config = fake.calls("generateContent")[0].body["generationConfig"]
    assert config["imageConfig"] == {"aspectRatio": "1:1", "imageSize": "2K"}, "Vertex v1's ImageConfig has it"

    fake.reset()
    lite = build_image_generator(google_settings(fake, tmp_path, IMAGE_SIZE="4K",
                                                 IMAGE_MODEL="gemini-3.1-flash-lite-image"))
    assert lite.generate(DrawRequest("a fox")).ignored == ["IMAGE_SIZE=4K"]
    assert not fake.calls("countTokens"), "a size the model doesn't list is never probed"


def test_references_go_before_the_prompt_up_to_the_models_limit(fake, tmp_path):
    pictures = [GeneratedImage(tiny_png(rgb=(i, i, i))) for i in range(5)]
    lite = build_image_generator(google_settings(fake, tmp_path, IMAGE_MODEL="gemini-3.1-flash-lite-image"))

    result = lite.generate(DrawRequest("a poster in this style"), pictures)

    parts = fake.calls("generateContent")[0].body["contents"][0]["parts"]
    sent = [decode((p.get("inlineData") or p["inline_data"])["data"]) for p in parts[:-1]]
    assert sent == [p.data for p in pictures[-3:]] and parts[-1] == {"text": "a poster in this style"}
    assert result.notes == ["used the 3 most recent of 5 images (gemini-3.1-flash-lite-image takes 3 per request)"]


# ----------------------------------------------------------------------------- Imagen (Vertex only)


def test_imagen_on_vertex_sends_its_native_parameters(imagen_account, vertex_settings):
    fake = imagen_account
    generator = build_image_generator(vertex_settings(IMAGE_MODEL="imagen-4.0-generate-001"))
    assert isinstance(generator, ImagenGenerator)

    result = generator.generate(DrawRequest("a fox", aspect_ratio="16:9", negative="dogs", seed=5, count=2))

    assert len(result.images) == 2 and all(i.data.startswith(PNG_SIGNATURE) for i in result.images)
    assert result.images[0].data != result.images[1].data and result.images[0].mime_type == "image/png"
    [call] = fake.calls("predict")
    assert call.path == "/v1beta1/projects/acme-kb/locations/us-central1/publishers/google/models/imagen-4.0-generate-001:predict"
    assert call.headers["authorization"] == "Bearer fake-token"
    assert call.body == {
        "instances": [{"prompt": "a fox"}],
        "parameters": {"negativePrompt": "dogs", "sampleCount": 2, "aspectRatio": "16:9", "seed": 5,
                       "includeRaiReason": True, "outputOptions": {"mimeType": "image/png"}, "addWatermark": False},
    }


def test_imagen_keeps_the_watermark_without_a_seed(imagen_account, vertex_settings):
    fake = imagen_account
    build_image_generator(vertex_settings(IMAGE_MODEL="imagegeneration@006")).generate(DrawRequest("a fox"))
    parameters = fake.calls("predict")[0].body["parameters"]
    assert "addWatermark" not in parameters and "seed" not in parameters and "negativePrompt" not in parameters


def test_imagen_filtering_every_image_is_image_blocked_with_the_reason(imagen_account, vertex_settings):
    fake = imagen_account
    fake.set_imagen_mode("filtered", reason="The prompt may violate the usage guidelines (code 58061214).")
    generator = build_image_generator(vertex_settings(IMAGE_MODEL="imagen-4.0-generate-001"))
    with pytest.raises(ImageBlocked, match=r"didn't return an image: The prompt may violate .* \(code 58061214\)"):
        generator.generate(DrawRequest("a fox", count=2))


def test_imagen_partial_filtering_keeps_the_good_images(imagen_account, vertex_settings):
    fake = imagen_account
    fake.set_imagen_mode("partial")
    generator = build_image_generator(vertex_settings(IMAGE_MODEL="imagen-4.0-generate-001"))
    result = generator.generate(DrawRequest("a fox", count=3))
    assert len(result.images) == 1 and result.images[0].data.startswith(PNG_SIGNATURE)


def test_imagen_answering_nothing_is_image_blocked(imagen_account, vertex_settings):
    fake = imagen_account
    fake.set_imagen_mode("empty")
    generator = build_image_generator(vertex_settings(IMAGE_MODEL="imagen-4.0-generate-001"))
    with pytest.raises(ImageBlocked, match="imagen-4.0-generate-001 returned no image"):
        generator.generate(DrawRequest("a fox"))


def test_imagen_edit_sends_a_raw_reference_image(imagen_account, vertex_settings):
    fake = imagen_account
    original = tiny_png(rgb=(1, 2, 3))
    generator = build_image_generator(vertex_settings(IMAGE_MODEL="imagen-3.0-capability-001"))

    result = generator.edit(GeneratedImage(original), "add a hat", DrawRequest("a fox", aspect_ratio="3:4"))

    assert len(result.images) == 1
    body = fake.calls("predict")[0].body
    [instance] = body["instances"]
    [reference] = instance["referenceImages"]
    assert instance["prompt"] == "add a hat"
    assert reference["referenceType"] == "REFERENCE_TYPE_RAW" and reference["referenceId"] == 1
    assert decode(reference["referenceImage"]["bytesBase64Encoded"]) == original
    assert body["parameters"]["aspectRatio"] == "3:4" and body["parameters"]["sampleCount"] == 1


def test_a_shut_down_imagen_model_names_the_image_models_this_account_can_use(fake, vertex_settings):
    generator = build_image_generator(vertex_settings(IMAGE_MODEL="imagen-4.0-generate-001"))
    with pytest.raises(ModelNotFound) as caught:
        generator.generate(DrawRequest("a fox"))
    assert str(caught.value) == (
        "IMAGE_MODEL 'imagen-4.0-generate-001' is retired (Google shut down Imagen on 2026-08-17) or not available "
        "to this account. Models this account can use for drawing: gemini-3.1-flash-image, "
        "gemini-3.1-flash-lite-image, gemini-3-pro-image. Set IMAGE_MODEL to one of them."
    )
    assert fake.calls("list")[0].path == "/v1beta1/publishers/google/models"


def test_imagen_with_an_api_key_fails_before_any_request(fake, tmp_path):
    generator = build_image_generator(google_settings(fake, tmp_path, IMAGE_MODEL="imagen-4.0-generate-001"))
    for attempt in (lambda: generator.generate(DrawRequest("a fox")),
                    lambda: generator.edit(GeneratedImage(tiny_png()), "add a hat", DrawRequest("a fox"))):
        with pytest.raises(ProviderError, match="GOOGLE_GENAI_USE_VERTEXAI=true") as caught:
            attempt()
        assert "`curator doctor` lists the ones this account can use" in str(caught.value)
    assert fake.requests == []


# ----------------------------------------------------------------------------- factory


def test_no_google_credentials_means_no_image_generator(settings):
    assert build_image_generator(settings) is None


def test_a_shared_client_is_used_as_given(fake, tmp_path):
    from bot.providers.google_client import build_genai_client

    settings = google_settings(fake, tmp_path)
    client = build_genai_client(settings)
    generator = build_image_generator(settings, client)
    assert generator._client is client
