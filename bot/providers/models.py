"""Model ids checked live: models.get before a model's first use, and models.list for what to use instead.

Model ids drift (Google retires them on published dates), so Curator never hard-codes a replacement: when a
configured model is missing, the message names the models this account can use for the same job, from
models.list, filtered by capability. API-key mode says what each model supports (supportedGenerationMethods);
Vertex's publisher models don't, so there the job is read from the model family's name.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING, Literal

from bot.errors import ModelNotFound
from bot.providers.google_client import google_errors, lookup_options

if TYPE_CHECKING:
    from google import genai

Capability = Literal["text", "image", "embedding"]
JOBS = {"text": "answers and captions", "image": "drawing", "embedding": "embeddings"}
MAX_LISTED = 6
MAX_SCANNED = 2000  # models.list entries read at most (20 pages of 100): far more than Google's catalogue
_NOT_TEXT = ("image", "embedding", "tts", "live", "audio", "veo", "lyria", "robotics", "computer-use")


def model_id(name: str) -> str:
    """`models/gemini-x` or `publishers/google/models/gemini-x` -> `gemini-x`."""
    return name.rsplit("/", 1)[-1]


def can(name: str, actions: Iterable[str], capability: Capability) -> bool:
    """Whether a listed model does `capability`, from its methods (API key) or its family name (Vertex)."""
    name, actions = model_id(name).lower(), set(actions)
    if capability == "embedding":
        return ("embedContent" in actions if actions else "embedding" in name) and "multimodal" not in name
    generates = "generateContent" in actions if actions else name.startswith("gemini")
    if capability == "image":
        return generates and "image" in name
    return generates and not any(word in name for word in _NOT_TEXT)


class ModelCatalog:
    """What this account's Google client can use, looked up once per model and remembered.

    A lookup is the first Google call of every process, so it gets one attempt within `lookup_timeout_s`
    (GOOGLE_CONNECT_TIMEOUT_S): an unreachable or hanging Google is reported in seconds, naming the endpoint.
    """

    def __init__(self, client: genai.Client, lookup_timeout_s: float = 5.0) -> None:
        self._client = client
        self._options = lookup_options(lookup_timeout_s)
        self._lock = threading.Lock()
        self._checked: dict[str, str | None] = {}  # model -> None (available) or why it is not

    def require(self, model: str, capability: Capability, setting: str) -> None:
        """models.get on the first use of `model`; raise ModelNotFound naming usable models if it is gone."""
        with self._lock:
            if model not in self._checked:
                self._checked[model] = self._look_up(model, capability, setting)
            problem = self._checked[model]
        if problem:
            raise ModelNotFound(problem)

    def missing(self, model: str, capability: Capability, setting: str) -> ModelNotFound:
        """The error for a model Google answered 404 for at run time (remembered for later calls)."""
        message = self.retired_message(model, capability, setting)
        with self._lock:
            self._checked[model] = message
        return ModelNotFound(message)

    def retired_message(self, model: str, capability: Capability, setting: str) -> str:
        """`setting` names a model this account can't use: say so, and list the ones it can."""
        try:
            usable = self.usable(capability)
        except Exception:  # noqa: BLE001 - the advice must not hide the real problem
            usable = []
        if usable:
            names = ", ".join(usable[:MAX_LISTED])
            fix = f"Models this account can use for {JOBS[capability]}: {names}. Set {setting} to one of them."
        else:
            fix = f"Set {setting} to a current model; `curator doctor` checks it."
        return f"{setting} '{model}' is retired or not available to this account. {fix}"

    def usable(self, capability: Capability) -> list[str]:
        """Ids of every listed model that does `capability` (models.list, all pages), newest names first."""
        from google.genai import types

        found: list[str] = []
        with google_errors("Listing models", "models.list"):
            pager = self._client.models.list(config=types.ListModelsConfig(page_size=100, http_options=self._options))
            for index, listed in enumerate(pager):  # genai fetches the next page as it is reached
                if index >= MAX_SCANNED:
                    break
                name = listed.name or ""
                if can(name, listed.supported_actions or [], capability):
                    found.append(model_id(name))
        return sorted(dict.fromkeys(found), key=_newest_first)

    def _look_up(self, model: str, capability: Capability, setting: str) -> str | None:
        try:
            with google_errors("Checking the model", model):
                self._client.models.get(model=model, config={"http_options": self._options})
        except ModelNotFound:
            return self.retired_message(model, capability, setting)
        return None


def _newest_first(model: str) -> tuple[float, str]:
    """gemini-3.8-flash before gemini-3.6-flash before gemini-2.5-flash-lite: the version, descending."""
    match = re.search(r"(\d+(?:\.\d+)?)", model)
    return (-float(match.group(1)) if match else 0.0, model)
