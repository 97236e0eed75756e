"""`curator doctor`'s Google model checks: each configured model looked up live (models.get, with the
account's usable models named when it is gone), then one tiny request per feature the bot uses, so a model
or API version that lacks a field shows here rather than in Slack:
- answers: a system instruction; captions: JSON-schema output; drawing: image output (responseModalities +
  imageConfig) through countTokens of the full request, which Google parses like generateContent but which
  draws and bills nothing; embeddings: one query; image search: one tiny image.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from bot.config import Settings
from bot.doctor_base import FAIL, OK, SKIPPED, Check, attempt, without_client

if TYPE_CHECKING:
    from google import genai

    from bot.providers.models import ModelCatalog


def check_embedding_model(settings: Settings, client: genai.Client | None, catalog: ModelCatalog | None) -> Check:
    """Look EMBEDDING_MODEL up and embed one short query at EMBEDDING_DIM."""
    name = "Embedding model"
    if client is None:
        return without_client(name, settings, "offline MiniLM embeddings")

    def embed() -> str:
        from bot.providers.gemini_embedder import GeminiEmbedder, preparation

        embedder = GeminiEmbedder(client, settings.embedding_model, settings.embedding_dim, catalog)
        vector = embedder.embed_query("curator doctor")
        how = "task prefixes in the text" if preparation(settings.embedding_model) == "task-prefix" else "task types"
        return f"embedded a test query ({len(vector)}-d, {how})"

    return attempt(name, embed, _endpoint(settings), settings.embedding_model)


def check_answer_model(settings: Settings, client: genai.Client | None, catalog: ModelCatalog | None) -> Check:
    """Look ANSWER_MODEL up and ask it for a few tokens under a system instruction, as answers do."""
    name = "Answer model"
    if client is None:
        return without_client(name, settings, "offline extractive answers")

    def answer() -> str:
        from google.genai import types

        from bot.providers.google_client import google_errors

        _require(catalog, settings.answer_model, "text", "ANSWER_MODEL")
        started = time.monotonic()
        config = types.GenerateContentConfig(system_instruction="Reply with the single word OK.", max_output_tokens=16)
        with google_errors("Answering", settings.answer_model):
            client.models.generate_content(model=settings.answer_model, contents="Status check.", config=config)
        return f"answered under a system instruction in {time.monotonic() - started:.1f} s"

    return attempt(name, answer, _endpoint(settings), settings.answer_model)


def check_caption_model(settings: Settings, client: genai.Client | None, catalog: ModelCatalog | None) -> Check:
    """Ask ANSWER_MODEL for JSON that follows a schema, as image captions do (Find with Google encoders)."""
    from bot.find.encoders.factory import image_encoder_kind

    name = "Image captions"
    if image_encoder_kind(settings) == "offline":
        return Check(name, SKIPPED, "offline image search: Tesseract OCR and ImageNet labels")
    if client is None:
        return without_client(name, settings, "offline image search")

    def caption() -> str:
        from google.genai import types

        from bot.providers.google_client import google_errors

        _require(catalog, settings.answer_model, "text", "ANSWER_MODEL")
        schema = types.Schema(type=types.Type.OBJECT, properties={"ok": types.Schema(type=types.Type.BOOLEAN)},
                              required=["ok"])
        config = types.GenerateContentConfig(response_mime_type="application/json", response_schema=schema,
                                             max_output_tokens=16)
        with google_errors("Describing the image", settings.answer_model):
            response = client.models.generate_content(model=settings.answer_model, contents="Answer ok=true.",
                                                      config=config)
        _require_json_object(response.text, "ok")
        return "answered in JSON following a schema"

    return attempt(name, caption, _endpoint(settings), settings.answer_model)


def check_image_model(settings: Settings, client: genai.Client | None, catalog: ModelCatalog | None) -> Check:
    """Look IMAGE_MODEL up and have Google parse a full drawing request (countTokens: nothing drawn or billed)."""
    from bot.draw.generators.model_errors import (
        IMAGEN_SHUTDOWN,
        drawing_errors,
        is_imagen_model,
    )

    name, model = "Image model", settings.image_model
    if client is None:
        return without_client(name, settings, "drawing unavailable")
    if is_imagen_model(model):
        if not client.vertexai:
            from bot.draw.generators.imagen import needs_vertex_message

            return Check(name, FAIL, needs_vertex_message(model), _endpoint(settings), model)

        def look_up_imagen() -> str:
            with drawing_errors(model, catalog):
                client.models.get(model=model)
            return f"available (note: {IMAGEN_SHUTDOWN}; Gemini image models replace it)"

        return attempt(name, look_up_imagen, _endpoint(settings), model)

    def probe() -> str:
        from bot.draw.generators.image_models import (
            accepts_image_size,
            image_request_config,
        )
        from bot.providers.google_client import count_request_tokens

        _require(catalog, model, "image", "IMAGE_MODEL")
        with drawing_errors(model, catalog):
            count_request_tokens(client, model, "doctor probe", image_request_config())
            size = ""
            if settings.image_size:
                taken = accepts_image_size(client, model, settings.image_size)
                size = f"; IMAGE_SIZE={settings.image_size} {'accepted' if taken else 'not accepted: drawn at the default size'}"
        return f"available; image output accepted (countTokens: nothing drawn){size}"

    return attempt(name, probe, _endpoint(settings), model)


def check_image_search(settings: Settings, client: genai.Client | None, catalog: ModelCatalog | None) -> Check:
    """Find's image encoder: offline, that Tesseract OCR is installed; with Google, embed a tiny image."""
    from bot.find.encoders.factory import image_encoder_kind

    name, kind = "Image search", image_encoder_kind(settings)
    if kind == "offline":
        from bot.find.encoders.ocr import ocr_available

        if not ocr_available():
            return Check(name, FAIL, "offline, but Tesseract OCR is missing: words in screenshots can't be read. "
                                     "Install it with scripts/system-packages.sh (Debian package tesseract-ocr)")
        return Check(name, OK, "offline: EfficientNet-lite0 labels and features, Tesseract OCR")
    if client is None:
        return without_client(name, settings, "offline image search")

    def embed() -> str:
        import io

        from PIL import Image

        from bot.find.base import ImageDescription
        from bot.find.encoders.factory import build_image_encoder
        from bot.kb.images import decode_image
        from bot.providers.gemini_embedder import GeminiEmbedder

        out = io.BytesIO()
        Image.new("RGB", (8, 8), (200, 40, 40)).save(out, format="PNG")
        text_embedder = GeminiEmbedder(client, settings.embedding_model, settings.embedding_dim, catalog)
        encoder, _ = build_image_encoder(settings, text_embedder, client, catalog)
        vectors = encoder.embed(decode_image(out.getvalue(), "doctor.png", 64), ImageDescription("a red square"))
        return f"embedded a test image with the {kind} encoder ({len(vectors.semantic)}-d text space, {len(vectors.visual)}-d look)"

    model = settings.multimodal_embedding_model if kind == "vertex" else settings.embedding_model
    return attempt(name, embed, _endpoint(settings), model)


def _require_json_object(text: str | None, field: str) -> None:
    """Raise ProviderError unless `text` is a JSON object holding `field`, as the schema asked."""
    import json

    from bot.errors import ProviderError

    try:
        value = json.loads(text or "")
    except ValueError:
        value = None
    if not isinstance(value, dict) or field not in value:
        shown = " ".join((text or "").split())[:60] or "nothing"
        raise ProviderError(f"answered, but not in the JSON its schema asked for (got: {shown}), so image captions "
                            "would be empty; check ANSWER_MODEL and GOOGLE_API_VERSION (leave it empty)")


def _endpoint(settings: Settings) -> str:
    from bot.providers.google_client import google_endpoint

    return google_endpoint(settings)


def _require(catalog: ModelCatalog | None, model: str, capability: str, setting: str) -> None:
    if catalog is not None:
        catalog.require(model, capability, setting)  # type: ignore[arg-type]


