"""Routes of the attendance suggested from named votes: the clerk sees the suggestion and confirms."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from rathaus.minutes.attendance import AttendanceChangeError, confirm_attendance, suggest_attendance
from rathaus.minutes.web.common import PREFIX, meeting_or_404, to_meeting
from rathaus.minutes.workflow import OPEN_STATES
from rathaus.web.deps import MinutesClerk, TenantSession, actor_of, flash
from rathaus.web.templating import render

router = APIRouter(prefix=PREFIX, tags=["Protokollhilfe"])


@router.get("/{meeting_id}/anwesenheit-aus-abstimmungen", summary="Anwesenheit aus namentlichen Abstimmungen")
def attendance_suggestion(
    request: Request, meeting_id: int, user: MinutesClerk, session: TenantSession
) -> Response:
    meeting = meeting_or_404(session, meeting_id)
    suggestions = suggest_attendance(session, meeting)
    return render(
        request,
        "minutes/attendance_suggestion.html",
        {"meeting": meeting, "suggestions": suggestions, "editable": meeting.status in OPEN_STATES},
    )


@router.post("/{meeting_id}/anwesenheit-aus-abstimmungen", summary="Vorgeschlagene Anwesenheit übernehmen")
def confirm_attendance_suggestion(
    request: Request,
    meeting_id: int,
    user: MinutesClerk,
    session: TenantSession,
    personen: Annotated[list[str] | None, Form()] = None,
) -> Response:
    meeting = meeting_or_404(session, meeting_id)
    try:
        changed = confirm_attendance(
            session=session, meeting=meeting, names=personen or [], actor=actor_of(user)
        )
    except AttendanceChangeError as problem:
        flash(request, str(problem))
        return to_meeting(meeting.id, "#anwesenheit")
    flash(
        request,
        f"Die Anwesenheit wurde für {changed} Person(en) aus den Abstimmungen übernommen."
        if changed
        else "Es wurde nichts übernommen (keine Person ausgewählt).",
    )
    return to_meeting(meeting.id, "#anwesenheit")
