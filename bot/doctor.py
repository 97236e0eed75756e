"""Health checks for `curator doctor`: every configured model, credential and service, one small check each.

Checks never print secrets: they name settings and models, and report errors by their code or class.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from bot.config import Settings

if TYPE_CHECKING:
    from google import genai

OK, FAIL, SKIPPED = "ok", "fail", "skipped"


@dataclass(frozen=True)
class Check:
    """The outcome of one check: its name, ok/fail/skipped, and a one-line detail."""

    name: str
    status: str
    detail: str


def run_checks(settings: Settings, client: genai.Client | None = None) -> list[Check]:
    """Run every check in order; the Google checks share one genai client (`client`, or a new one)."""
    credentials, client = check_google_credentials(settings, client)
    return [
        credentials,
        check_embedding_model(settings, client),
        check_answer_model(settings, client),
        check_image_model(settings, client),
        check_image_search(settings, client),
        check_qdrant(settings),
        check_slack(settings),
    ]


def all_passed(checks: Sequence[Check]) -> bool:
    """True when no check failed (skipped checks are fine: they are not configured)."""
    return all(check.status != FAIL for check in checks)


def check_google_credentials(
    settings: Settings, client: genai.Client | None = None
) -> tuple[Check, genai.Client | None]:
    """Which Google mode is configured (API key, Vertex AI, or none), and the client for the other checks."""
    name = "Google credentials"
    if not settings.uses_google:
        detail = "none (GEMINI_API_KEY or GOOGLE_GENAI_USE_VERTEXAI): offline providers, drawing unavailable"
        return Check(name, SKIPPED, detail), None
    if settings.google_genai_use_vertexai:
        mode = f"Vertex AI, project {settings.google_cloud_project}, location {settings.google_cloud_location}"
        try:
            mode += _vertex_identity()
        except Exception as exc:  # noqa: BLE001 - no Application Default Credentials, or an unreadable key file
            return Check(name, FAIL, f"{mode}: no usable credentials ({_first_line(exc)})"), None
    else:
        mode = "Gemini API key (GEMINI_API_KEY)"
    if settings.google_gemini_base_url:
        mode += f", endpoint {_safe_url(settings.google_gemini_base_url)}"
    if client is None:
        try:
            from bot.providers.google_client import build_genai_client

            client = build_genai_client(settings)
        except Exception as exc:  # noqa: BLE001 - e.g. an invalid GOOGLE_GEMINI_BASE_URL
            return Check(name, FAIL, f"{mode}: could not set up the client ({_first_line(exc)})"), None
    return Check(name, OK, mode), client


def _vertex_identity() -> str:
    """Who Vertex calls run as, from Application Default Credentials (read locally, no token fetched)."""
    import google.auth

    credentials, _ = google.auth.default(scopes=["https://www.googleapis.com/auth/cloud-platform"])
    email = getattr(credentials, "service_account_email", None)
    return f", as {email}" if email else ""


def check_embedding_model(settings: Settings, client: genai.Client | None) -> Check:
    """Embed one short text with EMBEDDING_MODEL at EMBEDDING_DIM."""
    name = "Embedding model"
    if client is None:
        return _without_client(name, settings, "offline MiniLM embeddings")

    def embed() -> str:
        from bot.providers.gemini_embedder import GeminiEmbedder

        vector = GeminiEmbedder(client, settings.embedding_model, settings.embedding_dim).embed_query("curator doctor")
        return f"{settings.embedding_model}: embedded a test sentence ({len(vector)}-d)"

    return _attempt(name, embed)


def check_answer_model(settings: Settings, client: genai.Client | None) -> Check:
    """Ask ANSWER_MODEL for a reply of a few tokens."""
    name = "Answer model"
    if client is None:
        return _without_client(name, settings, "offline extractive answers")

    def answer() -> str:
        from google.genai import types

        from bot.providers.google_client import google_errors

        started = time.monotonic()
        with google_errors("Answering", settings.answer_model):
            client.models.generate_content(
                model=settings.answer_model,
                contents="Reply with the single word OK.",
                config=types.GenerateContentConfig(max_output_tokens=16),
            )
        return f"{settings.answer_model}: answered in {time.monotonic() - started:.1f} s"

    return _attempt(name, answer)


def check_image_model(settings: Settings, client: genai.Client | None) -> Check:
    """Look IMAGE_MODEL up with models.get (a GET of the model resource: nothing is drawn or billed)."""
    from bot.imaging.factory import (
        ALTERNATIVE_MODEL,
        IMAGEN_SHUTDOWN,
        drawing_errors,
        is_imagen_model,
    )

    name, model = "Image model", settings.image_model
    if client is None:
        return _without_client(name, settings, "drawing unavailable")
    if is_imagen_model(model) and not client.vertexai:
        from bot.imaging.imagen import needs_vertex_message

        return Check(name, FAIL, needs_vertex_message(model))

    def look_up() -> str:
        with drawing_errors(model):
            client.models.get(model=model)
        note = f" (note: {IMAGEN_SHUTDOWN}; prefer {ALTERNATIVE_MODEL})" if is_imagen_model(model) else ""
        return f"{model}: available{note}"

    return _attempt(name, look_up)


def check_image_search(settings: Settings, client: genai.Client | None) -> Check:
    """Find's image encoder: offline, that Tesseract OCR is installed; with Google, embed a tiny image."""
    from bot.find.factory import image_encoder_kind

    name, kind = "Image search", image_encoder_kind(settings)
    if kind == "offline":
        from bot.find.ocr import ocr_available

        if not ocr_available():
            return Check(name, FAIL, "offline, but Tesseract OCR is missing: words in screenshots can't be read. "
                                     "Install it with scripts/system-packages.sh (Debian package tesseract-ocr)")
        return Check(name, OK, "offline: EfficientNet-lite0 labels and features, Tesseract OCR")
    if client is None:
        return _without_client(name, settings, "offline image search")

    def embed() -> str:
        import io

        from PIL import Image

        from bot.find.base import ImageDescription
        from bot.find.factory import build_image_encoder
        from bot.find.images import decode_image
        from bot.providers.gemini_embedder import GeminiEmbedder

        out = io.BytesIO()
        Image.new("RGB", (8, 8), (200, 40, 40)).save(out, format="PNG")
        text_embedder = GeminiEmbedder(client, settings.embedding_model, settings.embedding_dim)
        encoder, _ = build_image_encoder(settings, text_embedder, client)
        vectors = encoder.embed(decode_image(out.getvalue(), "doctor.png", 64), ImageDescription("a red square"))
        return f"{kind}: embedded a test image ({len(vectors.semantic)}-d text space, {len(vectors.visual)}-d look)"

    return _attempt(name, embed)


