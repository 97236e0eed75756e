"""Before serving: is Slack reachable, and does it accept our tokens? One short call each, one clear line each.

`curator serve` and `curator doctor` call these with SLACK_CONNECT_TIMEOUT_S, so an unreachable Slack, a proxy
that swallows the connection or a wrong token is reported in seconds instead of as a traceback.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from bot.config import Settings
from bot.errors import UserError

SETUP_GUIDE = "docs/slack-setup.md"
NETWORK_ADVICE = ("Check this machine's network, proxy (HTTPS_PROXY) and firewall, and SLACK_API_URL; "
                  "`curator doctor` tests it.")


class SlackUnavailable(UserError):
    """Slack can't be used as configured; the message says what to check."""


def safe_url(url: str) -> str:
    """The URL without credentials, query or fragment."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}" if parts.scheme else url


def check_bot_token(settings: Settings) -> dict:
    """auth.test with SLACK_BOT_TOKEN: the bot's user, id and workspace; raises SlackUnavailable."""
    if settings.slack_bot_token is None:
        raise SlackUnavailable("SLACK_BOT_TOKEN is not set: create the app from manifest.yml, install it and copy "
                               f"its Bot User OAuth Token (xoxb-…), as {SETUP_GUIDE} shows.")
    refused = ("Slack refused SLACK_BOT_TOKEN (auth.test: {error}): copy the Bot User OAuth Token (xoxb-…) from the "
               f"app's OAuth & Permissions page ({SETUP_GUIDE}).")
    token = settings.slack_bot_token.get_secret_value()
    return dict(_ask(settings, token, "auth.test", lambda client: client.auth_test(), refused).data)


def check_app_token(settings: Settings) -> None:
    """apps.connections.open with SLACK_APP_TOKEN (Socket Mode); raises SlackUnavailable."""
    if settings.slack_app_token is None:
        raise SlackUnavailable("SLACK_APP_TOKEN is not set: Socket Mode needs an app-level token (xapp-…) with "
                               f"connections:write ({SETUP_GUIDE}), or serve over HTTP with --http.")
    refused = ("Slack refused SLACK_APP_TOKEN (apps.connections.open: {error}): create an app-level token with "
               f"connections:write under Basic Information → App-Level Tokens, and turn Socket Mode on ({SETUP_GUIDE}).")
    token = settings.slack_app_token.get_secret_value()
    _ask(settings, token, "apps.connections.open", lambda client: client.apps_connections_open(app_token=token),
         refused)


def _ask(settings: Settings, token: str, method: str, call, refused: str):
    """One Web API call within the connect timeout; a refusal or a network failure becomes SlackUnavailable."""
    from slack_sdk import WebClient
    from slack_sdk.errors import SlackApiError

    # No retry handlers: this is a yes/no question, asked once, within the connect timeout. slack_sdk would also
    # log the failure at ERROR; the caller prints the one line that says what to do instead.
    quiet = logging.getLogger(f"{__name__}.client")
    quiet.disabled = True
    client = WebClient(token=token, base_url=settings.slack_api_url, timeout=settings.slack_connect_timeout_s,
                       retry_handlers=[], logger=quiet)
    try:
        return call(client)
    except SlackApiError as exc:
        raise SlackUnavailable(refused.format(error=exc.response.get("error"))) from exc
    except Exception as exc:  # URLError, timeouts, refused connections, TLS errors
        raise SlackUnavailable(unreachable_message(settings, method, exc)) from exc


def unreachable_message(settings: Settings, method: str, exc: BaseException) -> str:
    """One line for a Slack network failure: the endpoint, what happened, what to check."""
    reason = getattr(exc, "reason", None) or exc
    if isinstance(reason, TimeoutError) or "timed out" in str(reason):
        problem = f"no answer within {settings.slack_connect_timeout_s:g} s, SLACK_CONNECT_TIMEOUT_S"
    else:
        problem = f"{type(reason).__name__}: {str(reason)[:120]}"
    return f"Could not reach Slack at {safe_url(settings.slack_api_url)} ({method}: {problem}). {NETWORK_ADVICE}"
