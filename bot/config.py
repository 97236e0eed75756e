"""Curator's settings: one typed object read from the environment and `.env`.

The environment variable names are a contract shared by every module and test.
Settings are read once in `main()` and passed down; nothing reads the environment elsewhere.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATA_DIR = Path.home() / ".local" / "share" / "curator"
DEFAULT_CACHE_DIR = Path.home() / ".cache" / "curator"
# The versions Google publishes (googleapis/googleapis): Gemini API and Vertex AI.
API_KEY_API_VERSIONS = ("v1beta", "v1", "v1alpha")
VERTEX_API_VERSIONS = ("v1beta1", "v1")


_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_interval(text: str) -> float:
    """`15m`, `1h`, `90s`, `2d` or plain seconds -> seconds (at least 1)."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*", text.lower())
    if not match or float(match[1]) <= 0:
        raise ValueError(f"Not an interval: {text!r} (use e.g. 90s, 15m, 1h)")
    return max(1.0, float(match[1]) * _UNITS[match[2] or "s"])


class Settings(BaseSettings):
    """Every knob Curator reads from the environment, validated once at start-up."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    # Google (Gemini API key or Vertex AI).
    gemini_api_key: SecretStr | None = Field(default=None, validation_alias="GEMINI_API_KEY")
    google_gemini_base_url: str | None = Field(default=None, validation_alias="GOOGLE_GEMINI_BASE_URL")
    google_genai_use_vertexai: bool = Field(default=False, validation_alias="GOOGLE_GENAI_USE_VERTEXAI")
    google_cloud_project: str | None = Field(default=None, validation_alias="GOOGLE_CLOUD_PROJECT")
    google_cloud_location: str = Field(default="us-central1", validation_alias="GOOGLE_CLOUD_LOCATION")
    # The REST API version every Google call uses: empty pins v1beta (API key) or v1beta1 (Vertex), the
    # versions whose protos carry systemInstruction, responseSchema, responseModalities and imageConfig.
    google_api_version: str = Field(default="", validation_alias="GOOGLE_API_VERSION")
    embedding_model: str = Field(default="gemini-embedding-2", validation_alias="EMBEDDING_MODEL")
    embedding_dim: int = Field(default=768, validation_alias="EMBEDDING_DIM")
    # Current GA ids (Dec 2026); `curator doctor` and each model's first use check them with models.get.
    answer_model: str = Field(default="gemini-3.6-flash", validation_alias="ANSWER_MODEL")
    image_model: str = Field(default="gemini-3.1-flash-image", validation_alias="IMAGE_MODEL")
    # Output resolution for Gemini image models ("512", "1K", "2K", "4K"; empty: the model's default). Sent
    # only once a countTokens probe shows the API version accepts imageConfig.imageSize.
    image_size: Literal["", "512", "1K", "2K", "4K"] = Field(default="", validation_alias="IMAGE_SIZE")
    google_timeout_s: float = Field(default=60.0, gt=0, validation_alias="GOOGLE_TIMEOUT_S")
    google_retry_attempts: int = Field(default=4, ge=1, le=10, validation_alias="GOOGLE_RETRY_ATTEMPTS")
    google_retry_initial_delay_s: float = Field(
        default=1.0, ge=0, validation_alias="GOOGLE_RETRY_INITIAL_DELAY_S"
    )
    # The TCP/TLS connect of every Google request, and the whole of a model lookup (models.get/list, the first
    # call of every process), so an unreachable or hanging Google is reported within seconds, not minutes.
    google_connect_timeout_s: float = Field(default=5.0, gt=0, validation_alias="GOOGLE_CONNECT_TIMEOUT_S")

    # The vector engine: "edge" (embedded Qdrant Edge under CURATOR_DATA_DIR/edge, the default; a Qdrant server or
    # cluster instead when QDRANT_URL is set), "qdrant" (qdrant-client: QDRANT_URL, else its older local mode), or
    # "memory" (nothing persists: tests and throwaway runs).
    vector_store: Literal["edge", "qdrant", "memory"] = Field(default="edge", validation_alias="VECTOR_STORE")
    # The bot state and the drawing ledger: SQLite under CURATOR_DATA_DIR, or "memory" (tests, throwaway runs).
    state_store: Literal["sqlite", "memory"] = Field(default="sqlite", validation_alias="STATE_STORE")
    qdrant_url: str | None = Field(default=None, validation_alias="QDRANT_URL")
    qdrant_api_key: SecretStr | None = Field(default=None, validation_alias="QDRANT_API_KEY")
    qdrant_path: Path | None = Field(default=None, validation_alias="QDRANT_PATH")
    qdrant_timeout_s: int = Field(default=30, gt=0, validation_alias="QDRANT_TIMEOUT_S")

    # Slack.
    slack_bot_token: SecretStr | None = Field(default=None, validation_alias="SLACK_BOT_TOKEN")
    slack_app_token: SecretStr | None = Field(default=None, validation_alias="SLACK_APP_TOKEN")
    slack_signing_secret: SecretStr | None = Field(default=None, validation_alias="SLACK_SIGNING_SECRET")
    slack_api_url: str = Field(default="https://slack.com/api/", validation_alias="SLACK_API_URL")
    slack_timeout_s: int = Field(default=15, gt=0, validation_alias="SLACK_TIMEOUT_S")
    # The start-up check of `curator serve` and `curator doctor` (auth.test, apps.connections.open).
    slack_connect_timeout_s: float = Field(default=5.0, gt=0, validation_alias="SLACK_CONNECT_TIMEOUT_S")
    slack_workers: int = Field(default=128, ge=1, le=512, validation_alias="SLACK_WORKERS")
    # An answer not finished this long after it started stops there and says so; one still being streamed
    # after SLACK_STOP_BUTTON_AFTER_S gets Slack's Stop button (an agent session).
    slack_answer_deadline_s: float = Field(default=300.0, gt=0, validation_alias="SLACK_ANSWER_DEADLINE_S")
    slack_stop_button_after_s: float = Field(default=5.0, ge=0, validation_alias="SLACK_STOP_BUTTON_AFTER_S")
    # Whatever the model's retries: an answer with no text this long after the question ends in an honest
    # error; the status says "still working" after ANSWER_STILL_WORKING_AFTER_S without text.
    answer_first_text_deadline_s: float = Field(default=55.0, gt=0, le=60,
                                                validation_alias="ANSWER_FIRST_TEXT_DEADLINE_S")
    answer_still_working_after_s: float = Field(default=6.0, gt=0, validation_alias="ANSWER_STILL_WORKING_AFTER_S")
    # A request being worked on is leased to its process, renewed every third of this while the process lives;
    # a lease run out means its process died: the user is told, with a Retry button, and Slack's redelivery is
    # taken over. On SIGTERM, running requests get SHUTDOWN_GRACE_S to finish; the rest are told "interrupted".
    request_lease_s: float = Field(default=30.0, ge=1, validation_alias="REQUEST_LEASE_S")
    shutdown_grace_s: float = Field(default=20.0, ge=0, validation_alias="SHUTDOWN_GRACE_S")
    docs_url: str | None = Field(default=None, validation_alias="CURATOR_DOCS_URL")
    # `curator serve --http`: a connection must send a whole request (headers, then body) within this many
    # seconds of opening or going idle, else it is closed; at most this many connections at once (then 503).
    http_request_timeout_s: float = Field(default=10.0, gt=0, validation_alias="HTTP_REQUEST_TIMEOUT_S")
    http_max_connections: int = Field(default=200, ge=1, validation_alias="HTTP_MAX_CONNECTIONS")

    # Drawing: fairness and cost.
    image_quota_per_user_per_day: int = Field(default=25, ge=0, validation_alias="IMAGE_QUOTA_PER_USER_PER_DAY")
    image_concurrency: int = Field(default=4, ge=1, le=64, validation_alias="IMAGE_CONCURRENCY")

    # Find: which encoder puts images in the text space ("auto": gemini-embedding-2 image parts with Google
    # credentials, else offline), the Vertex multimodal model, and how many files of one post are looked at.
    image_embedder: Literal["auto", "gemini", "vertex", "offline"] = Field(
        default="auto", validation_alias="IMAGE_EMBEDDER"
    )
    multimodal_embedding_model: str = Field(
        default="multimodalembedding@001", validation_alias="MULTIMODAL_EMBEDDING_MODEL"
    )
    multimodal_embedding_dim: Literal[128, 256, 512, 1408] = Field(
        default=512, validation_alias="MULTIMODAL_EMBEDDING_DIM"
    )
    vertex_api_endpoint: str | None = Field(default=None, validation_alias="VERTEX_API_ENDPOINT")
    find_max_files: int = Field(default=4, ge=1, le=20, validation_alias="FIND_MAX_FILES")

    # Routing: with Google credentials, a message the offline router is unsure about gets a second opinion from
    # a text model (ROUTER_MODEL, default ANSWER_MODEL) within ROUTER_TIMEOUT_S, else the offline reading stands.
    router_second_opinion: bool = Field(default=True, validation_alias="ROUTER_SECOND_OPINION")
    router_model: str | None = Field(default=None, validation_alias="ROUTER_MODEL")
    router_timeout_s: float = Field(default=2.0, gt=0, le=30, validation_alias="ROUTER_TIMEOUT_S")

    curator_data_dir: Path = Field(default=DEFAULT_DATA_DIR, validation_alias="CURATOR_DATA_DIR")
    # Derived files that are rebuilt when missing (the offline embedding model exported for ONNX Runtime).
    curator_cache_dir: Path = Field(default=DEFAULT_CACHE_DIR, validation_alias="CURATOR_CACHE_DIR")
    # `curator doctor` reports every check within this many seconds, however the network behaves.
    doctor_deadline_s: float = Field(default=20.0, gt=0, validation_alias="DOCTOR_DEADLINE_S")
    collection: str = Field(default="kb", validation_alias="CURATOR_COLLECTION")

    # Scheduled sync (`curator serve`): these folders or files (separated by the OS path separator, ":" on Linux)
    # are re-ingested incrementally every SYNC_INTERVAL (e.g. 90s, 15m, 1h). `serve --sync PATH --every 15m` too.
    sync_paths: str = Field(default="", validation_alias="SYNC_PATHS")
    sync_interval: str = Field(default="15m", validation_alias="SYNC_INTERVAL")

    # Ingestion limits: a file above this size is skipped with a reason instead of exhausting memory.
    max_file_mb: float = Field(default=20.0, gt=0, validation_alias="CURATOR_MAX_FILE_MB")
    # Links (file or folder) whose target leaves the folder being ingested are skipped unless this is set.
    ingest_follow_links_outside: bool = Field(default=False, validation_alias="INGEST_FOLLOW_LINKS_OUTSIDE")

    @field_validator("sync_interval")
    @classmethod
    def _an_interval(cls, value: str) -> str:
        parse_interval(value)  # ValueError names the bad value
        return value

    @field_validator("embedding_dim")
    @classmethod
    def _dim_in_matryoshka_range(cls, value: int) -> int:
        if not 128 <= value <= 3072:
            raise ValueError("EMBEDDING_DIM must be between 128 and 3072 (768, 1536 or 3072 recommended)")
        return value

    @model_validator(mode="after")
    def _one_qdrant_location(self) -> Settings:
        if self.qdrant_url and self.qdrant_path:
            raise ValueError("Set either QDRANT_URL (a Qdrant server) or QDRANT_PATH (local mode), not both")
        if self.google_genai_use_vertexai and not self.google_cloud_project:
            raise ValueError("GOOGLE_GENAI_USE_VERTEXAI=true needs GOOGLE_CLOUD_PROJECT")
        if self.image_embedder == "gemini" and not self.uses_google:
            raise ValueError("IMAGE_EMBEDDER=gemini needs GEMINI_API_KEY or GOOGLE_GENAI_USE_VERTEXAI")
        if self.image_embedder == "vertex" and not self.google_genai_use_vertexai:
            raise ValueError("IMAGE_EMBEDDER=vertex needs GOOGLE_GENAI_USE_VERTEXAI=true and GOOGLE_CLOUD_PROJECT")
        allowed = VERTEX_API_VERSIONS if self.google_genai_use_vertexai else API_KEY_API_VERSIONS
        if self.google_api_version and self.google_api_version not in allowed:
            raise ValueError(f"GOOGLE_API_VERSION must be one of {', '.join(allowed)} in this mode, "
                             "or empty for the version Curator needs")
        return self

    @property
    def api_version(self) -> str:
        """The Google REST API version to call: GOOGLE_API_VERSION, else v1beta1 (Vertex) or v1beta (API key)."""
        return self.google_api_version or ("v1beta1" if self.google_genai_use_vertexai else "v1beta")

    @property
    def uses_google(self) -> bool:
        """True when Google credentials are configured (API key or Vertex AI)."""
        return self.google_genai_use_vertexai or self.gemini_api_key is not None

    @property
    def local_qdrant_path(self) -> Path:
        """Where embedded (local-mode) Qdrant keeps its files."""
        return self.qdrant_path or self.curator_data_dir / "qdrant"

    @property
    def sync_path_list(self) -> list[Path]:
        """SYNC_PATHS as paths (empty: no scheduled sync)."""
        return [Path(p).expanduser() for p in self.sync_paths.split(os.pathsep) if p.strip()]

    @property
    def edge_path(self) -> Path:
        """Where the embedded Qdrant Edge engine keeps its shards (one folder per collection)."""
        return self.curator_data_dir / "edge"

    @property
    def uses_edge(self) -> bool:
        """True when the knowledge base lives in the embedded Qdrant Edge engine (no QDRANT_URL)."""
        return self.vector_store == "edge" and not self.qdrant_url

    @property
    def state_path(self) -> Path:
        """The bot's state database (delivered events, threads joined, feedback)."""
        return self.curator_data_dir / "state.sqlite3"

    @property
    def images_dir(self) -> Path:
        """Where generated images are kept (the library of past drawings)."""
        return self.curator_data_dir / "images"

    @property
    def manifest_path(self) -> Path:
        """The ingest manifest (content hashes per source file)."""
        return self.curator_data_dir / "manifest.sqlite3"
