"""Slack's published limits: rate tiers per Web API method, and Block Kit sizes.

The bot paces its calls by these numbers and the emulator (``bot/console``) enforces them, each with its
source. Tiers: https://docs.slack.dev/apis/web-api/rate-limits ("per API method per app per workspace":
Tier 1 1+/min, Tier 2 20+/min, Tier 3 50+/min, Tier 4 100+/min, plus special tiers). Each method's tier is
the "Rate limits" fact of its docs.slack.dev method page, as mirrored in slack-ruby/slack-api-ref
(``docs.slack.dev/methods/<method>.json``, ``rate_limits``; commit f4837c0, 2026-08-20).

Slack publishes no burst sizes ("occasional bursts", "sporadic bursts are welcome", "generous burst
behavior"): the bursts below are this project's reading, stated here so that benchmarks can name them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rate:
    """Calls per minute with a burst, counted per workspace (or per channel of a workspace)."""

    per_minute: float
    burst: int
    per_channel: bool = False


TIER_1, TIER_2, TIER_3, TIER_4 = Rate(1, 1), Rate(20, 4), Rate(50, 10), Rate(100, 20)

# chat.postMessage, special tier: "generally allows posting one message per second per channel, while
# also maintaining a workspace-wide limit" (rate-limits page; "short bursts >1 allowed"); the workspace
# limit is "several hundred messages per minute" (chat.postMessage page, quoted in java-slack-sdk
# MethodsRateLimitTier.SpecialTier_chat_postMessage): 300/min is its lower end.
POST_PER_CHANNEL = Rate(60, 3, per_channel=True)
POST_PER_WORKSPACE = Rate(300, 30)
# assistant.threads.setStatus "has the similar tier with chat.postMessage" (java-slack-sdk: 60/min per DM).
STATUS_PER_CHANNEL = Rate(60, 3, per_channel=True)
HUNDREDS = Rate(600, 60)  # auth.test, chat.getPermalink: "hundreds of requests per minute"

METHOD_RATES: dict[str, tuple[Rate, ...]] = {
    "chat.postMessage": (POST_PER_CHANNEL, POST_PER_WORKSPACE),
    "assistant.threads.setStatus": (STATUS_PER_CHANNEL,),
    "auth.test": (HUNDREDS,),
    "chat.getPermalink": (HUNDREDS,),
    "chat.startStream": (TIER_2,),
    "chat.stopStream": (TIER_2,),
    "reactions.remove": (TIER_2,),
    "chat.update": (TIER_3,),
    "chat.delete": (TIER_3,),
    "reactions.add": (TIER_3,),
    "conversations.replies": (TIER_3,),
    "conversations.history": (TIER_3,),
    "conversations.info": (TIER_3,),
    "agents.sessions.setStatus": (TIER_3,),
    "agents.sessions.rename": (TIER_3,),
    "apps.connections.open": (TIER_3,),
    "chat.appendStream": (TIER_4,),
    "chat.postEphemeral": (TIER_4,),
    "users.info": (TIER_4,),
    "files.getUploadURLExternal": (TIER_4,),
    "files.completeUploadExternal": (TIER_4,),
    "files.info": (TIER_4,),
    "views.open": (TIER_4,),
    "views.update": (TIER_4,),
    "assistant.threads.setSuggestedPrompts": (TIER_4,),
}
DEFAULT_RATES = (TIER_2,)  # a method missing above: the most common tier ("most methods allow at least 20")


def rates_of(method: str) -> tuple[Rate, ...]:
    """The limits one call to `method` counts against."""
    return METHOD_RATES.get(method, DEFAULT_RATES)


# Sizes. docs.slack.dev Block Kit reference, as slack_sdk.models.blocks validates most of them; message and
# view limits from the chat.*, views.* method pages.
MAX_MESSAGE_BLOCKS = 50  # "blocks are limited to 50 per message" (msg_blocks_too_many)
MAX_VIEW_BLOCKS = 100  # modals and Home tabs
MARKDOWN_TEXT_LIMIT = 12_000  # markdown_text of chat.*Stream and chat.postMessage
UPDATE_TEXT_LIMIT = 4_000  # chat.update: "The text field cannot exceed 4,000 characters" (msg_too_long)
POST_TEXT_LIMIT = 40_000  # chat.postMessage: longer text is truncated
SECTION_TEXT_LIMIT = 3_000  # a section block's text
FIELD_TEXT_LIMIT = 2_000  # each of a section's fields
OPTION_TEXT_LIMIT, OPTION_VALUE_LIMIT = 75, 150  # an option object's text and value
VIEW_TITLE_LIMIT = 24  # a modal's title, submit and close
PRIVATE_METADATA_LIMIT = 3_000  # views.open/update private_metadata
SESSION_TITLE_LIMIT = 200  # agents.sessions.setStatus title
