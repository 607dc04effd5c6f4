"""Settings of the assistant: the section ``assistant`` (``RATHAUS_ASSISTANT__*``)."""

from __future__ import annotations

import json
import re
from typing import Annotated

from pydantic import BaseModel, Field, field_validator
from pydantic_settings import NoDecode

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
    service_rrf_k: int = Field(default=10, ge=1, description="reciprocal rank fusion constant for services")
    service_dense_weight: float = Field(default=2.0, ge=0, description="dense weight for services")
    municipalities: dict[str, list[str]] = Field(
        default_factory=dict,
        description=(
            'municipalities each tenant serves, by tenant slug, as JSON: {"boll": ["Bad Boll", '
            '"Landkreis Göppingen"]}; the first one owns the tenant\'s services; unlisted: all of its sources'
        ),
    )
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
