"""The Gemini fake speaks the wire protocol the real google-genai client expects."""

from __future__ import annotations

import math

import httpx2
import pytest
from google.genai import errors, types

from tests.fakes.gemini_api import FakeGemini
from tests.fakes.gemini_clients import api_key_client, vertex_client
from tests.fakes.images import tiny_png


@pytest.fixture
def fake():
    with FakeGemini() as f:
        yield f


def _norm(v: list[float]) -> float:
    return math.sqrt(sum(x * x for x in v))


def _cos(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b)) / (_norm(a) * _norm(b))


def test_batch_embedding_api_key(fake):
    client = api_key_client(fake)
    texts = ["How do I reset my VPN password?", "VPN password reset steps", "Lunch menu for Friday"]
    resp = client.models.embed_content(
        model="gemini-embedding-001",
        contents=[types.Content(parts=[types.Part(text=t)]) for t in texts],
        config=types.EmbedContentConfig(task_type="RETRIEVAL_DOCUMENT", title="IT FAQ",
                                        output_dimensionality=768))
    vectors = [e.values for e in resp.embeddings]
    assert [len(v) for v in vectors] == [768, 768, 768]
    assert vectors[0] == fake.embed(texts[0], 768)
    assert _cos(vectors[0], vectors[1]) > _cos(vectors[0], vectors[2])  # meaningful
    assert not math.isclose(_norm(vectors[0]), 1.0, abs_tol=1e-3)  # <3072 d: not normalised

    (call,) = fake.calls("batchEmbedContents")
    assert call.path == "/v1beta/models/gemini-embedding-001:batchEmbedContents"
    assert call.headers["x-goog-api-key"] == "test-key"
    assert [r["taskType"] for r in call.body["requests"]] == ["RETRIEVAL_DOCUMENT"] * 3
    assert {r["title"] for r in call.body["requests"]} == {"IT FAQ"}

    full = client.models.embed_content(model="gemini-embedding-001", contents="VPN",
                                       config={"task_type": "RETRIEVAL_QUERY"})
    assert math.isclose(_norm(full.embeddings[0].values), 1.0, rel_tol=1e-9)
    assert len(full.embeddings[0].values) == 3072


def test_batch_limit_and_image_parts(fake):
    client = api_key_client(fake)
    with pytest.raises(errors.ClientError) as exc:
        client.models.embed_content(model="gemini-embedding-001",
                                    contents=[f"text {i}" for i in range(101)])
    assert exc.value.code == 400 and "at most 100 requests" in exc.value.message

    png = tiny_png(2, 2, (9, 9, 9))
    fake.describe_image(png, "red bicycle")
    resp = client.models.embed_content(
        model="gemini-embedding-2",
        contents=[types.Content(parts=[types.Part.from_bytes(data=png, mime_type="image/png")])])
    assert fake.images == [("image/png", png)]
    assert resp.embeddings[0].values == fake.embed("red bicycle")


def test_vertex_embedding_with_service_account_is_one_content_per_call(monkeypatch):
    monkeypatch.setenv("NO_GCE_CHECK", "true")
    with FakeGemini(record_traffic=False) as fake:  # sends the unpublished batch call on purpose
        client = vertex_client(fake, project="proj-1", location="europe-west4")
        config = types.EmbedContentConfig(task_type="RETRIEVAL_QUERY", output_dimensionality=256)

        one = client.models.embed_content(model="gemini-embedding-001", contents="hello world",
                                          config=config)
        with pytest.raises(errors.ClientError) as exc:  # genai posts :batchEmbedContents for several
            client.models.embed_content(model="gemini-embedding-001", contents=["hello world", "goodbye"],
                                        config=config)

    assert one.embeddings[0].values == fake.embed("hello world", 256)
    assert exc.value.code == 404 and "batchEmbedContents" in exc.value.message
    assert len(fake.calls("token")) == 1
    (single,) = fake.calls("embedContent")
    prefix = "/v1beta1/projects/proj-1/locations/europe-west4/publishers/google/models/"
    assert single.path == prefix + "gemini-embedding-001:embedContent"
    assert single.headers["authorization"] == "Bearer fake-token"
    assert single.body["embedContentConfig"] == {"taskType": "RETRIEVAL_QUERY",
                                                 "outputDimensionality": 256}


def test_stream_arrives_in_several_chunks(fake):
    client = api_key_client(fake)
    prompt = "Question: what is X?\n[1] X is the internal deploy tool used by the platform team.\n[2] other"
    chunks = list(client.models.generate_content_stream(model="gemini-3.6-flash", contents=prompt))
    assert len(chunks) > 1
    text = "".join(c.text or "" for c in chunks)
    assert text == ("According to the passages, X is the internal deploy tool used by the "
                    "platform team. [1].")
    assert chunks[-1].candidates[0].finish_reason == types.FinishReason.STOP
    assert chunks[-1].usage_metadata.total_token_count > 0
    (call,) = fake.calls("streamGenerateContent")
    assert call.query == {"alt": "sse"}

    fake.set_answer("Scripted answer with enough words to stream [2].")
    fake.fail_mid_stream_next(after_chunks=1, status=503)
    stream = client.models.generate_content_stream(model="gemini-3.6-flash", contents="q")
    assert next(stream).text == "Scripted answer with enough "
    with pytest.raises(errors.ServerError) as exc:
        next(stream)
    assert exc.value.code == 503


