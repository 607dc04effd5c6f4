"""The one ask flow of every route: visibility per audience, handover, the redacted log, AI drafts."""

from __future__ import annotations

from collections.abc import Collection

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from rathaus.assistant import asking
from rathaus.assistant.config import AssistantSettings
from rathaus.assistant.models import Conversation
from rathaus.assistant.retrieval import Audience
from rathaus.core.ai.protocols import ChatModel
from rathaus.core.audit.models import AIDraft, AuditEvent
from rathaus.core.audit.service import Actor
from rathaus.core.db import open_session
from tests.assistant.conftest import AssistantWorld, ScriptedChat
from tests.assistant.stand_ins import as_any

SETTINGS = AssistantSettings()
CLERK = Actor(id=None, name="sachbearbeitung-a")


def ask(
    session: Session,
    world: AssistantWorld,
    question: str,
    *,
    audience: Audience = "public",
    departments: Collection[str] = (),
    chat: ChatModel | None = None,
    actor: Actor = CLERK,
) -> asking.Asked:
    return asking.ask(
        session=session,
        tenant_id=world.tenant_id,
        question=question,
        audience=audience,
        departments=departments,
        embedder=None,
        chat=chat,
        settings=SETTINGS,
        actor=actor,
    )


def logged(sessions: sessionmaker[Session], tenant_id: int) -> list[Conversation]:
    with open_session(sessions, tenant_id=tenant_id) as session:
        rows = list(session.scalars(select(Conversation).order_by(Conversation.id)))
        session.expunge_all()
        return rows


def test_staff_see_internal_sources_and_citizens_do_not(
    assistant_world: AssistantWorld, sessions: sessionmaker[Session]
) -> None:
    question = "Wann wird die Barkasse abgerechnet?"
    with open_session(sessions, tenant_id=assistant_world.tenant_id) as session:
        public = ask(session, assistant_world, question, audience="public")
        staff = ask(session, assistant_world, question, audience="staff")
    assert "Dienstanweisung Kassenführung" not in {p.title for p in public.passages}
    assert not public.answer.answered
    assert "16 Uhr" not in public.answer.text
    assert staff.answer.answered
    assert "täglich um 16 Uhr abgerechnet" in staff.answer.text
    assert staff.answer.citations[0].title == "Dienstanweisung Kassenführung"
    assert staff.passages[0].title == "Dienstanweisung Kassenführung"
    assert [c.audience for c in logged(sessions, assistant_world.tenant_id)] == ["public", "staff"]


def test_another_tenants_sources_are_never_used(
    assistant_world: AssistantWorld, sessions: sessionmaker[Session]
) -> None:
    with open_session(sessions, tenant_id=assistant_world.tenant_id) as session:
        asked = ask(session, assistant_world, "Was kostet der Reisepass?", audience="staff")
    assert "Bergdorfer Sonderdienst" not in {p.title for p in asked.passages}
    assert "999 Euro" not in asked.answer.text


def test_an_unsupported_question_hands_over_and_is_logged_as_unanswered(
    assistant_world: AssistantWorld, sessions: sessionmaker[Session]
) -> None:
    with open_session(sessions, tenant_id=assistant_world.tenant_id) as session:
        asked = ask(session, assistant_world, "Wann fährt der nächste Zug nach Paris?")
    assert asked.answer.mode == "handover"
    assert not asked.answer.answered
    assert asked.answer.handover is not None
    assert "keine verlässliche Antwort" in asked.answer.text
    [conversation] = logged(sessions, assistant_world.tenant_id)
    assert conversation.id == asked.conversation_id == asked.answer.conversation_id
    assert (conversation.mode, conversation.answered) == ("handover", False)


@pytest.mark.parametrize(
    ("question", "message"),
    [("   ", "Bitte geben Sie eine Frage ein."), ("?!", "nur mit Zeichen"), ("a" * 2001, "zu lang")],
)
def test_a_question_that_cannot_be_asked_is_refused_and_not_logged(
    assistant_world: AssistantWorld, sessions: sessionmaker[Session], question: str, message: str
) -> None:
    with (
        open_session(sessions, tenant_id=assistant_world.tenant_id) as session,
        pytest.raises(asking.QuestionError, match=message),
    ):
        ask(session, assistant_world, question)
    assert logged(sessions, assistant_world.tenant_id) == []


