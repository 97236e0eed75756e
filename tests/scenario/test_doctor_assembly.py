"""`curator doctor` checks the app serve assembles (`build_services`), not an assembly of its own."""

from __future__ import annotations

import bot.services
from bot.config import Settings
from bot.doctor import FAIL, OK, run_checks
from bot.kb.stores.base import KnowledgeBaseError
from bot.kb.stores.qdrant import QdrantStore
from bot.kb.stores.qdrant_client import open_qdrant
from bot.providers.factory import embedding_space
from tests.fakes.gemini_clients import google_settings


def by_name(checks):
    return {check.name: check for check in checks}


def test_the_doctor_checks_the_vector_engine_the_app_runs_on(settings: Settings):
    client = open_qdrant(settings)  # a Qdrant collection exists: a doctor checking Qdrant would pass
    QdrantStore(client, settings.collection, *embedding_space(settings)).ensure()
    client.close()
    assert by_name(run_checks(settings))["Qdrant"].status == OK

    memory = settings.model_copy(update={"vector_store": "memory"})
    services = bot.services.build_services(memory)
    try:
        services.kb.store.check_ready()
        raise AssertionError("an in-memory knowledge base starts empty")
    except KnowledgeBaseError as exc:
        served = str(exc)
    finally:
        services.close()
    check = by_name(run_checks(memory))["Qdrant"]
    assert (check.status, check.detail, check.endpoint) == (FAIL, served, "in memory (VECTOR_STORE=memory)")


def test_the_doctor_builds_once_through_build_services_and_checks_its_generator(fake, tmp_path, monkeypatch):
    built = []

    def recording(settings, **overrides):
        services = real(settings, **overrides)
        built.append((settings, overrides, services))
        return services

    real = bot.services.build_services
    monkeypatch.setattr(bot.services, "build_services", recording)
    checks = by_name(run_checks(google_settings(fake, tmp_path, IMAGE_MODEL="gemini-2.5-flash-image")))
    [(settings, overrides, services)] = built
    assert overrides == {"index_in_background": False}, "the doctor replaces nothing serve builds (and starts no index build)"
    assert settings.google_retry_attempts == 1 and settings.google_timeout_s <= settings.doctor_deadline_s
    assert checks["Image model"].model == services.draw.generator.model == "gemini-2.5-flash-image"
    assert checks["Embedding model"].status == OK
