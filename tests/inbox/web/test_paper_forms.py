"""A scanned paper form in the Posteingang: offered as an application and handed over to the Anträge."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from rathaus.applications.models import Application
from rathaus.core.audit.models import AuditEvent
from rathaus.core.db import open_session
from rathaus.core.ports import Ports
from rathaus.core.security.models import Role
from rathaus.inbox import service
from rathaus.inbox.audit_actions import InboxAction
from rathaus.inbox.models import DocumentRole, DocumentStatus, Item, ItemSource, ItemStatus
from rathaus.inbox.schemas import Incoming, IncomingFile
from rathaus.modules import Settings
from rathaus.web.context import AppContext
from tests.applications.factories import install_types
from tests.applications.paper_forms import HUNDESTEUER_FORM, STREET_LAMP_LETTER
from tests.conftest import World, csrf_from, login
from tests.factories import make_member
from tests.inbox.stand_ins import CLERK

OFFER = (
    "Dies sieht aus wie ein Antrag: <strong>Anmeldung zur Hundesteuer</strong> (erkannt an: "
    "Titel „Anmeldung zur Hundesteuer“, Satzung „HStS“, Feld „Name des Hundes“"
)


@pytest.fixture
def caseworker(client: TestClient, world: World) -> TestClient:
    make_member(world.sessions, world.tenant_a_id, "sachbearbeitung", Role.CASEWORKER)
    with open_session(world.sessions, tenant_id=world.tenant_a_id) as session:
        install_types(session, world.tenant_a_id)
    login(client, "sachbearbeitung")
    return client


def _scanned_item(world: World, settings: Settings, text: str, *, name: str = "scan.pdf") -> int:
    """A scan uploaded to the Posteingang and read (its OCR text given), waiting in the Poststelle."""
    incoming = Incoming(
        source=ItemSource.UPLOAD,
        subject=name,
        files=(
            IncomingFile(
                filename=name,
                data=f"%PDF-1.4\n% {text}\n".encode(),
                media_type="application/pdf",
                role=DocumentRole.ORIGINAL,
                status=DocumentStatus.READ,
                text=text,
            ),
        ),
    )
    with open_session(world.sessions, tenant_id=world.tenant_a_id) as session:
        item = service.receive(
            session=session, files_dir=settings.files_dir, incoming=incoming, actor=CLERK
        ).item
        item.text, item.status = text, ItemStatus.TRIAGE
        return item.id


def test_a_scanned_form_is_offered_and_handed_over_as_an_application(
    caseworker: TestClient, world: World, settings: Settings
) -> None:
    item_id = _scanned_item(world, settings, HUNDESTEUER_FORM)
    page = caseworker.get(f"/posteingang/eingaenge/{item_id}")
    assert OFFER in page.text
    assert '<input type="hidden" name="antragstyp" value="hundesteuer">' in page.text
    assert "Als Antrag übernehmen</button>" in page.text
    token = csrf_from(caseworker, f"/posteingang/eingaenge/{item_id}")
    moved = caseworker.post(
        f"/posteingang/eingaenge/{item_id}/als-antrag",
        data={"csrf_token": token, "antragstyp": "hundesteuer"},
        follow_redirects=False,
    )
    assert moved.status_code == 303
    assert moved.headers["location"] == f"/posteingang/eingaenge/{item_id}"
    done = caseworker.get(moved.headers["location"]).text
    with open_session(world.sessions, tenant_id=world.tenant_a_id) as session:
        application = session.scalars(select(Application)).one()
        reference, application_id = application.reference, application.id
        assert application.channel == "paper"
        assert application.data["hund_name"] == "Bello"
        assert [a.requirement for a in application.attachments] == ["papierformular"]
        item = session.get(Item, item_id)
        assert item is not None
        assert item.status is ItemStatus.CLOSED
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == InboxAction.ITEM_HANDED_OVER)
        ).one()
        assert str(event.object_id) == str(item_id)
        assert event.details["reference"] == reference
    assert (
        f"Eingang Nr. {item_id} ist jetzt der Antrag {reference} "
        "(15 Angaben gelesen; leer oder nicht lesbar: Telefon; Der Hund" in done
    )
    assert "(oder ist eine Kreuzung davon)). Die Prüfung läuft." in done
    assert f'<a href="/antraege/{application_id}">{reference} – Anmeldung zur Hundesteuer</a>' in done
    assert f"Als Antrag {reference} („Anmeldung zur Hundesteuer“) an die Anträge übergeben." in done
    assert "erledigt" in done
    assert "Als Antrag übernehmen" not in done
    application_page = caseworker.get(f"/antraege/{application_id}").text
    assert "Papierformular (Scan aus dem Posteingang)" in application_page
    assert "(auf Papier, über den Posteingang)</dd>" in application_page
    again = caseworker.post(
        f"/posteingang/eingaenge/{item_id}/als-antrag",
        data={"csrf_token": token, "antragstyp": "hundesteuer"},
    )
    assert again.status_code == 409
    assert f"Eingang Nr. {item_id} wurde bereits als Antrag übergeben." in again.text


def test_a_letter_that_is_no_form_is_not_offered_and_cannot_be_handed_over(
    caseworker: TestClient, world: World, settings: Settings
) -> None:
    item_id = _scanned_item(world, settings, STREET_LAMP_LETTER, name="brief.pdf")
    page = caseworker.get(f"/posteingang/eingaenge/{item_id}")
    assert page.status_code == 200
    assert "Dies sieht aus wie ein Antrag" not in page.text
    token = csrf_from(caseworker, f"/posteingang/eingaenge/{item_id}")
    refused = caseworker.post(
        f"/posteingang/eingaenge/{item_id}/als-antrag",
        data={"csrf_token": token, "antragstyp": "hundesteuer"},
    )
    assert refused.status_code == 409
    assert "sieht nicht nach diesem Antrag aus" in refused.text
    with open_session(world.sessions, tenant_id=world.tenant_a_id) as session:
        assert session.scalars(select(Application)).all() == []


def test_the_hand_over_needs_the_csrf_token(caseworker: TestClient, world: World, settings: Settings) -> None:
    item_id = _scanned_item(world, settings, HUNDESTEUER_FORM)
    refused = caseworker.post(
        f"/posteingang/eingaenge/{item_id}/als-antrag", data={"antragstyp": "hundesteuer"}
    )
    assert refused.status_code in (400, 403)
    with open_session(world.sessions, tenant_id=world.tenant_a_id) as session:
        assert session.scalars(select(Application)).all() == []


def test_without_the_antraege_module_nothing_is_offered(
    caseworker: TestClient, world: World, settings: Settings, app_context: AppContext
) -> None:
    app_context._ports = Ports.none()  # an installation without the module Anträge
    item_id = _scanned_item(world, settings, HUNDESTEUER_FORM)
    page = caseworker.get(f"/posteingang/eingaenge/{item_id}")
    assert page.status_code == 200
    assert "Dies sieht aus wie ein Antrag" not in page.text
    token = csrf_from(caseworker, f"/posteingang/eingaenge/{item_id}")
    missing = caseworker.post(
        f"/posteingang/eingaenge/{item_id}/als-antrag",
        data={"csrf_token": token, "antragstyp": "hundesteuer"},
    )
    assert missing.status_code == 404
