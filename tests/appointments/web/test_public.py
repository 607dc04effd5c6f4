"""The citizen booking through the real app: pages, a real SMTP server on loopback, the real database."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from rathaus.appointments import jobs as appointment_jobs
from rathaus.appointments.audit_actions import AppointmentsAction
from rathaus.appointments.config import AppointmentsSettings
from rathaus.appointments.models import Booking, BookingStatus, Offer, Service, Slot
from rathaus.core.audit.models import AuditEvent
from rathaus.core.db import open_session
from rathaus.core.jobs import Job, enqueue
from rathaus.core.mail import MailSettings
from rathaus.core.security.models import Role
from rathaus.core.worker import JobRunner
from rathaus.modules import Settings
from tests.appointments.office import NOW, REGISTRATION, Office, make_office
from tests.conftest import World, login
from tests.factories import make_member
from tests.servers import SmtpServer, smtp_server

BASE = "/buerger/stadt-a/termine"
KEY = REGISTRATION.id
CHOICE = f"dienstleistung={KEY}&anzahl-{KEY}=1&standort=kfz-1"
TUESDAY_NINE = "2027-02-02T09:00"


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with smtp_server() as server:
        yield server


@pytest.fixture
def appointment_settings() -> AppointmentsSettings:
    return AppointmentsSettings(proof_wait_seconds=0)


@pytest.fixture
def settings(
    tmp_path: Path, database_url: str, smtp: SmtpServer, appointment_settings: AppointmentsSettings
) -> Settings:
    return Settings(
        environment="test",
        data_dir=tmp_path / "data",
        database_url=database_url,
        secret_key="test-secret-" + "x" * 32,
        mail=MailSettings(
            host=smtp.host, port=smtp.port, security="none", from_address="termine@stadt-a.example"
        ),
        appointments=appointment_settings,  # type: ignore[call-arg]
    )


@pytest.fixture
def office(world: World, monkeypatch: pytest.MonkeyPatch) -> Office:
    monkeypatch.setattr("rathaus.appointments.web.common.utcnow", lambda: NOW)
    with open_session(world.sessions) as session:
        return make_office(session, world.tenant_a_id)


def _field(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert match, f"no field {name}"
    return match.group(1)


def _times_form(client: TestClient, day: str = "2027-02-02") -> dict[str, str]:
    page = client.get(f"{BASE}/zeit?{CHOICE}&tag={day}")
    assert page.status_code == 200, page.text
    return {
        "csrf_token": _field(page.text, "csrf_token"),
        "warte_token": _field(page.text, "warte_token"),
        "dienstleistung": KEY,
        f"anzahl-{KEY}": "1",
        "standort": "kfz-1",
    }


def _hold(client: TestClient, when: str = TUESDAY_NINE) -> tuple[Any, dict[str, str]]:
    form = _times_form(client, when[:10])
    response = client.post(f"{BASE}/reservieren", data={**form, "zeit": when}, follow_redirects=False)
    return response, form


def _held(client: TestClient, when: str = TUESDAY_NINE) -> str:
    response, _form = _hold(client, when)
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert location.startswith(f"{BASE}/buchung/")
    return location


def _contact(client: TestClient, manage: str, email: str = "erika@example.org") -> Any:
    csrf = _field(client.get("/anmelden").text, "csrf_token")
    data = {"csrf_token": csrf, "name": "Erika Mustermann", "email": email, "telefon": "05141 123"}
    return client.post(f"{manage}/kontakt", data=data, follow_redirects=False)


def _link(message: EmailMessage, part: str) -> str:
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    match = re.search(
        rf"http://127\.0\.0\.1(/buerger/stadt-a/termine/{part}/[A-Za-z0-9_-]+)", body.get_content()
    )
    assert match, body.get_content()
    return match.group(1)


def _ics(message: EmailMessage) -> Calendar:
    [attachment] = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    return Calendar.from_ical(attachment.get_payload(decode=True))


def _post(client: TestClient, path: str, **data: str) -> Any:
    csrf = (
        _field(client.get("/anmelden").text, "csrf_token")
        if "csrf_token" not in data
        else data.pop("csrf_token")
    )
    return client.post(path, data={"csrf_token": csrf, **data}, follow_redirects=False)


def _status(sessions: sessionmaker[Session], reference_or_id: int) -> BookingStatus:
    with open_session(sessions) as session:
        booking = session.get(Booking, reference_or_id)
        assert booking is not None
        return booking.status


def _actions(sessions: sessionmaker[Session]) -> list[str]:
    with open_session(sessions) as session:
        return [str(e.action) for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def _confirmed(client: TestClient, smtp: SmtpServer) -> str:
    """Book Tuesday 9:00 to the end; returns the manage path from the confirmation mail."""
    manage = _held(client)
    assert _contact(client, manage).status_code == 303
    confirm = _link(smtp.messages[-1].message(), "bestaetigen")
    assert _post(client, confirm).status_code == 303
    return _link(smtp.messages[-1].message(), "buchung")


# --- the whole flow -------------------------------------------------------------------------------


def test_a_citizen_books_confirms_and_cancels(
    client: TestClient, office: Office, smtp: SmtpServer, world: World
) -> None:
    start = client.get(f"{BASE}?dienstleistung={KEY}")
    assert start.status_code == 200
    assert f'value="{KEY}" checked' in start.text
    assert "Schritt 1 von 5" in start.text
    assert "Außerbetriebsetzung eines Fahrzeugs" in start.text
    places = client.get(f"{BASE}/standort?dienstleistung={KEY}&anzahl-{KEY}=2")
    assert "Kfz-Zulassungsstelle Mitte" in places.text
    assert "Eichenallee 1, 29221 Celle" in places.text
    assert "Eingang barrierefrei" in places.text
    days = client.get(f"{BASE}/tag?{CHOICE}")
    assert "tag=2027-02-02" in days.text
    assert "2027-02-06" not in days.text  # Saturday
    assert "Montag, 1. März 2027 wird am Dienstag, 2. Februar 2027 um 7:00 Uhr buchbar" in days.text
    times = client.get(f"{BASE}/zeit?{CHOICE}&tag=2027-02-02")
    assert 'value="2027-02-02T08:00"' in times.text
    assert 'value="2027-02-02T11:40"' in times.text
    assert 'value="2027-02-02T11:50"' not in times.text  # 20 minutes do not fit before 12:00
    assert "Zulassungsbescheinigung Teil II" in times.text  # documents before booking
    assert "<altcha-widget" in times.text

    manage = _held(client)
    contact = client.get(manage)
    assert "Schritt 5 von 5" in contact.text
    assert 'aria-current="step"' in contact.text
    assert "reserviert bis 7:40 Uhr" in contact.text
    assert "Personalausweis" in contact.text
    assert "ab 26,30 Euro" in contact.text
    with open_session(world.sessions) as session:
        booking = session.scalars(select(Booking)).one()
        booking_id, reference = booking.id, booking.reference
        assert booking.status == BookingStatus.RESERVED

    assert _contact(client, manage).status_code == 303
    awaiting = client.get(manage)
    assert "Bitte bestätigen Sie den Termin" in awaiting.text
    assert "gültig bis" in awaiting.text
    [request_mail] = smtp.messages
    message = request_mail.message()
    assert request_mail.rcpt_tos == ("erika@example.org",)
    assert message["Subject"] == "Bitte bestätigen Sie Ihren Termin"
    assert "Stadt Anfangsort" in message["From"]
    confirm = _link(message, "bestaetigen")

    page = client.get(confirm)  # a mail scanner opening the link changes nothing
    assert page.status_code == 200
    assert "Termin verbindlich buchen" in page.text
    assert _status(world.sessions, booking_id) == BookingStatus.AWAITING
    assert _post(client, confirm).status_code == 303
    assert _status(world.sessions, booking_id) == BookingStatus.CONFIRMED
    again = _post(client, confirm)
    assert again.status_code == 409
    assert "nur einmal verwendet" in again.text

    confirmation = smtp.messages[1].message()
    assert confirmation["Subject"] == f"Bestätigung Ihres Termins {reference}"
    calendar = _ics(confirmation)
    assert str(calendar["METHOD"]) == "PUBLISH"
    [event] = calendar.walk("VEVENT")
    assert event.decoded("DTSTART") == dt.datetime(2027, 2, 2, 9, tzinfo=event.decoded("DTSTART").tzinfo)
    assert event.decoded("DTSTART").utcoffset() == dt.timedelta(hours=1)
    manage_from_mail = _link(confirmation, "buchung")
    assert manage_from_mail == manage  # the derived token is the one of the first link
    shown = client.get(manage)
    assert "Termin ändern" in shown.text
    assert "Termin absagen" in shown.text
    assert reference in shown.text

    ask = client.get(f"{manage}/absagen")
    assert ask.status_code == 200
    assert "Ja, Termin absagen" in ask.text
    assert _status(world.sessions, booking_id) == BookingStatus.CONFIRMED
    assert _post(client, f"{manage}/absagen").status_code == 303
    assert _status(world.sessions, booking_id) == BookingStatus.CANCELLED
    cancellation = smtp.messages[2].message()
    assert cancellation["Subject"] == f"Absage Ihres Termins {reference}"
    cancelled = _ics(cancellation)
    assert str(cancelled["METHOD"]) == "CANCEL"
    assert str(cancelled.walk("VEVENT")[0]["UID"]) == str(event["UID"])
    assert "storniert" in client.get(manage).text
    assert _post(client, f"{manage}/absagen").status_code == 409
    actions = _actions(world.sessions)
    assert AppointmentsAction.BOOKING_CONFIRMED in actions
    assert AppointmentsAction.BOOKING_CANCELLED in actions
    with open_session(world.sessions) as session:
        details = [
            e.details
            for e in session.scalars(select(AuditEvent).where(AuditEvent.action.like("appointments.%")))
        ]
    assert all("erika" not in str(d).lower() for d in details)  # no personal data in the audit log


# --- bad input ------------------------------------------------------------------------------------


def test_bad_choices_get_the_form_again_with_a_german_message(client: TestClient, office: Office) -> None:
    none = client.get(f"{BASE}/standort")
    assert none.status_code == 422
    assert "Bitte wählen Sie mindestens eine Dienstleistung." in none.text
    assert 'href="#dienstleistungen"' in none.text
    too_many = client.get(f"{BASE}/standort?dienstleistung={KEY}&anzahl-{KEY}=4")
    assert too_many.status_code == 422
    assert "höchstens 3-mal" in too_many.text
    assert f'value="{KEY}" checked' in too_many.text  # nothing lost
    unknown = client.get(f"{BASE}/standort?dienstleistung=999")
    assert unknown.status_code == 422
    assert "nicht online gebucht" in unknown.text
    place = client.get(f"{BASE}/tag?dienstleistung={KEY}&standort=nirgendwo")
    assert place.status_code == 404
    assert "Diesen Standort gibt es nicht." in place.text
    past = client.get(f"{BASE}/zeit?{CHOICE}&tag=2027-01-29")
    assert past.status_code == 400
    assert "in der Vergangenheit" in past.text
    far = client.get(f"{BASE}/zeit?{CHOICE}&tag=2027-04-01")
    assert far.status_code == 400
    assert "höchstens 28 Tage im Voraus" in far.text


def test_a_hold_refused_for_the_time_says_why_and_keeps_nothing(
    client: TestClient, office: Office, world: World
) -> None:
    response, _ = _hold(client, "2027-02-01T07:00")  # before now
    assert response.status_code == 422
    assert "in der Vergangenheit" in response.text
    beyond = _times_form(client)
    late = client.post(f"{BASE}/reservieren", data={**beyond, "zeit": "2027-03-30T09:00"})
    assert late.status_code == 422
    assert "höchstens 28 Tage" in late.text
    off_grid = client.post(f"{BASE}/reservieren", data={**_times_form(client), "zeit": "2027-02-02T09:05"})
    assert off_grid.status_code == 422
    assert "Terminraster" in off_grid.text
    with open_session(world.sessions) as session:
        assert session.scalars(select(Booking)).all() == []
        assert session.scalars(select(Slot).where(Slot.booking_id.is_not(None))).all() == []


def test_a_taken_time_answers_409_with_the_next_free_times(
    client: TestClient, office: Office, world: World
) -> None:
    _held(client)
    response, _ = _hold(client)
    assert response.status_code == 409
    assert "Termin nicht mehr verfügbar" in response.text
    assert 'value="2027-02-02T09:20"' in response.text  # the next free times as choices
    assert 'value="2027-02-02T09:00"' not in response.text
    with open_session(world.sessions) as session:
        assert len(session.scalars(select(Booking)).all()) == 1  # the refused hold left nothing


def test_the_proof_is_checked_and_works_once(client: TestClient, office: Office) -> None:
    form = _times_form(client)
    missing = client.post(f"{BASE}/reservieren", data={**form, "warte_token": "", "zeit": TUESDAY_NINE})
    assert missing.status_code == 400
    assert "Sicherheitsprüfung" in missing.text
    forged = client.post(f"{BASE}/reservieren", data={**form, "warte_token": "x.y", "zeit": TUESDAY_NINE})
    assert forged.status_code == 400
    first = client.post(f"{BASE}/reservieren", data={**form, "zeit": TUESDAY_NINE}, follow_redirects=False)
    assert first.status_code == 303
    replay = client.post(f"{BASE}/reservieren", data={**form, "zeit": "2027-02-02T10:00"})
    assert replay.status_code == 403
    assert "bereits verwendet" in replay.text


@pytest.mark.parametrize(
    "appointment_settings", [AppointmentsSettings(proof_wait_seconds=0, rate_per_minute=5)]
)
def test_a_flood_from_one_client_gets_429(client: TestClient, office: Office) -> None:
    codes = [client.get(f"{BASE}?dienstleistung={KEY}").status_code for _ in range(7)]
    assert codes[:5] == [200] * 5
    assert codes[5:] == [429, 429]
    refused = client.get(BASE)
    assert refused.status_code == 429
    assert "sehr viele Anfragen" in refused.text
    assert refused.headers["retry-after"] == "60"


def test_contact_problems_keep_what_was_entered(client: TestClient, office: Office, smtp: SmtpServer) -> None:
    manage = _held(client)
    bad = _contact(client, manage, email="erika(at)example")
    assert bad.status_code == 422
    assert "gültige E-Mail-Adresse" in bad.text
    assert 'value="erika(at)example"' in bad.text
    assert 'value="Erika Mustermann"' in bad.text
    assert 'aria-invalid="true"' in bad.text
    assert 'href="#email"' in bad.text
    assert smtp.messages == []


def test_links_forged_expired_and_used(
    client: TestClient, office: Office, smtp: SmtpServer, world: World
) -> None:
    assert client.get(f"{BASE}/buchung/erfunden").status_code == 404
    assert client.get(f"{BASE}/bestaetigen/erfunden").status_code == 404
    forged = _post(client, f"{BASE}/bestaetigen/erfunden")
    assert forged.status_code == 404
    assert "Link ist ungültig" in forged.text
    manage = _held(client)
    assert _contact(client, manage).status_code == 303
    confirm = _link(smtp.messages[-1].message(), "bestaetigen")
    with open_session(world.sessions) as session:
        booking = session.scalars(select(Booking)).one()
        booking.hold_until = NOW - dt.timedelta(minutes=1)
    expired = client.get(confirm)
    assert expired.status_code == 410
    assert "abgelaufen" in expired.text
    assert _post(client, confirm).status_code == 410
    held_out = client.get(manage)
    assert held_out.status_code == 410
    assert "Zeit erneut wählen" in held_out.text


def test_an_expired_hold_is_410_with_a_way_back(client: TestClient, office: Office, world: World) -> None:
    manage = _held(client)
    with open_session(world.sessions) as session:
        booking = session.scalars(select(Booking)).one()
        booking.hold_until = NOW - dt.timedelta(seconds=1)
    page = _contact(client, manage)
    assert page.status_code == 410
    assert "Reservierung ist abgelaufen" in page.text
    assert f"{BASE}/tag?dienstleistung={KEY}" in page.text


# --- mail failure, resending ----------------------------------------------------------------------


def test_a_mail_failure_loses_nothing_and_the_mail_can_be_sent_again(
    client: TestClient, office: Office, smtp: SmtpServer, world: World
) -> None:
    manage = _held(client)
    smtp.refuse = "550 mailbox unavailable"
    response = _contact(client, manage)
    assert response.status_code == 303
    page = client.get(manage)
    assert "konnte gerade nicht versendet werden" in page.text
    assert "Bestätigungs-E-Mail erneut senden" in page.text
    with open_session(world.sessions) as session:
        assert session.scalars(select(Booking)).one().status == BookingStatus.AWAITING
    assert AppointmentsAction.MAIL_FAILED in _actions(world.sessions)
    smtp.refuse = None
    resent = _post(client, f"{manage}/erneut-senden")
    assert resent.status_code == 303
    assert "erneut gesendet" in client.get(manage).text
    [mail] = smtp.messages
    confirm = _link(mail.message(), "bestaetigen")
    assert client.get(confirm).status_code == 200
    too_soon = _post(client, f"{manage}/erneut-senden")
    assert too_soon.status_code == 429


# --- changing the appointment ---------------------------------------------------------------------


def test_changing_the_time_moves_the_booking_in_one_step(
    client: TestClient, office: Office, smtp: SmtpServer, world: World
) -> None:
    manage = _confirmed(client, smtp)
    days = client.get(f"{manage}/aendern")
    assert days.status_code == 200
    assert "Termin ändern" in days.text
    times = client.get(f"{manage}/aendern/zeit?tag=2027-02-02")
    assert 'value="2027-02-02T09:10"' in times.text  # overlapping its own seats is fine
    csrf = _field(times.text, "csrf_token")
    moved = client.post(
        f"{manage}/aendern", data={"csrf_token": csrf, "zeit": "2027-02-02T09:10"}, follow_redirects=False
    )
    assert moved.status_code == 303
    new_manage = moved.headers["location"]
    assert new_manage != manage
    with open_session(world.sessions) as session:
        old, new = session.scalars(select(Booking).order_by(Booking.id)).all()
        assert old.status == BookingStatus.CANCELLED
        assert new.status == BookingStatus.CONFIRMED
        assert new.rebooked_from_id == old.id
        assert new.email == "erika@example.org"
        seats = session.scalars(select(Slot).where(Slot.booking_id == new.id).order_by(Slot.start)).all()
        assert [s.start.astimezone(dt.UTC).hour for s in seats] == [8, 8]  # 09:10 and 09:20 local
        assert session.scalars(select(Slot).where(Slot.booking_id == old.id)).all() == []
    mail = smtp.messages[-1].message()
    calendar = _ics(mail)
    [event] = calendar.walk("VEVENT")
    assert int(event["SEQUENCE"]) == 1  # the same calendar entry, moved
    assert "Termin ist verlegt" in client.get(new_manage).text
    assert "Zum neuen Termin" in client.get(manage).text
    assert AppointmentsAction.BOOKING_REBOOKED in _actions(world.sessions)


def test_changing_to_a_taken_time_keeps_the_old_appointment(
    client: TestClient, office: Office, smtp: SmtpServer, world: World
) -> None:
    manage = _confirmed(client, smtp)
    _held(client, "2027-02-02T10:00")
    times = client.get(f"{manage}/aendern/zeit?tag=2027-02-02")
    csrf = _field(times.text, "csrf_token")
    taken = client.post(f"{manage}/aendern", data={"csrf_token": csrf, "zeit": "2027-02-02T10:00"})
    assert taken.status_code == 409
    assert "Termin nicht mehr verfügbar" in taken.text
    assert 'value="2027-02-02T10:20"' in taken.text
    with open_session(world.sessions) as session:
        first = session.scalars(select(Booking).order_by(Booking.id)).first()
        assert first is not None
        assert first.status == BookingStatus.CONFIRMED
        assert len(session.scalars(select(Slot).where(Slot.booking_id == first.id)).all()) == 2


# --- reminders ------------------------------------------------------------------------------------


def _run_reminders(settings: Settings, sessions: sessionmaker[Session], tenant_id: int) -> Job:
    with open_session(sessions, tenant_id=tenant_id) as session:
        job_id = enqueue(session=session, kind=appointment_jobs.REMINDERS, params={}, tenant_id=tenant_id).id
    JobRunner(sessions=sessions, settings=settings).execute(job_id)
    with open_session(sessions, tenant_id=tenant_id) as session:
        job = session.get(Job, job_id)
        assert job is not None
        session.expunge(job)
        return job


def test_the_reminder_goes_out_once_with_the_cancel_link(
    client: TestClient,
    office: Office,
    smtp: SmtpServer,
    world: World,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with open_session(world.sessions) as session:
        assert not appointment_jobs._has_confirmed_future(session, world.tenant_a_id, settings)
    manage = _confirmed(client, smtp)
    sent_before = len(smtp.messages)
    with open_session(world.sessions) as session:
        assert appointment_jobs._has_confirmed_future(session, world.tenant_a_id, settings)
    monday_evening = NOW + dt.timedelta(hours=2)  # 09:30 Monday: Tuesday 09:00 is within 24 hours
    monkeypatch.setattr("rathaus.appointments.jobs.utcnow", lambda: monday_evening)
    first = _run_reminders(settings, world.sessions, world.tenant_a_id)
    assert first.result == {"reminded": 1, "failed": 0}
    again = _run_reminders(settings, world.sessions, world.tenant_a_id)
    assert again.result == {"reminded": 0, "failed": 0}
    [reminder] = smtp.messages[sent_before:]
    message = reminder.message()
    assert message["Subject"].startswith("Erinnerung an Ihren Termin")
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert manage in body  # the same manage link, rebuilt from the booking
    assert "sagen Sie ihn bitte ab" in body


def test_the_start_page_links_the_public_booking(client: TestClient, world: World) -> None:
    make_member(world.sessions, world.tenant_a_id, "sachbearbeitung", Role.CASEWORKER)
    login(client, "sachbearbeitung")
    home = client.get("/")
    assert 'href="/buerger/stadt-a/termine"' in home.text
    assert "Öffentliche Terminbuchung" in home.text


def test_services_that_cannot_be_combined_are_refused_with_the_choice_kept(
    client: TestClient, office: Office, world: World
) -> None:
    other = office.deregistration.key
    both = f"dienstleistung={KEY}&anzahl-{KEY}=1&dienstleistung={other}&anzahl-{other}=1"
    assert client.get(f"{BASE}/standort?{both}").status_code == 200  # combinable in the catalog
    with open_session(world.sessions) as session:
        service = session.get(Service, office.registration.id)
        assert service is not None
        service.combinable_with = []
    refused = client.get(f"{BASE}/tag?{both}&standort=kfz-1")
    assert refused.status_code == 422
    assert "können nicht in einem Termin gebucht werden" in refused.text
    assert f'value="{other}" checked' in refused.text
    with open_session(world.sessions) as session:
        offer = session.scalars(select(Offer).where(Offer.service_id == office.deregistration.id)).one()
        offer.bookable_online = False
    gone = client.get(f"{BASE}/tag?dienstleistung={other}&standort=kfz-1")
    assert gone.status_code == 422
    assert "nicht online gebucht" in gone.text
