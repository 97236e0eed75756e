"""Warm the bot's models at start-up, so the first answer is as fast as the tenth.

Offline, that loads MiniLM and runs it once, runs the extractive answerer once, opens the knowledge base with
one search, and loads the image model (CNN, label matrix) Find uses. With Google, each configured model is
looked up (models.get, the check every first use makes anyway), so a retired model or an unreachable Google
shows at start-up, not in the first user's thread; nothing is generated or billed.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.draw.generators.model_errors import is_imagen_model
from bot.errors import ProviderError, ProviderUnavailable
from bot.kb.stores.qdrant import KnowledgeBaseError
from bot.types import Passage

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)


@dataclass
class WarmUp:
    """How long warming took, and what could not be warmed (messages a user can act on)."""

    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)


def warm_up(services: Services, images: bool = True) -> WarmUp:
    """Load and exercise every model a request may need; never raises for a model or network problem."""
    started, report = time.monotonic(), WarmUp()
    kb = services.kb
    steps = [_google_models(services)] if not kb.providers.local else [_offline_text(services)]
    steps.append(lambda: kb.ask.retrieve("warm up", limit=1))
    if images:
        steps.append(lambda: _warm(kb.images.encoder))
    for step in steps:
        try:
            step()
        except KnowledgeBaseError:
            pass  # an empty knowledge base is reported on its own; there is nothing to search yet
        except ProviderUnavailable as exc:
            report.problems.append(str(exc))
            break  # Google is unreachable: every other lookup would wait for its own timeout
        except ProviderError as exc:
            report.problems.append(str(exc))
    report.seconds = time.monotonic() - started
    return report


def _offline_text(services: Services):
    def run() -> None:
        kb = services.kb
        _warm(kb.providers.embedder)
        passage = Passage("Curator warms its models at start-up.", "Warm-up", "", "warm-up", "warm-up")
        kb.ask.answer_from("Does Curator warm its models?", [passage]).finish()

    return run


def _google_models(services: Services):
    def run() -> None:
        settings, catalog = services.settings, services.kb.providers.models
        if catalog is None:
            return
        catalog.require(settings.embedding_model, "embedding", "EMBEDDING_MODEL")
        catalog.require(settings.answer_model, "text", "ANSWER_MODEL")
        if services.draw.generator is not None and not is_imagen_model(settings.image_model):
            catalog.require(settings.image_model, "image", "IMAGE_MODEL")

    return run


def _warm(model: object) -> None:
    warm = getattr(model, "warm_up", None)
    if callable(warm):
        warm()