def check_qdrant(settings: Settings) -> Check:
    """Open Qdrant (QDRANT_URL or local mode) and check the configured knowledge base has been ingested."""
    from bot.kb.qdrant import open_qdrant
    from bot.kb.store import ChunkStore, KnowledgeBaseError
    from bot.providers.factory import embedding_space

    url = settings.qdrant_url
    where = f"server {_safe_url(url)}" if url else f"local mode at {settings.local_qdrant_path}"
    try:
        client = open_qdrant(settings)
    except Exception as exc:  # noqa: BLE001 - e.g. the local folder is locked by a running Curator
        return Check("Qdrant", FAIL, f"{where}: {_first_line(exc)}")
    try:
        store = ChunkStore(client, settings.collection, *embedding_space(settings))
        store.check_ready()  # says what to do when nothing was ingested yet
        return Check("Qdrant", OK, f"{where}: collection {store.name} holds {store.count()} chunks")
    except KnowledgeBaseError as exc:
        return Check("Qdrant", FAIL, f"{where}: {exc}")
    except Exception as exc:  # noqa: BLE001 - unreachable server, wrong QDRANT_API_KEY
        return Check("Qdrant", FAIL, f"{where}: {_first_line(exc)}")
    finally:
        client.close()


def check_slack(settings: Settings) -> Check:
    """Call auth.test with SLACK_BOT_TOKEN at SLACK_API_URL."""
    name = "Slack"
    if settings.slack_bot_token is None:
        return Check(name, SKIPPED, "SLACK_BOT_TOKEN not set")
    from slack_sdk import WebClient
    from slack_sdk.errors import SlackApiError

    token = settings.slack_bot_token.get_secret_value()
    try:
        response = WebClient(token=token, base_url=settings.slack_api_url, timeout=settings.slack_timeout_s).auth_test()
    except SlackApiError as exc:
        return Check(name, FAIL, f"auth.test answered '{exc.response.get('error')}': check SLACK_BOT_TOKEN")
    except Exception as exc:  # noqa: BLE001 - connection refused, DNS, timeout
        return Check(name, FAIL, f"could not reach {_safe_url(settings.slack_api_url)} ({_first_line(exc)})")
    return Check(name, OK, f"bot @{response.get('user')} ({response.get('user_id')}) in {response.get('team')}")


def _without_client(name: str, settings: Settings, offline: str) -> Check:
    if settings.uses_google:  # configured, but the client could not be built
        return Check(name, SKIPPED, "no Google client (see Google credentials)")
    return Check(name, SKIPPED, f"no Google credentials: {offline}")


def _attempt(name: str, run: Callable[[], str]) -> Check:
    """Run one probe: its detail on success, the error's message on failure."""
    from bot.providers.base import ProviderError

    try:
        return Check(name, OK, run())
    except ProviderError as exc:  # messages written for users
        return Check(name, FAIL, str(exc))
    except Exception as exc:  # noqa: BLE001 - a doctor reports, it doesn't crash
        return Check(name, FAIL, _first_line(exc))


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0][:200]}" if lines else type(exc).__name__


def _safe_url(url: str) -> str:
    """The URL without credentials, query or fragment."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}" if parts.scheme else url
