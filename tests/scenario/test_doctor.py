"""`curator doctor`: each check against the fake Gemini API, local Qdrant and the Slack emulator."""

from __future__ import annotations

import pytest

from bot.cli.main import main
from bot.config import Settings
from bot.console.emulator import SlackEmulator
from bot.doctor import (
    FAIL,
    OK,
    SKIPPED,
    Check,
    all_passed,
    check_slack,
    check_store,
    run_checks,
)
from bot.doctor_models import check_image_model
from bot.services import build_services, build_store
from tests.fakes.gemini_api import FakeGemini
from tests.fakes.gemini_clients import google_settings, write_service_account_file


@pytest.fixture
def slack():
    with SlackEmulator(bot_token="xoxb-doctor-secret") as emulator:
        yield emulator


def ingest_nothing(settings: Settings) -> None:
    """Create the knowledge base's collection, as a first `curator ingest` would."""
    store, manifest = build_store(settings)
    store.ensure()
    store.close()
    manifest.close()


def store_check(settings: Settings) -> Check:
    """The Qdrant check of the app as serve assembles it."""
    services = build_services(settings)
    try:
        return check_store(services)
    finally:
        services.close()


def image_model_check(settings: Settings) -> Check:
    """The image model check of the app as serve assembles it."""
    services = build_services(settings)
    try:
        return check_image_model(settings, services)
    finally:
        services.close()


def by_name(checks: list[Check]) -> dict[str, Check]:
    return {check.name: check for check in checks}


def test_working_google_models_all_pass_and_drawing_costs_nothing(fake, tmp_path):
    settings = google_settings(fake, tmp_path)
    ingest_nothing(settings)

    checks = by_name(run_checks(settings))

    assert [c.status for c in checks.values()] == [OK, OK, OK, OK, OK, OK, OK, SKIPPED]
    assert checks["Image search"].detail == "embedded a test image with the gemini encoder (768-d text space, 768-d look)"
    assert fake.images and fake.images[-1][0] == "image/png", "the test image reached the embedding model"
    assert checks["Google credentials"].detail == "Gemini API key (GEMINI_API_KEY): accepted (models.list answered)"
    endpoint = f"{fake.base_url.rstrip('/')}/v1beta"
    assert {checks[name].endpoint for name in list(checks)[:6]} == {endpoint}, "each Google line names where it went"
    assert (checks["Embedding model"].model, checks["Embedding model"].detail) == (
        "gemini-embedding-2", "embedded a test query (768-d, task prefixes in the text)")
    assert checks["Answer model"].model == "gemini-3.6-flash"
    assert checks["Answer model"].detail.startswith("answered under a system instruction in")
    assert checks["Image captions"].detail == "answered in JSON following a schema"
    assert (checks["Image model"].model, checks["Image model"].detail) == (
        "gemini-3.1-flash-image", "available; image output accepted (countTokens: nothing drawn)")
    assert checks["Qdrant"].detail == "collection kb__gemini-embedding-2.task-prefix__768 holds 0 chunks"
    assert checks["Slack"].detail == "SLACK_BOT_TOKEN not set"
    # The checks run concurrently: tell the two calls apart by what they asked for, not by their order.
    caption, answer = sorted(fake.calls("generateContent"), key=lambda call: "systemInstruction" in call.body)
    assert answer.body["systemInstruction"] == {"parts": [{"text": "Reply with the single word OK."}], "role": "user"}
    assert caption.body["generationConfig"]["responseMimeType"] == "application/json"
    assert "responseSchema" in caption.body["generationConfig"]
    assert {c.model for c in fake.calls("generateContent")} == {"gemini-3.6-flash"}, "no image was drawn"
    [probe] = fake.calls("countTokens")
    request = probe.body["generateContentRequest"]
    assert request["generationConfig"] == {"responseModalities": ["TEXT", "IMAGE"], "imageConfig": {"aspectRatio": "1:1"}}
    assert sorted(c.path for c in fake.calls("get")) == [  # concurrent checks: any order, each model once
        "/v1beta/models/gemini-3.1-flash-image", "/v1beta/models/gemini-3.6-flash", "/v1beta/models/gemini-embedding-2"]
    assert all_passed(checks.values())


