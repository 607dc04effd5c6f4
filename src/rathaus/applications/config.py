"""Settings of the module Anträge: the section ``applications`` (``RATHAUS_APPLICATIONS__*``)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class ApplicationsSettings(BaseModel):
    """Anträge: the deadlines the caseworker pages propose."""

    documents_days: int = Field(
        default=14, ge=1, le=365, description="default deadline of a Nachforderung, in days"
    )
