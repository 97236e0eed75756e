"""Credentials and genai clients wired to a running :class:`FakeGemini`.

- ``service_account_info(fake)``: a service-account JSON dict (fresh RSA key, cached per process)
  whose ``token_uri`` is the fake's ``/token``; ``write_service_account_file(fake, path)``.
- ``service_account_credentials(fake)``: google-auth SA credentials (cloud-platform scope).
- ``api_key_client(fake, **http_options)`` / ``vertex_client(fake, **http_options)``: genai
  clients (API key pinned to v1beta, like Curator); extra keyword arguments go to ``types.HttpOptions``
  (e.g. ``timeout=`` in ms, ``retry_options=``, ``api_version=``).

Vertex traps (see /work/shared/notes/google-sdk.md): project and location must be constructor
arguments with a custom base_url, and ``NO_GCE_CHECK=true`` avoids metadata-server probes
(``vertex_client`` sets it).
"""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path
from typing import Any

from .gemini_api import FakeGemini

SCOPES = ["https://www.googleapis.com/auth/cloud-platform"]
PROJECT = "fake-project"
LOCATION = "us-central1"


@functools.lru_cache(maxsize=1)
def _private_key_pem() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def service_account_info(fake: FakeGemini, project: str = PROJECT) -> dict[str, Any]:
    return {
        "type": "service_account",
        "project_id": project,
        "private_key_id": "fake-key-id",
        "private_key": _private_key_pem(),
        "client_email": f"curator-test@{project}.iam.gserviceaccount.com",
        "client_id": "1234567890",
        "auth_uri": fake.base_url + "auth",
        "token_uri": fake.token_uri,
    }


def write_service_account_file(fake: FakeGemini, path: str | os.PathLike, project: str = PROJECT) -> Path:
    path = Path(path)
    info = service_account_info(fake, project)
    path.write_text(json.dumps(info))
    fake.trust_service_account(info["client_email"], info["private_key"])
    return path


def service_account_credentials(fake: FakeGemini, project: str = PROJECT):
    from google.oauth2 import service_account

    return service_account.Credentials.from_service_account_info(
        service_account_info(fake, project), scopes=SCOPES)


def api_key_client(fake: FakeGemini, **http_options: Any):
    """A genai client at the fake, pinned to v1beta as Curator pins it (``api_version=`` overrides)."""
    from google import genai
    from google.genai import types

    http_options.setdefault("api_version", "v1beta")
    return genai.Client(api_key=fake.api_key,
                        http_options=types.HttpOptions(base_url=fake.base_url, **http_options))


def vertex_client(fake: FakeGemini, project: str = PROJECT, location: str = LOCATION,
                  **http_options: Any):
    from google import genai
    from google.genai import types

    os.environ.setdefault("NO_GCE_CHECK", "true")
    return genai.Client(vertexai=True, project=project, location=location,
                        credentials=service_account_credentials(fake, project),
                        http_options=types.HttpOptions(base_url=fake.base_url, **http_options))


def google_settings(fake: FakeGemini, tmp_path: Path, **overrides: Any):
    """API-key Settings pointed at the fake, with fast retries; `overrides` use the env names."""
    from bot.config import Settings

    values = {
        "GEMINI_API_KEY": fake.api_key,
        "GOOGLE_GEMINI_BASE_URL": fake.base_url,
        "CURATOR_DATA_DIR": tmp_path / "data",
        "GOOGLE_RETRY_INITIAL_DELAY_S": 0.01,
        "GOOGLE_TIMEOUT_S": 5,
    }
    return Settings(_env_file=None, **(values | overrides))
