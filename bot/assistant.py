"""The core behind every Slack entry point: route a message, do the work, always end with a reply."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.commands import HELP_TEXT
from bot.conversation import ThreadReader, thread_history, thread_images
from bot.draw.params import USAGE as DRAW_USAGE
from bot.draw.params import parse_draw, refers_to_images
from bot.draw.progress import Footer
from bot.errors import UserError
from bot.find.flow import FindFlow
from bot.kb.ask import AnswerStream
from bot.offers import Click, Offers
from bot.routing.router import Decision, Kind, Thread, is_question
from bot.services import Services
from bot.slack.blocks import (
    build_citation_blocks,
    build_feedback_blocks,
    build_help_blocks,
    build_switched_blocks,
)
from bot.slack.message import IncomingMessage
from bot.slack.reply import ThreadReply
from bot.state.base import Drawing
from bot.state.requests import Origin
from bot.types import GeneratedImage

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Request:
    """One routed request, as every feature of the dispatch table takes it."""

    text: str
    message: IncomingMessage
    reply: ThreadReply
    drawing: Drawing | None
    footer: Footer | None
    bot_user_id: str


@dataclass
class Curator:
    """Answers, drawings and lookups for normalised Slack messages."""

    services: Services

    def __post_init__(self) -> None:
        self._find = FindFlow(self.services.settings, self.services.kb.find, self._post_answer,
                              self.services.draw.records, self.services.web)
        self._offers = Offers(self.services.state)

    def handle(self, message: IncomingMessage, client: WebClient, bot_user_id: str = "", kind: Kind | None = None,
               request_id: str | None = None) -> None:
        """Route and serve one message in its thread (as `kind` when a button chose it); every outcome is a
        visible reply. An unsure routing offers the other reading with one button. The request (`request_id`:
        its event id, if it came as one) is leased to this process until the reply is delivered."""
        request_id = request_id or f"request:{uuid.uuid4().hex}"
        lifecycle = self.services.requests
        lifecycle.begin(request_id, Origin(message.channel, message.thread_ts, message.ts, message.user,
                                           message.team, message.text, message.files, message.command))
        reply = ThreadReply(client, message.channel, message.thread_ts, message.ts, message.team, message.user,
                            outbox=self.services.outbox)
        try:
            self._route_and_serve(message, reply, bot_user_id, kind)
        except UserError as exc:
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
            reply.settled(lambda: lifecycle.finish(request_id))
            self.services.state.join_thread(message.channel, message.thread_ts)

    def _route_and_serve(self, message: IncomingMessage, reply: ThreadReply, bot_user_id: str, kind: Kind | None) -> None:
        drawing, thread = self._context(message)
        router = self.services.router
        if kind is None:
            decision = router.route(message.text, files=len(message.files), command=message.command, thread=thread,
                                    bot_user_id=bot_user_id)
        else:
            decision = router.decide_as(kind, message.text, bot_user_id)
        footer = self._offers.offer(decision, message)
        self._serve(decision, message, reply, drawing, footer, bot_user_id)

    def switch(self, click: Click, client: WebClient, bot_user_id: str = "") -> str:
        """Serve an unsure request as the reading its button offered, once; "" or a note for the clicker."""
        offer, note = self._offers.claim(click)
        if offer is None:
            return note
        try:
            client.chat_update(channel=click.channel, ts=click.message_ts, text=click.text or "Switched.",
                               blocks=build_switched_blocks(click.blocks, click.user, offer.alternative))
        except SlackApiError as exc:  # the switch matters more than the note on the old message
            log.warning("could not mark message %s as switched: %s", click.message_ts, exc.response.get("error"))
        original = IncomingMessage(user=offer.user, channel=offer.channel, text=offer.text, ts=offer.message_ts,
                                   thread_ts=offer.thread_ts)
        self.handle(original, client, bot_user_id, kind=Kind(offer.alternative))
        return ""

    def _context(self, message: IncomingMessage) -> tuple[Drawing | None, Thread | None]:
        """The thread's last drawing, and whether the bot's latest reply there is a drawing or an answer."""
        if not message.in_thread:
            return None, None
        drawing = self.services.draw.records.last_in_thread(message.channel, message.thread_ts)
        answered_at = self.services.state.last_answer_at(message.channel, message.thread_ts)
        if drawing is not None and (answered_at is None or drawing.created_at >= answered_at):
            return drawing, Thread.DRAWING
        if answered_at is not None or self.services.state.in_thread(message.channel, message.thread_ts):
            return drawing, Thread.ANSWER
        return drawing, None

    def _serve(self, decision: Decision, message: IncomingMessage, reply: ThreadReply, drawing: Drawing | None,
               footer: Footer | None, bot_user_id: str) -> None:
        request = _Request(decision.text, message, reply, drawing, footer, bot_user_id)
        features = {Kind.ASK: self._serve_ask, Kind.DRAW: self._serve_draw, Kind.EDIT: self._serve_edit,
                    Kind.FIND: self._serve_find, Kind.HELP: self._serve_help}
        features[decision.kind](request)

    def _serve_ask(self, r: _Request) -> None:
        self._ask(r.text, r.message, r.reply, r.bot_user_id, r.footer)

    def _serve_draw(self, r: _Request) -> None:
        self._draw(r.text, r.message, r.reply, r.footer)

    def _serve_edit(self, r: _Request) -> None:
        if r.drawing is None:  # nothing drawn in this thread yet: a new drawing
            self._draw(r.text, r.message, r.reply, r.footer)
        else:
            self.services.draw.edit(r.reply, r.message.user, r.drawing, r.text, r.footer)

    def _serve_find(self, r: _Request) -> None:
        if r.message.files:
            self._find.files(r.reply, r.message.files, r.text, question=is_question(r.text))
        else:
            self._find.text(r.reply, r.text)

    def _serve_help(self, r: _Request) -> None:
        r.reply.post(HELP_TEXT, blocks=build_help_blocks())

    def _draw(self, text: str, message: IncomingMessage, reply: ThreadReply, footer: Footer | None) -> None:
        if not text:
            reply.post(f"Tell me what to draw, e.g. `draw a lighthouse at dusk --ar 16:9`.\n{DRAW_USAGE}")
            return
        request = parse_draw(text)
        files = self._reference_files(message, reply, request.prompt)
        if not files:
            self.services.draw.draw(reply, message.user, request, footer)
            return
        images = [GeneratedImage(i.data, i.mime_type) for i in self._find.images(reply, files)]
        self.services.draw.draw_with_references(reply, message.user, images, request, footer)

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
            return thread_images(self._reader(reply), message.ts)[-limit:]
        return []

    def _ask(self, question: str, message: IncomingMessage, reply: ThreadReply, bot_user_id: str,
             footer: Footer | None) -> None:
        reply.acknowledge("is searching the knowledge base…")
        history = []
        if message.in_thread:
            history = thread_history(self._reader(reply), message.ts, bot_user_id)
        self._post_answer(reply, question, self.services.kb.ask.ask(question, history=history), footer)

    def _reader(self, reply: ThreadReply) -> ThreadReader:
        return ThreadReader(reply.client, self.services.outbox, reply.channel, reply.thread_ts, reply.team)

    def _post_answer(self, reply: ThreadReply, question: str, answer: AnswerStream, footer: Footer | None = None) -> None:
        """Stream an answer with its sources and feedback buttons, and record it for the feedback."""
        answer_id = uuid.uuid4().hex[:12]

        def final_blocks() -> list[dict]:
            citations = build_citation_blocks(answer.citations, self.services.settings.docs_url)
            return citations + build_feedback_blocks(answer_id) + (footer() if footer else [])

        reply.stream(answer, final_blocks, title=question)
        self.services.state.record_answer(
            answer_id, reply.channel, reply.thread_ts, question, [p.doc_id for _, p in answer.citations]
        )
