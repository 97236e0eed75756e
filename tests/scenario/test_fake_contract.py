"""The Gemini fake holds Google's published contract: field lists generated from Google's protos, Google's
400 wording for bodies they reject, only published versions and methods, retired models gone, and
models.get/models.list as Google serves them."""

from __future__ import annotations

import json
from importlib import metadata

import pytest
from google.genai import errors, types

from tests.fakes.contract.generate import (
    VERSIONS,
    contract_path,
    extract_in_subprocess,
    vertex_protos,
)
from tests.fakes.contract.validate import contract
from tests.fakes.gemini_api import FakeGemini
from tests.fakes.gemini_clients import api_key_client, vertex_client
from tests.fakes.gemini_models import RETIRED


@pytest.fixture
def strict():
    """A fake whose bad requests are sent on purpose, so the end-of-session traffic check skips them."""
    with FakeGemini(record_traffic=False) as server:
        yield server


def post(fake: FakeGemini, path: str, body: dict) -> tuple[int, dict]:
    """A raw POST with the API key, as curl would send it."""
    import httpx

    response = httpx.post(fake.base_url.rstrip("/") + path, json=body, headers={"x-goog-api-key": fake.api_key},
                          timeout=10)
    return response.status_code, response.json()


# ----------------------------------------------------------------------------- the lists are Google's


@pytest.mark.parametrize("version", VERSIONS["gemini"])
def test_the_api_key_lists_are_what_the_installed_protos_say(version):
    checked_in = json.loads(contract_path("gemini", version).read_text())
    assert extract_in_subprocess("gemini", version) == checked_in
    assert checked_in["source"].startswith(f"google-ai-generativelanguage {metadata.version('google-ai-generativelanguage')}")


@pytest.mark.parametrize("version", VERSIONS["vertex"])
def test_the_vertex_lists_are_what_aiplatform_2_protos_say(version):
    try:
        protos = vertex_protos()
    except Exception as exc:  # noqa: BLE001 - no registry reachable: say so instead of passing
        pytest.skip(f"google-cloud-aiplatform 2.x wheel unavailable ({type(exc).__name__})")
    assert extract_in_subprocess("vertex", version, protos) == json.loads(contract_path("vertex", version).read_text())


@pytest.mark.parametrize("version", VERSIONS["vertex"])
def test_the_vertex_lists_contain_every_field_the_installed_aiplatform_knows(version):
    """Offline: the installed aiplatform 1.x is older, so each of its fields must be in the 2.x list, unchanged."""
    installed = extract_in_subprocess("vertex", version)
    checked_in = json.loads(contract_path("vertex", version).read_text())
    for name, fields in installed["messages"].items():
        if name in checked_in["messages"]:
            kept = checked_in["messages"][name]
            assert {f: spec for f, spec in fields.items() if f in kept} == {f: kept[f] for f in fields if f in kept}
    assert set(installed["methods"]) <= set(checked_in["methods"])
    assert "image_config" in checked_in["messages"][f"google.cloud.aiplatform.{version}.GenerationConfig"]
    assert "embedContent" in checked_in["methods"] and "batchEmbedContents" not in checked_in["methods"]


def test_v1_lacks_what_curator_needs_and_v1beta_has_it():
    v1 = contract("gemini", "v1").messages
    v1beta = contract("gemini", "v1beta").messages
    assert "system_instruction" not in v1["google.ai.generativelanguage.v1.GenerateContentRequest"]
    assert {"response_mime_type", "response_schema", "response_modalities", "image_config"}.isdisjoint(
        v1["google.ai.generativelanguage.v1.GenerationConfig"])
    assert {"response_mime_type", "response_schema", "response_modalities", "image_config"} <= set(
        v1beta["google.ai.generativelanguage.v1beta.GenerationConfig"])
    assert list(v1beta["google.ai.generativelanguage.v1beta.ImageConfig"]) == ["aspect_ratio"]


# ----------------------------------------------------------------------------- Google's 400s


def test_a_field_the_version_lacks_is_googles_400_with_a_bad_request_detail(strict):
    client = api_key_client(strict, api_version="v1")
    config = types.GenerateContentConfig(system_instruction="Be brief.")
    with pytest.raises(errors.ClientError) as caught:
        client.models.generate_content(model="gemini-3.6-flash", contents="hi", config=config)
    error = caught.value.details["error"]
    assert error["code"] == 400 and error["status"] == "INVALID_ARGUMENT"
    assert error["message"] == 'Invalid JSON payload received. Unknown name "systemInstruction": Cannot find field.'
    assert error["details"] == [{"@type": "type.googleapis.com/google.rpc.BadRequest", "fieldViolations": [
        {"description": 'Invalid JSON payload received. Unknown name "systemInstruction": Cannot find field.'}]}]
    assert api_key_client(strict).models.generate_content(model="gemini-3.6-flash", contents="hi", config=config).text


