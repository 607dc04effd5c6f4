"""The life of minutes: Entwurf → in Prüfung → freigegeben → veröffentlicht, the deadline, retention."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import holidays
from sqlalchemy import select
from sqlalchemy.orm import Session

from rathaus.core.audit.models import AIDraft
from rathaus.core.audit.service import Actor, decide_draft, record
from rathaus.core.db import utcnow
from rathaus.core.storage import StoredFile, purge_expired
from rathaus.minutes.audit_actions import MinutesAction
from rathaus.minutes.models import Meeting, MeetingStatus, MinutesDraft, Recording

TRANSITIONS: dict[MeetingStatus, frozenset[MeetingStatus]] = {
    MeetingStatus.DRAFT: frozenset({MeetingStatus.IN_REVIEW}),
    MeetingStatus.IN_REVIEW: frozenset({MeetingStatus.DRAFT, MeetingStatus.APPROVED}),
    MeetingStatus.APPROVED: frozenset({MeetingStatus.PUBLISHED}),
    MeetingStatus.PUBLISHED: frozenset(),
}
OPEN_STATES = frozenset({MeetingStatus.DRAFT, MeetingStatus.IN_REVIEW})


class WorkflowError(ValueError):
    """A status change that is not allowed now; the message is German."""


def due_date(*, session_date: date, state: str, working_days: int = 3) -> date:
    """The day the minutes are due: ``working_days`` working days (Mon–Fri, no holiday) after the session.

    Example: a session on Thursday 2025-04-17 in Lower Saxony (Good Friday and Easter Monday are
    holidays) is due on Thursday 2025-04-24.
    """
    calendar = holidays.country_holidays(
        "DE", subdiv=state.upper() or None, years=range(session_date.year, session_date.year + 2)
    )
    day = session_date
    left = working_days
    while left > 0:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in calendar:
            left -= 1
    return day


def is_overdue(meeting: Meeting, *, today: date) -> bool:
    """Whether the minutes are still open after their due date."""
    return meeting.status in OPEN_STATES and meeting.due_date is not None and meeting.due_date < today


def _change(
    *, session: Session, meeting: Meeting, to: MeetingStatus, actor: Actor, **details: object
) -> None:
    if to not in TRANSITIONS[meeting.status]:
        msg = f"Die Niederschrift ist „{meeting.status.label}“ und kann nicht „{to.label}“ werden."
        raise WorkflowError(msg)
    before = meeting.status
    meeting.status = to
    session.flush()
    record(
        session=session,
        actor=actor,
        action=MinutesAction(f"minutes.status_{to.value}"),
        object_type="meeting",
        object_id=meeting.id,
        details={"from": before.value, "to": to.value, **details},
    )


def submit_for_review(*, session: Session, meeting: Meeting, actor: Actor) -> None:
    """Entwurf → in Prüfung."""
    _change(session=session, meeting=meeting, to=MeetingStatus.IN_REVIEW, actor=actor)


def return_to_draft(*, session: Session, meeting: Meeting, actor: Actor, reason: str) -> None:
    """in Prüfung → Entwurf, with the reviewer's reason."""
    _change(session=session, meeting=meeting, to=MeetingStatus.DRAFT, actor=actor, reason=reason)


def approve(
    *, session: Session, meeting: Meeting, actor: Actor, chair_name: str, retention_days: int, now: datetime
) -> None:
    """in Prüfung → freigegeben by the clerk with the chair's consent; decide AI drafts; plan retention.

    The change between each AI draft and the approved text is recorded with ``decide_draft``; the
    recordings are set to be deleted ``retention_days`` after approval.
    """
    if not chair_name.strip():
        raise WorkflowError("Bitte geben Sie an, wer als Vorsitz der Niederschrift zugestimmt hat.")
    _change(
        session=session, meeting=meeting, to=MeetingStatus.APPROVED, actor=actor, chair=chair_name.strip()
    )
    meeting.chair_approval = chair_name.strip()
    meeting.approved_by_id = actor.id
    meeting.approved_at = now
    drafts = session.scalars(select(MinutesDraft).where(MinutesDraft.meeting_id == meeting.id)).all()
    for draft in drafts:
        ai_draft = session.get(AIDraft, draft.ai_draft_id) if draft.ai_draft_id else None
        if ai_draft is not None and ai_draft.decision is None:
            decide_draft(session=session, actor=actor, draft=ai_draft, final_text=draft.text)
    delete_after = now + timedelta(days=retention_days)
    for recording in session.scalars(select(Recording).where(Recording.meeting_id == meeting.id)):
        stored = session.get(StoredFile, recording.file_id)
        if stored is not None and stored.deleted_at is None:
            stored.delete_after = delete_after
    record(
        session=session,
        actor=actor,
        action=MinutesAction.AUDIO_RETENTION_PLANNED,
        object_type="meeting",
        object_id=meeting.id,
        details={"delete_after": delete_after.isoformat(), "days": retention_days},
    )
    session.flush()


def publish(*, session: Session, meeting: Meeting, actor: Actor, now: datetime) -> None:
    """freigegeben → veröffentlicht: the public items appear on the public page."""
    _change(session=session, meeting=meeting, to=MeetingStatus.PUBLISHED, actor=actor)
    meeting.published_at = now
    session.flush()


def sweep_audio(*, session: Session, files_dir: Path, now: datetime | None = None) -> list[int]:
    """Delete the recordings whose retention has run out; audited. Returns the recording ids deleted."""
    moment = now or utcnow()
    expired = purge_expired(session=session, files_dir=files_dir, now=moment)
    ids = {stored.id for stored in expired}
    removed: list[int] = []
    if not ids:
        return removed
    for recording in session.scalars(select(Recording).where(Recording.file_id.in_(ids))):
        if recording.deleted_at is None:
            recording.deleted_at = moment
            removed.append(recording.id)
            record(
                session=session,
                actor=Actor.system("retention"),
                action=MinutesAction.AUDIO_DELETED,
                object_type="recording",
                object_id=recording.id,
                details={
                    "meeting_id": recording.meeting_id,
                    "file_id": recording.file_id,
                    "deleted_at": moment.isoformat(),
                },
            )
    session.flush()
    return removed


def open_minutes(*, session: Session, today: date) -> tuple[int, int]:
    """(open, overdue) minutes of the session's tenant, for the dashboard."""
    rows = session.scalars(select(Meeting).where(Meeting.status.in_(OPEN_STATES))).all()
    return len(rows), sum(is_overdue(meeting, today=today) for meeting in rows)


def open_minutes_due(*, session: Session, today: date) -> list[tuple[Meeting, bool]]:
    """The open minutes of the session's tenant, earliest due first, each with whether it is overdue."""
    rows = session.scalars(
        select(Meeting)
        .where(Meeting.status.in_(OPEN_STATES))
        .order_by(Meeting.due_date.is_(None), Meeting.due_date, Meeting.session_date, Meeting.id)
    ).all()
    return [(meeting, is_overdue(meeting, today=today)) for meeting in rows]
