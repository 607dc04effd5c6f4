"""Personal data in the Posteingang: export and erasure for a sender, deletion after the retention period."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from rathaus.core.audit.models import AuditEvent
from rathaus.core.db import open_session, utcnow
from rathaus.core.module import PersonRef
from rathaus.core.storage import StoredFile, blob_path
from rathaus.inbox.models import Item, ItemStatus
from rathaus.inbox.privacy import erase_person, export_person, purge_done
from rathaus.modules import Settings
from tests.conftest import World
from tests.inbox.stand_ins import CLERK, receive_text


def _items(sessions: sessionmaker[Session], tenant_id: int) -> list[str]:
    with open_session(sessions, tenant_id=tenant_id) as session:
        return list(session.scalars(select(Item.subject).order_by(Item.id)))


def test_a_sender_gets_their_items_and_can_have_them_erased(
    world: World, sessions: sessionmaker[Session], settings: Settings
) -> None:
    with open_session(sessions, tenant_id=world.tenant_a_id) as session:
        receive_text(session, settings.files_dir, "Laterne", "Bitte reparieren.", sender="Erika@Example.org")
        receive_text(session, settings.files_dir, "Müll", "Tonne voll.", sender="erika@example.org")
        receive_text(session, settings.files_dir, "Anderes", "Von jemand anderem.", sender="max@example.org")
    with open_session(sessions, tenant_id=world.tenant_a_id) as session:
        exported = export_person(session, PersonRef(email="ERIKA@example.org"))
        assert [row["betreff"] for row in exported] == ["Laterne", "Müll"]
        assert exported[0]["text"] == "Bitte reparieren."
        assert exported[0]["dateien"] == ["nachricht.txt"]
        assert export_person(session, PersonRef()) == []
        assert erase_person(session, PersonRef(email="erika@example.org"), CLERK) == 2
    assert _items(sessions, world.tenant_a_id) == ["Anderes"]
    with open_session(sessions, tenant_id=world.tenant_a_id) as session:
        marked = session.scalars(select(StoredFile).where(StoredFile.delete_after.is_not(None))).all()
        assert len(marked) == 2  # the bytes go with the next retention sweep
        deleted = session.scalars(select(AuditEvent).where(AuditEvent.action == "inbox.item_deleted")).all()
        assert len(deleted) == 2
        assert deleted[0].details["reason"] == "Löschung auf Antrag (Art. 17 DSGVO)"


def test_done_items_are_deleted_with_their_files_after_the_retention_period_open_ones_stay(
    world: World, sessions: sessionmaker[Session], settings: Settings
) -> None:
    now = utcnow()
    with open_session(sessions, tenant_id=world.tenant_a_id) as session:
        old = receive_text(session, settings.files_dir, "alt erledigt", "eins")
        old.status, old.closed_at = ItemStatus.CLOSED, now - timedelta(days=40)
        recent = receive_text(session, settings.files_dir, "neu erledigt", "zwei")
        recent.status, recent.closed_at = ItemStatus.CLOSED, now - timedelta(days=5)
        still_open = receive_text(session, settings.files_dir, "offen", "drei")
        still_open.status, still_open.received_at = ItemStatus.ACCEPTED, now - timedelta(days=400)
        old_file = session.get(StoredFile, old.documents[0].file_id)
        assert old_file is not None
        old_blob = blob_path(settings.files_dir, old_file.sha256)
    assert old_blob.is_file()
    with open_session(sessions, tenant_id=world.tenant_a_id) as session:
        assert purge_done(session=session, files_dir=settings.files_dir, days=30, actor=CLERK, now=now) == 1
    assert _items(sessions, world.tenant_a_id) == ["neu erledigt", "offen"]
    assert not old_blob.exists()
