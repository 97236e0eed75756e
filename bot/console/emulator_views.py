"""Modals: views.open (a trigger_id is good for one view) and views.update, within Block Kit's view limits.

A submitted view carries no channel (view_submission payload reference): an app that must answer where
the modal was opened puts that in ``private_metadata``.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

from bot.slack.limits import MAX_VIEW_BLOCKS

from .emulator_blocks import check_blocks, check_view
from .emulator_workspace import SlackError, Workspace


def views_open(ws: Workspace, p: dict) -> dict:
    view = p.get("view")
    check_view(view)
    user = ws.triggers.pop(str(p.get("trigger_id")), None)
    if user is None:
        raise SlackError("invalid_trigger_id")  # unknown, or already exchanged for a view
    view_id = ws.new_id("V")
    ws.views[view_id] = {**_view_json(ws, view, view_id), "root_view_id": view_id, "previous_view_id": None,
                         "user": user}
    return {"view": public_view(ws.views[view_id])}


def views_update(ws: Workspace, p: dict) -> dict:
    record = ws.views.get(str(p.get("view_id"))) or next(
        (v for v in ws.views.values() if p.get("external_id") and v["external_id"] == p["external_id"]), None)
    if record is None:
        raise SlackError("not_found")
    if p.get("hash") and p["hash"] != record["hash"]:
        raise SlackError("hash_conflict")
    check_view(p.get("view"))
    record.update(_view_json(ws, p["view"], record["id"]))
    return {"view": public_view(record)}


def _view_json(ws: Workspace, view: dict, view_id: str) -> dict:
    return {**copy.deepcopy(view), "id": view_id, "team_id": ws.team_id, "type": view["type"],
            "blocks": check_blocks(view.get("blocks"), ws.new_id, limit=MAX_VIEW_BLOCKS) or [],
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""), "external_id": view.get("external_id", ""),
            "state": {"values": {}}, "hash": ws.new_id("h"), "clear_on_close": bool(view.get("clear_on_close")),
            "notify_on_close": bool(view.get("notify_on_close")), "app_id": ws.app_id, "bot_id": ws.bot_id,
            "app_installed_team_id": ws.team_id}


def public_view(record: dict) -> dict:
    """A view as the Web API shows it (without the emulator's note of who opened it)."""
    return {k: copy.deepcopy(v) for k, v in record.items() if k != "user"}


VIEW_METHODS: dict[str, Callable[[Workspace, dict], dict]] = {
    "views.open": views_open,
    "views.update": views_update,
}
