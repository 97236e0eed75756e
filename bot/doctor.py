"""Health checks for `curator doctor`: every configured model, credential and service, one small check each.

Checks never print secrets: they name settings and models, and report errors by their code or class.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from bot.config import Settings
from bot.doctor_base import FAIL, OK, SKIPPED, Check, first_line
from bot.doctor_models import (
    check_answer_model,
    check_caption_model,
    check_embedding_model,
    check_image_model,
    check_image_search,
)

if TYPE_CHECKING:
    from google import genai

def run_checks(settings: Settings, client: genai.Client | None = None) -> list[Check]:
    """Run every check in order; the Google checks share one genai client (`client`, or a new one)."""
    credentials, client = check_google_credentials(settings, client)
    catalog = None
    if client is not None:
        from bot.providers.models import ModelCatalog

        catalog = ModelCatalog(client)
    return [
        credentials,
        check_embedding_model(settings, client, catalog),
        check_answer_model(settings, client, catalog),
        check_caption_model(settings, client, catalog),
        check_image_model(settings, client, catalog),
        check_image_search(settings, client, catalog),
        check_qdrant(settings),
        check_slack(settings),
    ]


def all_passed(checks: Sequence[Check]) -> bool:
    """True when no check failed (skipped checks are fine: they are not configured)."""
    return all(check.status != FAIL for check in checks)


__all__ = ["FAIL", "OK", "SKIPPED", "Check", "all_passed", "check_qdrant", "check_slack", "run_checks"]


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
            return Check(name, FAIL, f"{mode}: no usable credentials ({first_line(exc)})"), None
    else:
        mode = "Gemini API key (GEMINI_API_KEY)"
    if settings.google_gemini_base_url:
        mode += f", endpoint {_safe_url(settings.google_gemini_base_url)}"
    if client is None:
        try:
            from bot.providers.google_client import build_genai_client

            client = build_genai_client(settings)
        except Exception as exc:  # noqa: BLE001 - e.g. an invalid GOOGLE_GEMINI_BASE_URL
            return Check(name, FAIL, f"{mode}: could not set up the client ({first_line(exc)})"), None
    return Check(name, OK, mode), client


def _vertex_identity() -> str:
    """Who Vertex calls run as, from Application Default Credentials (read locally, no token fetched)."""
    import google.auth

    credentials, _ = google.auth.default(scopes=["https://www.googleapis.com/auth/cloud-platform"])
    email = getattr(credentials, "service_account_email", None)
    return f", as {email}" if email else ""


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
        return Check("Qdrant", FAIL, f"{where}: {first_line(exc)}")
    try:
        store = ChunkStore(client, settings.collection, *embedding_space(settings))
        store.check_ready()  # says what to do when nothing was ingested yet
        return Check("Qdrant", OK, f"{where}: collection {store.name} holds {store.count()} chunks")
    except KnowledgeBaseError as exc:
        return Check("Qdrant", FAIL, f"{where}: {exc}")
    except Exception as exc:  # noqa: BLE001 - unreachable server, wrong QDRANT_API_KEY
        return Check("Qdrant", FAIL, f"{where}: {first_line(exc)}")
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
        return Check(name, FAIL, f"could not reach {_safe_url(settings.slack_api_url)} ({first_line(exc)})")
    return Check(name, OK, f"bot @{response.get('user')} ({response.get('user_id')}) in {response.get('team')}")


def _safe_url(url: str) -> str:
    """The URL without credentials, query or fragment."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}" if parts.scheme else url
