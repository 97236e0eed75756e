"""Benchmarks for Curator's knowledge base: run `python -m bench.<name>` from the repo root."""
