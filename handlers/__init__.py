"""Thin Slack listeners: parse the event, call the core, reply. `register_all` wires every module."""

from __future__ import annotations

from slack_bolt import App

from bot.services import Services
from handlers import (
    actions,
    commands,
    drawing,
    home,
    messages,
    retry,
    routing,
    sessions,
)


def register_all(app: App, services: Services) -> None:
    """Register every listener module on the app."""
    for module in (messages, commands, actions, drawing, home, retry, routing, sessions):
        module.register(app, services)
