"""Serve the Gemini fake until Ctrl-C, to try Curator's Google mode by hand: `python -m tests.fakes.run_gemini`.

It prints the two settings that point Curator at it (docs/google-setup.md, "Trying the switch without Google").
"""

from __future__ import annotations

import threading

from tests.fakes.gemini_api import FakeGemini


def main() -> None:
    """Start the fake on a free loopback port, print its settings, wait for Ctrl-C."""
    with FakeGemini(record_traffic=False) as fake:
        print(f"GEMINI_API_KEY={fake.api_key}\nGOOGLE_GEMINI_BASE_URL={fake.base_url.rstrip('/')}", flush=True)
        print("Serving the Gemini fake; Ctrl-C stops it.", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
