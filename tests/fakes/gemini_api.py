"""A local HTTP fake of the Google Gemini API, for tests with the REAL google-genai client.

Usage::

    with FakeGemini() as fake:
        client = genai.Client(api_key=fake.api_key,
                              http_options=types.HttpOptions(base_url=fake.base_url))
        ...
        assert fake.calls("batchEmbedContents")[0].body["requests"][0]["taskType"] == "RETRIEVAL_DOCUMENT"

Vertex mode: ``genai.Client(vertexai=True, project="p", location="us-central1",
credentials=service_account_credentials(fake), http_options=HttpOptions(base_url=fake.base_url))``
(see ``gemini_clients.py``; set ``NO_GCE_CHECK=true``).

Paths (model ids may be URL-encoded, e.g. ``imagegeneration%40006``):
  API key: ``/{v1|v1beta}/models/{model}:{op}``  header ``x-goog-api-key`` (or ``?key=``)
  Vertex:  ``/{v1|v1beta1}/projects/{p}/locations/{l}/publishers/google/models/{model}:{op}``
           header ``Authorization: Bearer fake-token``
  ``GET`` of a model path without ``:{op}`` is ``models.get`` (a generativelanguage ``Model`` with
  ``supportedGenerationMethods``; on Vertex a ``PublisherModel`` at ``/v1beta1/publishers/google/models/{model}``,
  without project/location); ``GET /{version}/models`` and ``GET /v1beta1/publishers/google/models`` are
  ``models.list``, paged with ``pageSize``/``pageToken`` -> ``nextPageToken`` (see ``gemini_models.py``).
  ``POST /token``: OAuth token endpoint for service-account credentials.

The published contract (``contract/``): only the versions Google publishes exist (API key v1, v1beta;
Vertex v1, v1beta1; others are 404), an op the version's protos lack is 404 (Vertex has no
``batchEmbedContents``), and every body is checked against the version's field lists generated from
Google's protos: an unknown field is ``400 INVALID_ARGUMENT`` ``Invalid JSON payload received. Unknown name
"systemInstruction": Cannot find field.`` with a ``google.rpc.BadRequest`` detail (see
``contract/validate.py`` for every rule and its source). Every request is also kept in ``TRAFFIC`` (unless
``record_traffic=False``, for tests that send bad bodies on purpose), which conftest re-checks at the end
of the session. Retired models (``gemini_models.RETIRED``: Gemini 2.5 Flash/Pro, 2.0 Flash,
gemini-2.5-flash-image, ``*-preview`` image ids, Imagen, text-embedding-004) are 404 NOT_FOUND on every op
unless a test adds them to ``known_models`` (an account that still has one).

Ops: ``batchEmbedContents``, ``embedContent``, ``generateContent``, ``streamGenerateContent``
(SSE, ``?alt=sse``), ``countTokens``, ``predict`` (Imagen images, ``multimodalembedding@001``, or legacy
text embeddings if instances carry ``content``). Calling an embedding model with a generate op (or
vice versa) is a 404, like Google; ``IMAGE`` output from a text model and JSON mode on an image model are
400 (cookbook#1028: "JSON mode is not enabled for this model").

Errors use Google's shape ``{"error": {"code", "message", "status"[, "details"]}}``:
  missing API key -> 403 PERMISSION_DENIED; wrong key -> 400 INVALID_ARGUMENT (API_KEY_INVALID);
  bad/missing Vertex token -> 401 UNAUTHENTICATED; unknown model -> 404 NOT_FOUND;
  > 100 requests in one batch -> 400 INVALID_ARGUMENT.

Embeddings are a deterministic hashed bag of words (+ word bigrams, stop words down-weighted),
so texts sharing words are close. Image parts are hashed by their bytes, unless the test maps
them to a caption with :meth:`FakeGemini.describe_image`. The full-size vector (``embedding_dim``,
3072) is unit length; smaller ``outputDimensionality`` vectors are scaled by a text-dependent
factor in [0.5, 0.9) (NOT unit), like the real API. Task type does not change the vector.
:meth:`FakeGemini.embed` returns exactly what the fake would answer.

Vertex ``multimodalembedding@001`` (aiplatform ``MultiModalEmbeddingModel``, ``:predict``): instances
``[{"text"?, "image"?: {"bytesBase64Encoded"}}]``, ``parameters.dimension`` in 128/256/512/1408
(default 1408; aiplatform sends it as a float) -> ``{"predictions": [{"imageEmbedding"?,
"textEmbedding"?}]}`` with ``imageEmbedding == embed("", dim, [image bytes])`` and ``textEmbedding ==
embed(text, dim)`` (NOT unit length), so an image given a caption with ``describe_image`` lands on
that caption's text. Received images are recorded in ``images`` (mime type None).

Programming it (one-shot ``*_next`` calls queue up; ``op=`` restricts them to one op):
  ``fail_next(status, times, message, op, retry_delay)``, ``delay_next(seconds, times, op)``,
  ``set_answer(text | callable(body)->str | None)``, ``block_next(reason, times)``,
  ``block_candidate_next(reason, times)``, ``fail_mid_stream_next(after_chunks, status, message)``,
  ``omit_image_next(times)`` (answer text only although IMAGE was asked for),
  ``set_imagen_mode("ok" | "filtered" | "partial" | "empty", reason)``,
  attributes ``known_models``, ``stream_chunk_words``, ``stream_chunk_delay``, ``access_token``.
Inspection: ``peak_concurrency(op)`` (most requests of an op served at once), ``requests`` (every request, a :class:`RecordedRequest` with method, path, query,
headers (lower-case), body, op, model, vertex, texts), ``calls(op)`` (op may also be "token" or
"get"), ``images`` (mime type, decoded bytes) of image parts received, ``reset()``.
Helpers: ``tiny_png()``, ``unit_embedding()``, ``error_body()``.

What google-genai 3.6 sends (seen against this fake):
  API key, ``embed_content`` (one string, a list, or Contents): always ``:batchEmbedContents``,
    ``{"requests": [{"content", "taskType", "title", "outputDimensionality", "model"}]}``.
  Vertex, one content: ``:embedContent`` ``{"content", "embedContentConfig": {...}}``; several
    (gemini models): ``:batchEmbedContents`` ``{"requests": [{"content", "embedContentConfig"}]}``
    (no per-request model); non-gemini models (text-embedding-005): ``:predict``.
  ``gemini-embedding-2`` + a list of *strings* -> ONE content with several parts (one vector);
    wrap each text in its own ``types.Content`` to get one vector per text.
  Streaming: ``POST ...:streamGenerateContent?alt=sse``, same body as generateContent.

Default answer (no ``set_answer``): ``"According to the passages, <first 12 words of the first
``<passage …>`` element, or after the first '[1]', in the user turns (or of the last user turn)> [1]."``;
in JSON mode (``responseMimeType`` application/json) a value of the request's schema instead
(``structured.py``). If ``generationConfig.
responseModalities`` contains ``IMAGE``, the answer also carries an ``inlineData`` PNG part.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import math
import re
import socket
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qsl, unquote, urlsplit

from . import gemini_models
from .contract.validate import bad_request_details, contract, error_message
from .images import tiny_png
from .structured import json_answer

ACCESS_TOKEN = "fake-token"
MAX_BATCH = 100

DEFAULT_MODELS = frozenset(model.model_id for model in gemini_models.CURRENT)
TRAFFIC: list[RecordedRequest] = []  # every request of every fake with record_traffic (re-checked at the end)
_TRAFFIC_LOCK = threading.Lock()
MULTIMODAL_DIMS = (128, 256, 512, 1408)

STATUS_NAMES = {
    400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
    409: "ABORTED", 429: "RESOURCE_EXHAUSTED", 499: "CANCELLED", 500: "INTERNAL",
    501: "NOT_IMPLEMENTED", 503: "UNAVAILABLE", 504: "DEADLINE_EXCEEDED",
}
DEFAULT_MESSAGES = {
    429: "Resource has been exhausted (e.g. check quota).",
    500: "An internal error has occurred. Please retry or report in "
         "https://developers.generativeai.google/guide/troubleshooting",
    503: "The model is overloaded. Please try again later.",
    504: "Deadline expired before operation could complete.",
}

_API_KEY_PATH = re.compile(r"^/(v\w+)/models(?:/([^/:]+)(?::([A-Za-z]+))?)?$")
_VERTEX_PATH = re.compile(
    r"^/(v\w+)/(?:projects/([^/]+)/locations/([^/]+)/)?publishers/google/models(?:/([^/:]+)"
    r"(?::([A-Za-z]+))?)?$")
_PATH_FIELD = re.compile(r"\{(\w+)=")
_EMBED_OPS = {"batchEmbedContents", "embedContent"}
_GENERATE_OPS = {"generateContent", "streamGenerateContent"}
_WORD = re.compile(r"\w+")
_STOP_WORDS = frozenset([
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "how", "i",
    "in", "is", "it", "its", "of", "on", "or", "that", "the", "this", "to", "was", "were",
    "what", "when", "where", "which", "who", "why", "will", "with", "you", "your"
])


class _Reply(Exception):
    """Raised inside a handler to answer with a Google-style error."""

    def __init__(self, status: int, message: str, details: list | None = None):
        super().__init__(message)
        self.status, self.message, self.details = status, message, details


def error_body(status: int, message: str | None = None, details: list | None = None) -> dict:
    """Google's error JSON: ``{"error": {"code", "message", "status"[, "details"]}}``."""
    err: dict[str, Any] = {
        "code": status,
        "message": message or DEFAULT_MESSAGES.get(status, f"Fake error {status}."),
        "status": STATUS_NAMES.get(status, "UNKNOWN"),
    }
    if details:
        err["details"] = details
    return {"error": err}


