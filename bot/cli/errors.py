"""One line instead of a traceback: what went wrong in a CLI command, and what to do about it."""

from __future__ import annotations

from bot.config import Settings

ERROR_GUIDE = "docs/troubleshooting.md"


def explain(exc: BaseException, settings: Settings, command: str) -> str:
    """A message for an exception that reached the top of a command; unknown ones say how to see the details."""
    from bot.errors import ProviderError
    from bot.kb.stores.qdrant import KnowledgeBaseError

    if isinstance(exc, ProviderError | KnowledgeBaseError | FileNotFoundError):
        return str(exc)
    if _is_qdrant_error(exc):
        where = settings.qdrant_url or settings.local_qdrant_path
        return (f"Qdrant at {where} failed ({type(exc).__name__}: {_first_line(exc)}). Check that the server is "
                "running and QDRANT_URL / QDRANT_API_KEY; `curator doctor` checks it.")
    if isinstance(exc, PermissionError):
        return (f"Permission denied: {exc.filename}. Curator keeps its data in CURATOR_DATA_DIR "
                f"({settings.curator_data_dir}) and its model cache in CURATOR_CACHE_DIR ({settings.curator_cache_dir}):"
                " both must be writable by this user.")
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.strerror}: {exc.filename or ''} ({type(exc).__name__}). See {ERROR_GUIDE}."
    if isinstance(exc, RuntimeError):  # our own messages (e.g. the local Qdrant folder in use)
        return _first_line(exc)
    return (f"Unexpected error: {type(exc).__name__}: {_first_line(exc)}. Run `curator -v {command} …` to see where "
            f"it happened, and see {ERROR_GUIDE}.")


def _is_qdrant_error(exc: BaseException) -> bool:
    module = type(exc).__module__
    return module.startswith("qdrant_client") or (module.startswith(("httpx", "httpcore")) and "Connect" in type(exc).__name__)


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0][:300] if lines else ""
