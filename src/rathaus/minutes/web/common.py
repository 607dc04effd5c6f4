"""What the Protokollhilfe's route modules share: looking up a meeting and redirecting back to it."""

from __future__ import annotations

from fastapi import HTTPException, status
from fastapi.responses import RedirectResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from rathaus.minutes.models import Meeting

PREFIX = "/protokolle"


def meeting_or_404(session: Session, meeting_id: int) -> Meeting:
    """The meeting of the session's tenant, or 404 (another tenant's looks exactly like a missing one)."""
    meeting = session.scalar(select(Meeting).where(Meeting.id == meeting_id))
    if meeting is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Diese Sitzung gibt es nicht.")
    return meeting


def to_meeting(meeting_id: int, anchor: str = "") -> RedirectResponse:
    """303 to the meeting's page (``anchor`` like ``#aufnahmen``)."""
    return RedirectResponse(f"{PREFIX}/{meeting_id}{anchor}", status_code=status.HTTP_303_SEE_OTHER)


def to_editor(meeting_id: int, anchor: str = "") -> RedirectResponse:
    """303 to the meeting's editor."""
    target = f"{PREFIX}/{meeting_id}/bearbeiten{anchor}"
    return RedirectResponse(target, status_code=status.HTTP_303_SEE_OTHER)
