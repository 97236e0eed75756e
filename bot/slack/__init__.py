"""Slack I/O helpers: typed messages, formatting, replies. Listeners live in `handlers/`."""
