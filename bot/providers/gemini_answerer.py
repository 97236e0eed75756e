"""Grounded answers from Gemini, streamed with generate_content_stream."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from bot.errors import AnswerBlocked, ModelNotFound
from bot.providers.google_client import google_errors
from bot.providers.prompts import SYSTEM_INSTRUCTION, build_user_prompt
from bot.types import Passage, Turn

if TYPE_CHECKING:
    from google import genai

    from bot.providers.models import ModelCatalog

BLOCKED_FINISH_REASONS = {"SAFETY", "PROHIBITED_CONTENT", "BLOCKLIST", "SPII", "RECITATION", "IMAGE_SAFETY"}


class GeminiAnswerer:
    """Answers only from the numbered passages and cites them as [n].

    No sampling parameters: temperature/top_p/top_k are deprecated from gemini-3.6-flash on (Gemini API
    changelog, 2026-07-21), so every model answers with its own defaults.
    """

    def __init__(self, client: genai.Client, model: str, catalog: ModelCatalog | None = None) -> None:
        self._client = client
        self._catalog = catalog
        self.model = model

    def stream_answer(
        self, question: str, passages: Sequence[Passage], history: Sequence[Turn] = ()
    ) -> Iterator[str]:
        """Yield answer text as Gemini streams it; raise AnswerBlocked on a safety block."""
        from google.genai import types

        contents = [
            types.Content(role="model" if turn.role == "assistant" else "user", parts=[types.Part(text=turn.text)])
            for turn in history
        ]
        contents.append(types.Content(role="user", parts=[types.Part(text=build_user_prompt(question, passages))]))
        config = types.GenerateContentConfig(system_instruction=SYSTEM_INSTRUCTION)
        if self._catalog is not None:
            self._catalog.require(self.model, "text", "ANSWER_MODEL")
        produced = False
        try:
            with google_errors("Answering", self.model):
                for chunk in self._client.models.generate_content_stream(
                    model=self.model, contents=contents, config=config
                ):
                    _raise_if_blocked(chunk)
                    if chunk.text:
                        produced = True
                        yield chunk.text
        except ModelNotFound:
            if self._catalog is None:
                raise
            raise self._catalog.missing(self.model, "text", "ANSWER_MODEL") from None
        if not produced:
            raise AnswerBlocked(f"{self.model} returned an empty answer (no text, and no reason given). Try again, "
                                "or rephrase the question.")


def _raise_if_blocked(chunk: object) -> None:
    feedback = getattr(chunk, "prompt_feedback", None)
    if feedback is not None and feedback.block_reason:
        raise AnswerBlocked(f"Gemini declined to answer this question ({_name(feedback.block_reason)}).")
    for candidate in getattr(chunk, "candidates", None) or []:
        reason = _name(candidate.finish_reason)
        if reason in BLOCKED_FINISH_REASONS:
            raise AnswerBlocked(f"Gemini stopped the answer ({reason}). Try rephrasing the question.")


def _name(value: object) -> str:
    return str(getattr(value, "value", value) or "")
