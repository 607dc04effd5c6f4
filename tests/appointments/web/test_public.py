"""The citizen booking through the real app: the whole flow and every bad input (real SMTP, real DB)."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from rathaus.appointments.audit_actions import AppointmentsAction
from rathaus.appointments.config import AppointmentsSettings
from rathaus.appointments.models import Booking, BookingStatus, Offer, Service, Slot
from rathaus.core.audit.models import AuditEvent
from rathaus.core.db import open_session
from rathaus.core.security.models import Role
from tests.appointments.office import NOW, Office
from tests.appointments.web.flow import (
    BASE,
    CHOICE,
    KEY,
    TUESDAY_NINE,
    actions,
    contact,
    held,
    hold,
    ics,
    link,
    post,
    status,
    times_form,
)
from tests.conftest import World, login
from tests.factories import make_member
from tests.servers import SmtpServer

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

    manage = held(client)
    form = client.get(manage)
    assert "Schritt 5 von 5" in form.text
    assert 'aria-current="step"' in form.text
    assert "reserviert bis 7:40 Uhr" in form.text
    assert "Personalausweis" in form.text
    assert "ab 26,30 Euro" in form.text
    with open_session(world.sessions) as session:
        booking = session.scalars(select(Booking)).one()
        booking_id, reference = booking.id, booking.reference
        assert booking.status == BookingStatus.RESERVED

    assert contact(client, manage).status_code == 303
    awaiting = client.get(manage)
    assert "Bitte bestätigen Sie den Termin" in awaiting.text
    assert "gültig bis" in awaiting.text
    [request_mail] = smtp.messages
    message = request_mail.message()
    assert request_mail.rcpt_tos == ("erika@example.org",)
    assert message["Subject"] == "Bitte bestätigen Sie Ihren Termin"
    assert "Stadt Anfangsort" in message["From"]
    confirm = link(message, "bestaetigen")

    page = client.get(confirm)  # a mail scanner opening the link changes nothing
    assert page.status_code == 200
    assert "Termin verbindlich buchen" in page.text
    assert status(world.sessions, booking_id) == BookingStatus.AWAITING
    assert post(client, confirm).status_code == 303
    assert status(world.sessions, booking_id) == BookingStatus.CONFIRMED
    again = post(client, confirm)
    assert again.status_code == 409
    assert "nur einmal verwendet" in again.text

    confirmation = smtp.messages[1].message()
    assert confirmation["Subject"] == f"Bestätigung Ihres Termins {reference}"
    calendar = ics(confirmation)
    assert str(calendar["METHOD"]) == "PUBLISH"
    [event] = calendar.walk("VEVENT")
    assert event.decoded("DTSTART") == dt.datetime(2027, 2, 2, 9, tzinfo=event.decoded("DTSTART").tzinfo)
    assert event.decoded("DTSTART").utcoffset() == dt.timedelta(hours=1)
    manage_from_mail = link(confirmation, "buchung")
    assert manage_from_mail == manage  # the derived token is the one of the first link
    shown = client.get(manage)
    assert "Termin ändern" in shown.text
    assert "Termin absagen" in shown.text
    assert reference in shown.text

    ask = client.get(f"{manage}/absagen")
    assert ask.status_code == 200
    assert "Ja, Termin absagen" in ask.text
    assert status(world.sessions, booking_id) == BookingStatus.CONFIRMED
    assert post(client, f"{manage}/absagen").status_code == 303
    assert status(world.sessions, booking_id) == BookingStatus.CANCELLED
    cancellation = smtp.messages[2].message()
    assert cancellation["Subject"] == f"Absage Ihres Termins {reference}"
    cancelled = ics(cancellation)
    assert str(cancelled["METHOD"]) == "CANCEL"
    assert str(cancelled.walk("VEVENT")[0]["UID"]) == str(event["UID"])
    assert "storniert" in client.get(manage).text
    assert post(client, f"{manage}/absagen").status_code == 409
    recorded = actions(world.sessions)
    assert AppointmentsAction.BOOKING_CONFIRMED in recorded
    assert AppointmentsAction.BOOKING_CANCELLED in recorded
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
    elsewhere = client.get(f"{BASE}?dienstleistung=999")  # e.g. a link to a service not offered here
    assert elsewhere.status_code == 200
    assert "Die gesuchte Dienstleistung kann hier nicht online gebucht werden." in elsewhere.text
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
    response, _ = hold(client, "2027-02-01T07:00")  # before now
    assert response.status_code == 422
    assert "in der Vergangenheit" in response.text
    beyond = times_form(client)
    late = client.post(f"{BASE}/reservieren", data={**beyond, "zeit": "2027-03-30T09:00"})
    assert late.status_code == 422
    assert "höchstens 28 Tage" in late.text
    off_grid = client.post(f"{BASE}/reservieren", data={**times_form(client), "zeit": "2027-02-02T09:05"})
    assert off_grid.status_code == 422
    assert "Terminraster" in off_grid.text
    with open_session(world.sessions) as session:
        assert session.scalars(select(Booking)).all() == []
        assert session.scalars(select(Slot).where(Slot.booking_id.is_not(None))).all() == []


def test_a_taken_time_answers_409_with_the_next_free_times(
    client: TestClient, office: Office, world: World
) -> None:
    held(client)
    response, _ = hold(client)
    assert response.status_code == 409
    assert "Termin nicht mehr verfügbar" in response.text
    assert 'value="2027-02-02T09:20"' in response.text  # the next free times as choices
    assert 'value="2027-02-02T09:00"' not in response.text
    with open_session(world.sessions) as session:
        assert len(session.scalars(select(Booking)).all()) == 1  # the refused hold left nothing


def test_the_proof_is_checked_and_works_once(client: TestClient, office: Office) -> None:
    form = times_form(client)
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
    manage = held(client)
    bad = contact(client, manage, email="erika(at)example")
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
    forged = post(client, f"{BASE}/bestaetigen/erfunden")
    assert forged.status_code == 404
    assert "Link ist ungültig" in forged.text
    manage = held(client)
    assert contact(client, manage).status_code == 303
    confirm = link(smtp.messages[-1].message(), "bestaetigen")
    with open_session(world.sessions) as session:
        booking = session.scalars(select(Booking)).one()
        booking.hold_until = NOW - dt.timedelta(minutes=1)
    expired = client.get(confirm)
    assert expired.status_code == 410
    assert "abgelaufen" in expired.text
    assert post(client, confirm).status_code == 410
    held_out = client.get(manage)
    assert held_out.status_code == 410
    assert "Zeit erneut wählen" in held_out.text


def test_an_expired_hold_is_410_with_a_way_back(client: TestClient, office: Office, world: World) -> None:
    manage = held(client)
    with open_session(world.sessions) as session:
        booking = session.scalars(select(Booking)).one()
        booking.hold_until = NOW - dt.timedelta(seconds=1)
    page = contact(client, manage)
    assert page.status_code == 410
    assert "Reservierung ist abgelaufen" in page.text
    assert f"{BASE}/tag?dienstleistung={KEY}" in page.text


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
