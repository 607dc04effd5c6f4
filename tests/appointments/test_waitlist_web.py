"""The public waiting-list pages with real mail: join, verify from the mail, get a freed time, accept it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from rathaus.appointments import booking as bk
from rathaus.appointments import waitlist_mails
from rathaus.appointments.config import AppointmentsSettings
from rathaus.appointments.models import Booking, BookingStatus, WaitlistEntry, WaitStatus
from rathaus.appointments.service import cancel_booking
from rathaus.appointments.slots import is_public_holiday
from rathaus.appointments.times import local_today
from rathaus.core.audit.models import AuditEvent
from rathaus.core.db import open_session, utcnow
from rathaus.core.mail import MailSettings
from rathaus.modules import Settings
from tests import servers
from tests.appointments.office import Office, make_office
from tests.conftest import World, csrf_from

SLUG = "stadt-a"
BASE = f"/buerger/{SLUG}/termine/warteliste"


@pytest.fixture
def smtp() -> Iterator[servers.SmtpServer]:
    with servers.smtp_server() as server:
        yield server


@pytest.fixture
def settings(tmp_path: Path, database_url: str, smtp: servers.SmtpServer) -> Settings:
    return Settings(
        environment="test",
        data_dir=tmp_path / "data",
        database_url=database_url,
        secret_key="test-secret-" + "x" * 32,
        mail=MailSettings(
            host=smtp.host, port=smtp.port, security="none", from_address="termine@stadt-a.example"
        ),
    )


def next_weekday() -> dt.date:
    """A working day from the day after tomorrow on (inside the horizon, far from min_lead)."""
    day = local_today(utcnow()) + dt.timedelta(days=2)
    while day.weekday() >= 5 or is_public_holiday(day, "NI"):
        day += dt.timedelta(days=1)
    return day


def link_in(smtp: servers.SmtpServer, index: int, path: str) -> str:
    body = smtp.messages[index].message().get_body(("plain",)).get_content()
    found = re.search(r"http://\S+" + re.escape(path) + r"/\S+", body)
    assert found, body
    return found.group(0).removeprefix("http://127.0.0.1")


def test_join_verify_offer_and_accept_over_http_with_real_mail(
    client: TestClient, world: World, smtp: servers.SmtpServer
) -> None:
    day = next_weekday()
    nine = dt.datetime.combine(day, dt.time(9))
    settings = AppointmentsSettings()
    with open_session(world.sessions, tenant_id=world.tenant_a_id) as session:
        office: Office = make_office(session, world.tenant_a_id, now=utcnow())
        held, _ = bk.hold(
            session=session, request=office.request(), start=nine, now=utcnow(), settings=settings
        )
        bk.submit_contact(
            session=session,
            booking=held,
            name="A",
            email="a@example.org",
            phone="",
            now=utcnow(),
            settings=settings,
        )
        bk.confirm(session=session, booking=held, now=utcnow())
        booking_id, registration_id = held.id, office.registration.id

    form = client.get(BASE, params={"leistung": registration_id})
    assert form.status_code == 200
    assert "Zulassung eines Fahrzeugs" in form.text
    assert f'name="anzahl_{registration_id}"' in form.text
    token = csrf_from(client, BASE)
    bad = client.post(
        BASE, data={"csrf_token": token, f"anzahl_{registration_id}": "1", "name": "W", "email": "x"}
    )
    assert bad.status_code == 422
    assert "gültige E-Mail-Adresse" in bad.text
    joined = client.post(
        BASE,
        data={
            "csrf_token": token,
            f"anzahl_{registration_id}": "1",
            "standort": "",
            "name": "Wanda Warte",
            "email": "wanda@example.org",
            "bis": (day + dt.timedelta(days=7)).isoformat(),
        },
    )
    assert joined.status_code == 201, joined.text
    assert "wanda@example.org" in joined.text
    assert smtp.messages[0].rcpt_tos == ("wanda@example.org",)
    verify_path = link_in(smtp, 0, "/warteliste/bestaetigen")
    page = client.get(verify_path)
    assert page.status_code == 200
    assert "E-Mail-Adresse bestätigen" in page.text
    done = client.post(verify_path, data={"csrf_token": csrf_from(client, verify_path)})
    assert done.status_code == 200
    assert "Sie stehen auf der Warteliste" in done.text
    assert client.get(verify_path).status_code == 404  # used once

    # the booking is cancelled (by whoever): the cancel path offers the time and mails the offer
    with open_session(world.sessions, tenant_id=world.tenant_a_id) as session:
        booking = session.get_one(Booking, booking_id)
        _freed, offers = cancel_booking(session=session, booking=booking, now=utcnow(), settings=settings)
        assert len(offers) == 1
    with open_session(world.sessions, tenant_id=world.tenant_a_id) as session:
        assert waitlist_mails.send_offers(
            session=session,
            mail=client.app.state.context.settings.mail,
            offers=offers,
            base_url="http://127.0.0.1",
        )
    offer_mail = smtp.messages[1].message()
    assert "Ein Termin ist frei" in offer_mail["Subject"]
    offer_path = link_in(smtp, 1, "/warteliste/angebot")
    shown = client.get(offer_path)
    assert shown.status_code == 200
    assert f"{day:%d.%m.%Y}, 09:00 bis 09:20 Uhr" in shown.text
    assert "gültig bis" in shown.text
    accepted = client.post(offer_path, data={"csrf_token": csrf_from(client, offer_path)})
    assert accepted.status_code == 201, accepted.text
    assert "Ihr Termin ist gebucht" in accepted.text
    confirmation = smtp.messages[2].message()
    assert confirmation["To"] == "wanda@example.org"
    assert "Bestätigung Ihres Termins T-" in confirmation["Subject"]
    attachments = [part.get_filename() for part in confirmation.iter_attachments()]
    assert attachments == ["termin.ics"]
    again = client.post(offer_path, data={"csrf_token": csrf_from(client, BASE)})
    assert again.status_code == 410
    with open_session(world.sessions, tenant_id=world.tenant_a_id) as session:
        entry = session.query(WaitlistEntry).one()
        assert entry.status == WaitStatus.BOOKED
        made = session.query(Booking).filter(Booking.waitlist_entry_id == entry.id).one()
        assert made.status == BookingStatus.CONFIRMED


def test_unknown_links_and_tenants_get_clear_pages(client: TestClient, world: World) -> None:
    assert client.get(f"{BASE}/bestaetigen/falsch").status_code == 404
    missing = client.get(f"{BASE}/angebot/falsch")
    assert missing.status_code == 404
    assert "Angebot nicht gefunden" in missing.text
    assert client.get("/buerger/gibt-es-nicht/termine/warteliste").status_code == 404
    posted = client.post(f"{BASE}/angebot/falsch", data={"csrf_token": csrf_from(client, BASE)})
    assert posted.status_code == 410


def test_a_citizen_leaves_the_list_from_the_link_in_the_mail(
    client: TestClient, world: World, smtp: servers.SmtpServer
) -> None:
    with open_session(world.sessions, tenant_id=world.tenant_a_id) as session:
        registration_id = make_office(session, world.tenant_a_id, now=utcnow()).registration.id
    token = csrf_from(client, BASE)
    data = {"csrf_token": token, f"anzahl_{registration_id}": "1", "name": "W", "email": "w@example.org"}
    assert client.post(BASE, data=data).status_code == 201
    withdraw_path = link_in(smtp, 0, "/warteliste/abmelden")
    verify_path = link_in(smtp, 0, "/warteliste/bestaetigen")
    verified = client.post(verify_path, data={"csrf_token": csrf_from(client, verify_path)})
    assert withdraw_path in verified.text  # the page after verifying shows the way out too
    form = client.get(withdraw_path)
    assert form.status_code == 200
    assert "Ja, von der Warteliste abmelden" in form.text
    left = client.post(withdraw_path, data={"csrf_token": csrf_from(client, withdraw_path)})
    assert left.status_code == 200
    assert "Sie sind von der Warteliste abgemeldet" in left.text
    with open_session(world.sessions, tenant_id=world.tenant_a_id) as session:
        entry = session.query(WaitlistEntry).one()
        assert entry.status == WaitStatus.WITHDRAWN
        actions = [
            e.action for e in session.query(AuditEvent).filter(AuditEvent.object_type == "waitlist_entry")
        ]
        assert "appointments.waitlist_withdrawn" in actions
    again = client.post(withdraw_path, data={"csrf_token": csrf_from(client, withdraw_path)})
    assert again.status_code == 410
    forged = client.post(f"{BASE}/abmelden/falsch", data={"csrf_token": csrf_from(client, withdraw_path)})
    assert forged.status_code == 404