def test_a_version_without_the_fields_the_bot_sends_fails_each_feature_probe(tmp_path):
    with FakeGemini(record_traffic=False) as strict:
        checks = by_name(run_checks(google_settings(strict, tmp_path, GOOGLE_API_VERSION="v1")))
    assert checks["Embedding model"].status == OK, "embeddings need nothing v1 lacks"
    for name, field in [("Answer model", "systemInstruction"), ("Image captions", "responseMimeType"),
                        ("Image model", "responseModalities")]:
        assert checks[name].status == FAIL and f'Unknown name "{field}"' in checks[name].detail, name
        assert "Leave GOOGLE_API_VERSION empty" in checks[name].detail


@pytest.mark.parametrize("retired", ["gemini-2.5-flash-image", "gemini-9-image"])
def test_a_retired_or_unknown_image_model_fails_naming_the_image_models_the_account_has(fake, tmp_path, retired):
    settings = google_settings(fake, tmp_path, IMAGE_MODEL=retired)
    ingest_nothing(settings)

    checks = by_name(run_checks(settings))

    assert (checks["Image model"].status, checks["Image model"].model, checks["Image model"].detail) == (
        FAIL, retired,
        (f"IMAGE_MODEL '{retired}' is retired or not available to this account. Models this account can use for "
         "drawing: gemini-3.1-flash-image, gemini-3.1-flash-lite-image, gemini-3-pro-image. "
         "Set IMAGE_MODEL to one of them."),
    )
    assert checks["Answer model"].status == OK and not all_passed(checks.values())
    assert not fake.calls("countTokens")


def test_a_retired_answer_model_fails_every_check_that_uses_it(fake, tmp_path):
    checks = by_name(run_checks(google_settings(fake, tmp_path, ANSWER_MODEL="gemini-2.5-flash")))
    for name in ("Answer model", "Image captions"):
        assert checks[name].status == FAIL and checks[name].detail.startswith(
            "ANSWER_MODEL 'gemini-2.5-flash' is retired or not available to this account. Models this account can "
            "use for answers and captions: gemini-3.8-flash,")
    assert len([c for c in fake.calls("list") if c.query.get("pageSize") == "100"]) == 1, (
        "the account's models are listed once for the whole run (after the one-entry credentials check)")


def test_image_size_is_reported_with_whether_the_version_takes_it(fake, tmp_path):
    check = image_model_check(google_settings(fake, tmp_path, IMAGE_SIZE="4K"))
    assert check.status == OK and check.detail.endswith("IMAGE_SIZE=4K not accepted: drawn at the default size")


def test_imagen_with_an_api_key_fails_without_a_request(fake, tmp_path):
    settings = google_settings(fake, tmp_path, IMAGE_MODEL="imagen-4.0-generate-001")
    check = image_model_check(settings)
    assert check.status == FAIL and "GOOGLE_GENAI_USE_VERTEXAI=true" in check.detail
    assert fake.requests == []


def test_vertex_mode_names_the_project_and_looks_imagen_up_with_a_note(fake, tmp_path, monkeypatch):
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(write_service_account_file(fake, tmp_path / "sa.json")))
    monkeypatch.setenv("NO_GCE_CHECK", "true")
    fake.known_models.add("imagen-4.0-generate-001")  # an account that still has Imagen
    settings = google_settings(fake, tmp_path, GEMINI_API_KEY=None, GOOGLE_GENAI_USE_VERTEXAI=True,
                               GOOGLE_CLOUD_PROJECT="acme-kb", IMAGE_MODEL="imagen-4.0-generate-001")
    checks = by_name(run_checks(settings))
    assert checks["Google credentials"].detail.startswith(
        "Vertex AI, project acme-kb, location us-central1, as curator-test@fake-project.iam.gserviceaccount.com")
    assert checks["Embedding model"].status == OK and checks["Answer model"].status == OK
    assert checks["Answer model"].endpoint.endswith("/v1beta1")
    assert checks["Image model"].status == OK and "shut down Imagen" in checks["Image model"].detail
    assert "/v1beta1/publishers/google/models/imagen-4.0-generate-001" in [c.path for c in fake.calls("get")]


