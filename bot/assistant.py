"""The core behind every Slack entry point: route a message, do the work, always end with a reply."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from slack_sdk import WebClient

from bot.conversation import thread_history, thread_images
from bot.find.download import DownloadError
from bot.find.flow import FindFlow
from bot.find.images import UnsupportedFile
from bot.imaging.base import GeneratedImage
from bot.imaging.params import USAGE as DRAW_USAGE
from bot.imaging.params import DrawParamError, parse_draw, refers_to_images
from bot.kb.ask import AnswerStream, InvalidQuestion
from bot.kb.store import KnowledgeBaseError
from bot.providers.base import ProviderError
from bot.router import Intent, Kind, is_question, route
from bot.services import Services
from bot.slack.blocks import (
    HELP_TEXT,
    build_citation_blocks,
    build_feedback_blocks,
    build_help_blocks,
)
from bot.slack.message import IncomingMessage
from bot.slack.reply import ThreadReply

log = logging.getLogger(__name__)

@dataclass
class Curator:
    """Answers, drawings and lookups for normalised Slack messages."""

    services: Services

    def __post_init__(self) -> None:
        self._find = FindFlow(self.services.settings, self.services.kb.find, self._post_answer,
                              self.services.draw.records)

    def handle(self, message: IncomingMessage, client: WebClient, bot_user_id: str = "") -> None:
        """Route and serve one message in its thread; every outcome is a visible reply."""
        drawing = self.services.draw.records.last_in_thread(message.channel, message.thread_ts) if message.in_thread else None
        intent = route(message.text, has_files=bool(message.files), command=message.command,
                       thread_has_image=drawing is not None)
        reply = ThreadReply(client, message.channel, message.thread_ts, message.ts, message.team, message.user)
        try:
            if intent.kind is Kind.ASK:
                self._ask(intent, message, reply, bot_user_id)
            elif intent.kind is Kind.DRAW:
                self._draw(intent, message, reply)
            elif intent.kind is Kind.EDIT and drawing is not None:
                self.services.draw.edit(reply, message.user, drawing, intent.text)
            elif intent.kind is Kind.FIND and message.files:
                self._find.files(reply, message.files, intent.text, question=is_question(intent.text))
            elif intent.kind is Kind.FIND:
                self._find.text(reply, intent.text)
            else:
                reply.post(HELP_TEXT, blocks=build_help_blocks())
        except (InvalidQuestion, DrawParamError, KnowledgeBaseError, ProviderError, UnsupportedFile,
                DownloadError) as exc:
            reply.error(str(exc))
        except Exception:
            error_id = uuid.uuid4().hex[:8]
            log.exception("request %s failed", error_id)
            reply.error(
                f"Sorry, something went wrong on my side (error {error_id}). Please try again; "
                "if it keeps happening, tell the Curator admins this error id."
            )
        finally:
            reply.done()
            self.services.state.join_thread(message.channel, message.thread_ts)

    def _draw(self, intent: Intent, message: IncomingMessage, reply: ThreadReply) -> None:
        if not intent.text:
            reply.post(f"Tell me what to draw, e.g. `draw a lighthouse at dusk --ar 16:9`.\n{DRAW_USAGE}")
            return
        request = parse_draw(intent.text)
        files = self._reference_files(message, reply, request.prompt)
        if not files:
            self.services.draw.draw(reply, message.user, request)
            return
        images = [GeneratedImage(i.data, i.mime_type) for i in self._find.images(reply, files)]
        self.services.draw.draw_with_references(reply, message.user, images, request)

    def _reference_files(self, message: IncomingMessage, reply: ThreadReply, prompt: str) -> list[dict]:
        """The images a drawing should follow, newest last: those attached to the message (the generator keeps
        what its model takes, and says so), else (for `… in this style`) the newest found or uploaded earlier in
        the thread, up to the model's limit."""
        generator = self.services.draw.generator
        limit = generator.max_references if generator is not None else 0
        if limit == 0:
            return []
        if message.files:
            return list(message.files)
        if message.in_thread and refers_to_images(prompt):
            return thread_images(reply.client, message.channel, message.thread_ts, message.ts)[-limit:]
        return []

    def _ask(self, intent: Intent, message: IncomingMessage, reply: ThreadReply, bot_user_id: str) -> None:
        reply.acknowledge("is searching the knowledge base…")
        history = []
        if message.in_thread:
            history = thread_history(reply.client, message.channel, message.thread_ts, message.ts, bot_user_id)
        self._post_answer(reply, intent.text, self.services.kb.ask.ask(intent.text, history=history))

    def _post_answer(self, reply: ThreadReply, question: str, answer: AnswerStream) -> None:
        """Stream an answer with its sources and feedback buttons, and record it for the feedback."""
        answer_id = uuid.uuid4().hex[:12]

        def final_blocks() -> list[dict]:
            citations = build_citation_blocks(answer.citations, self.services.settings.docs_url)
            return citations + build_feedback_blocks(answer_id)

        reply.stream(answer, final_blocks)
        self.services.state.record_answer(
            answer_id, reply.channel, reply.thread_ts, question, [p.doc_id for _, p in answer.citations]
        )