# ----------------------------------------------------------------------------- helpers


def _png_for(prompt: str) -> bytes:
    d = hashlib.sha256(prompt.encode()).digest()
    return tiny_png(rgb=(d[0], d[1], d[2]))


def _b64decode(data: str) -> bytes:
    """Decodes standard or URL-safe base64, with or without padding."""
    data = data.replace("+", "-").replace("/", "_")
    return base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))


def _texts(obj: Any) -> list[str]:
    """All ``text`` string values nested anywhere in obj, in order."""
    if isinstance(obj, dict):
        out = [obj["text"]] if isinstance(obj.get("text"), str) else []
        for k, v in obj.items():
            if k != "text":
                out += _texts(v)
        return out
    if isinstance(obj, list):
        return [t for item in obj for t in _texts(item)]
    return []


def _hash_int(s: str) -> int:
    return int.from_bytes(hashlib.blake2b(s.encode(), digest_size=8).digest(), "big")


def unit_embedding(text: str = "", dim: int = 3072, extra_features: Iterable[str] = ()) -> list[float]:
    """Deterministic unit-length hashed bag-of-words (+ bigrams) vector of ``dim`` floats."""
    words = _WORD.findall(text.lower())
    feats = [(w, 0.3 if w in _STOP_WORDS else 1.0) for w in words]
    feats += [(f"{a} {b}", 0.5) for a, b in itertools.pairwise(words)]
    feats += [(f, 3.0) for f in extra_features]
    feats.append(("\x00bias", 0.1))  # never a zero vector
    vec = [0.0] * dim
    for feat, weight in feats:
        digest = hashlib.blake2b(feat.encode(), digest_size=32).digest()
        for i in range(4):  # each feature lands on 4 signed coordinates
            h = int.from_bytes(digest[8 * i: 8 * i + 8], "big")
            vec[h % dim] += weight if (h >> 63) else -weight
    norm = math.sqrt(sum(v * v for v in vec))
    return [v / norm for v in vec]