def test_vertex_image_model_probe_uses_count_tokens_with_the_generation_config(fake, tmp_path, monkeypatch):
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(write_service_account_file(fake, tmp_path / "sa.json")))
    monkeypatch.setenv("NO_GCE_CHECK", "true")
    settings = google_settings(fake, tmp_path, GEMINI_API_KEY=None, GOOGLE_GENAI_USE_VERTEXAI=True,
                               GOOGLE_CLOUD_PROJECT="acme-kb")
    check = by_name(run_checks(settings))["Image model"]
    assert check.status == OK and check.endpoint.endswith("/v1beta1") and "image output accepted" in check.detail
    [probe] = fake.calls("countTokens")
    assert probe.path == "/v1beta1/projects/acme-kb/locations/us-central1/publishers/google/models/gemini-3.1-flash-image:countTokens"
    assert probe.body["generationConfig"]["responseModalities"] == ["TEXT", "IMAGE"]


def test_vertex_without_usable_credentials_fails_once_and_skips_the_models(fake, tmp_path, monkeypatch):
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "missing.json"))
    monkeypatch.setenv("NO_GCE_CHECK", "true")
    settings = google_settings(fake, tmp_path, GEMINI_API_KEY=None, GOOGLE_GENAI_USE_VERTEXAI=True,
                               GOOGLE_CLOUD_PROJECT="acme-kb")
    checks = by_name(run_checks(settings))
    assert checks["Google credentials"].status == FAIL
    assert "no usable credentials (DefaultCredentialsError" in checks["Google credentials"].detail
    assert checks["Embedding model"] == Check("Embedding model", SKIPPED, "not tried: Google credentials failed (see above)")
    assert fake.requests == []


def test_a_wrong_api_key_fails_without_echoing_it(fake, tmp_path):
    checks = run_checks(google_settings(fake, tmp_path, GEMINI_API_KEY="wrong-secret-key"))
    assert by_name(checks)["Google credentials"].status == FAIL
    assert "rejected the credentials" in by_name(checks)["Google credentials"].detail
    assert not any("wrong-secret-key" in str(c.as_dict()) for c in checks)


def test_offline_settings_skip_google_and_pass_with_an_ingested_local_qdrant(settings):
    ingest_nothing(settings)
    checks = run_checks(settings)
    assert [(c.name, c.status) for c in checks] == [
        ("Google credentials", SKIPPED), ("Embedding model", SKIPPED), ("Answer model", SKIPPED),
        ("Image captions", SKIPPED), ("Image model", SKIPPED), ("Image search", OK), ("Qdrant", OK), ("Slack", SKIPPED),
    ]
    assert by_name(checks)["Qdrant"].endpoint == f"{settings.edge_path} (embedded Qdrant Edge)"
    assert "all-minilm-l6-v2__384" in by_name(checks)["Qdrant"].detail
    assert all_passed(checks)


def test_offline_image_search_without_tesseract_fails_saying_how_to_install_it(settings, monkeypatch):
    import pytesseract

    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")
    check = by_name(run_checks(settings))["Image search"]
    assert check.status == FAIL and "tesseract-ocr" in check.detail


def test_a_knowledge_base_never_ingested_fails_saying_what_to_do(settings):
    check = store_check(settings)
    assert check.status == FAIL and "is empty. Add documents with `curator ingest PATH`" in check.detail


def test_an_unreachable_qdrant_server_fails(tmp_path):
    check = store_check(Settings(_env_file=None, QDRANT_URL="http://127.0.0.1:1", QDRANT_TIMEOUT_S=2,
                                  QDRANT_API_KEY="qdrant-secret", CURATOR_DATA_DIR=tmp_path))
    assert check.status == FAIL and check.endpoint == "http://127.0.0.1:1"
    assert "qdrant-secret" not in check.detail


def test_slack_auth_test_passes_with_the_bot_token(slack, settings):
    check = check_slack(settings.model_copy(update=slack_settings(slack, slack.bot_token)))
    assert check == Check("Slack", OK, "bot @curator (UCURATOR) in Curator Console", slack.api_url)
    assert [call.method for call in slack.calls] == ["auth.test"]


def test_slack_with_a_wrong_token_fails_without_echoing_it(slack, settings):
    check = check_slack(settings.model_copy(update=slack_settings(slack, "xoxb-wrong-secret")))
    assert check.status == FAIL and check.detail.startswith("Slack refused SLACK_BOT_TOKEN (auth.test: invalid_auth)")
    assert "xoxb-wrong-secret" not in check.detail


def test_an_unreachable_slack_fails(settings):
    check = check_slack(settings.model_copy(update=slack_settings(None, "xoxb-any", "http://127.0.0.1:1/api/")))
    assert check.status == FAIL and check.detail.startswith("Could not reach Slack at http://127.0.0.1:1/api/")


