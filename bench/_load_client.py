"""Fire signed Slack events at the HTTP transport all at once, from its own process, and print latencies.

Usage: python -m bench._load_client URL EVENTS_JSON_FILE  -> prints a JSON list of milliseconds.
With URL ending in /healthz, the same number of GETs is sent instead: the floor of this client and TCP.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time

import httpx

from tests.slack_harness import signed_headers


async def fire(url: str, events: list[dict]) -> list[float]:
    """POST the first event alone, then all the others at once; the latency of each concurrent one, in ms."""
    async with httpx.AsyncClient(timeout=30, limits=httpx.Limits(max_connections=len(events))) as client:
        async def send(event: dict) -> float:
            raw = json.dumps(event)
            headers = {k: v[0] for k, v in signed_headers(raw, "application/json").items()}
            started = time.perf_counter()
            if url.endswith("/healthz"):
                response = await client.get(url)
            else:
                response = await client.post(url, content=raw, headers=headers)
            response.raise_for_status()
            return (time.perf_counter() - started) * 1000

        await send(events[0])  # warm-up: Bolt authorizes (auth.test) on the first request, then caches
        return list(await asyncio.gather(*(send(e) for e in events[1:])))


if __name__ == "__main__":
    with open(sys.argv[2]) as handle:
        print(json.dumps(asyncio.run(fire(sys.argv[1], json.load(handle)))))
