"""Block Kit builders for answers: citations, feedback buttons, the routing switch, help."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from bot.slack.format import escape, mrkdwn_link, shorten
from bot.types import Passage

FEEDBACK_ACTION = "answer_feedback"
# One action id per reading a switch button offers; the value is the offer's id (bot.state.sqlite.RouteOffer).
SWITCH_ACTIONS = {"route_switch_draw": "draw", "route_switch_ask": "ask", "route_switch_edit": "edit"}
SWITCH_LABELS = {"draw": "Draw this instead", "ask": "Answer as a question instead", "edit": "Change the image instead"}
SWITCHED = {"draw": "a drawing", "ask": "a question", "edit": "a change to the image"}
MAX_CONTEXT_ELEMENTS = 10
MAX_LABEL_CHARS = 120


def source_url(passage: Passage, docs_url: str | None) -> str | None:
    """Where a cited document can be opened: its own URL, or the docs site plus its id."""
    if passage.source.startswith(("https://", "http://")):
        return passage.source
    if docs_url:
        return docs_url.rstrip("/") + "/" + quote(passage.doc_id)
    return None


def build_citation_blocks(citations: Sequence[tuple[int, Passage]], docs_url: str | None = None) -> list[dict[str, Any]]:
    """A context block listing `[n] Title › Section` for each cited passage, linked when a URL is known."""
    lines = []
    for number, passage in citations:
        url = source_url(passage, docs_url)
        text = f"[{number}] {escape(shorten(passage.label, MAX_LABEL_CHARS))}"
        lines.append(mrkdwn_link(url, text) if url else f"{text} · `{escape(passage.doc_id)}`")
    if not lines:
        return []
    if len(lines) > MAX_CONTEXT_ELEMENTS:  # Slack allows 10 elements: fold the rest into one
        lines = lines[: MAX_CONTEXT_ELEMENTS - 1] + ["\n".join(lines[MAX_CONTEXT_ELEMENTS - 1 :])]
    return [{"type": "context", "elements": [{"type": "mrkdwn", "text": line} for line in lines]}]


def build_feedback_blocks(answer_id: str) -> list[dict[str, Any]]:
    """Thumbs up / down under an answer; the click arrives as a block action with `up:` or `down:` + id."""
    return [
        {
            "type": "context_actions",
            "elements": [
                {
                    "type": "feedback_buttons",
                    "action_id": FEEDBACK_ACTION,
                    "positive_button": {"text": {"type": "plain_text", "text": "Helpful"}, "value": f"up:{answer_id}",
                                        "accessibility_label": "Mark this answer as helpful"},
                    "negative_button": {"text": {"type": "plain_text", "text": "Not helpful"}, "value": f"down:{answer_id}",
                                        "accessibility_label": "Mark this answer as not helpful"},
                }
            ],
        }
    ]


def build_switch_blocks(route_id: str, to_kind: str) -> list[dict[str, Any]]:
    """One button offering the other reading of an unsure request ("Draw this instead")."""
    action_id = next(action for action, kind in SWITCH_ACTIONS.items() if kind == to_kind)
    button = {"type": "button", "action_id": action_id, "value": route_id,
              "text": {"type": "plain_text", "text": SWITCH_LABELS[to_kind]}}
    return [{"type": "actions", "block_id": f"route_switch:{route_id}", "elements": [button]}]


def build_switched_blocks(blocks: list[dict[str, Any]], user: str, to_kind: str) -> list[dict[str, Any]]:
    """A message's blocks with its switch button replaced by a note of who switched it to what."""
    kept = [b for b in blocks if not str(b.get("block_id", "")).startswith("route_switch:")]
    note = f":leftwards_arrow_with_hook: <@{user}> switched this request to {SWITCHED[to_kind]}."
    return kept + [{"type": "context", "elements": [{"type": "mrkdwn", "text": note}]}]


HELP_TEXT = (
    "*Hi, I'm Curator.* I can:\n"
    "• *Answer* questions from our knowledge base, with sources: just ask, here or with `/ask`.\n"
    "• *Draw* an image: ask for one in your own words (“could you draw a fox in the snow?”), or use `/draw`. "
    "Reply under a drawing to change it.\n"
    "• *Find* related documents and images: upload an image, ask to see a diagram or screenshot, or use `/find`.\n"
    "In a channel, @mention me; in a thread I've joined, just reply."
)


def build_help_blocks() -> list[dict[str, Any]]:
    """What Curator can do, as one section."""
    return [{"type": "section", "text": {"type": "mrkdwn", "text": HELP_TEXT}}]
