"""A person's data in the Anträge: exported as stored (Art. 15), erased on request (Art. 17)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from rathaus.applications import casework, checklist, correspondence
from rathaus.applications.audit_actions import ApplicationsAction
from rathaus.applications.models import Application, ApplicationStatus, Outcome, Review
from rathaus.applications.privacy import ERASED_TEXT, erase_person, export_person
from rathaus.core.audit.models import AuditEvent
from rathaus.core.audit.service import Actor
from rathaus.core.db import open_session
from rathaus.core.module import PersonRef
from rathaus.core.storage import StoredFile
from tests.applications.factories import (
    TODAY,
    add_attachment,
    add_finding,
    check_now,
    install_types,
    make_application,
)
from tests.conftest import World

ACTOR = Actor(id=None, name="datenschutz")


@pytest.fixture
def tenant_session(world: World) -> Iterator[Session]:
    with open_session(world.sessions, tenant_id=world.tenant_a_id) as session:
        yield session


def _two_applications(session: Session, tenant_id: int, files_dir: Path) -> tuple[int, int, int]:
    types = install_types(session, tenant_id)
    decided = make_application(session, types["hundesteuer"], number=1)
    proof = add_attachment(
        session, decided, files_dir, requirement="rettungshundepruefung", text="Zeugnis Erika Musterfrau"
    )
    check_now(session, decided)
    add_finding(session, decided, attachment_id=proof.id, page=1, line=2, snippet="Erika Musterfrau")
    for group in checklist.checklist(session=session, application=decided):
        for item in group.items:
            casework.review_finding(
                session=session,
                application=decided,
                finding=item.finding,
                review=Review.ACCEPTED,
                reason="",
                actor=ACTOR,
            )
    casework.decide(
        session=session, application=decided, outcome=Outcome.APPROVED, reason="passt", actor=ACTOR
    )
    open_one = make_application(session, types["hundesteuer"], number=2, email="ERIKA@example.org")
    check_now(session, open_one)
    letter = correspondence.draft_request(
        session=session,
        application=open_one,
        items=["Nachweis"],
        due=date(2026, 12, 20),
        actor=ACTOR,
        today=TODAY,
    )
    correspondence.send_letter(
        session=session,
        application=open_one,
        letter=letter,
        pdf=b"%PDF-1.7 Erika",
        files_dir=files_dir,
        mail=None,
        actor=ACTOR,
    )
    make_application(session, types["hundesteuer"], number=3, data={"vorname": "Otto", "nachname": "Anders"})
    return decided.id, open_one.id, proof.file_id


def test_export_lists_the_persons_applications_as_stored(
    tenant_session: Session, world: World, tmp_path: Path
) -> None:
    _two_applications(tenant_session, world.tenant_a_id, tmp_path)
    rows = export_person(tenant_session, PersonRef(email="erika@example.org"))
    assert [row["antrag"] for row in rows] == ["HST-2026-00001", "HST-2026-00002"]
    first, second = rows
    assert first["name"] == "Erika Musterfrau"
    assert first["angaben"]["hund_name"] == "Bello"
    assert first["anlagen"][0]["datei"] == "nachweis.pdf"
    assert first["entscheidungen"] == [
        {
            "ergebnis": "bewilligt",
            "begruendung": "passt",
            "entschieden_am": first["entscheidungen"][0]["entschieden_am"],
        }
    ]
    assert second["status"] == "Unterlagen nachgefordert"
    assert "- Nachweis" in second["schreiben"][0]["text"]
    assert export_person(tenant_session, PersonRef(name="otto anders"))[0]["antrag"] == "HST-2026-00003"
    assert export_person(tenant_session, PersonRef()) == []


def test_erase_withdraws_open_applications_and_empties_the_personal_data(
    tenant_session: Session, world: World, tmp_path: Path
) -> None:
    session = tenant_session
    decided_id, open_id, file_id = _two_applications(session, world.tenant_a_id, tmp_path)
    assert erase_person(session, PersonRef(email="erika@example.org"), ACTOR) == 2
    decided, open_one = session.get(Application, decided_id), session.get(Application, open_id)
    assert decided is not None
    assert open_one is not None
    assert decided.status == ApplicationStatus.DECIDED
    assert open_one.status == ApplicationStatus.WITHDRAWN
    assert open_one.documents_due is None
    for application in (decided, open_one):
        assert (application.applicant_name, application.applicant_email, application.data) == ("", "", {})
    assert decided.attachments[0].pages == []
    assert decided.attachments[0].filename == "gelöscht"
    assert all(finding.snippet == "" for finding in decided.findings)
    snapshot = decided.decisions[0].findings
    assert snapshot
    assert all(row["snippet"] == "" and row["value"] == "" for row in snapshot)
    assert {row["title"] for row in snapshot} >= {"Name im Nachweis"}  # what was found stays on record
    assert correspondence.letters_of(session=session, application=open_one)[0].body == ERASED_TEXT
    stored = session.get(StoredFile, file_id)
    assert stored is not None
    assert stored.delete_after is not None
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.action == ApplicationsAction.DATA_ERASED)
    ).all()
    assert sorted(event.object_id for event in events) == sorted([str(decided_id), str(open_id)])
    assert export_person(session, PersonRef(email="erika@example.org")) == []
    assert export_person(session, PersonRef(name="Otto Anders"))  # another person's stays
