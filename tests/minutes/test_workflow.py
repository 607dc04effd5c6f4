"""Status workflow, due dates with state holidays, decisions on AI drafts, audio retention."""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from rathaus.core.audit.models import AIDraft, AuditEvent, Decision
from rathaus.core.audit.service import input_hash, record_draft
from rathaus.core.db import open_session, utcnow
from rathaus.core.storage import StoredFile, blob_path
from rathaus.minutes import service, workflow
from rathaus.minutes.models import Meeting, MeetingStatus, MinutesDraft, Recording
from tests.minutes.conftest import MinutesWorld
from tests.minutes.test_service import _wav_bytes


@pytest.mark.parametrize(
    ("session_date", "state", "due"),
    [
        (date(2025, 4, 17), "NI", date(2025, 4, 24)),  # Good Friday, Easter Monday
        (date(2025, 10, 30), "NI", date(2025, 11, 5)),  # Reformationstag (Fri 31 Oct) in Lower Saxony
        (date(2025, 10, 30), "BY", date(2025, 11, 4)),  # …not in Bavaria (Allerheiligen is a Saturday)
        (date(2025, 6, 18), "BW", date(2025, 6, 24)),  # Fronleichnam in Baden-Württemberg
        (date(2025, 6, 18), "NI", date(2025, 6, 23)),  # …but not in Lower Saxony
    ],
)
def test_due_date_counts_working_days_of_the_state(session_date: date, state: str, due: date) -> None:
    assert workflow.due_date(session_date=session_date, state=state) == due


def test_overdue_only_while_open(minutes_world: MinutesWorld) -> None:
    with open_session(minutes_world.sessions, tenant_id=minutes_world.tenant_id) as session:
        meeting = session.get(Meeting, minutes_world.meeting_id)
        assert meeting is not None
        assert meeting.due_date is not None
        assert not workflow.is_overdue(meeting, today=meeting.due_date)
        assert workflow.is_overdue(meeting, today=meeting.due_date + timedelta(days=1))
        meeting.status = MeetingStatus.APPROVED
        assert not workflow.is_overdue(meeting, today=meeting.due_date + timedelta(days=1))


def test_workflow_approval_decides_drafts_and_plans_retention(
    minutes_world: MinutesWorld, tmp_path: Path
) -> None:
    files_dir = tmp_path / "files"
    actor = minutes_world.actor
    with open_session(minutes_world.sessions, tenant_id=minutes_world.tenant_id) as session:
        meeting = session.get(Meeting, minutes_world.meeting_id)
        assert meeting is not None
        recording = service.add_recording(
            session=session,
            meeting=meeting,
            files_dir=files_dir,
            upload=io.BytesIO(_wav_bytes()),
            filename="sitzung.wav",
            max_bytes=10**6,
            uploaded_by_id=actor.id,
            actor=actor,
        )
        ai = record_draft(
            session=session,
            actor=actor,
            module="minutes",
            purpose="summary",
            backend="extractive",
            model_name="x",
            model_version="1",
            prompt_template="t",
            prompt_version="1",
            input_digest=input_hash("a"),
            output="Der Rat stimmt zu.",
        )
        session.add(
            MinutesDraft(
                tenant_id=meeting.tenant_id,
                meeting_id=meeting.id,
                text="Der Rat stimmt einstimmig zu.",
                ai_draft_id=ai.id,
            )
        )
        session.flush()
        with pytest.raises(workflow.WorkflowError, match="kann nicht „freigegeben“ werden"):
            workflow.approve(
                session=session,
                meeting=meeting,
                actor=actor,
                chair_name="Albers",
                retention_days=30,
                now=utcnow(),
            )
        workflow.submit_for_review(session=session, meeting=meeting, actor=actor)
        with pytest.raises(workflow.WorkflowError, match="Vorsitz"):
            workflow.approve(
                session=session, meeting=meeting, actor=actor, chair_name=" ", retention_days=30, now=utcnow()
            )
        approved_at = utcnow() - timedelta(days=31)
        workflow.approve(
            session=session,
            meeting=meeting,
            actor=actor,
            chair_name="Albers",
            retention_days=30,
            now=approved_at,
        )
        assert meeting.status is MeetingStatus.APPROVED
        assert meeting.chair_approval == "Albers"
        decided = session.get(AIDraft, ai.id)
        assert decided is not None
        assert decided.decision is Decision.EDITED
        assert decided.final_text == "Der Rat stimmt einstimmig zu."
        assert decided.edit_distance == 11
        stored = session.get(StoredFile, recording.file_id)
        assert stored is not None
        assert stored.delete_after == approved_at + timedelta(days=30)
        sha = stored.sha256
        workflow.publish(session=session, meeting=meeting, actor=actor, now=utcnow())
        assert meeting.status is MeetingStatus.PUBLISHED
        recording_id = recording.id
    assert blob_path(files_dir, sha).exists()
    with open_session(minutes_world.sessions, tenant_id=minutes_world.tenant_id) as session:
        assert workflow.sweep_audio(session=session, files_dir=files_dir) == [recording_id]
    assert not blob_path(files_dir, sha).exists()
    with open_session(minutes_world.sessions, tenant_id=minutes_world.tenant_id) as session:
        row = session.get(Recording, recording_id)
        assert row is not None
        assert row.deleted_at is not None
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "minutes.audio_deleted")).all()
        assert [(e.object_id, e.details["meeting_id"]) for e in events] == [
            (str(recording_id), minutes_world.meeting_id)
        ]
        assert workflow.sweep_audio(session=session, files_dir=files_dir) == []


def test_open_minutes_for_the_dashboard(minutes_world: MinutesWorld) -> None:
    from rathaus.minutes import open_minutes  # noqa: PLC0415

    with open_session(minutes_world.sessions, tenant_id=minutes_world.tenant_id) as session:
        assert open_minutes(session=session, today=date(2025, 4, 24)) == (1, 0)
        assert open_minutes(session=session, today=date(2025, 4, 25)) == (1, 1)
    with open_session(minutes_world.sessions, tenant_id=minutes_world.other_tenant_id) as session:
        assert open_minutes(session=session, today=date(2025, 4, 25)) == (0, 0)
