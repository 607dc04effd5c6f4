"""The citizen's booking afterwards: mail failures and resending, changing the time, reminders."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from rathaus.appointments import jobs as appointment_jobs
from rathaus.appointments.audit_actions import AppointmentsAction
from rathaus.appointments.models import Booking, BookingStatus, Slot
from rathaus.core.db import open_session
from rathaus.core.jobs import Job, enqueue
from rathaus.core.worker import JobRunner
from rathaus.modules import Settings
from tests.appointments.office import NOW, Office
from tests.appointments.web.flow import (
    actions,
    confirmed,
    contact,
    field,
    held,
    ics,
    link,
    post,
)
from tests.conftest import World
from tests.servers import SmtpServer

# --- mail failure, resending ----------------------------------------------------------------------


def test_a_mail_failure_loses_nothing_and_the_mail_can_be_sent_again(
    client: TestClient, office: Office, smtp: SmtpServer, world: World
) -> None:
    manage = held(client)
    smtp.refuse = "550 mailbox unavailable"
    response = contact(client, manage)
    assert response.status_code == 303
    page = client.get(manage)
    assert "konnte gerade nicht versendet werden" in page.text
    assert "Bestätigungs-E-Mail erneut senden" in page.text
    with open_session(world.sessions) as session:
        assert session.scalars(select(Booking)).one().status == BookingStatus.AWAITING
    assert AppointmentsAction.MAIL_FAILED in actions(world.sessions)
    smtp.refuse = None
    resent = post(client, f"{manage}/erneut-senden")
    assert resent.status_code == 303
    assert "erneut gesendet" in client.get(manage).text
    [mail] = smtp.messages
    confirm = link(mail.message(), "bestaetigen")
    assert client.get(confirm).status_code == 200
    too_soon = post(client, f"{manage}/erneut-senden")
    assert too_soon.status_code == 429


# --- changing the appointment ---------------------------------------------------------------------


def test_changing_the_time_moves_the_booking_in_one_step(
    client: TestClient, office: Office, smtp: SmtpServer, world: World
) -> None:
    manage = confirmed(client, smtp)
    days = client.get(f"{manage}/aendern")
    assert days.status_code == 200
    assert "Termin ändern" in days.text
    times = client.get(f"{manage}/aendern/zeit?tag=2027-02-02")
    assert 'value="2027-02-02T09:10"' in times.text  # overlapping its own seats is fine
    csrf = field(times.text, "csrf_token")
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
    calendar = ics(mail)
    [event] = calendar.walk("VEVENT")
    assert int(event["SEQUENCE"]) == 1  # the same calendar entry, moved
    assert "Termin ist verlegt" in client.get(new_manage).text
    assert "Zum neuen Termin" in client.get(manage).text
    assert AppointmentsAction.BOOKING_REBOOKED in actions(world.sessions)


def test_changing_to_a_taken_time_keeps_the_old_appointment(
    client: TestClient, office: Office, smtp: SmtpServer, world: World
) -> None:
    manage = confirmed(client, smtp)
    held(client, "2027-02-02T10:00")
    times = client.get(f"{manage}/aendern/zeit?tag=2027-02-02")
    csrf = field(times.text, "csrf_token")
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
    manage = confirmed(client, smtp)
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
