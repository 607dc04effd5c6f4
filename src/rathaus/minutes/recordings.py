"""Recordings of a meeting: the audio or video files of the session, in playing order.

Keyword-only, taking a session, never committing (as ``service``, which re-exports these names).
"""

from __future__ import annotations

from pathlib import Path
from typing import IO

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from rathaus.core.audit.service import Actor, record
from rathaus.core.storage import save_upload
from rathaus.minutes.audit_actions import MinutesAction
from rathaus.minutes.models import Meeting, Recording

RECORDING_TYPES = frozenset(
    {"audio/x-wav", "audio/mpeg", "audio/mp4", "audio/ogg", "video/mp4", "video/webm"}
)
RECORDING_PURPOSE = "minutes-recording"


def add_recording(
    *,
    session: Session,
    meeting: Meeting,
    files_dir: Path,
    upload: UploadFile | IO[bytes],
    max_bytes: int,
    uploaded_by_id: int | None,
    actor: Actor,
    filename: str | None = None,
) -> Recording:
    """Store one recording file (checked by content) as the next part of the session."""
    stored = save_upload(
        session=session,
        files_dir=files_dir,
        tenant_id=meeting.tenant_id,
        upload=upload,
        allowed=RECORDING_TYPES,
        max_bytes=max_bytes,
        purpose=RECORDING_PURPOSE,
        uploaded_by_id=uploaded_by_id,
        filename=filename,
    )
    position = (
        session.scalar(select(func.count()).select_from(Recording).where(Recording.meeting_id == meeting.id))
        or 0
    )
    recording = Recording(
        tenant_id=meeting.tenant_id, meeting_id=meeting.id, file_id=stored.id, position=position
    )
    session.add(recording)
    session.flush()
    record(
        session=session,
        actor=actor,
        action=MinutesAction.RECORDING_ADDED,
        object_type="meeting",
        object_id=meeting.id,
        details={"file_id": stored.id, "sha256": stored.sha256, "position": position},
    )
    return recording


def recordings_of(session: Session, meeting: Meeting) -> list[Recording]:
    """The recordings of a meeting in playing order."""
    return list(
        session.scalars(
            select(Recording)
            .where(Recording.meeting_id == meeting.id)
            .order_by(Recording.position, Recording.id)
        )
    )
