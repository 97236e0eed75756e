"""Block Kit as Slack checks it, for every message and view the emulator accepts.

Each block and view is parsed and re-validated with ``slack_sdk.models`` (Slack's own SDK, which encodes
the Block Kit reference's limits: section text 3,000, header 150, context 10 elements, actions 25,
context_actions 5, button text 75 and value 2,000, select 100 options, image alt_text 2,000, ids 255,
modal title/submit/close 24, private_metadata 3,000, 1-100 view blocks). Limits the SDK leaves out are
checked here from the same reference (docs.slack.dev/reference/block-kit): section fields 2,000 each,
option text 75 and value 150, 50 blocks per message, 12,000 characters of markdown per payload.
Errors are Slack's codes: ``invalid_blocks_format`` for what is not Block Kit JSON at all,
``invalid_blocks`` (with ``errors``) for a limit, ``msg_blocks_too_many`` past 50 blocks.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.slack.limits import (
    FIELD_TEXT_LIMIT,
    MARKDOWN_TEXT_LIMIT,
    MAX_MESSAGE_BLOCKS,
    OPTION_TEXT_LIMIT,
    OPTION_VALUE_LIMIT,
)

from .emulator_workspace import SlackError


class BlocksError(SlackError):
    """Invalid blocks, with Slack's per-problem messages."""

    def __init__(self, code: str, errors: list[str]) -> None:
        super().__init__(code)
        self.errors = errors

    def details(self) -> dict:
        """The extra fields Slack puts beside the error code."""
        return {"errors": self.errors, "response_metadata": {"messages": [f"[ERROR] {e}" for e in self.errors]}}


def check_blocks(value: Any, new_id: Any, limit: int = MAX_MESSAGE_BLOCKS) -> list[dict] | None:
    """Validated blocks (a copy; every block without a block_id gets one), or None when absent."""
    if value is None or value == "":
        return None
    if not isinstance(value, list) or not all(isinstance(b, dict) and b.get("type") for b in value):
        raise SlackError("invalid_blocks_format")  # e.g. a Python repr sent through a form field
    if len(value) > limit:
        raise BlocksError("msg_blocks_too_many", [f"no more than {limit} items allowed [json-pointer:/blocks]"])
    problems = [p for i, block in enumerate(value) for p in _problems(block, f"/blocks/{i}")]
    markdown = sum(len(b.get("text") or "") for b in value if b.get("type") == "markdown")
    if markdown > MARKDOWN_TEXT_LIMIT:
        problems.append(f"markdown blocks exceed {MARKDOWN_TEXT_LIMIT} characters in total [json-pointer:/blocks]")
    if problems:
        raise BlocksError("invalid_blocks", problems)
    blocks = copy.deepcopy(value)
    for block in blocks:
        block.setdefault("block_id", new_id("b"))
    return blocks


def check_view(view: Any) -> None:
    """Raise Slack's ``invalid_arguments`` (with messages) for a view Block Kit would refuse."""
    if not isinstance(view, dict) or view.get("type") not in ("modal", "home"):
        raise BlocksError("invalid_arguments", ["view must be a modal or home view [json-pointer:/view]"])
    try:
        View(**{k: v for k, v in view.items() if k in View.attributes or k == "type"}).to_dict()
    except (SlackObjectFormationError, TypeError) as exc:
        raise BlocksError("invalid_arguments", [f"{exc} [json-pointer:/view]"]) from None
    problems = [p for i, block in enumerate(view.get("blocks") or []) for p in _problems(block, f"/view/blocks/{i}")]
    if problems:
        raise BlocksError("invalid_arguments", problems)


def _problems(block: dict, pointer: str) -> list[str]:
    try:
        parsed = Block.parse(block)
        if parsed is None:
            return [f"unsupported type: {block.get('type')} [json-pointer:{pointer}]"]
        parsed.to_dict()
    except (SlackObjectFormationError, TypeError, KeyError, AttributeError) as exc:
        return [f"{exc} [json-pointer:{pointer}]"]
    return [f"{p} [json-pointer:{pointer}]" for p in _beyond_the_sdk(block)]


def _beyond_the_sdk(block: dict) -> Iterator[str]:
    for field in block.get("fields") or []:
        if len(str(field.get("text", ""))) > FIELD_TEXT_LIMIT:
            yield f"each field's text must be at most {FIELD_TEXT_LIMIT} characters"
    for option in _options(block):
        if len(str((option.get("text") or {}).get("text", ""))) > OPTION_TEXT_LIMIT:
            yield f"an option's text must be at most {OPTION_TEXT_LIMIT} characters"
        if len(str(option.get("value", ""))) > OPTION_VALUE_LIMIT:
            yield f"an option's value must be at most {OPTION_VALUE_LIMIT} characters"


def _options(node: Any) -> Iterator[dict]:
    if isinstance(node, dict):
        yield from (o for o in node.get("options") or [] if isinstance(o, dict))
        for key, child in node.items():
            if key != "options":
                yield from _options(child)
    elif isinstance(node, list):
        for child in node:
            yield from _options(child)
