"""Settings: the env contract, defaults and impossible combinations."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.config import Settings


def test_defaults_are_offline_with_local_qdrant_under_the_data_dir(tmp_path):
    settings = Settings(_env_file=None, CURATOR_DATA_DIR=tmp_path)
    assert not settings.uses_google
    assert settings.embedding_model == "gemini-embedding-2" and settings.embedding_dim == 768
    assert settings.local_qdrant_path == tmp_path / "qdrant"


def test_contract_names_are_read_from_the_environment_and_dotenv(tmp_path, monkeypatch):
    (tmp_path / ".env").write_text("EMBEDDING_DIM=1536\nANSWER_MODEL=gemini-2.5-pro\n")
    monkeypatch.setenv("GEMINI_API_KEY", "k-123")
    monkeypatch.setenv("QDRANT_URL", "http://qdrant:6333")
    settings = Settings()
    assert settings.uses_google and settings.gemini_api_key.get_secret_value() == "k-123"
    assert settings.embedding_dim == 1536 and settings.answer_model == "gemini-2.5-pro"
    assert settings.qdrant_url == "http://qdrant:6333"
    assert "k-123" not in repr(settings), "secrets never appear in logs or reprs"


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"EMBEDDING_DIM": 64}, "between 128 and 3072"),
        ({"QDRANT_URL": "http://q:6333", "QDRANT_PATH": "/tmp/q"}, "either QDRANT_URL"),
        ({"GOOGLE_GENAI_USE_VERTEXAI": True}, "needs GOOGLE_CLOUD_PROJECT"),
    ],
)
def test_impossible_settings_are_refused_with_a_reason(values, message):
    with pytest.raises(ValidationError, match=message):
        Settings(_env_file=None, **values)
