"""What the Terminvergabe offers other modules and the start page: bookable services, today's counts."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from rathaus.appointments import booking as bk
from rathaus.appointments.config import AppointmentsSettings
from rathaus.appointments.models import BookingStatus, OpeningWindow
from rathaus.appointments.service import bookable_services, today_counts
from rathaus.core.db import open_session, utcnow
from rathaus.core.ports import BOOKABLE_SERVICES
from rathaus.web.context import AppContext
from tests.appointments.office import NOW, TUESDAY, make_office
from tests.conftest import World, login


def test_bookable_services_are_those_offered_at_an_open_location(world: World, session: Session) -> None:
    office = make_office(session, world.tenant_a_id)
    links = bookable_services(session=session, tenant_id=world.tenant_a_id)
    assert links == {
        office.registration.key: f"/buerger/stadt-a/termine?dienstleistung={office.registration.key}",
        office.deregistration.key: f"/buerger/stadt-a/termine?dienstleistung={office.deregistration.key}",
    }
    assert bookable_services(session=session, tenant_id=world.tenant_b_id) == {}
    office.location.offers[0].bookable_online = False
    for window in list(office.location.windows):
        session.delete(window)
    session.flush()
    session.expire_all()
    assert session.query(OpeningWindow).count() == 0
    assert bookable_services(session=session, tenant_id=world.tenant_a_id) == {}


def test_the_port_is_provided_to_other_modules(client: TestClient, world: World) -> None:
    context: AppContext = client.app.state.context  # type: ignore[attr-defined]
    with open_session(world.sessions) as session:
        make_office(session, world.tenant_a_id)
    bookable = context.ports.get(BOOKABLE_SERVICES)
    assert bookable is not None
    with open_session(world.sessions, tenant_id=world.tenant_a_id) as session:
        assert len(bookable(session=session, tenant_id=world.tenant_a_id)) == 2


def test_today_counts(world: World, session: Session) -> None:
    office = make_office(session, world.tenant_a_id)
    settings = AppointmentsSettings()
    nine = dt.datetime.combine(TUESDAY, dt.time(9))
    booking, _ = bk.hold(session=session, request=office.request(), start=nine, now=NOW, settings=settings)
    bk.submit_contact(
        session=session,
        booking=booking,
        name="A",
        email="a@example.org",
        phone="",
        now=NOW,
        settings=settings,
    )
    bk.confirm(session=session, booking=booking, now=NOW)
    booking.status = BookingStatus.CHECKED_IN
    tuesday_morning = NOW + dt.timedelta(days=1)
    (count,) = today_counts(session=session, now=tuesday_morning)
    assert (count.booked, count.waiting, count.done) == (1, 1, 0)
    assert count.free_online == 24 - 2


def test_the_start_page_shows_todays_appointments(client: TestClient, world: World) -> None:
    with open_session(world.sessions) as session:
        make_office(session, world.tenant_a_id, now=utcnow())
    login(client, world.admin_a)
    page = client.get("/")
    assert page.status_code == 200
    assert "Termine heute" in page.text
    assert "Kfz-Zulassungsstelle Mitte" in page.text
    assert 'href="/buerger/stadt-a/termine"' in page.text
