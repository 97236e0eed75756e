"""The fake's default answer in JSON mode: a value of the request's schema, as Gemini's controlled generation gives.

Source: Gemini API, "Structured output" (ai.google.dev/gemini-api/docs/structured-output): with
``responseMimeType: application/json`` and a ``responseSchema`` (an OpenAPI-subset ``Schema``: type OBJECT /
ARRAY / STRING / INTEGER / NUMBER / BOOLEAN, ``properties``, ``items``, ``enum``) or a ``responseJsonSchema``,
the candidate's text is JSON that follows the schema. The fake cannot read images or judge text, so its value
is canned: an enum's first value, ``true``, ``0``, one array item, and for strings the caption that
``FakeGemini.describe_image`` gave an image of the request (else ``""``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from typing import Any


def json_answer(body: dict, captions: dict[str, str]) -> str | None:
    """The JSON text for a JSON-mode request (None when the request asks for no JSON)."""
    config = body.get("generationConfig") or {}
    if not str(config.get("responseMimeType") or "").endswith("json"):
        return None
    schema = config.get("responseSchema") or config.get("responseJsonSchema") or {"type": "OBJECT"}
    return json.dumps(schema_value(schema, _caption(body, captions)))


def schema_value(schema: dict, text: str) -> Any:
    """A value that follows `schema`, with `text` for its strings."""
    if schema.get("enum"):
        return schema["enum"][0]
    kind = str(schema.get("type") or "STRING").upper()
    if kind == "OBJECT":
        return {name: schema_value(sub, text) for name, sub in (schema.get("properties") or {}).items()}
    if kind == "ARRAY":
        return [schema_value(schema.get("items") or {}, text)]
    return {"BOOLEAN": True, "INTEGER": 0, "NUMBER": 0}.get(kind, text)


def _caption(body: dict, captions: dict[str, str]) -> str:
    for content in body.get("contents") or []:
        for part in content.get("parts") or []:
            inline = part.get("inlineData") or {}
            encoded = str(inline.get("data") or "").replace("+", "-").replace("/", "_")
            try:  # standard or URL-safe base64, padded or not, as the fake's other readers take it
                data = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
            except (binascii.Error, ValueError):
                continue
            caption = captions.get(hashlib.sha256(data).hexdigest())
            if caption is not None:
                return caption
    return ""
