"""Settings of the module Anträge: the section ``applications`` (``RATHAUS_APPLICATIONS__*``)."""

from __future__ import annotations

from pydantic import BaseModel, Field

MEGABYTE = 1024 * 1024


class ApplicationsSettings(BaseModel):
    """Anträge: the citizen form (saved progress, uploads, rate limit), reading attachments, retention."""

    draft_days: int = Field(
        default=30, ge=1, description="a started citizen form is kept this many days after its last change"
    )
    max_upload_bytes: int = Field(
        default=10 * MEGABYTE, ge=1024, description="largest attachment a citizen may upload"
    )
    rate_per_minute: int = Field(
        default=60, ge=1, description="public form requests (pages and posts) per client and minute"
    )
    max_attachment_pages: int = Field(
        default=30, ge=1, le=500, description="attachments with more pages are kept but not read"
    )
    retention_days: int = Field(
        default=3650,
        ge=30,
        description="decided applications (with attachments and findings) are deleted this many days later",
    )
    documents_days: int = Field(
        default=14, ge=1, le=365, description="default deadline of a Nachforderung, in days"
    )