@dataclass
class RecordedRequest:
    method: str
    path: str                 # without the query string, as sent (not URL-decoded)
    query: dict[str, str]
    headers: dict[str, str]   # lower-case keys
    body: Any                 # parsed JSON (or form dict for /token), None if empty
    op: str | None = None     # "generateContent", ..., "token", "get", "list"
    model: str | None = None  # URL-decoded model id, e.g. "gemini-embedding-001"
    vertex: bool = False
    version: str | None = None  # the API version of the path: "v1beta", "v1beta1", ...

    @property
    def family(self) -> str:
        """Which contract applies: "vertex" or "gemini" (API key)."""
        return "vertex" if self.vertex else "gemini"

    @property
    def texts(self) -> list[str]:
        """Every ``text`` value in the body (contents, systemInstruction, ...)."""
        return _texts(self.body)


@dataclass
class _Action:
    kind: str
    op: str | None = None
    args: dict = field(default_factory=dict)


# ----------------------------------------------------------------------------- the fake


class FakeGemini:
    def __init__(self, api_key: str = "test-key", embedding_dim_default: int = 3072,
                 models: Iterable[str] | None = None, record_traffic: bool = True):
        self.api_key = api_key
        self.record_traffic = record_traffic
        self.embedding_dim = embedding_dim_default
        self.access_token = ACCESS_TOKEN
        self._jwt_keys: dict[str, Any] = {}
        self.known_models: set[str] = set(DEFAULT_MODELS if models is None else models)
        self.requests: list[RecordedRequest] = []
        self.images: list[tuple[str, bytes]] = []     # (mime type, decoded bytes) of image parts
        self.answer: str | Callable[[dict], str] | None = None
        self.stream_chunk_words = 4
        self.stream_chunk_delay = 0.0
        self.imagen_mode = "ok"
        self.imagen_rai_reason = ("Unable to show generated images. All images were filtered out "
                                  "because they violated Vertex AI's usage guidelines.")
        self._image_captions: dict[str, str] = {}
        self._actions: list[_Action] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._connections: set[socket.socket] = set()
        self._count = 0
        self._inflight: dict[str, int] = {}
        self._peak: dict[str, int] = {}

    # -- lifecycle

    def start(self) -> FakeGemini:
        self._stop.clear()
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = _QuietServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        daemon=True, name="FakeGemini")
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()  # wakes delayed handlers
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        with self._lock:  # drop keep-alive connections so nothing is served after stop()
            for conn in self._connections:
                try:
                    conn.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            self._connections.clear()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        assert self._server, "FakeGemini is not running"
        return f"http://127.0.0.1:{self._server.server_address[1]}/"

    @property
    def token_uri(self) -> str:
        return self.base_url + "token"

    # -- inspection

    def calls(self, op: str) -> list[RecordedRequest]:
        with self._lock:
            return [r for r in self.requests if r.op == op]

    def reset(self) -> None:
        """Forgets recorded requests, images and pending one-shot actions."""
        with self._lock:
            self.requests.clear()
            self.images.clear()
            self._actions.clear()

    # -- programming

    def _queue(self, kind: str, times: int, op: str | None = None, **args: Any) -> None:
        with self._lock:
            self._actions += [_Action(kind, op, args) for _ in range(times)]

    def fail_next(self, status: int, times: int = 1, message: str | None = None,
                  op: str | None = None, retry_delay: str | None = None) -> None:
        """The next ``times`` model requests (of ``op``, if given) answer ``status``.
        ``retry_delay`` (e.g. "7s") adds a google.rpc.RetryInfo detail, as real 429s carry."""
        self._queue("fail", times, op, status=status, message=message, retry_delay=retry_delay)

    def delay_next(self, seconds: float, times: int = 1, op: str | None = None) -> None:
        """Sleep ``seconds`` before answering the next ``times`` model requests."""
        self._queue("delay", times, op, seconds=seconds)

    def set_answer(self, text: str | Callable[[dict], str] | None) -> None:
        """Answer text for (stream)generateContent; a callable gets the request body;
        None restores the default answer."""
        self.answer = text

    def block_next(self, reason: str = "SAFETY", times: int = 1) -> None:
        """Next generate calls: ``promptFeedback.blockReason`` and no candidates."""
        self._queue("block", times, None, reason=reason)

    def block_candidate_next(self, reason: str = "SAFETY", times: int = 1) -> None:
        """Next generate calls: one candidate with ``finishReason`` = reason and no content."""
        self._queue("block_candidate", times, None, reason=reason)

    def omit_image_next(self, times: int = 1) -> None:
        """Next generate calls asking for IMAGE answer with text only (finishReason STOP), as an
        image model does when it declines in words; combine with ``set_answer`` for the text."""
        self._queue("no_image", times, None)

    def fail_mid_stream_next(self, after_chunks: int = 1, status: int = 500,
                             message: str | None = None) -> None:
        """Next streamGenerateContent sends ``after_chunks`` chunks, then
        ``data: {"error": {...}}`` and ends the stream (genai raises APIError)."""
        self._queue("mid_stream", 1, "streamGenerateContent", after_chunks=after_chunks,
                    status=status, message=message)

    def garble_next(self, body: str, times: int = 1, op: str | None = None) -> None:
        """The next ``times`` model requests (of ``op``, if given) get HTTP 200 with ``body`` as it is: a
        malformed or empty answer (for a stream, ``body`` is the one event's data)."""
        self._queue("garble", times, op, body=body)

    def set_imagen_mode(self, mode: str, reason: str | None = None) -> None:
        """``:predict`` image answers: "ok" (sampleCount PNGs), "filtered" (only
        ``raiFilteredReason`` items, or ``{}`` without includeRaiReason), "partial" (first image
        ok, the rest filtered), "empty" (``{}``)."""
        assert mode in ("ok", "filtered", "partial", "empty"), mode
        self.imagen_mode = mode
        if reason:
            self.imagen_rai_reason = reason

    def describe_image(self, image: bytes, text: str) -> None:
        """Make this image embed like ``text`` (for text-to-image retrieval tests)."""
        self._image_captions[hashlib.sha256(image).hexdigest()] = text

    def _take(self, kind: str, op: str | None) -> _Action | None:
        with self._lock:
            for i, action in enumerate(self._actions):
                if action.kind == kind and action.op in (None, op):
                    return self._actions.pop(i)
        return None

    # -- embeddings

    def embed(self, text: str = "", dim: int | None = None, images: Iterable[bytes] = ()) -> list[float]:
        """Exactly the vector the fake returns for this text (+ images) at ``dim``."""
        dim = dim or self.embedding_dim
        feats, words = [], [text]
        for image in images:
            caption = self._image_captions.get(hashlib.sha256(image).hexdigest())
            if caption is None:
                feats.append("image:" + hashlib.sha256(image).hexdigest())
            else:
                words.append(caption)
        vec = unit_embedding(" ".join(words), dim, feats)
        if dim != self.embedding_dim:  # like Google: only the full size is normalised
            scale = 0.5 + (_hash_int(" ".join(words) + "".join(feats)) % 400) / 1000
            vec = [v * scale for v in vec]
        return vec

    def _embed_content(self, content: Any, dim: Any) -> list[float]:
        if dim is None:
            dim = self.embedding_dim
        if isinstance(dim, float) and dim.is_integer():  # aiplatform sends numbers as floats
            dim = int(dim)
        if not isinstance(dim, int) or not 1 <= dim <= self.embedding_dim:
            raise _Reply(400, f"Invalid value at 'output_dimensionality' ({dim}): must be "
                              f"between 1 and {self.embedding_dim}.")
        if isinstance(content, str):  # legacy :predict instances carry a plain string
            return self.embed(content, dim)
        if not isinstance(content, dict) or not content.get("parts"):
            raise _Reply(400, "* EmbedContentRequest.content: contents is not specified\n")
        texts, images = [], []
        for part in content["parts"]:
            if "text" in part:
                texts.append(part["text"])
            inline = part.get("inlineData") or part.get("inline_data")
            if inline:
                data = _b64decode(inline["data"])
                images.append(data)
                with self._lock:
                    self.images.append((inline.get("mimeType") or inline.get("mime_type"), data))
            file_data = part.get("fileData") or part.get("file_data")
            if file_data:
                images.append((file_data.get("fileUri") or file_data.get("file_uri", "")).encode())
        return self.embed(" ".join(texts), dim, images)

    def _op_batch_embed(self, req: RecordedRequest) -> dict:
        items = (req.body or {}).get("requests") or []
        if len(items) > MAX_BATCH:
            raise _Reply(400, f"* BatchEmbedContentsRequest.requests: at most {MAX_BATCH} "
                              "requests can be in one batch\n")
        out = []
        for item in items:
            config = item.get("embedContentConfig") or item  # Vertex nests the config
            out.append({"values": self._embed_content(item.get("content"),
                                                      config.get("outputDimensionality"))})
        return {"embeddings": out}

    def _op_embed(self, req: RecordedRequest) -> dict:
        body = req.body or {}
        config = body.get("embedContentConfig") or body
        values = self._embed_content(body.get("content"), config.get("outputDimensionality"))
        tokens = len(_WORD.findall(" ".join(_texts(body.get("content")))))
        return {"embedding": {"values": values}, "truncated": False,
                "usageMetadata": {"promptTokenCount": tokens, "totalTokenCount": tokens}}

    # -- generation

    def _answer_text(self, body: dict) -> str:
        if callable(self.answer):
            return self.answer(body)
        if self.answer is not None:
            return self.answer
        structured = json_answer(body, self._image_captions)
        if structured is not None:
            return structured
        user_turns = [c for c in body.get("contents") or [] if c.get("role", "user") == "user"]
        joined = "\n".join(t for c in user_turns for t in _texts(c))
        passage = re.search(r"<passage\b[^>]*>(.*?)</passage>", joined, re.DOTALL)
        if passage:
            source = passage.group(1)
        elif "[1]" in joined:
            source = joined.split("[1]", 1)[1].split("[2]", 1)[0]
        else:
            source = " ".join(_texts(user_turns[-1:]))
        return f"According to the passages, {' '.join(source.split()[:12])} [1]."

    def _generate(self, req: RecordedRequest) -> list[dict]:
        """The response chunks (one for generateContent)."""
        body = req.body or {}
        prompt_tokens = len(" ".join(_texts(body.get("contents"))).split())
        usage = {"promptTokenCount": prompt_tokens, "totalTokenCount": prompt_tokens}
        base = {"modelVersion": req.model, "responseId": f"fake-{self._count}"}
        block = self._take("block", req.op)
        if block:
            return [{"promptFeedback": {"blockReason": block.args["reason"], "safetyRatings": [
                {"category": "HARM_CATEGORY_DANGEROUS_CONTENT", "probability": "HIGH",
                 "blocked": True}]}, "usageMetadata": usage, **base}]
        block = self._take("block_candidate", req.op)
        if block:
            return [{"candidates": [{"finishReason": block.args["reason"], "index": 0,
                                     "safetyRatings": [{"category": "HARM_CATEGORY_HARASSMENT",
                                                        "probability": "HIGH", "blocked": True}]}],
                     "usageMetadata": usage, **base}]
        text = self._answer_text(body)
        pieces = [p for p in re.findall(r"\S*\s*", text) if p]
        n = max(1, self.stream_chunk_words) if req.op == "streamGenerateContent" else len(pieces) or 1
        texts = ["".join(pieces[i:i + n]) for i in range(0, len(pieces), n)] or [""]
        chunks = [{"candidates": [{"content": {"role": "model", "parts": [{"text": t}]},
                                   "index": 0}], **base} for t in texts]
        modalities = (body.get("generationConfig") or {}).get("responseModalities") or []
        if "IMAGE" in modalities and self._take("no_image", req.op) is None:
            png = _png_for(" ".join(_texts(body.get("contents"))))
            chunks[-1]["candidates"][0]["content"]["parts"].append(
                {"inlineData": {"mimeType": "image/png", "data": base64.b64encode(png).decode()}})
        out_tokens = len(text.split())
        chunks[-1]["candidates"][0]["finishReason"] = "STOP"
        chunks[-1]["usageMetadata"] = {"promptTokenCount": prompt_tokens,
                                       "candidatesTokenCount": out_tokens,
                                       "totalTokenCount": prompt_tokens + out_tokens}
        return chunks

    # -- predict (Imagen, multimodal and legacy text embeddings)

    def _op_predict(self, req: RecordedRequest) -> dict:
        body = req.body or {}
        instances = body.get("instances") or []
        params = body.get("parameters") or {}
        if (req.model or "").startswith("multimodalembedding"):
            return {"predictions": [self._multimodal(inst, params) for inst in instances]}
        if _is_embedding_model(req.model):
            return {"predictions": [{"embeddings": {
                "values": self._embed_content(inst.get("content"), params.get("outputDimensionality")),
                "statistics": {"token_count": len(str(inst.get("content", "")).split()),
                               "truncated": False}}} for inst in instances]}
        prompt = (instances[0] if instances else {}).get("prompt", "")
        count = int(params.get("sampleCount", 4))
        filtered = {"raiFilteredReason": self.imagen_rai_reason}
        mime = (params.get("outputOptions") or {}).get("mimeType", "image/png")

        def image(i: int) -> dict:
            png = _png_for(f"{prompt}#{i}")
            return {"bytesBase64Encoded": base64.b64encode(png).decode(), "mimeType": mime}

        if self.imagen_mode == "empty":
            return {}
        if self.imagen_mode == "filtered":
            return {"predictions": [filtered]} if params.get("includeRaiReason") else {}
        if self.imagen_mode == "partial":
            rest = [filtered] if params.get("includeRaiReason") and count > 1 else []
            return {"predictions": [image(0)] + rest}
        return {"predictions": [image(i) for i in range(count)]}

    def _multimodal(self, instance: dict, params: dict) -> dict:
        dim = params.get("dimension", 1408)
        if dim not in MULTIMODAL_DIMS:  # 512.0 == 512
            raise _Reply(400, f"Invalid dimension {dim}: must be one of {list(MULTIMODAL_DIMS)}.")
        dim = int(dim)
        out = {}
        image = instance.get("image")
        if image:
            if "bytesBase64Encoded" not in image:
                raise _Reply(400, "Image must carry bytesBase64Encoded or gcsUri.")
            data = _b64decode(image["bytesBase64Encoded"])
            with self._lock:
                self.images.append((image.get("mimeType"), data))
            out["imageEmbedding"] = self.embed("", dim, [data])
        if "text" in instance:
            out["textEmbedding"] = self.embed(instance["text"], dim)
        if not out:
            raise _Reply(400, "At least one of text, image or video must be given.")
        return out

    # -- dispatch (called by the handler thread)

    def _handle(self, handler: _Handler) -> None:
        url = urlsplit(handler.path)
        raw = handler.rfile.read(int(handler.headers.get("Content-Length") or 0))
        headers = {k.lower(): v for k, v in handler.headers.items()}
        body: Any = None
        if raw:
            if "x-www-form-urlencoded" in headers.get("content-type", ""):
                body = dict(parse_qsl(raw.decode()))
            else:
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = raw.decode("utf-8", "replace")
        req = RecordedRequest(handler.command, url.path, dict(parse_qsl(url.query)), headers, body)
        m_key, m_vertex = _API_KEY_PATH.match(url.path), _VERTEX_PATH.match(url.path)
        if m_key:
            req.version, req.model, req.op = m_key[1], m_key[2] and unquote(m_key[2]), m_key[3]
        elif m_vertex:
            req.version, req.model, req.op, req.vertex = m_vertex[1], m_vertex[4] and unquote(m_vertex[4]), m_vertex[5], True
        elif url.path == "/token":
            req.op = "token"
        if (m_key or m_vertex) and req.op is None and handler.command == "GET":
            req.op = "get" if req.model else "list"
        with self._lock:
            self.requests.append(req)
            self._count += 1
        if self.record_traffic and req.version:
            with _TRAFFIC_LOCK:
                TRAFFIC.append(req)
        self._enter(req.op)
        try:
            if req.op == "token" and handler.command == "POST":
                return handler.send_json(200, {"access_token": self.access_token,
                                               "expires_in": 3600, "token_type": "Bearer"})
            if req.op is None:
                raise _Reply(404, f"Method not found: {handler.command} {url.path}")
            self._check_auth(req, bool(m_vertex))
            delay = self._take("delay", req.op)
            if delay:
                self._stop.wait(delay.args["seconds"])
            fail = self._take("fail", req.op)
            if fail:
                details = None
                if fail.args["retry_delay"]:
                    details = [{"@type": "type.googleapis.com/google.rpc.RetryInfo",
                                "retryDelay": fail.args["retry_delay"]}]
                raise _Reply(fail.args["status"], fail.args["message"], details)
            self._check_contract(req)
            garble = self._take("garble", req.op)
            if garble:
                return handler.send_raw(garble.args["body"], sse=req.op == "streamGenerateContent")
            if req.op == "list":
                return handler.send_json(200, self._model_list(req))
            self._check_model(req, m_vertex)
            if req.op == "get":
                return handler.send_json(200, self._model_resource(req))
            if req.op == "countTokens":
                return handler.send_json(200, {"totalTokens": len(_WORD.findall(" ".join(req.texts))) or 1})
            if req.op in _GENERATE_OPS:
                self._check_generation(req)
            if req.op == "streamGenerateContent":
                return self._stream(handler, req)
            if req.op == "generateContent":
                return handler.send_json(200, self._generate(req)[0])
            ops = {"batchEmbedContents": self._op_batch_embed, "embedContent": self._op_embed,
                   "predict": self._op_predict}
            handler.send_json(200, ops[req.op](req))
        except _Reply as reply:
            handler.send_json(reply.status, error_body(reply.status, reply.message, reply.details))
        finally:
            with self._lock:
                self._inflight[req.op or ""] -= 1

    def _enter(self, op: str | None) -> None:
        with self._lock:
            self._inflight[op or ""] = self._inflight.get(op or "", 0) + 1
            self._peak[op or ""] = max(self._peak.get(op or "", 0), self._inflight[op or ""])

    def peak_concurrency(self, op: str) -> int:
        """The most requests of `op` this fake has served at the same time."""
        with self._lock:
            return self._peak.get(op, 0)

    def trust_service_account(self, email: str, private_key_pem: str) -> None:
        """Accept self-signed JWTs of this service account (what gapic clients such as aiplatform send)."""
        from cryptography.hazmat.primitives import serialization

        key = serialization.load_pem_private_key(private_key_pem.encode(), password=None)
        self._jwt_keys[email] = key.public_key()

    def _valid_self_signed_jwt(self, token: str) -> bool:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding

        try:
            header, payload, signature = token.split(".")
            claims = json.loads(_b64decode(payload))
            key = self._jwt_keys[claims["iss"]]
            key.verify(_b64decode(signature), f"{header}.{payload}".encode(), padding.PKCS1v15(), hashes.SHA256())
        except (ValueError, KeyError, InvalidSignature, json.JSONDecodeError):
            return False
        return claims.get("exp", 0) > time.time()

    def _check_auth(self, req: RecordedRequest, vertex: bool) -> None:
        if vertex:
            bearer = req.headers.get("authorization", "").removeprefix("Bearer ")
            if bearer != self.access_token and not self._valid_self_signed_jwt(bearer):
                raise _Reply(401, "Request had invalid authentication credentials. Expected OAuth 2 "
                                  "access token, login cookie or other valid authentication "
                                  "credential. See https://developers.google.com/identity/sign-in/"
                                  "web/devconsole-project.")
            return
        key = req.headers.get("x-goog-api-key") or req.query.get("key")
        if not key:
            raise _Reply(403, "Method doesn't allow unregistered callers (callers without "
                              "established identity). Please use API Key or other form of API "
                              "consumer identity to call this API.")
        if key != self.api_key:
            message = "API key not valid. Please pass a valid API key."
            raise _Reply(400, message, [
                {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID",
                 "domain": "googleapis.com",
                 "metadata": {"service": "generativelanguage.googleapis.com"}},
                {"@type": "type.googleapis.com/google.rpc.LocalizedMessage", "locale": "en-US",
                 "message": message}])

    def _check_contract(self, req: RecordedRequest) -> None:
        """404 for a version or method Google doesn't publish; 400 for a body its protos reject."""
        published = contract(req.family, req.version or "")
        if published is None:
            raise _Reply(404, f"API version {req.version} is not found.")
        method = published.methods.get(req.op or "")
        if method is None:
            raise _Reply(404, f"Method not found: {req.op} is not in {published.source}.")
        bound = frozenset(f for rule in method["http"] for f in _PATH_FIELD.findall(rule["uri"]))
        violations = published.check(req.op or "", req.body, bound)
        if violations:
            raise _Reply(400, error_message(violations), bad_request_details(violations) or None)

    def _check_generation(self, req: RecordedRequest) -> None:
        """What a model refuses although the fields exist: IMAGE output from a text model, JSON mode from
        an image model (google-gemini/cookbook#1028)."""
        config = (req.body or {}).get("generationConfig") or (req.body or {}).get("generation_config") or {}
        kind = gemini_models.kind_of(req.model or "")
        if "IMAGE" in (config.get("responseModalities") or []) and kind != gemini_models.IMAGE:
            raise _Reply(400, "Model does not support the requested response modalities: image")
        if kind == gemini_models.IMAGE and (config.get("responseMimeType") or "").endswith("json"):
            raise _Reply(400, "JSON mode is not enabled for this model")

    def _check_model(self, req: RecordedRequest, m_vertex: re.Match | None) -> None:
        model, op = req.model or "", req.op
        kind = gemini_models.kind_of(model)
        supported = model in self.known_models and (
            op == "get"
            or (op in _EMBED_OPS and kind == gemini_models.EMBEDDING)
            or (op in _GENERATE_OPS | {"countTokens"} and kind in (gemini_models.TEXT, gemini_models.IMAGE))
            or (op == "predict" and kind in (gemini_models.IMAGEN, gemini_models.EMBEDDING,
                                             gemini_models.MULTIMODAL)))
        if supported:
            return
        if m_vertex:
            where = f"projects/{m_vertex[2]}/locations/{m_vertex[3]}/" if m_vertex[2] else ""
            raise _Reply(404, f"Publisher Model `{where}publishers/google/models/{model}` was "
                              "not found or your project does not have access to it. Please "
                              "ensure you are using a valid model version. For more information, "
                              "see: https://cloud.google.com/vertex-ai/generative-ai/docs/learn/"
                              "model-versions")
        version = req.path.split("/")[1]
        raise _Reply(404, f"models/{model} is not found for API version {version}, or is not "
                          f"supported for {op}. Call ListModels to see the list of available "
                          "models and their supported methods.")

    def _model_resource(self, req: RecordedRequest) -> dict:
        model = req.model or ""
        return gemini_models.vertex_resource(model) if req.vertex else gemini_models.api_key_resource(model)

    def _model_list(self, req: RecordedRequest) -> dict:
        """models.list: the models this account can use, in a stable order, one page at a time."""
        try:
            return gemini_models.page(sorted(self.known_models), req.query.get("pageSize"),
                                      req.query.get("pageToken"), req.vertex)
        except ValueError as exc:
            raise _Reply(400, f"Invalid page token or size: {exc}") from exc

    def _stream(self, handler: _Handler, req: RecordedRequest) -> None:
        mid = self._take("mid_stream", req.op)
        chunks = self._generate(req)
        if mid:
            chunks = chunks[:mid.args["after_chunks"]] + [
                error_body(mid.args["status"], mid.args["message"])]
        handler.send_sse(chunks, self.stream_chunk_delay, self._stop)