def test_nested_unknown_fields_name_their_path_and_every_violation_is_listed(strict):
    status, body = post(strict, "/v1beta/models/gemini-3.6-flash:generateContent", {
        "contents": [{"parts": [{"text": "hi", "color": "red"}]}],
        "generationConfig": {"imageConfig": {"aspectRatio": "1:1", "imageSize": "2K"}}})
    assert status == 400
    assert body["error"]["message"] == (
        "Invalid JSON payload received. Unknown name \"color\" at 'contents[0].parts[0]': Cannot find field.\n"
        "Invalid JSON payload received. Unknown name \"imageSize\" at 'generation_config.image_config': "
        "Cannot find field.")
    fields = [v["field"] for v in body["error"]["details"][0]["fieldViolations"]]
    assert fields == ["contents[0].parts[0]", "generation_config.image_config"]


def test_proto_names_are_accepted_as_well_as_json_names(strict):
    status, _ = post(strict, "/v1beta/models/gemini-3.6-flash:generateContent", {
        "contents": [{"parts": [{"inline_data": {"mime_type": "image/png", "data": "iVBORw0KGgo="}},
                                {"text": "what is this?"}]}],
        "system_instruction": {"parts": [{"text": "Be brief."}]},
        "generation_config": {"max_output_tokens": 16, "responseMimeType": "text/plain"}})
    assert status == 200


@pytest.mark.parametrize(("body", "message"), [
    ({"contents": [{"parts": [{"text": "a", "inlineData": {"mimeType": "image/png", "data": "AA=="}}]}]},
     "Oneof field 'data' is already set. Cannot set 'inlineData'"),
    ({"contents": [{"parts": [{"text": "a"}]}], "generationConfig": [{"temperature": 1}]},
     "Unknown name \"generationConfig\": Proto field is not repeating, cannot start list."),
    ({"contents": [{"parts": [{"text": "a"}]}], "generationConfig": {"responseModalities": ["PICTURE"]}},
     ("Invalid value at 'generation_config.response_modalities[0]' "
     "(type.googleapis.com/google.ai.generativelanguage.v1beta.GenerationConfig.Modality), \"PICTURE\"")),
    ({"contents": [{"parts": [{"text": 5}]}]}, "Invalid value at 'contents[0].parts[0].text' (TYPE_STRING), 5"),
    ({"contents": [{"parts": [{}]}]},
     "* GenerateContentRequest.contents[0].parts[0].data: required oneof field 'data' must have one initialized field"),
])
def test_malformed_bodies_get_googles_parser_errors(strict, body, message):
    status, answer = post(strict, "/v1beta/models/gemini-3.6-flash:generateContent", body)
    assert status == 400 and message in answer["error"]["message"]


def test_only_published_versions_and_methods_exist(strict, monkeypatch):
    assert post(strict, "/v1alpha9/models/gemini-3.6-flash:generateContent", {"contents": []})[0] == 404
    monkeypatch.setenv("NO_GCE_CHECK", "true")
    client = vertex_client(strict)
    with pytest.raises(errors.ClientError) as caught:
        client.models.embed_content(model="gemini-embedding-001", contents=["one", "two"])
    assert caught.value.code == 404 and "batchEmbedContents" in caught.value.message


# ----------------------------------------------------------------------------- models


@pytest.mark.parametrize("model", sorted(RETIRED))
def test_retired_models_are_not_found(strict, model):
    client = api_key_client(strict)
    with pytest.raises(errors.ClientError) as caught:
        client.models.get(model=model)
    assert caught.value.code == 404 and caught.value.status == "NOT_FOUND"


def test_models_get_returns_googles_model_resource(fake):
    client = api_key_client(fake)  # keep a reference: genai closes a client that is collected
    model = client.models.get(model="gemini-embedding-2")
    assert model.name == "models/gemini-embedding-2" and model.input_token_limit == 8192
    assert "embedContent" in model.supported_actions
    image = client.models.get(model="gemini-3.1-flash-image")
    assert image.display_name == "Nano Banana 2" and "generateContent" in image.supported_actions
    assert fake.calls("get")[0].path == "/v1beta/models/gemini-embedding-2"


def test_models_list_pages_in_both_modes(fake, monkeypatch):
    client = api_key_client(fake)
    listed = list(client.models.list(config={"page_size": 4}))
    assert sorted(m.name for m in listed) == sorted(f"models/{m}" for m in fake.known_models)
    pages = fake.calls("list")
    assert len(pages) == 3 and pages[1].query["pageToken"] and pages[0].query["pageSize"] == "4"

    monkeypatch.setenv("NO_GCE_CHECK", "true")
    on_vertex = vertex_client(fake)
    vertex = list(on_vertex.models.list(config={"page_size": 5}))
    assert {m.name for m in vertex} == {f"publishers/google/models/{m}" for m in fake.known_models}
    assert fake.calls("list")[-1].path == "/v1beta1/publishers/google/models"
    assert {m.version for m in vertex} == {"001"}