def slack_settings(slack: SlackEmulator | None, token: str, url: str | None = None) -> dict:
    from pydantic import SecretStr

    return {"slack_bot_token": SecretStr(token), "slack_api_url": url or slack.api_url, "slack_connect_timeout_s": 2}


def test_the_command_prints_every_check_and_exits_0_when_all_configured_pass(slack, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CURATOR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SLACK_BOT_TOKEN", slack.bot_token)
    monkeypatch.setenv("SLACK_API_URL", slack.api_url)
    ingest_nothing(Settings(_env_file=None))

    assert main(["doctor"]) == 0

    out = capsys.readouterr().out
    for name in ["Google credentials", "Embedding model", "Answer model", "Image model", "Qdrant", "Slack"]:
        assert name in out
    assert "✓ ok" in out and "– skipped" in out and "Everything configured works." in out
    assert slack.bot_token not in out


def test_the_command_exits_1_when_a_check_fails(slack, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CURATOR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-wrong-secret")
    monkeypatch.setenv("SLACK_API_URL", slack.api_url)

    assert main(["doctor"]) == 1

    out = capsys.readouterr().out
    assert "✗ fail" in out and "invalid_auth" in out and "2 check(s) failed." in out
    assert "xoxb-wrong-secret" not in out


def test_on_a_hanging_network_every_check_reports_within_the_deadline_naming_its_endpoint(tmp_path):
    import time

    from tests.fakes.hanging import HangingServer

    with HangingServer() as hang:
        settings = Settings(_env_file=None, CURATOR_DATA_DIR=tmp_path, GEMINI_API_KEY="k", GOOGLE_GEMINI_BASE_URL=hang.url,
                            QDRANT_URL=hang.url, QDRANT_TIMEOUT_S=30, SLACK_BOT_TOKEN="xoxb-1",
                            SLACK_APP_TOKEN="xapp-1", SLACK_API_URL=f"{hang.url}/api/", GOOGLE_CONNECT_TIMEOUT_S=0.5,
                            SLACK_CONNECT_TIMEOUT_S=0.5, DOCTOR_DEADLINE_S=2)
        started = time.monotonic()
        checks = by_name(run_checks(settings))
        elapsed = time.monotonic() - started
        assert hang.connections >= 3, "Google, Slack and Qdrant were each tried"

    assert elapsed < 3.5, f"the doctor took {elapsed:.1f} s with a 2 s deadline"
    google = checks["Google credentials"]
    assert google.status == FAIL and f"Google at {hang.url}/v1beta/models" in google.detail
    assert "did not answer in time" in google.detail and google.endpoint == f"{hang.url}/v1beta"
    assert {checks[name].status for name in ("Embedding model", "Answer model", "Image model")} == {SKIPPED}
    for name in ("Slack", "Slack Socket Mode"):
        assert checks[name].status == FAIL and f"Could not reach Slack at {hang.url}/api/" in checks[name].detail
    qdrant = checks["Qdrant"]
    assert qdrant.status == FAIL and qdrant.detail.startswith(f"no answer from {hang.url} within the doctor's 2 s")
    assert not [c.name for c in checks.values() if "curator doctor" in c.detail], "no line sends you to the doctor"
    assert checks["Slack"].detail.endswith("and SLACK_API_URL.")


def test_captions_are_ok_only_when_the_model_answers_in_the_json_its_schema_asked_for(fake, tmp_path):
    settings = google_settings(fake, tmp_path)
    assert by_name(run_checks(settings))["Image captions"].status == OK

    fake.set_answer("Sure! Here is my answer: ok")  # what a model or proxy that ignores JSON mode sends
    captions = by_name(run_checks(settings))["Image captions"]

    assert captions.status == FAIL
    assert captions.detail.startswith("answered, but not in the JSON its schema asked for (got: Sure! Here is")
    assert "image captions would be empty" in captions.detail and "ANSWER_MODEL" in captions.detail


def test_a_bogus_key_fails_the_credentials_check_and_no_model_is_tried(fake, tmp_path):
    checks = by_name(run_checks(google_settings(fake, tmp_path, GEMINI_API_KEY="abc")))
    assert checks["Google credentials"].status == FAIL
    assert "rejected the credentials" in checks["Google credentials"].detail
    assert checks["Embedding model"].status == SKIPPED
    assert [c.path for c in fake.requests] == ["/v1beta/models"], "one authenticated call, then nothing"
