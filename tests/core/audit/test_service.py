"""The audit hash chain detects edits, deletions and a cut tail; AI drafts record human decisions."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from rathaus.core.audit.models import AIDraft, AuditEvent, Decision
from rathaus.core.audit.service import (
    Actor,
    DraftAlreadyDecidedError,
    decide_draft,
    input_hash,
    record,
    record_draft,
    verify_chain,
)
from rathaus.core.db import open_session
from tests.factories import make_tenant

CLERK = Actor(id=None, name="protokoll")


def _write_events(sessions: sessionmaker[Session], count: int = 5) -> int:
    with open_session(sessions) as session:
        tenant = make_tenant(session)
        for number in range(count):
            record(
                session=session,
                actor=CLERK,
                action="test.event",
                object_type="thing",
                object_id=number,
                tenant_id=tenant.id,
                details={"number": number, "text": "Änderung"},
            )
        return tenant.id


def _disable_append_only(session: Session) -> None:
    """What an attacker with database access would do first."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("DROP TRIGGER audit_events_no_update"))
        session.execute(text("DROP TRIGGER audit_events_no_delete"))
    else:
        session.execute(text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only"))


def test_intact_chain_verifies(sessions: sessionmaker[Session]) -> None:
    _write_events(sessions)
    with open_session(sessions) as session:
        checked, problems = verify_chain(session)
    assert checked == 6  # five events and the tenant's creation
    assert problems == []


def test_database_refuses_to_update_or_delete_events(sessions: sessionmaker[Session]) -> None:
    _write_events(sessions)
    for statement in ("UPDATE audit_events SET action = 'x'", "DELETE FROM audit_events"):
        with pytest.raises(DBAPIError, match="append-only"), open_session(sessions) as session:
            session.execute(text(statement))


def test_edited_event_is_detected(sessions: sessionmaker[Session]) -> None:
    _write_events(sessions)
    with open_session(sessions) as session:
        _disable_append_only(session)
        session.execute(text("UPDATE audit_events SET actor_name = 'jemand anderes' WHERE id = 3"))
    with open_session(sessions) as session:
        _, problems = verify_chain(session)
    assert [(p.event_id, "edited" in p.problem) for p in problems] == [(3, True)]


def test_deleted_event_is_detected(sessions: sessionmaker[Session]) -> None:
    _write_events(sessions)
    with open_session(sessions) as session:
        _disable_append_only(session)
        session.execute(text("DELETE FROM audit_events WHERE id = 4"))
    with open_session(sessions) as session:
        _, problems = verify_chain(session)
    assert any(p.event_id == 5 and "removed" in p.problem for p in problems)


def test_cut_tail_is_detected(sessions: sessionmaker[Session]) -> None:
    _write_events(sessions)
    with open_session(sessions) as session:
        _disable_append_only(session)
        last = session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1))
        session.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": last})
    with open_session(sessions) as session:
        _, problems = verify_chain(session)
    assert any("cut at its end" in p.problem for p in problems)


def test_draft_accepted_edited_rejected(sessions: sessionmaker[Session]) -> None:
    with open_session(sessions) as session:
        tenant = make_tenant(session)
    with open_session(sessions, tenant_id=tenant.id) as session:
        drafts = [
            record_draft(
                session=session,
                actor=Actor.system("minutes-pipeline"),
                module="minutes",
                purpose="summary",
                backend="llama-cpp",
                model_name="qwen2.5-coder-1.5b-instruct",
                model_version="Q4_K_M",
                prompt_template="minutes.summary",
                prompt_version="1",
                input_digest=input_hash("Transkript"),
                output="Der Rat stimmt zu.",
            )
            for _ in range(3)
        ]
        decide_draft(session=session, actor=CLERK, draft=drafts[0], final_text=None)
        decide_draft(
            session=session, actor=CLERK, draft=drafts[1], final_text="Der Rat stimmt einstimmig zu."
        )
        decide_draft(session=session, actor=CLERK, draft=drafts[2], final_text=None, rejected=True)
        with pytest.raises(DraftAlreadyDecidedError):
            decide_draft(session=session, actor=CLERK, draft=drafts[0], final_text="anders")
    with open_session(sessions) as session:
        stored = session.scalars(select(AIDraft).order_by(AIDraft.id)).all()
        assert [(d.decision, d.edit_distance) for d in stored] == [
            (Decision.ACCEPTED, 0),
            (Decision.EDITED, len(" einstimmig")),
            (Decision.REJECTED, None),
        ]
        assert all(d.tenant_id == tenant.id for d in stored)
        actions = session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
        assert actions.count("ai.draft_created") == 3
        assert {"ai.draft_accepted", "ai.draft_edited", "ai.draft_rejected"} <= set(actions)
        assert verify_chain(session)[1] == []
