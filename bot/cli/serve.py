"""`curator serve`: check Slack, warm the models, then serve the Slack bot over Socket Mode or HTTP."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config import Settings

if TYPE_CHECKING:
    from slack_bolt import App

    from bot.kb.handoff import HandoffServer, IngestRuns
    from bot.kb.sync import SyncSchedule
    from bot.services import Services


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Check the Slack settings and reach Slack (one line and exit 1 if it fails), then serve until interrupted."""
    from bot.slack.preflight import SlackUnavailable, check_app_token, check_bot_token

    problem = _missing_settings(settings, http=args.http)
    if problem:
        print(problem, file=sys.stderr)
        return 2
    try:
        identity = check_bot_token(settings)
        if not args.http:
            check_app_token(settings)
    except SlackUnavailable as exc:
        print(exc, file=sys.stderr)
        return 1
    return _serve(args, settings, f"@{identity.get('user')} in {identity.get('team')}")


def _serve(args: argparse.Namespace, settings: Settings, bot: str) -> int:
    from bot.app import build_app
    from bot.server import serve_http, serve_socket_mode
    from bot.services import build_services
    from bot.slack.interrupted import RESTARTED, tell_interrupted
    from bot.warmup import warm_up

    services = build_services(settings)
    sync = app = handoff = None
    code = 0
    try:
        if services.kb.providers.local:
            from bot.providers.factory import LOCAL_NOTICE

            print(LOCAL_NOTICE, file=sys.stderr)
        print(services.kb.store.summary(), file=sys.stderr)
        warmed = warm_up(services)
        for problem in warmed.problems:
            print(f"warning: {problem}", file=sys.stderr)
        runs, handoff = start_handoff(settings, services)
        sync = start_sync(args, settings, runs)
        app = build_app(settings, services)
        services.requests.watch(lambda request_id, origin: tell_interrupted(app.client, request_id, origin, RESTARTED))
        ready = f"Curator is ready as {bot} (models warmed in {warmed.seconds:.1f} s)"
        if args.http:
            print(f"{ready}, listening on http://{args.host}:{args.port}/slack/events", file=sys.stderr, flush=True)
            serve_http(app, settings, args.host, args.port)
        else:
            code = serve_socket_mode(app, settings, on_ready=lambda: print(f"{ready}, over Socket Mode.",
                                                                        file=sys.stderr, flush=True))
    finally:
        interrupted = drain(services, app) if app is not None else 0
        if sync is not None:
            sync.stop()
        if handoff is not None:
            handoff.close()
        services.close()
    if interrupted:  # their model calls may still hang on worker threads, which the interpreter would wait for
        sys.stderr.flush()
        os._exit(code)
    return code


def drain(services: Services, app: App) -> int:
    """Give the running requests SHUTDOWN_GRACE_S to finish, tell the users of the rest to retry, and let the
    pacer deliver what is left; how many were interrupted."""
    from bot.slack.interrupted import RESTARTING, tell_interrupted

    grace, running = services.settings.shutdown_grace_s, services.requests.running()
    if running:
        print(f"Stopping: {running} request(s) running, waiting up to {grace:g} s for them", file=sys.stderr, flush=True)
    left = services.requests.drain(grace, lambda request_id, origin: tell_interrupted(app.client, request_id, origin,
                                                                                        RESTARTING))
    if left:
        print(f"{left} request(s) did not finish in time: their users were told to retry", file=sys.stderr, flush=True)
    return left


def start_handoff(settings: Settings, services) -> tuple[IngestRuns, HandoffServer | None]:
    """The one-at-a-time ingest gate, and on the embedded store (one process only) the loopback listener that
    takes `curator ingest` runs from other terminals (None with QDRANT_URL: both processes share the server)."""
    from bot.kb.discovery import discover
    from bot.kb.handoff import HandoffServer, IngestRuns

    kb = services.kb
    runs = IngestRuns(lambda paths, on_file: kb.ingestor().run(paths, on_file=lambda f: on_file(f.doc_id)))
    if not settings.uses_edge:
        return runs, None
    def count(paths: list[Path]) -> int:
        return len(discover(paths, settings.ingest_follow_links_outside).files)

    handoff = HandoffServer(runs, settings.curator_data_dir, kb.store.base, kb.store.name, count).start()
    print(f"Ingest hand-off: listening on 127.0.0.1:{handoff.port}", file=sys.stderr)
    return runs, handoff


def start_sync(args: argparse.Namespace, settings: Settings, runs: IngestRuns) -> SyncSchedule | None:
    """The scheduled sync of SYNC_PATHS and --sync paths every --every/SYNC_INTERVAL, started; None without paths."""
    from bot.kb.sync import SyncSchedule, parse_interval

    paths = settings.sync_path_list + [Path(p) for p in getattr(args, "sync", [])]
    if not paths:
        return None
    interval = parse_interval(getattr(args, "every", None) or settings.sync_interval)
    print(f"Syncing {', '.join(map(str, paths))} every {interval:.0f} s", file=sys.stderr)
    return SyncSchedule(runs.run, paths, interval, settings.curator_data_dir).start()


def _missing_settings(settings: Settings, http: bool) -> str | None:
    if not settings.slack_bot_token:
        return ("SLACK_BOT_TOKEN is not set: create the app from manifest.yml, install it and copy its Bot User "
                "OAuth Token (xoxb-…), as docs/slack-setup.md shows.")
    if http and not settings.slack_signing_secret:
        return ("SLACK_SIGNING_SECRET is not set: HTTP mode verifies every request with it (Basic Information → "
                "App Credentials → Signing Secret).")
    if not http and not settings.slack_app_token:
        return ("SLACK_APP_TOKEN is not set: Socket Mode needs an app-level token (xapp-…) with connections:write "
                "(docs/slack-setup.md), or serve over HTTP with --http.")
    return None
