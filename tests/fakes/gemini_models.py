"""The fake's model catalogue (December 2026): what Google serves, what it retired, and the resources
``models.get``/``models.list`` return in each mode.

Sources (see /work/shared/notes/google-sdk.md): Gemini 2.5 Flash/Pro shut down 2026-12-01, gemini-2.0-flash
2026-06-01, gemini-2.5-flash-image 2026-10-02, every ``*-image-preview`` id 2026-06-25, Imagen (``imagen-*``,
``imagegeneration@*``) by 2026-08-17, text-embedding-004 2026-01-14. Current GA: gemini-3.6-flash,
gemini-3.5-flash-lite, gemini-3.8-flash, gemini-2.5-flash-lite; images gemini-3.1-flash-image,
gemini-3-pro-image, gemini-3.1-flash-lite-image; embeddings gemini-embedding-2, gemini-embedding-001.
Resource shapes: generativelanguage ``Model`` (API key: ``supportedGenerationMethods``, token limits,
sampling defaults) and aiplatform ``PublisherModel`` (Vertex: ``versionId``, ``launchStage``, ...).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

TEXT, IMAGE, EMBEDDING, IMAGEN, MULTIMODAL = "text", "image", "embedding", "imagen", "multimodal"


@dataclass(frozen=True)
class FakeModel:
    """One model: its id, what it does, and the numbers its resource carries."""

    model_id: str
    kind: str
    display_name: str
    input_tokens: int = 1_048_576
    output_tokens: int = 65_536


CURRENT = (
    FakeModel("gemini-3.6-flash", TEXT, "Gemini 3.6 Flash"),
    FakeModel("gemini-3.8-flash", TEXT, "Gemini 3.8 Flash"),
    FakeModel("gemini-3.5-flash-lite", TEXT, "Gemini 3.5 Flash-Lite"),
    FakeModel("gemini-2.5-flash-lite", TEXT, "Gemini 2.5 Flash-Lite"),
    FakeModel("gemini-3.1-flash-image", IMAGE, "Nano Banana 2", 131_072, 32_768),
    FakeModel("gemini-3-pro-image", IMAGE, "Nano Banana Pro", 65_536, 32_768),
    FakeModel("gemini-3.1-flash-lite-image", IMAGE, "Nano Banana 2 Lite", 65_536, 32_768),
    FakeModel("gemini-embedding-2", EMBEDDING, "Gemini Embedding 2", 8_192, 1),
    FakeModel("gemini-embedding-001", EMBEDDING, "Gemini Embedding 001", 2_048, 1),
    FakeModel("text-embedding-005", EMBEDDING, "Text Embedding 005", 2_048, 1),
    FakeModel("multimodalembedding@001", MULTIMODAL, "Multimodal Embedding", 32, 1),
)
# Retired ids the suite checks by name. They are simply absent from the catalogue, like every other
# imagen-*/imagegeneration@* or *-preview image id: 404 unless a test adds one to ``known_models``.
RETIRED = frozenset({
    "gemini-2.5-flash", "gemini-2.5-pro", "gemini-2.0-flash", "gemini-2.5-flash-image",
    "gemini-2.5-flash-image-preview", "gemini-3-pro-image-preview", "gemini-2.0-flash-preview-image-generation",
    "text-embedding-004", "imagen-4.0-generate-001", "imagen-3.0-generate-002", "imagen-3.0-capability-001",
    "imagegeneration@006",
})
_METHODS = {
    TEXT: ["generateContent", "countTokens", "createCachedContent", "batchGenerateContent"],
    IMAGE: ["generateContent", "countTokens", "batchGenerateContent"],
    EMBEDDING: ["embedContent", "countTextTokens", "countTokens", "asyncBatchEmbedContent"],
    IMAGEN: ["predict"],
    MULTIMODAL: ["predict"],
}
API_KEY_PAGE_SIZE = 50  # generativelanguage ListModels: "defaults to 50, at most 1000"
VERTEX_PAGE_SIZE = 100


def kind_of(model_id: str) -> str:
    """What a model id is, from its family name (for ids a test adds, e.g. an Imagen model)."""
    for model in CURRENT:
        if model.model_id == model_id:
            return model.kind
    if model_id.startswith("multimodalembedding"):
        return MULTIMODAL
    if "embedding" in model_id:
        return EMBEDDING
    if model_id.startswith(("imagen", "imagegeneration")):
        return IMAGEN
    return IMAGE if "image" in model_id else TEXT


def api_key_resource(model_id: str) -> dict:
    """A generativelanguage ``Model`` as ``GET /v1beta/models/{id}`` returns it."""
    model = _model(model_id)
    resource = {
        "name": f"models/{model_id}", "baseModelId": model_id, "version": "001",
        "displayName": model.display_name, "description": f"{model.display_name} (fake catalogue)",
        "inputTokenLimit": model.input_tokens, "outputTokenLimit": model.output_tokens,
        "supportedGenerationMethods": _METHODS[model.kind],
    }
    if model.kind in (TEXT, IMAGE):
        resource |= {"temperature": 1, "topP": 0.95, "topK": 64, "maxTemperature": 2, "thinking": model.kind == TEXT}
    return resource


def vertex_resource(model_id: str) -> dict:
    """An aiplatform ``PublisherModel`` as ``GET /v1beta1/publishers/google/models/{id}`` returns it."""
    return {
        "name": f"publishers/google/models/{model_id}", "versionId": "001", "openSourceCategory": "PROPRIETARY",
        "launchStage": "GA", "versionState": "VERSION_STATE_STABLE",
        "publisherModelTemplate": f"projects/{{project}}/locations/{{location}}/publishers/google/models/{model_id}@001",
    }


def page(model_ids: list[str], page_size: str | None, page_token: str | None, vertex: bool) -> dict:
    """One page of ``models.list``: ``models`` (API key) or ``publisherModels`` (Vertex) + ``nextPageToken``."""
    size = int(page_size) if page_size else (VERTEX_PAGE_SIZE if vertex else API_KEY_PAGE_SIZE)
    start = int(base64.urlsafe_b64decode(page_token).decode()) if page_token else 0
    chunk = model_ids[start:start + max(1, min(size, 1000))]
    resources = [vertex_resource(m) if vertex else api_key_resource(m) for m in chunk]
    out: dict = {"publisherModels" if vertex else "models": resources}
    if start + len(chunk) < len(model_ids):
        out["nextPageToken"] = base64.urlsafe_b64encode(str(start + len(chunk)).encode()).decode()
    return out


def _model(model_id: str) -> FakeModel:
    for model in CURRENT:
        if model.model_id == model_id:
            return model
    return FakeModel(model_id, kind_of(model_id), model_id)
