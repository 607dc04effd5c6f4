"""Settings of the module Anträge: the section ``applications`` (``RATHAUS_APPLICATIONS__*``)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class ApplicationsSettings(BaseModel):
    """Anträge: attachments, drafts, deadlines and retention."""

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
