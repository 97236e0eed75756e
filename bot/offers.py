"""Unsure routings: offer the other reading with one button, and switch the request, once, when pressed."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from bot.draw.progress import Footer
from bot.routing.router import Decision
from bot.slack.blocks import build_switch_blocks
from bot.slack.message import IncomingMessage
from bot.state.sqlite import RouteOffer, StateStore


@dataclass(frozen=True)
class Click:
    """A press on a switch button: which offer, by whom, on which message (its blocks and text)."""

    route_id: str
    user: str
    channel: str
    message_ts: str
    blocks: list[dict[str, Any]] = field(default_factory=list)
    text: str = ""


@dataclass
class Offers:
    """Offers recorded in the bot's state; each press is kept as labelled data."""

    state: StateStore

    def offer(self, decision: Decision, message: IncomingMessage) -> Footer | None:
        """For an unsure decision, record its other reading and return the blocks showing its button (empty once
        pressed); None when the decision is sure, or for uploads and slash commands (explicit)."""
        if decision.alternative is None or message.files or message.command:
            return None
        route_id = uuid.uuid4().hex[:12]
        self.state.record_offer(RouteOffer(
            route_id, message.channel, message.thread_ts, message.ts, message.user, message.text,
            decision.kind.value, decision.alternative.value, decision.confidence,
        ))
        blocks = build_switch_blocks(route_id, decision.alternative.value)
        return lambda: [] if self.state.switched(route_id) else blocks

    def claim(self, click: Click) -> tuple[RouteOffer | None, str]:
        """The offer to switch now, or None and a note saying why not (gone, someone else's, pressed before)."""
        offer = self.state.offer(click.route_id)
        if offer is None:
            return None, "That request is no longer available."
        if click.user != offer.user:
            return None, f"Only <@{offer.user}> can switch their request."
        if not self.state.claim_switch(offer, click.user):
            return None, "This request was switched already."
        return offer, ""
