"""The production jobs of the Posteingang, run by the real JobRunner on a real database.

The embedder is the deterministic ``hashed-words`` stand-in chosen through settings, so what these tests
check is the wiring: reading → routing (rules, the classifier trained on confirmed items) → extraction,
the retraining job and the deadline sweep. The real e5 model is tested in test_routing and the benchmark.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from rathaus.core.audit.models import AuditEvent
from rathaus.core.audit.service import Actor
from rathaus.core.db import open_session, utcnow
from rathaus.core.jobs import Job, JobStatus, enqueue
from rathaus.core.mail import MailSettings
from rathaus.core.worker import JobRunner
from rathaus.inbox import filing, jobs
from rathaus.inbox.models import Item, ItemStatus, RoutingModel
from rathaus.modules import Settings
from tests import servers
from tests.conftest import World
from tests.inbox.stand_ins import import_small_plan, receive_text, register_hashed_words

TODAY = utcnow().date()  # what the sweep and the queues call today

TOPICS = {
    "63.10": ["Bauantrag für ein Einfamilienhaus", "Baugenehmigung für die Garage", "Bauvorhaben Anbau"],
    "66.20": ["Laterne vor Nummer 5 defekt", "Straßenlaterne flackert nachts", "Beleuchtung im Park dunkel"],
    "70.10": ["Mülltonne wurde nicht geleert", "Sperrmüll liegt am Gehweg", "Glascontainer voll"],
}


@pytest.fixture
def ai_settings(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    update = register_hashed_words(monkeypatch)
    return settings.model_copy(update={"ai": settings.ai.model_copy(update=update)})


@pytest.fixture
def tenant(world: World, sessions: sessionmaker[Session], ai_settings: Settings) -> int:
    """Tenant A with the small plan and three confirmed items per position (training data)."""
    with open_session(sessions, tenant_id=world.tenant_a_id) as session:
        import_small_plan(session)
        for number, texts in TOPICS.items():
            position = filing.position_by_number(session=session, number=number)
            assert position is not None
            for index, text in enumerate(texts * 2):
                item = receive_text(
                    session, ai_settings.files_dir, text, f"{text}. Bitte bearbeiten ({index})."
                )
                item.position_id, item.org_unit_id = position.id, position.org_unit_id
                item.status, item.confirmed = ItemStatus.CLOSED, True
    return world.tenant_a_id


def _run(
    sessions: sessionmaker[Session], settings: Settings, tenant_id: int, kind: str, **params: int
) -> Job:
    with open_session(sessions, tenant_id=tenant_id) as session:
        job_id = enqueue(session=session, kind=kind, params=params, tenant_id=tenant_id).id
    JobRunner(sessions=sessions, settings=settings).execute(job_id)
    with open_session(sessions, tenant_id=tenant_id) as session:
        job = session.get(Job, job_id)
        assert job is not None
        session.expunge(job)
        return job


def _new_item(
    sessions: sessionmaker[Session], settings: Settings, tenant_id: int, subject: str, body: str
) -> int:
    with open_session(sessions, tenant_id=tenant_id) as session:
        item = receive_text(session, settings.files_dir, subject, body)
        jobs.queue_processing(session=session, item_id=item.id, tenant_id=tenant_id)
        return item.id


def _process(sessions: sessionmaker[Session], settings: Settings, tenant_id: int, item_id: int) -> Item:
    with open_session(sessions, tenant_id=tenant_id) as session:
        item = session.get(Item, item_id)
        assert item is not None
        assert item.process_job_id is not None
        job_id = item.process_job_id
    JobRunner(sessions=sessions, settings=settings).execute(job_id)
    with open_session(sessions, tenant_id=tenant_id) as session:
        job = session.get(Job, job_id)
        assert job is not None
        assert job.status is JobStatus.SUCCEEDED, job.error if job else None
        item = session.get(Item, item_id)
        assert item is not None
        session.refresh(item, ["position", "org_unit", "case"])
        session.expunge_all()
        return item


def test_retraining_learns_from_confirmed_items_and_routes_by_the_classifier(
    sessions: sessionmaker[Session], ai_settings: Settings, tenant: int
) -> None:
    job = _run(sessions, ai_settings, tenant, jobs.RETRAIN)
    assert job.status is JobStatus.SUCCEEDED
    assert job.result == {"trained": True, "examples": 18, "positions": 3}
    item_id = _new_item(
        sessions,
        ai_settings,
        tenant,
        "Laterne defekt",
        "Die Straßenlaterne vor Nummer 12 ist seit Tagen dunkel.",
    )
    item = _process(sessions, ai_settings, tenant, item_id)
    assert item.position is not None
    assert item.position.number == "66.20"
    assert item.org_unit is not None
    assert item.org_unit.name == "Tiefbauamt"
    assert item.status is ItemStatus.ROUTED
    assert not item.confirmed
    assert item.routing_method == "classifier"
    assert item.routing_reason is not None
    assert "bestätigten" in item.routing_reason
    with open_session(sessions, tenant_id=tenant) as session:
        model = session.scalars(select(RoutingModel)).one()
        assert (ai_settings.data_dir / model.path).is_file()
        assert "inbox.model_trained" in session.scalars(select(AuditEvent.action)).all()


def test_a_caseworker_rule_wins_and_its_reason_is_kept(
    sessions: sessionmaker[Session], ai_settings: Settings, tenant: int
) -> None:
    with open_session(sessions, tenant_id=tenant) as session:
        bau = filing.position_by_number(session=session, number="63.10")
        assert bau is not None
        filing.save_rule(
            session=session,
            name="",
            field="subject",
            match="fuzzy",
            pattern="Bauantrag",
            position=bau,
            actor=Actor.system("test"),
        )
    item_id = _new_item(sessions, ai_settings, tenant, "Bauantraq Laterne", "Die Laterne brennt nicht.")
    item = _process(sessions, ai_settings, tenant, item_id)
    assert item.position is not None
    assert item.position.number == "63.10"
    assert item.routing_method == "rule"
    assert item.routing_reason is not None
    assert item.routing_reason.startswith("Regel: Betreff")


def test_an_unsure_item_goes_to_the_poststelle_never_elsewhere(
    sessions: sessionmaker[Session], ai_settings: Settings, tenant: int
) -> None:
    _run(sessions, ai_settings, tenant, jobs.RETRAIN)
    item_id = _new_item(sessions, ai_settings, tenant, "Frage", "Wann hat das Standesamt geöffnet?")
    item = _process(sessions, ai_settings, tenant, item_id)
    assert item.status is ItemStatus.TRIAGE
    assert item.position_id is None
    assert item.org_unit_id is None
    assert item.routing_reason


def test_the_deadline_and_the_file_reference_are_found_and_join_a_case(
    sessions: sessionmaker[Session], ai_settings: Settings, tenant: int
) -> None:
    body = "Ihr Zeichen: 63.10-0815/26\nBitte antworten Sie bis zum 15.03.2027 zu unserem Bauantrag."
    first = _process(
        sessions, ai_settings, tenant, _new_item(sessions, ai_settings, tenant, "Bauantrag", body)
    )
    assert first.due_date == date(2027, 3, 15)
    assert first.due_text is not None
    assert "15.03.2027" in first.due_text
    assert first.file_reference == "63.10-0815/26"
    second = _process(
        sessions,
        ai_settings,
        tenant,
        _new_item(sessions, ai_settings, tenant, "Nachtrag", "Ihr Zeichen: 63.10-0815/26\nAnbei die Pläne."),
    )
    assert second.case_id == first.case_id is not None


def test_a_mail_without_any_text_fails_with_a_message(
    sessions: sessionmaker[Session], ai_settings: Settings, tenant: int
) -> None:
    item = _process(sessions, ai_settings, tenant, _new_item(sessions, ai_settings, tenant, "", ""))
    assert item.status is ItemStatus.FAILED
    assert item.status_message == "Der Eingang enthält keinen lesbaren Text. Bitte von Hand zuordnen."


def test_the_reminder_sweep_reminds_once_a_day_of_close_deadlines(
    sessions: sessionmaker[Session], ai_settings: Settings, tenant: int
) -> None:
    with open_session(sessions, tenant_id=tenant) as session:
        items = session.scalars(select(Item).order_by(Item.id).limit(3)).all()
        for item, days in zip(items, (1, 2, 30), strict=True):
            item.status, item.due_date = ItemStatus.ACCEPTED, TODAY + timedelta(days=days)
    with servers.smtp_server() as smtp:
        mail = MailSettings(host=smtp.host, port=smtp.port, security="none", from_address="post@example.org")
        with_mail = ai_settings.model_copy(update={"mail": mail})
        first = _run(sessions, with_mail, tenant, jobs.REMINDERS).result
        again = _run(sessions, with_mail, tenant, jobs.REMINDERS).result
    assert first == {"reminded": 2, "departments": 1, "mailed": 1, "mail_failed": []}
    assert again == {"reminded": 0, "departments": 0, "mailed": 0, "mail_failed": []}
    [sent] = smtp.messages
    assert sent.rcpt_tos == ("bauamt@example.org",)
    message = sent.message()
    assert message["Subject"] == "Posteingang: 2 Frist(en) laufen bald ab – Bauamt"
    body = message.get_content()
    assert f"Nr. {items[0].id}: Bauantrag für ein Einfamilienhaus – fällig am " in body
    assert f"Nr. {items[2].id}:" not in body  # due in 30 days: not yet


def test_a_letter_without_address_gets_the_e_mail_it_gives_for_the_answer(
    sessions: sessionmaker[Session], ai_settings: Settings, tenant: int
) -> None:
    body = "Erika Musterfrau, Bahnhofstraße 3, E-Mail: erika.musterfrau@example.org\nDie Laterne ist aus."
    with open_session(sessions, tenant_id=tenant) as session:
        item = receive_text(session, ai_settings.files_dir, "Laterne", body, sender="")
        jobs.queue_processing(session=session, item_id=item.id, tenant_id=tenant)
        item_id = item.id
    item = _process(sessions, ai_settings, tenant, item_id)
    assert item.sender_address == "erika.musterfrau@example.org"
    assert item.extraction["sender_from_text"] == "erika.musterfrau@example.org"
    assert item.has_personal_data
