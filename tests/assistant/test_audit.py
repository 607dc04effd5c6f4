"""Every write of the assistant takes its actor and records a declared audit action."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from rathaus.assistant import asking, conversations, service
from rathaus.assistant.audit_actions import AssistantAction
from rathaus.assistant.schemas import Answer
from rathaus.assistant.sources import SourceInput
from rathaus.core.audit.models import AuditEvent
from rathaus.core.audit.service import Actor, verify_chain
from rathaus.core.db import open_session, utcnow
from rathaus.core.security.models import User
from tests.assistant.conftest import AssistantWorld

ACTOR = Actor(id=None, name="redaktion-a")
ITEM = SourceInput(kind="document", title="Sperrmüll", body="Sperrmüll holt der Bauhof.", external_id="f:s")


def _conversation(session: Session, *, age_days: int = 0) -> int:
    conversation = conversations.log_conversation(
        session=session, audience="public", question="Wo ist Sperrmüll?", result=Answer("x", "handover")
    )
    conversation.created_at = utcnow() - timedelta(days=age_days)
    session.flush()
    return conversation.id


def _source_id(session: Session, title: str) -> int:
    return next(source.id for source in service.list_sources(session=session) if source.title == title)


def _import(session: Session, world: AssistantWorld) -> None:
    service.import_sources(session=session, tenant_id=world.tenant_id, items=[ITEM], actor=ACTOR)


def _faq(session: Session, world: AssistantWorld) -> None:
    service.save_faq(session=session, tenant_id=world.tenant_id, question="Wann?", answer="Nie.", actor=ACTOR)


def _visibility(session: Session, world: AssistantWorld) -> None:
    source_id = _source_id(session, "Hund anmelden")
    service.set_visibility(session=session, source_id=source_id, visibility="internal", actor=ACTOR)


def _delete(session: Session, world: AssistantWorld) -> None:
    service.delete_source(session=session, source_id=_source_id(session, "Hund anmelden"), actor=ACTOR)


def _departments(session: Session, world: AssistantWorld) -> None:
    user_id = session.scalar(select(User.id).where(User.username == "sachbearbeitung-a"))
    assert user_id is not None
    service.set_staff_departments(
        session=session, tenant_id=world.tenant_id, user_id=user_id, departments=["Kämmerei"], actor=ACTOR
    )


def _review(session: Session, world: AssistantWorld) -> None:
    conversations.mark_reviewed(session=session, conversation_id=_conversation(session), actor=ACTOR)


def _purge(session: Session, world: AssistantWorld) -> None:
    _conversation(session, age_days=100)
    assert conversations.purge_expired(session=session, retention_days=90, actor=ACTOR) == 1


WRITES: dict[AssistantAction, Callable[[Session, AssistantWorld], None]] = {
    AssistantAction.IMPORT: _import,
    AssistantAction.FAQ_SAVED: _faq,
    AssistantAction.VISIBILITY: _visibility,
    AssistantAction.SOURCE_DELETED: _delete,
    AssistantAction.STAFF_DEPARTMENTS: _departments,
    AssistantAction.QUESTION_REVIEWED: _review,
    AssistantAction.LOGS_PURGED: _purge,
}


def _events(session: Session) -> list[tuple[str, str]]:
    query = select(AuditEvent).where(AuditEvent.action.like("assistant.%")).order_by(AuditEvent.id)
    rows = session.scalars(query)
    return [(row.action, row.actor_name) for row in rows]


@pytest.mark.parametrize("action", list(WRITES), ids=str)
def test_each_write_records_its_action_with_the_actor(
    assistant_world: AssistantWorld, sessions: sessionmaker[Session], action: AssistantAction
) -> None:
    with open_session(sessions, tenant_id=assistant_world.tenant_id) as session:
        before = _events(session)
        WRITES[action](session, assistant_world)
        assert _events(session)[len(before) :] == [(str(action), "redaktion-a")]
    with open_session(sessions) as session:
        checked, problems = verify_chain(session)
        assert checked > 0
        assert problems == []


def test_every_declared_action_is_recorded_by_some_write() -> None:
    assert set(WRITES) == set(AssistantAction)


WRITE_FUNCTIONS: list[Callable[..., Any]] = [
    service.import_sources,
    service.save_faq,
    service.set_visibility,
    service.delete_source,
    service.set_staff_departments,
    conversations.mark_reviewed,
    conversations.purge_expired,
    conversations.record_answer_draft,
    asking.ask,
    asking.ask_stream,
]


@pytest.mark.parametrize("function", WRITE_FUNCTIONS, ids=lambda function: function.__name__)
def test_the_actor_is_a_required_keyword(function: Callable[..., Any]) -> None:
    actor = inspect.signature(function).parameters["actor"]
    assert actor.kind is inspect.Parameter.KEYWORD_ONLY
    assert actor.default is inspect.Parameter.empty


def test_a_write_without_an_actor_is_refused_before_it_writes(
    assistant_world: AssistantWorld, sessions: sessionmaker[Session]
) -> None:
    without_actor: dict[str, Any] = {"tenant_id": assistant_world.tenant_id, "items": [ITEM]}
    with open_session(sessions, tenant_id=assistant_world.tenant_id) as session:
        with pytest.raises(TypeError, match="actor"):
            service.import_sources(session=session, **without_actor)
        assert "Sperrmüll" not in {source.title for source in service.list_sources(session=session)}
