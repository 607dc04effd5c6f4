"""Settings come from RATHAUS_ variables and refuse default secrets outside development."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from rathaus.core.config import DEFAULT_SECRET
from rathaus.modules import Settings


def test_production_refuses_the_default_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RATHAUS_SECRET_KEY", raising=False)
    monkeypatch.setenv("RATHAUS_ENVIRONMENT", "production")
    with pytest.raises(ValidationError, match="RATHAUS_SECRET_KEY"):
        Settings(_env_file=None)  # type: ignore[call-arg]


def test_production_refuses_a_short_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RATHAUS_SECRET_KEY", "kurz")
    with pytest.raises(ValidationError, match="shorter than 32"):
        Settings(_env_file=None, environment="production")  # type: ignore[call-arg]


def test_development_accepts_the_default_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RATHAUS_SECRET_KEY", raising=False)
    settings = Settings(_env_file=None, environment="development")  # type: ignore[call-arg]
    assert settings.secret_key == DEFAULT_SECRET


def test_nested_settings_from_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    monkeypatch.setenv("RATHAUS_ENVIRONMENT", "development")
    monkeypatch.setenv("RATHAUS_SECURITY__LOGIN_MAX_FAILURES", "3")
    monkeypatch.setenv("RATHAUS_AI__LLM_BACKEND", "openai")
    monkeypatch.setenv("RATHAUS_DATA_DIR", "/srv/rathaus")
    monkeypatch.delenv("RATHAUS_DATABASE_URL", raising=False)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.security.login_max_failures == 3
    assert settings.ai.llm_backend == "openai"
    assert settings.db_url == "sqlite:////srv/rathaus/rathaus.sqlite3"


def test_invalid_value_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RATHAUS_AI__LLM_BACKEND", "magie")
    with pytest.raises(ValidationError, match="llm_backend"):
        Settings(_env_file=None, environment="development")  # type: ignore[call-arg]
