"""Settings of the module Posteingang: the section ``inbox`` (``RATHAUS_INBOX__*``)."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field


class InboxSettings(BaseModel):
    """Posteingang: intake limits, OCR, routing threshold, polling and reminders."""

    max_upload_bytes: int = Field(
        default=100 * 1024**2, ge=1024, description="largest scan, PDF or e-mail upload"
    )
    max_pages: int = Field(
        default=200, ge=1, description="longer documents are kept but not read (split them)"
    )
    max_image_pixels: int = Field(
        default=120_000_000, ge=1_000_000, description="larger images are refused as decompression bombs"
    )
    low_confidence: float = Field(
        default=0.6, ge=0, le=1, description="pages read by OCR below this mean word confidence are flagged"
    )
    routing_threshold: float = Field(
        default=0.5, ge=0, le=1, description="below this confidence an item goes to the Poststelle"
    )
    use_llm_routing: bool = Field(
        default=False,
        description="ask the LLM (constrained to the filing plan) when rules and classifier are unsure",
    )
    poll_minutes: int = Field(default=5, ge=1, description="how often the IMAP mailboxes are polled")
    imap_timeout_seconds: float = Field(default=30.0, gt=0)
    drop_folder: Path | None = Field(
        default=None, description="the scanner's drop folder; one sub-folder per tenant slug"
    )
    reminder_days: int = Field(default=3, ge=0, description="remind of deadlines this many days ahead")
    retention_days: int = Field(
        default=365,
        ge=1,
        description="items answered or closed this many days ago are deleted with their files",
    )
    use_llm_replies: bool = Field(
        default=True, description="the LLM writes the body of reply drafts (when an LLM is configured)"
    )