def test_the_conversation_is_logged_without_personal_data(
    assistant_world: AssistantWorld, sessions: sessionmaker[Session]
) -> None:
    question = "Ich heiße Max Mustermann (max.mustermann@example.org). Wie lange ist der Reisepass gültig?"
    with open_session(sessions, tenant_id=assistant_world.tenant_id) as session:
        asked = ask(session, assistant_world, question)
    assert "zehn Jahre gültig" in asked.answer.text
    [conversation] = logged(sessions, assistant_world.tenant_id)
    assert "Mustermann" not in conversation.question
    assert "example.org" not in conversation.question
    assert "[Name]" in conversation.question
    assert "[E-Mail]" in conversation.question
    assert "Reisepass" in conversation.question
    assert {"name", "email"} <= set(conversation.redactions)
    assert conversation.citations[0]["title"] == "Reisepass beantragen"
    assert conversation.draft_id is None, "an extractive answer is no AI draft"


def test_an_llm_answer_streams_and_is_recorded_as_an_ai_draft_of_the_actor(
    assistant_world: AssistantWorld, sessions: sessionmaker[Session]
) -> None:
    chat = ScriptedChat("Der Reisepass ist zehn Jahre gültig [1].")
    with open_session(sessions, tenant_id=assistant_world.tenant_id) as session:
        items = list(
            asking.ask_stream(
                session=session,
                tenant_id=assistant_world.tenant_id,
                question="Wie lange ist der Reisepass gültig?",
                audience="public",
                embedder=None,
                chat=as_any(chat),
                settings=SETTINGS,
                actor=Actor.system("assistant-public"),
            )
        )
    *pieces, asked = items
    assert isinstance(asked, asking.Asked)
    streamed = "".join(str(piece) for piece in pieces).strip().replace(" \n", "\n")
    assert streamed.startswith("Der Reisepass ist zehn Jahre gültig [1].")
    assert streamed == asked.answer.text  # the LLM's sentence, then the extracted fact lines
    assert asked.answer.mode == "llm"
    assert asked.answer.draft_id is not None
    with open_session(sessions, tenant_id=assistant_world.tenant_id) as session:
        draft = session.get(AIDraft, asked.answer.draft_id)
        assert draft is not None
        assert (draft.module, draft.purpose) == ("assistant", "public_answer")
        assert draft.object_id == str(asked.conversation_id)
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "ai.draft_created")).one()
        assert event.actor_name == "assistant-public"


def test_the_paragraph_with_the_amount_joins_the_passages(sessions: sessionmaker[Session]) -> None:
    from rathaus.assistant import service  # noqa: PLC0415
    from rathaus.assistant.sources import parse_markdown  # noqa: PLC0415
    from tests.assistant.stand_ins import EDITOR  # noqa: PLC0415
    from tests.factories import make_tenant  # noqa: PLC0415

    text = (
        "---\ntitel: Hundesteuersatzung\ngemeinde: Eschenbach\nrechtsnatur: satzung\n---\n"
        "### § 1 Steuergegenstand\n\nDie Gemeinde erhebt die Hundesteuer nach dieser Satzung. "
        "Steuerpflichtig ist, wer in Eschenbach einen Hund hält.\n\n"
        "### § 5 Steuersatz\n\n(1) Die Steuer beträgt im Kalenderjahr für jeden Hund 120,00 €.\n\n"
        "### § 11 Hundesteuermarken\n\nBei Verlust einer Hundesteuermarke gibt es eine Ersatzmarke.\n"
    )
    with open_session(sessions) as session:
        tenant_id = make_tenant(session, slug="eschenbach", name="Gemeinde Eschenbach").id
    with open_session(sessions, tenant_id=tenant_id) as session:
        service.import_sources(
            session=session, tenant_id=tenant_id, items=[parse_markdown(text, name="hund.md")], actor=EDITOR
        )
        service.reindex(session=session, embedder=None)
        world = AssistantWorld(slug="eschenbach", tenant_id=tenant_id, other_tenant_id=tenant_id)
        asked = ask(session, world, "Wie viel Hundesteuer zahle ich in Eschenbach?")
    assert asked.passages[0].section == "§ 1 Steuergegenstand"  # what retrieval found first
    assert "§ 5 Steuersatz" in [p.section for p in asked.passages]
    assert asked.answer.lines[0].startswith("Hundesteuersatzung (Eschenbach), § 5 Steuersatz: Die Steuer")
    assert "120,00 €" in asked.answer.lines[0]
