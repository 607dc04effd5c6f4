"""The staff pages of the Terminvergabe through the real app: views, actions, closing a day with real mail."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from rathaus.appointments.models import Booking, BookingStatus, Channel, Closure, Slot
from rathaus.appointments.times import to_utc
from rathaus.appointments.web import staff_common
from rathaus.core.audit.models import AuditEvent
from rathaus.core.db import open_session
from rathaus.core.mail import MailSettings
from rathaus.core.security.models import Role
from rathaus.modules import Settings
from tests.appointments.office import NOW, REGISTRATION, TUESDAY, make_office
from tests.conftest import World, csrf_from, login
from tests.factories import make_member
from tests.requirements import require_module
from tests.servers import SmtpServer, smtp_server

CLOCK = to_utc(dt.datetime.combine(TUESDAY, dt.time(8, 5)))  # Tuesday 08:05: the counter is open


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    require_module("aiosmtpd", install="pip install -e '.[dev]'")
    with smtp_server() as server:
        yield server


@pytest.fixture
def settings(tmp_path: Path, database_url: str, smtp: SmtpServer) -> Settings:
    return Settings(
        environment="test",
        data_dir=tmp_path / "data",
        database_url=database_url,
        secret_key="test-secret-" + "x" * 32,
        mail=MailSettings(
            host=smtp.host, port=smtp.port, security="none", from_address="termine@stadt-a.example", timeout=5
        ),
    )


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(staff_common, "utcnow", lambda: CLOCK)


@pytest.fixture
def office_ids(world: World) -> dict[str, int]:
    with open_session(world.sessions) as session:
        office = make_office(session, world.tenant_a_id, online=1, walk_in=1, now=NOW)
        session.flush()
        ids = {
            "location": office.location.id,
            "registration": office.registration.id,
            "deregistration": office.deregistration.id,
        }
    make_member(world.sessions, world.tenant_a_id, "schalter-a", Role.CASEWORKER)
    make_member(world.sessions, world.tenant_b_id, "schalter-b", Role.CASEWORKER)
    return ids


def day_url(ids: dict[str, int], day: dt.date = TUESDAY) -> str:
    return f"/termine/tag?standort={ids['location']}&datum={day.isoformat()}"


def post(client: TestClient, path: str, data: dict[str, str], page: str = "/termine") -> Response:
    return client.post(path, data={**data, "csrf_token": csrf_from(client, page)}, follow_redirects=False)


def phone_booking(
    client: TestClient, ids: dict[str, int], time: str, *, email: str = "", day: dt.date = TUESDAY
) -> Booking:
    response = post(
        client,
        "/termine/buchen",
        {
            "standort": str(ids["location"]),
            "datum": day.isoformat(),
            f"menge-{ids['registration']}": "1",
            "beginn": time,
            "name": "Erika Mustermann",
            "email": email,
            "telefon": "05141 1",
        },
    )
    assert response.status_code == 303
    return latest(client)


def latest(client: TestClient) -> Booking:
    sessions = client.app.state.context.sessions  # type: ignore[attr-defined]
    with open_session(sessions) as session:
        booking = session.scalars(select(Booking).order_by(Booking.id.desc())).first()
        assert booking is not None
        session.expunge(booking)
        return booking


def refreshed(session: Session, booking: Booking) -> Booking:
    found = session.get(Booking, booking.id)
    assert found is not None
    session.refresh(found)
    return found


def actions(session: Session, booking: Booking) -> list[str]:
    return list(
        session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.object_type == "appointment_booking", AuditEvent.object_id == str(booking.id))
            .order_by(AuditEvent.id)
        )
    )


def test_anonymous_users_are_sent_to_the_login(client: TestClient, office_ids: dict[str, int]) -> None:
    for path in ("/termine", day_url(office_ids), "/termine/woche", "/termine/schliessen"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code in (302, 303), path
        assert "/anmelden" in response.headers["location"]
    refused = client.post("/termine/spontan", data={"standort": "1"}, follow_redirects=False)
    assert refused.status_code in (302, 303, 403)


def test_the_start_page_shows_today_per_location(
    client: TestClient, world: World, office_ids: dict[str, int]
) -> None:
    login(client, "schalter-a")
    phone_booking(client, office_ids, "09:00")
    page = client.get("/termine")
    assert page.status_code == 200
    row = page.text.split('id="standort-{}"'.format(office_ids["location"]), 1)[1].split("</tr>", 1)[0]
    cells = re.findall(r"<td>(\d+)</td>", row)
    # booked 1, checked in 0, waiting 0, free seat-steps from 08:05 on: 2 × 23 steps − 2 taken, no-shows 0
    assert cells == ["1", "0", "0", "44", "0"]
    assert "/termine/verwaltung" not in page.text
    client.post("/abmelden", data={"csrf_token": csrf_from(client)})
    login(client, world.admin_a)
    assert 'href="/termine/verwaltung"' in client.get("/termine").text


def test_the_day_view_shows_bookings_free_and_walk_in_seats(
    client: TestClient, office_ids: dict[str, int]
) -> None:
    login(client, "schalter-a")
    booking = phone_booking(client, office_ids, "09:00")
    page = client.get(day_url(office_ids))
    assert page.status_code == 200
    assert "<h1>Kfz-Zulassungsstelle Mitte: Dienstag, 2. Februar 2027</h1>" in page.text
    assert "Platz 2 (Spontankunden)" in page.text
    assert f"<strong>{booking.reference}</strong> Erika Mustermann" in page.text
    assert REGISTRATION.name in page.text
    assert "gebucht, durch Personal" in page.text
    assert "frei <span" in page.text
    assert "datum=2027-02-01" in page.text
    assert "datum=2027-02-03" in page.text
    assert f'{booking.reference} <span class="hint">(Fortsetzung)</span>' in page.text
    week = client.get(f"/termine/woche?standort={office_ids['location']}&datum=2027-02-03")
    assert week.status_code == 200
    # Tuesday 08:00–12:00: 48 seats, 2 taken (the walk-in seat at 09:00 and 09:10) → 4 %
    assert re.search(r"08:00–12:00</td>\s*<td>1</td>\s*<td>2</td>\s*<td>46</td>\s*<td>4 %</td>", week.text)


def test_walk_in_check_in_call_up_done_and_no_show(
    client: TestClient, world: World, office_ids: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    login(client, "schalter-a")
    response = post(
        client,
        "/termine/spontan",
        {
            "standort": str(office_ids["location"]),
            f"menge-{office_ids['deregistration']}": "1",
            "name": "Max",
        },
    )
    assert response.status_code == 303
    assert response.headers["location"] == day_url(office_ids)
    walk_in = latest(client)
    page = client.get(day_url(office_ids))
    assert f"Spontankunde {walk_in.reference} eingetragen: 08:10 Uhr, angemeldet." in page.text
    later = phone_booking(client, office_ids, "09:00")
    # no-show before the start is refused
    refused = post(client, f"/termine/buchungen/{later.id}/nicht-erschienen", {})
    assert refused.status_code == 303
    assert "erst nach Beginn" in client.get(day_url(office_ids)).text
    assert post(client, f"/termine/buchungen/{walk_in.id}/aufrufen", {}).status_code == 303
    assert post(client, f"/termine/buchungen/{walk_in.id}/erledigt", {}).status_code == 303
    monkeypatch.setattr(staff_common, "utcnow", lambda: CLOCK + dt.timedelta(hours=1))  # 09:05
    assert post(client, f"/termine/buchungen/{later.id}/nicht-erschienen", {}).status_code == 303
    with open_session(world.sessions) as session:
        done = refreshed(session, walk_in)
        assert (done.status, done.channel, done.name) == (BookingStatus.DONE, Channel.WALK_IN, "Max")
        assert [s.channel for s in session.scalars(select(Slot).where(Slot.booking_id == done.id))] == [
            Channel.WALK_IN
        ]
        assert actions(session, done) == [
            "appointments.booked_by_staff",
            "appointments.checked_in",
            "appointments.checked_in",
            "appointments.done",
        ]
        missed = refreshed(session, later)
        assert missed.status == BookingStatus.NO_SHOW
        assert actions(session, missed)[-1] == "appointments.no_show"


def test_check_in_and_a_form_without_token(
    client: TestClient, world: World, office_ids: dict[str, int]
) -> None:
    login(client, "schalter-a")
    booking = phone_booking(client, office_ids, "09:00")
    forged = client.post(f"/termine/buchungen/{booking.id}/anmelden", follow_redirects=False)
    assert forged.status_code == 403
    assert post(client, f"/termine/buchungen/{booking.id}/anmelden", {}).status_code == 303
    with open_session(world.sessions) as session:
        checked = refreshed(session, booking)
        assert checked.status == BookingStatus.CHECKED_IN
        assert checked.checked_in_at == CLOCK
        assert actions(session, checked)[-1] == "appointments.checked_in"
    assert "angemeldet" in client.get(day_url(office_ids)).text


def test_phone_booking_rebooking_and_cancelling_mail_the_citizen(
    client: TestClient, world: World, office_ids: dict[str, int], smtp: SmtpServer
) -> None:
    login(client, "schalter-a")
    booking = phone_booking(client, office_ids, "10:00", email="erika@example.org")
    assert (booking.status, booking.channel) == (BookingStatus.CONFIRMED, Channel.STAFF)
    confirmation = smtp.messages[-1].message()
    assert confirmation["To"] == "erika@example.org"
    assert confirmation["Subject"] == f"Bestätigung Ihres Termins {booking.reference}"
    body = confirmation.get_body(("plain",)).get_content()
    assert "http://127.0.0.1/buerger/stadt-a/termine/buchung/" in body
    assert "Dienstag, 2. Februar 2027, 10:00 Uhr bis 10:20 Uhr" in body
    page = client.get(f"/termine/buchungen/{booking.id}/umbuchen?datum=2027-02-03")
    assert '<option value="08:00">08:00 Uhr' in page.text
    moved = post(
        client, f"/termine/buchungen/{booking.id}/umbuchen", {"datum": "2027-02-03", "beginn": "08:00"}
    )
    assert moved.status_code == 303
    new = latest(client)
    assert new.rebooked_from_id == booking.id
    moved_mail = smtp.messages[-1].message()
    assert moved_mail["Subject"] == f"Ihr Termin wurde verlegt: neuer Termin {new.reference}"
    ics = next(moved_mail.iter_attachments()).get_content()
    ics = ics.decode() if isinstance(ics, bytes) else ics
    # the calendar keeps one event across the move: the first booking's UID, one sequence higher
    assert f"UID:{booking.reference}.stadt-a@rathaus-termine" in ics
    assert "SEQUENCE:1" in ics
    cancelled = post(client, f"/termine/buchungen/{new.id}/absagen", {"grund": "Sachbearbeiter krank"})
    assert cancelled.status_code == 303
    notice = smtp.messages[-1].message()
    assert notice["Subject"] == f"Absage Ihres Termins {new.reference}"
    assert "Grund: Sachbearbeiter krank" in notice.get_body(("plain",)).get_content()
    with open_session(world.sessions) as session:
        assert refreshed(session, booking).status == BookingStatus.CANCELLED
        assert refreshed(session, new).status == BookingStatus.CANCELLED
        assert actions(session, booking)[-1] == "appointments.booking_rebooked"
        assert actions(session, new)[-1] == "appointments.booking_cancelled"
    assert len(smtp.messages) == 3


def test_closing_a_day_cancels_and_mails_three_alternatives(
    client: TestClient, world: World, office_ids: dict[str, int], smtp: SmtpServer
) -> None:
    login(client, "schalter-a")
    wednesday = TUESDAY + dt.timedelta(days=1)
    first = phone_booking(client, office_ids, "09:00", email="a@example.org", day=wednesday)
    second = phone_booking(client, office_ids, "10:00", email="b@example.org", day=wednesday)
    third = phone_booking(client, office_ids, "11:00", day=wednesday)
    smtp.messages.clear()
    form = {
        "standort": str(office_ids["location"]),
        "datum": wednesday.isoformat(),
        "grund": "Betriebsversammlung",
    }
    check = post(client, "/termine/schliessen/pruefen", form, page="/termine/schliessen")
    assert check.status_code == 200
    assert "<strong>3 Termine sind betroffen</strong>" in check.text
    assert "2 davon mit E-Mail-Adresse" in check.text
    unconfirmed = post(client, "/termine/schliessen", form, page="/termine/schliessen")
    assert unconfirmed.status_code == 400
    done = post(client, "/termine/schliessen", {**form, "bestaetigt": "ja"}, page="/termine/schliessen")
    assert done.status_code == 303
    page = client.get(day_url(office_ids, wednesday))
    assert "3 Termine abgesagt; 2 Benachrichtigungen mit Ausweichterminen versandt" in page.text
    assert "1 ohne E-Mail-Adresse" in page.text
    assert sorted(m.rcpt_tos[0] for m in smtp.messages) == ["a@example.org", "b@example.org"]
    mail = smtp.messages[0].message()
    body = mail.get_body(("plain",)).get_content()
    assert "Standort geschlossen" in mail["Subject"]
    assert "Grund: Betriebsversammlung." in body
    links = re.findall(r"http://127\.0\.0\.1/buerger/stadt-a/termine\?dienstleistung=10295182\S*", body)
    assert len(links) == 4  # three alternatives and the general link
    # today, Tuesday: the first free public times, with the service, quantity and location preselected
    assert links[0] == (
        "http://127.0.0.1/buerger/stadt-a/termine?dienstleistung=10295182&anzahl-10295182=1"
        "&standort=kfz-1&tag=2027-02-02&zeit=08%3A40"
    )
    assert (
        links[3]
        == "http://127.0.0.1/buerger/stadt-a/termine?dienstleistung=10295182&anzahl-10295182=1&standort=kfz-1"
    )
    assert any(part.get_content_type() == "text/calendar" for part in mail.iter_attachments())
    with open_session(world.sessions) as session:
        assert {refreshed(session, b).status for b in (first, second, third)} == {BookingStatus.CANCELLED}
        assert session.scalars(select(Closure)).one().reason == "Betriebsversammlung"
        assert session.scalars(select(Slot).where(Slot.day == wednesday)).all() == []


def test_a_failed_mail_does_not_undo_the_closure(
    client: TestClient, world: World, office_ids: dict[str, int], smtp: SmtpServer
) -> None:
    login(client, "schalter-a")
    booking = phone_booking(client, office_ids, "11:00", email="a@example.org")
    smtp.refuse = "mailbox unavailable"
    form = {"standort": str(office_ids["location"]), "datum": TUESDAY.isoformat(), "grund": "Stromausfall"}
    done = post(client, "/termine/schliessen", {**form, "bestaetigt": "ja"}, page="/termine/schliessen")
    assert done.status_code == 303
    assert "1 E-Mails fehlgeschlagen" in client.get(day_url(office_ids)).text
    with open_session(world.sessions) as session:
        assert refreshed(session, booking).status == BookingStatus.CANCELLED
        assert actions(session, booking)[-1] == "appointments.mail_failed"
        assert session.scalars(select(Closure)).one().reason == "Stromausfall"


def test_another_tenants_caseworker_sees_and_does_nothing(
    client: TestClient, world: World, office_ids: dict[str, int]
) -> None:
    login(client, "schalter-a")
    booking = phone_booking(client, office_ids, "09:00")
    client.post("/abmelden", data={"csrf_token": csrf_from(client)})
    login(client, "schalter-b")
    assert client.get(day_url(office_ids)).status_code == 404
    assert client.get(f"/termine/woche?standort={office_ids['location']}").status_code == 404
    assert client.get(f"/termine/buchungen/{booking.id}/umbuchen").status_code == 404
    assert client.get(f"/termine/buchungen/{booking.id}/absagen").status_code == 404
    for action in ("anmelden", "aufrufen", "erledigt", "nicht-erschienen", "absagen", "umbuchen"):
        response = post(
            client, f"/termine/buchungen/{booking.id}/{action}", {"grund": "x", "beginn": "10:00"}
        )
        assert response.status_code == 404, action
    closing = post(
        client,
        "/termine/schliessen",
        {"standort": str(office_ids["location"]), "datum": "2027-02-03", "grund": "x", "bestaetigt": "ja"},
    )
    assert closing.status_code == 404
    assert "Kfz-Zulassungsstelle Mitte" not in client.get("/termine").text
    with open_session(world.sessions) as session:
        assert refreshed(session, booking).status == BookingStatus.CONFIRMED
        assert session.scalars(select(Closure)).all() == []
