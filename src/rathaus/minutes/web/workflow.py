"""Routes of the minutes workflow: Entwurf → in Prüfung → freigegeben → veröffentlicht."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from rathaus.core.db import utcnow
from rathaus.core.security.session_user import SessionUser
from rathaus.minutes import workflow
from rathaus.minutes.config import MinutesSettings
from rathaus.minutes.models import Meeting
from rathaus.minutes.web.common import PREFIX, meeting_or_404, to_meeting
from rathaus.minutes.web.meetings import meeting_response
from rathaus.web.deps import Context, MinutesClerk, TenantSession, actor_of, flash

router = APIRouter(prefix=PREFIX, tags=["Protokollhilfe"])


def _change_status(
    session: Session, meeting: Meeting, user: SessionUser, context: Any, action: str, chair: str, reason: str
) -> str:
    actor = actor_of(user)
    if action == "pruefen":
        workflow.submit_for_review(session=session, meeting=meeting, actor=actor)
        return "Die Niederschrift ist jetzt in Prüfung."
    if action == "zurueck":
        workflow.return_to_draft(session=session, meeting=meeting, actor=actor, reason=reason)
        return "Die Niederschrift ist wieder ein Entwurf."
    if action == "freigeben":
        days = context.settings.section(MinutesSettings).audio_retention_days
        workflow.approve(
            session=session, meeting=meeting, actor=actor, chair_name=chair, retention_days=days, now=utcnow()
        )
        # The daily sweep (minutes.retention, rathaus.core.schedule) deletes them once expired.
        return f"Die Niederschrift ist freigegeben. Die Aufnahmen werden nach {days} Tagen gelöscht."
    if action == "veroeffentlichen":
        workflow.publish(session=session, meeting=meeting, actor=actor, now=utcnow())
        return "Die Niederschrift ist veröffentlicht (nur öffentliche Tagesordnungspunkte)."
    raise workflow.WorkflowError("Unbekannte Aktion.")


@router.post("/{meeting_id}/status", summary="Status der Niederschrift ändern")
def change_status(
    request: Request,
    meeting_id: int,
    user: MinutesClerk,
    session: TenantSession,
    context: Context,
    aktion: Annotated[str, Form()] = "",
    vorsitz: Annotated[str, Form()] = "",
    grund: Annotated[str, Form()] = "",
) -> Response:
    meeting = meeting_or_404(session, meeting_id)
    try:
        message = _change_status(session, meeting, user, context, aktion, vorsitz, grund)
    except workflow.WorkflowError as problem:
        return meeting_response(request, session, meeting, context, error=str(problem), status_code=400)
    flash(request, message)
    return to_meeting(meeting.id, "#status")
