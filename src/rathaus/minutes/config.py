"""Settings of the Protokollhilfe: the section ``minutes`` (``RATHAUS_MINUTES__*``)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class MinutesSettings(BaseModel):
    """Protokollhilfe: recordings, retention, deadlines."""

    audio_retention_days: int = Field(
        default=30, ge=0, description="days after approval until the audio is deleted"
    )
    max_recording_seconds: int = Field(default=8 * 3600, ge=60)
    max_recording_bytes: int = Field(default=2 * 1024**3, ge=1024, description="largest recording upload")
    max_transcript_bytes: int = Field(
        default=20 * 1024**2, ge=1024, description="largest imported transcript (WebVTT, SRT, JSON)"
    )
    due_working_days: int = Field(default=3, ge=1, description="working days after the session")
    oparl_timeout_seconds: float = Field(default=20.0, gt=0)
    asr_language: str = "de"
