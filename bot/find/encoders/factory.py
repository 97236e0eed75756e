"""Pick the image encoder (and its similarity floors) from the settings; SDKs are imported in their branch."""

from __future__ import annotations

from typing import Any

from bot.config import Settings
from bot.find.base import ImageEncoder
from bot.find.service import FindTuning
from bot.types import Embedder

# Calibrated on examples/eval (see docs/benchmarks.md, "crossmodal"): EfficientNet features of a resized or
# re-encoded copy stay above the duplicate floor; label-space cosines below the others are noise.
OFFLINE_TUNING = FindTuning(duplicate_similarity=0.85, min_image_similarity=0.30, min_visual_similarity=0.70,
                            min_image_match=0.60, min_document_similarity=0.30)
# Google's spaces could not be measured here (no network): conservative floors, to be tuned on real traffic.
GEMINI_TUNING = FindTuning(duplicate_similarity=0.95, min_image_similarity=0.25, min_visual_similarity=0.60,
                           min_image_match=0.60, min_document_similarity=0.25)
VERTEX_TUNING = FindTuning(duplicate_similarity=0.95, min_image_similarity=0.25, min_visual_similarity=0.25,
                           min_image_match=0.50, min_document_similarity=0.25)


def image_encoder_kind(settings: Settings) -> str:
    """"gemini", "vertex" or "offline": IMAGE_EMBEDDER, with "auto" meaning Gemini whenever Google is set up."""
    if settings.image_embedder != "auto":
        return settings.image_embedder
    return "gemini" if settings.uses_google else "offline"


def build_image_encoder(settings: Settings, embedder: Embedder, google_client: Any,
                        models: Any = None) -> tuple[ImageEncoder, FindTuning]:
    """The encoder that puts images into `embedder`'s text space, with its similarity floors; `models` is the
    ModelCatalog that checks each Google model on first use."""
    kind = image_encoder_kind(settings)
    if kind == "offline":
        from bot.find.encoders.offline_encoder import OfflineImageEncoder

        return OfflineImageEncoder(embedder, cache_dir=settings.curator_data_dir / "models"), OFFLINE_TUNING
    from bot.find.encoders.gemini_encoder import GeminiImageEncoder

    gemini = GeminiImageEncoder(google_client, settings.embedding_model, settings.embedding_dim,
                                settings.answer_model, models)
    if kind == "gemini":
        return gemini, GEMINI_TUNING
    from bot.find.encoders.vertex_encoder import build_vertex_encoder

    return build_vertex_encoder(settings, embedder, gemini), VERTEX_TUNING
