"""Block Kit for drawings: the result with its controls, and the edit modal."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from bot.draw.base import ASPECT_RATIOS
from bot.slack.format import escape, shorten
from bot.state.base import Drawing

REGENERATE = "draw_regenerate"
VARIATIONS = "draw_variations"
EDIT = "draw_edit"
ASPECT = "draw_aspect"
EDIT_MODAL = "draw_edit_modal"
EDIT_INPUT_BLOCK, EDIT_INPUT_ACTION = "instruction", "instruction_input"


def drawing_summary(drawing: Drawing, ignored: list[str], notes: Sequence[str] = ()) -> str:
    """One line under the image: AI-generated, for whom, the prompt, parameters, model, what was ignored,
    and notes such as a seed being best effort."""
    prompt = shorten(drawing.request.prompt, 300)
    line = (f":art: AI-generated for <@{drawing.user}>: _{escape(prompt)}_ · `{escape(drawing.request.describe())}` · "
            f"{escape(drawing.model)}")
    if ignored:
        line += f" · ignored by this model: {', '.join(f'`{escape(p)}`' for p in ignored)}"
    for note in notes:
        line += f" · {escape(note)}"
    return line


def build_drawing_blocks(drawing: Drawing, ignored: list[str], notes: Sequence[str] = ()) -> list[dict[str, Any]]:
    """The summary and the buttons: Regenerate, Variations, Edit, Change aspect."""
    value = drawing.drawing_id
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": drawing_summary(drawing, ignored, notes)}},
        {
            "type": "actions",
            "elements": [
                _button("Regenerate", REGENERATE, value),
                _button("Variations", VARIATIONS, value),
                _button("Edit", EDIT, value),
                {
                    "type": "static_select", "action_id": ASPECT,
                    "placeholder": {"type": "plain_text", "text": "Change aspect"},
                    "options": [
                        {"text": {"type": "plain_text", "text": ratio}, "value": f"{value}|{ratio}"}
                        for ratio in ASPECT_RATIOS if ratio != drawing.request.aspect_ratio
                    ],
                },
            ],
        },
    ]


def build_edit_modal(drawing: Drawing) -> dict[str, Any]:
    """A modal asking what to change in the drawing."""
    return {
        "type": "modal",
        "callback_id": EDIT_MODAL,
        # Slack sends a submitted view without a channel: this says where to answer.
        "private_metadata": json.dumps({"drawing_id": drawing.drawing_id, "channel": drawing.channel,
                                        "thread_ts": drawing.thread_ts}),
        "title": {"type": "plain_text", "text": "Edit the image"},
        "submit": {"type": "plain_text", "text": "Edit"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            {
                "type": "input", "block_id": EDIT_INPUT_BLOCK,
                "label": {"type": "plain_text", "text": "What should change?"},
                "element": {
                    "type": "plain_text_input", "action_id": EDIT_INPUT_ACTION, "max_length": 1000,
                    "placeholder": {"type": "plain_text", "text": "make the sky purple"},
                },
            }
        ],
    }


def _button(text: str, action_id: str, value: str) -> dict[str, Any]:
    return {"type": "button", "text": {"type": "plain_text", "text": text}, "action_id": action_id, "value": value}
