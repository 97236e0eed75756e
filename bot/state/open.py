"""Open the configured state stores (STATE_STORE): where a new state store is chosen."""

from __future__ import annotations

from pathlib import Path

from bot.config import Settings
from bot.state.base import BotState, DiskImageFiles, DrawingLedger
from bot.state.requests import RequestLedger


def open_bot_state(settings: Settings, folder: Path | None = None) -> BotState:
    """The bot state, in `folder` (default: CURATOR_DATA_DIR)."""
    if settings.state_store == "memory":
        from bot.state.memory import MemoryState

        return MemoryState()
    from bot.state.sqlite import StateStore

    return StateStore(_path(settings, folder))


def open_drawings(settings: Settings, folder: Path | None = None) -> DrawingLedger:
    """The drawing ledger, in `folder` (default: CURATOR_DATA_DIR); drawn images go to the images folder."""
    files = DiskImageFiles(settings.images_dir)
    if settings.state_store == "memory":
        from bot.state.memory import MemoryDrawings

        return MemoryDrawings(files)
    from bot.state.drawings import DrawingRecords

    return DrawingRecords(_path(settings, folder), files)


def open_requests(settings: Settings, folder: Path | None = None) -> RequestLedger:
    """The request lifecycle ledger, beside the bot state in `folder` (default: CURATOR_DATA_DIR)."""
    if settings.state_store == "memory":
        from bot.state.requests import MemoryRequests

        return MemoryRequests()
    from bot.state.requests_sqlite import SqliteRequests

    return SqliteRequests(_path(settings, folder))


def _path(settings: Settings, folder: Path | None) -> Path:
    return settings.state_path if folder is None else folder / settings.state_path.name
