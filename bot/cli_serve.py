"""`curator serve`: run the Slack bot over Socket Mode or HTTP."""

from __future__ import annotations

import argparse
import sys

from bot.config import Settings


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Check the Slack settings for the chosen transport, then serve until interrupted."""
    problem = _missing_settings(settings, http=args.http)
    if problem:
        print(problem, file=sys.stderr)
        return 2
    from bot.app import build_app
    from bot.server import serve_http, serve_socket_mode
    from bot.services import build_services

    try:
        services = build_services(settings)
    except RuntimeError as exc:
        print(exc, file=sys.stderr)
        return 1
    if services.kb.providers.local:
        from bot.providers.factory import LOCAL_NOTICE

        print(LOCAL_NOTICE, file=sys.stderr)
    app = build_app(settings, services)
    try:
        if args.http:
            serve_http(app, settings.slack_signing_secret.get_secret_value(), args.host, args.port)
        else:
            serve_socket_mode(app, settings.slack_app_token.get_secret_value())
    finally:
        services.close()
    return 0


def _missing_settings(settings: Settings, http: bool) -> str | None:
    if not settings.slack_bot_token:
        return "SLACK_BOT_TOKEN is not set: create the app from manifest.yml, install it and copy its xoxb- token."
    if http and not settings.slack_signing_secret:
        return "SLACK_SIGNING_SECRET is not set: HTTP mode verifies every request with it (Basic Information page)."
    if not http and not settings.slack_app_token:
        return "SLACK_APP_TOKEN is not set: Socket Mode needs an xapp- token with connections:write (or use --http)."
    return None
