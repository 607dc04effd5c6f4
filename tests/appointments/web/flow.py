"""Steps of the public booking as a citizen's browser takes them, for the tests (TestClient, no JS)."""

from __future__ import annotations

import re
from email.message import EmailMessage
from typing import Any

from fastapi.testclient import TestClient
from icalendar import Calendar
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from rathaus.appointments.models import Booking, BookingStatus
from rathaus.core.audit.models import AuditEvent
from rathaus.core.db import open_session
from tests.appointments.office import REGISTRATION
from tests.servers import SmtpServer

BASE = "/buerger/stadt-a/termine"
KEY = REGISTRATION.id
CHOICE = f"dienstleistung={KEY}&anzahl-{KEY}=1&standort=kfz-1"
TUESDAY_NINE = "2027-02-02T09:00"


def field(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert match, f"no field {name}"
    return match.group(1)


def times_form(client: TestClient, day: str = "2027-02-02") -> dict[str, str]:
    page = client.get(f"{BASE}/zeit?{CHOICE}&tag={day}")
    assert page.status_code == 200, page.text
    return {
        "csrf_token": field(page.text, "csrf_token"),
        "warte_token": field(page.text, "warte_token"),
        "dienstleistung": KEY,
        f"anzahl-{KEY}": "1",
        "standort": "kfz-1",
    }


def hold(client: TestClient, when: str = TUESDAY_NINE) -> tuple[Any, dict[str, str]]:
    form = times_form(client, when[:10])
    response = client.post(f"{BASE}/reservieren", data={**form, "zeit": when}, follow_redirects=False)
    return response, form


def held(client: TestClient, when: str = TUESDAY_NINE) -> str:
    response, _form = hold(client, when)
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert location.startswith(f"{BASE}/buchung/")
    return location


def contact(client: TestClient, manage: str, email: str = "erika@example.org") -> Any:
    csrf = field(client.get("/anmelden").text, "csrf_token")
    data = {"csrf_token": csrf, "name": "Erika Mustermann", "email": email, "telefon": "05141 123"}
    return client.post(f"{manage}/kontakt", data=data, follow_redirects=False)


def link(message: EmailMessage, part: str) -> str:
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    match = re.search(
        rf"http://127\.0\.0\.1(/buerger/stadt-a/termine/{part}/[A-Za-z0-9_-]+)", body.get_content()
    )
    assert match, body.get_content()
    return match.group(1)


def ics(message: EmailMessage) -> Calendar:
    [attachment] = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    return Calendar.from_ical(attachment.get_payload(decode=True))


def post(client: TestClient, path: str, **data: str) -> Any:
    csrf = (
        field(client.get("/anmelden").text, "csrf_token")
        if "csrf_token" not in data
        else data.pop("csrf_token")
    )
    return client.post(path, data={"csrf_token": csrf, **data}, follow_redirects=False)


def status(sessions: sessionmaker[Session], reference_or_id: int) -> BookingStatus:
    with open_session(sessions) as session:
        booking = session.get(Booking, reference_or_id)
        assert booking is not None
        return booking.status


def actions(sessions: sessionmaker[Session]) -> list[str]:
    with open_session(sessions) as session:
        return [str(e.action) for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def confirmed(client: TestClient, smtp: SmtpServer) -> str:
    """Book Tuesday 9:00 to the end; returns the manage path from the confirmation mail."""
    manage = held(client)
    assert contact(client, manage).status_code == 303
    confirm = link(smtp.messages[-1].message(), "bestaetigen")
    assert post(client, confirm).status_code == 303
    return link(smtp.messages[-1].message(), "buchung")
