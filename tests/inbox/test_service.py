"""The Posteingang's domain logic on a real database: receive, duplicates, decisions, queues, figures."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from rathaus.core.audit.models import AuditEvent
from rathaus.core.db import open_session, utcnow
from rathaus.core.storage import StoredFile
from rathaus.inbox import filing, service
from rathaus.inbox.models import Item, ItemStatus
from rathaus.modules import Settings
from tests.conftest import World
from tests.inbox.stand_ins import CLERK, import_small_plan, receive_text, text_incoming

TODAY = utcnow().date()  # what the sweep and the queues call today


@pytest.fixture
def tenant_session(world: World, sessions: sessionmaker[Session]) -> Iterator[Session]:
    """A session in tenant A, which has the small filing plan; committed at the end."""
    with open_session(sessions, tenant_id=world.tenant_a_id) as session:
        import_small_plan(session)
    with open_session(sessions, tenant_id=world.tenant_a_id) as session:
        yield session


def _actions(session: Session) -> list[str]:
    return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def _on(session: Session, item: Item, number: str, *, days_due: int | None = None) -> Item:
    position = filing.position_by_number(session=session, number=number)
    assert position is not None
    item.position_id, item.org_unit_id, item.status = position.id, position.org_unit_id, ItemStatus.ROUTED
    item.due_date = None if days_due is None else TODAY + timedelta(days=days_due)
    session.flush()
    session.refresh(item)
    return item


def test_the_same_content_twice_is_linked_not_stored_twice(
    world: World, sessions: sessionmaker[Session], settings: Settings
) -> None:
    with open_session(sessions, tenant_id=world.tenant_a_id) as session:
        first = service.receive(
            session=session,
            files_dir=settings.files_dir,
            incoming=text_incoming("Laterne", "kaputt"),
            actor=CLERK,
        )
        again = service.receive(
            session=session,
            files_dir=settings.files_dir,
            incoming=text_incoming("Laterne", "kaputt"),
            actor=CLERK,
        )
        assert first.duplicate_of is None
        assert again.duplicate_of is not None
        assert again.duplicate_of.id == first.item.id
        assert again.item.status is ItemStatus.CLOSED
        assert again.item.status_message is not None
        assert f"Nr. {first.item.id}" in again.item.status_message
        assert len(list(session.scalars(select(StoredFile)))) == 1  # the bytes are stored once
        assert _actions(session)[-2:] == ["inbox.item_received", "inbox.item_duplicate"]


def test_another_tenant_does_not_see_the_item_nor_count_it_as_duplicate(
    world: World, sessions: sessionmaker[Session], settings: Settings
) -> None:
    with open_session(sessions, tenant_id=world.tenant_a_id) as session:
        item_id = receive_text(session, settings.files_dir, "Laterne", "kaputt").id
    with open_session(sessions, tenant_id=world.tenant_b_id) as session:
        assert service.get_item(session=session, item_id=item_id) is None
        other = service.receive(
            session=session,
            files_dir=settings.files_dir,
            incoming=text_incoming("Laterne", "kaputt"),
            actor=CLERK,
        )
        assert other.duplicate_of is None


def test_accept_confirms_and_a_reroute_moves_to_the_other_department(
    tenant_session: Session, settings: Settings
) -> None:
    session = tenant_session
    item = _on(session, receive_text(session, settings.files_dir, "Laterne", "Licht aus"), "70.10")
    bau = filing.position_by_number(session=session, number="63.10")
    assert bau is not None
    service.reroute(session=session, item=item, position=bau, actor=CLERK)
    assert (item.position_id, item.org_unit_id) == (bau.id, bau.org_unit_id)
    assert item.status is ItemStatus.ROUTED
    assert item.confirmed
    assert item.routing_method == "person"
    assert item.routing_reason == "von sachbearbeitung zugeordnet (vorher 70.10)"
    service.accept(session=session, item=item, actor=CLERK)
    assert item.status is ItemStatus.ACCEPTED
    assert item.accepted_at is not None
    assert _actions(session)[-2:] == ["inbox.item_rerouted", "inbox.item_accepted"]


def test_decisions_refuse_items_that_are_being_read_or_done(
    tenant_session: Session, settings: Settings
) -> None:
    session = tenant_session
    item = receive_text(session, settings.files_dir, "Laterne", "Licht aus")
    with pytest.raises(service.ItemStateError, match="wird noch gelesen"):
        service.accept(session=session, item=item, actor=CLERK)
    _on(session, item, "66.20")
    service.close(session=session, item=item, actor=CLERK, note="telefonisch geklärt")
    with pytest.raises(service.ItemStateError, match="bereits erledigt"):
        service.close(session=session, item=item, actor=CLERK)
    service.reopen(session=session, item=item, actor=CLERK)
    assert item.status is ItemStatus.ACCEPTED


def test_triage_items_without_position_cannot_be_accepted_but_rerouted(
    tenant_session: Session, settings: Settings
) -> None:
    session = tenant_session
    item = receive_text(session, settings.files_dir, "Frage", "Wie geht es weiter?")
    item.status = ItemStatus.TRIAGE
    with pytest.raises(service.ItemStateError, match="keiner Position"):
        service.accept(session=session, item=item, actor=CLERK)
    target = filing.position_by_number(session=session, number="66.20")
    assert target is not None
    service.reroute(session=session, item=item, position=target, actor=CLERK, accept_now=True)
    assert item.status is ItemStatus.ACCEPTED


def test_a_queue_lists_overdue_first_then_by_due_date_and_says_it_in_words(
    tenant_session: Session, settings: Settings
) -> None:
    session = tenant_session
    late = _on(session, receive_text(session, settings.files_dir, "A", "eins"), "66.20", days_due=-2)
    later = _on(session, receive_text(session, settings.files_dir, "B", "zwei"), "70.10", days_due=10)
    undated = _on(session, receive_text(session, settings.files_dir, "C", "drei"), "66.20")
    soon = _on(session, receive_text(session, settings.files_dir, "D", "vier"), "70.10", days_due=1)
    _on(session, receive_text(session, settings.files_dir, "E", "fünf"), "63.10", days_due=-1)
    unit = late.org_unit_id
    rows = service.queue(session=session, org_unit_id=unit, today=TODAY)
    assert [row.item.id for row in rows] == [late.id, soon.id, later.id, undated.id]
    assert rows[0].due_label.startswith("überfällig seit ")
    assert rows[1].due_label.endswith("(bald)")
    assert rows[3].due_label == "keine Frist erkannt"
    counts = {
        c.org_unit.name if c.org_unit else None: (c.open, c.overdue)
        for c in service.queue_counts(session=session, today=TODAY)
    }
    assert counts == {None: (0, 0), "Bauamt": (1, 1), "Tiefbauamt": (4, 1)}


def test_processing_times_are_medians_per_department(tenant_session: Session, settings: Settings) -> None:
    session = tenant_session
    now = utcnow()
    for hours in (2, 4, 30):
        item = _on(session, receive_text(session, settings.files_dir, f"L{hours}", f"Text {hours}"), "66.20")
        item.received_at = now - timedelta(hours=hours + 1)
        item.accepted_at = now - timedelta(hours=1)
    session.flush()
    [row] = service.processing_times(session=session, since=now - timedelta(days=30))
    assert (row.org_unit, row.items, row.to_accepted_h, row.to_answered_h) == ("Tiefbauamt", 3, 4.0, None)