class _QuietServer(ThreadingHTTPServer):
    """A client that gives up mid-response (a timeout test) is expected, not an error to print."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass


def _is_embedding_model(model: str | None) -> bool:
    return "embedding" in (model or "")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, chunked SSE
    fake: FakeGemini

    def setup(self) -> None:
        super().setup()
        with self.fake._lock:
            self.fake._connections.add(self.connection)

    def finish(self) -> None:
        with self.fake._lock:
            self.fake._connections.discard(self.connection)
        super().finish()

    def do_POST(self) -> None:
        self._run()

    def do_GET(self) -> None:
        self._run()

    def _run(self) -> None:
        try:
            self.fake._handle(self)
        except (BrokenPipeError, ConnectionResetError):  # client gave up (timeout tests)
            self.close_connection = True

    def send_json(self, status: int, obj: Any) -> None:
        data = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def send_raw(self, body: str, sse: bool = False) -> None:
        data = (f"data: {body}\r\n\r\n" if sse else body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream" if sse else "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def send_sse(self, events: list[dict], delay: float, stop: threading.Event) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for i, event in enumerate(events):
            if i and delay:
                stop.wait(delay)
            data = f"data: {json.dumps(event)}\r\n\r\n".encode()
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            self.wfile.flush()
        self.wfile.write(b"0\r\n\r\n")

    def log_message(self, format: str, *args: Any) -> None:  # keep pytest output clean
        pass
