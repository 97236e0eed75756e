"""Health checks for `curator doctor`: every configured model, credential and service, one small check each.

Checks run concurrently on daemon threads under one deadline (DOCTOR_DEADLINE_S), each request with a short
connect timeout and no retries, so a hanging network costs seconds, not minutes. A credential is "ok" only
after an authenticated call succeeded; the model checks start once the Google credentials passed. Checks never
print secrets: they name settings, endpoints and models, and report errors by their code or class.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING

from bot.config import Settings
from bot.doctor_base import (
    FAIL,
    OK,
    SKIPPED,
    Check,
    Job,
    attempt,
    first_line,
    without_self_reference,
)
from bot.doctor_models import (
    check_answer_model,
    check_caption_model,
    check_embedding_model,
    check_image_model,
    check_image_search,
)
from bot.slack.preflight import (
    SlackUnavailable,
    check_app_token,
    check_bot_token,
    safe_url,
)

if TYPE_CHECKING:
    from google import genai

    from bot.services import Services

MODEL_CHECKS = (check_embedding_model, check_answer_model, check_caption_model, check_image_model, check_image_search)
MODEL_NAMES = ("Embedding model", "Answer model", "Image captions", "Image model", "Image search")


def run_checks(settings: Settings) -> list[Check]:
    """Run every check within DOCTOR_DEADLINE_S against the app as serve assembles it (`build_services`), built
    with the doctor's settings: one attempt per request, requests no longer than the deadline."""
    settings = _for_doctor(settings)
    budget = settings.doctor_deadline_s
    deadline = time.monotonic() + budget
    slack = [Job("Slack", partial(check_slack, settings), safe_url(settings.slack_api_url))]
    if settings.slack_app_token is not None:
        slack.append(Job("Slack Socket Mode", partial(check_socket_mode, settings), safe_url(settings.slack_api_url)))
    built: list[tuple[Services, str]] = []
    assembly = Job("Assembly", lambda: _assemble_into(built, settings)).result(deadline, budget)
    if not built:  # the app could not be assembled (or not in time): nothing else can be checked
        return [without_self_reference(assembly)] + [job.result(deadline, budget) for job in slack]
    services, serving = built[0]
    qdrant = Job("Qdrant", partial(check_store, services, serving), _store_target(settings))
    try:
        credentials = Job("Google credentials", partial(check_google_credentials, settings, services),
                          _google(settings)).result(deadline, budget)
        if credentials.status != OK:  # nothing to reach: each model check says why it was skipped (or checks OCR)
            models = [check(settings, None) for check in MODEL_CHECKS]
        else:
            jobs = [Job(name, partial(check, settings, services), _google(settings))
                    for name, check in zip(MODEL_NAMES, MODEL_CHECKS, strict=True)]
            models = [job.result(deadline, budget) for job in jobs]
        checks = [credentials, *models, qdrant.result(deadline, budget)] + [job.result(deadline, budget) for job in slack]
    finally:
        _release(services, qdrant)
    return [without_self_reference(check) for check in checks]


def all_passed(checks: Sequence[Check]) -> bool:
    """True when no check failed (skipped checks are fine: they are not configured)."""
    return all(check.status != FAIL for check in checks)


__all__ = ["FAIL", "OK", "SKIPPED", "Check", "all_passed", "check_slack", "check_store", "run_checks"]


def check_google_credentials(settings: Settings, services: Services) -> Check:
    """Which Google mode is configured, proven by one authenticated call (models.list) with the app's client."""
    name, endpoint = "Google credentials", _google(settings)
    client = services.kb.providers.google_client
    if not settings.uses_google or client is None:
        detail = "none (GEMINI_API_KEY or GOOGLE_GENAI_USE_VERTEXAI): offline providers, drawing unavailable"
        return Check(name, SKIPPED, detail)
    mode = "Gemini API key (GEMINI_API_KEY)"
    if settings.google_genai_use_vertexai:
        mode = f"Vertex AI, project {settings.google_cloud_project}, location {settings.google_cloud_location}"
        try:
            mode += _vertex_identity()
        except Exception as exc:  # noqa: BLE001 - no Application Default Credentials, or an unreadable key file
            return Check(name, FAIL, f"{mode}: no usable credentials ({first_line(exc)})", endpoint)
    return attempt(name, partial(_authenticate, client, settings, mode), endpoint)


def _authenticate(client: genai.Client, settings: Settings, mode: str) -> str:
    """One models.list page: Google answers it only for valid credentials."""
    from google.genai import types

    from bot.providers.google_client import google_errors, lookup_options

    with google_errors("Checking the credentials", "models.list"):
        pager = client.models.list(config=types.ListModelsConfig(
            page_size=1, http_options=lookup_options(settings.google_connect_timeout_s)))
        next(iter(pager), None)
    return f"{mode}: accepted (models.list answered)"


