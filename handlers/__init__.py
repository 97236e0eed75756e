"""Thin Slack listeners: parse the event, call the core, reply."""
