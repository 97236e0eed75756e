"""Gemini as the router's second opinion: one small structured-output call, only for unsure messages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel

from bot.routing.kinds import Kind, Thread

if TYPE_CHECKING:
    from google import genai

INSTRUCTION = """You route messages sent to Curator, a Slack bot for a company. Pick exactly one kind:
- ask: a question or follow-up to answer from the company knowledge base, including questions about
  drawing or diagram tools (Figma, draw.io), docker/container/disk images, photo policies, and reactions.
- draw: a request to make a new picture (drawing, image, logo, icon, poster, illustration, ...).
- find: a request to see existing images, diagrams, screenshots or photos from the knowledge base.
- edit: an instruction to change the drawing above (only when the message replies under a drawing).
- help: a question about Curator itself (what it can do, how to use it) or a bare greeting.
Also give `text`: for draw, the picture's description without the request wording ("could you draw a fox
in the snow" -> "a fox in the snow"); for find, what to look for; for edit, the change; else "".
"""
_WHERE = {None: "a new conversation", Thread.DRAWING: "a reply under a drawing", Thread.ANSWER:
          "a reply under an answer"}


class _Opinion(BaseModel):
    kind: Literal["ask", "draw", "find", "edit", "help"]
    text: str = ""


class GeminiRouter:
    """Classifies one message with a Gemini text model under a short deadline and no retries."""

    def __init__(self, client: genai.Client, model: str, timeout_s: float) -> None:
        self._client = client
        self._model = model
        self._timeout_ms = max(1, int(timeout_s * 1000))

    def classify(self, text: str, files: int, thread: Thread | None) -> tuple[Kind, str]:
        """The model's kind and feature text; raises on a timeout, an API error or an unreadable answer."""
        from google.genai import types

        schema = types.Schema(
            type=types.Type.OBJECT, required=["kind", "text"],
            properties={"kind": types.Schema(type=types.Type.STRING, enum=[k.value for k in Kind]),
                        "text": types.Schema(type=types.Type.STRING)},
        )
        deadline = types.HttpOptions(timeout=self._timeout_ms, retry_options=types.HttpRetryOptions(attempts=1))
        config = types.GenerateContentConfig(response_mime_type="application/json", response_schema=schema,
                                             http_options=deadline)
        attached = f", with {files} image(s) attached" if files else ""
        prompt = f"{INSTRUCTION}\nThe message ({_WHERE[thread]}{attached}):\n<<<\n{text[:2000]}\n>>>"
        response = self._client.models.generate_content(model=self._model, contents=prompt, config=config)
        opinion = _Opinion.model_validate_json(response.text or "")
        return Kind(opinion.kind), opinion.text.strip()
