"""Fast fixtures: the app on the in-memory engines (vector store and state), nothing on disk but drawn images."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Settings

VPN = "# VPN\n\n## Error 809\n\nError 809 means IPsec is blocked: switch to the NW-SSL profile.\n"


@pytest.fixture
def memory_settings(tmp_path: Path) -> Settings:
    """Offline settings on the in-memory vector store and state stores."""
    return Settings(_env_file=None, CURATOR_DATA_DIR=tmp_path / "data", VECTOR_STORE="memory", STATE_STORE="memory")


@pytest.fixture
def memory_kb(memory_settings: Settings, tmp_path: Path):
    """A one-document knowledge base on the in-memory engine, ingested with the offline providers."""
    from bot.services import build_knowledge_base

    folder = tmp_path / "kb"
    folder.mkdir()
    (folder / "vpn.md").write_text(VPN)
    kb = build_knowledge_base(memory_settings)
    report = kb.ingestor().run([folder])
    assert report.added == ["vpn.md"]
    yield kb
    kb.close()