def test_429_then_success_with_retries(fake):
    client = api_key_client(fake, retry_options=types.HttpRetryOptions(
        attempts=3, initial_delay=0.01, max_delay=0.05))
    fake.fail_next(429, times=2)
    fake.set_answer("ok")
    assert client.models.generate_content(model="gemini-3.6-flash", contents="hi").text == "ok"
    assert len(fake.calls("generateContent")) == 3

    no_retry = api_key_client(fake)
    fake.fail_next(429, retry_delay="7s")
    with pytest.raises(errors.ClientError) as exc:
        no_retry.models.generate_content(model="gemini-3.6-flash", contents="hi")
    assert exc.value.code == 429 and exc.value.status == "RESOURCE_EXHAUSTED"


def test_errors_unknown_model_bad_key_and_timeout(fake):
    client = api_key_client(fake)
    with pytest.raises(errors.ClientError) as exc:
        client.models.generate_content(model="gemini-0-nope", contents="hi")
    assert exc.value.code == 404 and exc.value.status == "NOT_FOUND"
    assert "models/gemini-0-nope is not found for API version v1beta" in exc.value.message

    fake.api_key = "another-key"
    with pytest.raises(errors.ClientError) as exc:
        client.models.generate_content(model="gemini-3.6-flash", contents="hi")
    assert exc.value.code == 400 and exc.value.message.startswith("API key not valid")
    fake.api_key = "test-key"

    fake.delay_next(1.0)
    impatient = api_key_client(fake, timeout=200)  # ms; keep a reference or genai closes it
    with pytest.raises(httpx2.TimeoutException):  # genai 3.x raises httpx2's own timeout
        impatient.models.generate_content(model="gemini-3.6-flash", contents="hi")


def test_safety_blocks_are_parsed(fake):
    client = api_key_client(fake)
    fake.block_next("SAFETY")
    resp = client.models.generate_content(model="gemini-3.6-flash", contents="bad")
    assert resp.prompt_feedback.block_reason == types.BlockedReason.SAFETY
    assert not resp.candidates and resp.text is None

    fake.block_candidate_next()
    resp = client.models.generate_content(model="gemini-3.6-flash", contents="bad")
    assert resp.candidates[0].finish_reason == types.FinishReason.SAFETY
    assert resp.text is None


def test_image_output(fake):
    client = api_key_client(fake)
    resp = client.models.generate_content(
        model="gemini-3.1-flash-image", contents="a diagram of the deploy pipeline",
        config=types.GenerateContentConfig(response_modalities=["IMAGE"]))
    images = [p.inline_data for p in resp.candidates[0].content.parts if p.inline_data]
    assert images[0].mime_type == "image/png" and images[0].data.startswith(b"\x89PNG")


def test_json_mode_answers_with_a_value_of_the_schema_like_controlled_generation(fake):
    import json

    client = api_key_client(fake)
    schema = types.Schema(type=types.Type.OBJECT, required=["kind", "text", "sure"], properties={
        "kind": types.Schema(type=types.Type.STRING, enum=["ask", "draw"]),
        "text": types.Schema(type=types.Type.STRING), "sure": types.Schema(type=types.Type.BOOLEAN)})
    config = types.GenerateContentConfig(response_mime_type="application/json", response_schema=schema)
    route = client.models.generate_content(model="gemini-3.6-flash", contents="draw a fox", config=config)
    assert json.loads(route.text) == {"kind": "ask", "text": "", "sure": True}

    picture = tiny_png()
    fake.describe_image(picture, "A fox in the snow.")
    caption = types.GenerateContentConfig(response_mime_type="application/json", response_schema=types.Schema(
        type=types.Type.OBJECT, properties={"caption": types.Schema(type=types.Type.STRING)}))
    seen = client.models.generate_content(model="gemini-3.6-flash", config=caption, contents=[
        types.Part.from_bytes(data=picture, mime_type="image/png"), "Describe the image."])
    assert json.loads(seen.text) == {"caption": "A fox in the snow."}

    fake.set_answer("not json")  # a scripted answer still wins, to test what a model that ignores the schema does
    assert client.models.generate_content(model="gemini-3.6-flash", contents="x", config=config).text == "not json"


def test_the_default_answer_quotes_the_first_passage_element():
    with FakeGemini(record_traffic=False) as fake:
        prompt = ('Question: what is X?\n<passages>\n<passage n="1" title="Deploys">\nX is the deploy tool of the '
                  'platform team, used for every release.\n</passage>\n<passage n="2" title="Other">\nno\n</passage>')
        client = api_key_client(fake)
        answer = client.models.generate_content(model="gemini-3.6-flash", contents=prompt).text
    assert answer == "According to the passages, X is the deploy tool of the platform team, used for every [1]."