def _assemble_into(built: list, settings: Settings) -> Check:
    """Build the app as serve does (no network call: clients connect on first use) and keep it in `built`."""
    from bot.services import build_services

    try:
        built.append((build_services(settings, index_in_background=False), ""))
    except Exception as exc:  # noqa: BLE001 - e.g. the local folder is locked, or an invalid GOOGLE_GEMINI_BASE_URL
        serving = _served_elsewhere(settings, exc)
        if not serving:
            return Check("Assembly", FAIL, f"the app could not be set up: {first_line(exc)}")
        try:  # the running Curator holds the embedded store: check the rest of the same assembly without it
            built.append((build_services(settings.model_copy(update={"vector_store": "memory"}),
                                         index_in_background=False), serving))
        except Exception as again:  # noqa: BLE001
            return Check("Assembly", FAIL, f"the app could not be set up: {first_line(again)}")
    return Check("Assembly", OK, "the app is set up")


def _release(services: Services, store_check: Job) -> None:
    """Release the app's databases and outbox (the model checks don't use them), and its knowledge base once its
    check is over: one still hanging past the deadline keeps it (its thread is a daemon, gone with the process)."""
    services.outbox.close()
    services.state.close()
    services.draw.records.close()
    if store_check.done:
        services.kb.close()


def _vertex_identity() -> str:
    """Who Vertex calls run as, from Application Default Credentials (read locally, no token fetched)."""
    import google.auth

    credentials, _ = google.auth.default(scopes=["https://www.googleapis.com/auth/cloud-platform"])
    email = getattr(credentials, "service_account_email", None)
    return f", as {email}" if email else ""


def check_store(services: Services, serving: str = "") -> Check:
    """The app's knowledge base (Qdrant at QDRANT_URL, embedded Qdrant Edge, or VECTOR_STORE's engine) has been
    ingested; `serving` says the embedded store is held by a running `curator serve` (then that is the report)."""
    from bot.kb.stores.base import KnowledgeBaseError

    where = _store_target(services.settings)
    if serving:
        return Check("Qdrant", OK, serving, where)
    store = services.kb.store
    try:
        store.check_ready()  # says what to do when this space was never built
        status = _index_status(services.settings)
        return Check("Qdrant", OK, f"collection {store.name} holds {store.count()} chunks{status}", where)
    except KnowledgeBaseError as exc:
        return Check("Qdrant", FAIL, str(exc), where)
    except Exception as exc:  # noqa: BLE001 - unreachable server, wrong QDRANT_API_KEY
        return Check("Qdrant", FAIL, first_line(exc), where)


def check_slack(settings: Settings) -> Check:
    """auth.test with SLACK_BOT_TOKEN at SLACK_API_URL, within SLACK_CONNECT_TIMEOUT_S."""
    if settings.slack_bot_token is None:
        return Check("Slack", SKIPPED, "SLACK_BOT_TOKEN not set")
    return _slack_check("Slack", settings, lambda: _bot_identity(check_bot_token(settings)))


def check_socket_mode(settings: Settings) -> Check:
    """apps.connections.open with SLACK_APP_TOKEN: Socket Mode would connect."""

    def open_connection() -> str:
        check_app_token(settings)
        return "SLACK_APP_TOKEN accepted (apps.connections.open)"

    return _slack_check("Slack Socket Mode", settings, open_connection)


def _slack_check(name: str, settings: Settings, run: Callable[[], str]) -> Check:
    endpoint = safe_url(settings.slack_api_url)
    try:
        return Check(name, OK, run(), endpoint)
    except SlackUnavailable as exc:
        return Check(name, FAIL, str(exc), endpoint)


def _bot_identity(response: dict) -> str:
    return f"bot @{response.get('user')} ({response.get('user_id')}) in {response.get('team')}"


def _for_doctor(settings: Settings) -> Settings:
    """The doctor reports, it does not wait: one attempt per request, none longer than the deadline."""
    timeout = min(settings.google_timeout_s, settings.doctor_deadline_s)
    return settings.model_copy(update={"google_retry_attempts": 1, "google_timeout_s": timeout})


def _google(settings: Settings) -> str:
    if not settings.uses_google:
        return ""
    from bot.providers.google_client import google_endpoint

    return google_endpoint(settings)


def _store_target(settings: Settings) -> str:
    if settings.vector_store == "memory":
        return "in memory (VECTOR_STORE=memory)"
    if settings.qdrant_url:
        return safe_url(settings.qdrant_url)
    if settings.uses_edge:
        return f"{settings.edge_path} (embedded Qdrant Edge)"
    return f"{settings.local_qdrant_path} (local mode)"


def _index_status(settings: Settings) -> str:
    """The background index build and the last scheduled sync, as written by a serving process."""
    from bot.kb.stores.edge_engine import describe_status, read_status
    from bot.kb.sync import read_sync_status

    status = read_status(settings.edge_path) if settings.uses_edge else None
    out = f"; {describe_status(status)}" if status else ""
    sync = read_sync_status(settings.curator_data_dir)
    if sync:
        out += (f"; last sync {sync['at']}: {sync['summary']}" if sync.get("ok") else
                f"; last sync {sync['at']} FAILED: {sync.get('error', '')}")
    return out


def _served_elsewhere(settings: Settings, exc: Exception) -> str:
    """When the embedded store is held by a running `curator serve`: that, and its index status; else ""."""
    from bot.kb.stores.edge_engine import read_status

    if not settings.uses_edge or "in use by another Curator process" not in str(exc):
        return ""
    status = read_status(settings.edge_path)
    owner = f" (pid {status['pid']})" if status and status.get("pid") else ""
    return f"open in the running Curator{owner}{_index_status(settings)}"
