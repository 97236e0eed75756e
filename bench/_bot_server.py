"""The bot's HTTP transport in its own process, as in production, for the load benchmark.

Usage: python -m bench._bot_server API_URL PORT DATA_DIR ANSWER_DELAY_S
Answers with an instant hashing-embedder knowledge base and a scripted answerer that sleeps ANSWER_DELAY_S.
"""

from __future__ import annotations

import sys
from pathlib import Path

import uvicorn

from bench.slack_bot import bot_for
from bot.server import build_http_app
from tests.slack_harness import SIGNING_SECRET, ScriptedAnswerer


def main() -> None:
    """Serve until killed."""
    api_url, port, data_dir, delay = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3]), float(sys.argv[4])
    app = bot_for(api_url, "xoxb-console", data_dir, ScriptedAnswerer(delay=delay))
    uvicorn.run(build_http_app(app, SIGNING_SECRET), host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    main()
