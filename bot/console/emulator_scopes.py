"""The app's contract from manifest.yml: the bot scopes it is granted and the events it subscribes to.

A call needing a scope the manifest lacks fails as Slack fails it: ``{"ok": false, "error":
"missing_scope", "needed": ..., "provided": ...}``. The scope each method needs is the "Required scopes"
fact of its docs.slack.dev method page (mirrored in slack-ruby/slack-api-ref, ``docs.slack.dev/methods/
<method>.json``, ``scope.bot``); for conversations.* it depends on the conversation type.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import yaml

from .emulator_workspace import SlackError

log = logging.getLogger(__name__)

MANIFEST = Path(__file__).resolve().parents[2] / "manifest.yml"
CHAT_WRITE = ("chat.postMessage", "chat.postEphemeral", "chat.update", "chat.delete", "chat.startStream",
              "chat.appendStream", "chat.stopStream", "assistant.threads.setStatus", "agents.sessions.setStatus",
              "agents.sessions.rename")
METHOD_SCOPES: dict[str, str] = {
    **dict.fromkeys(CHAT_WRITE, "chat:write"),
    "reactions.add": "reactions:write", "reactions.remove": "reactions:write",
    "assistant.threads.setSuggestedPrompts": "assistant:write",
    "users.info": "users:read",
    "files.getUploadURLExternal": "files:write", "files.completeUploadExternal": "files:write",
    "files.info": "files:read",
}
# conversations.* by the conversation's id: C public, G private, D direct message.
BY_CONVERSATION = {
    "conversations.replies": {"C": "channels:history", "G": "groups:history", "D": "im:history"},
    "conversations.history": {"C": "channels:history", "G": "groups:history", "D": "im:history"},
    "conversations.info": {"C": "channels:read", "G": "groups:read", "D": "im:read"},
}
DOWNLOAD_SCOPE = "files:read"  # url_private and url_private_download


class MissingScope(SlackError):
    """Slack's missing_scope, naming the scope needed and the ones the token has."""

    def __init__(self, needed: str, provided: frozenset[str]) -> None:
        super().__init__("missing_scope")
        self.needed, self.provided = needed, provided

    def details(self) -> dict:
        """The extra fields Slack puts beside the error code."""
        return {"needed": self.needed, "provided": ",".join(sorted(self.provided))}


@dataclass(frozen=True)
class AppContract:
    """What the installed app may do: its granted bot scopes and subscribed bot events."""

    scopes: frozenset[str]
    events: frozenset[str]

    def check(self, method: str, params: dict) -> None:
        """Raise MissingScope when `method` (with these params) needs a scope the app lacks."""
        needed = METHOD_SCOPES.get(method)
        if method in BY_CONVERSATION:
            needed = BY_CONVERSATION[method].get(str(params.get("channel") or "C")[:1])
        if needed and needed not in self.scopes:
            raise MissingScope(needed, self.scopes)


def manifest_contract(path: Path | None = None) -> AppContract:
    """The contract in `path` (default: the repository's manifest.yml)."""
    manifest = yaml.safe_load((path or MANIFEST).read_text())
    return AppContract(scopes=frozenset(manifest["oauth_config"]["scopes"]["bot"]),
                       events=frozenset(manifest["settings"]["event_subscriptions"]["bot_events"]))


def default_contract() -> AppContract:
    """The repository's manifest, or (an installed package without it) every scope and event."""
    if MANIFEST.is_file():
        return manifest_contract(MANIFEST)
    log.warning("manifest.yml not found beside the package: the emulator grants every scope")
    every = {*METHOD_SCOPES.values(), *(s for m in BY_CONVERSATION.values() for s in m.values())}
    return AppContract(scopes=frozenset(every), events=frozenset({"agent_session_stopped"}))
