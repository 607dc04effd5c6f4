"""Booking on the real database (SQLite and PostgreSQL): holds, confirmation, cancelling, no seat twice."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from rathaus.appointments import booking as bk
from rathaus.appointments.config import AppointmentsSettings
from rathaus.appointments.models import Booking, BookingStatus, Closure, Location, Service, Slot
from rathaus.appointments.release import lay_out_day, release_due, seat_count
from rathaus.appointments.slots import NotBookableError
from rathaus.appointments.times import to_utc
from rathaus.core.db import open_session
from tests.appointments.office import NOW, REGISTRATION, TUESDAY, Office, make_office
from tests.conftest import World

SETTINGS = AppointmentsSettings()
NINE = dt.datetime.combine(TUESDAY, dt.time(9))


@pytest.fixture
def office(world: World, session: Session) -> Office:
    made = make_office(session, world.tenant_a_id)
    session.commit()
    return made


def test_the_wave_releases_the_horizon_and_nothing_beyond(office: Office, session: Session) -> None:
    assert seat_count(session=session, location=office.location, day=TUESDAY) == 24
    assert seat_count(session=session, location=office.location, day=dt.date(2027, 2, 6)) == 0  # Saturday
    last = dt.date(2027, 2, 26)  # a Friday, the last weekday inside 28 days
    assert seat_count(session=session, location=office.location, day=last) == 24
    assert seat_count(session=session, location=office.location, day=dt.date(2027, 3, 1)) == 0
    # the next morning's wave brings Monday 1 March, once and only once; not before its time
    before_wave = NOW + dt.timedelta(days=1) - dt.timedelta(hours=1)
    assert (
        release_due(
            session=session,
            tenant_id=office.location.tenant_id,
            now=before_wave,
            settings=SETTINGS,
            state="NI",
        )
        == 0
    )
    next_morning = NOW + dt.timedelta(days=1)
    added = release_due(
        session=session, tenant_id=office.location.tenant_id, now=next_morning, settings=SETTINGS, state="NI"
    )
    assert added == 24 * 1  # only 1 March enters (the other days were released already)
    assert (
        release_due(
            session=session,
            tenant_id=office.location.tenant_id,
            now=next_morning,
            settings=SETTINGS,
            state="NI",
        )
        == 0
    )


def test_free_times_follow_the_duration_and_holds(office: Office, session: Session) -> None:
    request = office.request()
    times = bk.free_times(session=session, request=request, day=TUESDAY, now=NOW, settings=SETTINGS)
    assert times[0] == dt.datetime.combine(TUESDAY, dt.time(8))
    assert times[-1] == dt.datetime.combine(TUESDAY, dt.time(11, 40))
    assert len(times) == 23  # 24 steps of 10 minutes, the appointment takes two
    booking, token = bk.hold(session=session, request=request, start=NINE, now=NOW, settings=SETTINGS)
    assert booking.status == BookingStatus.RESERVED
    assert token
    assert booking.reference.startswith("T-")
    after = bk.free_times(session=session, request=request, day=TUESDAY, now=NOW, settings=SETTINGS)
    taken = {NINE - dt.timedelta(minutes=10), NINE, NINE + dt.timedelta(minutes=10)}
    assert set(times) - set(after) == taken
    # once the hold ran out, the time is free again, before any job ran
    later = NOW + dt.timedelta(minutes=SETTINGS.hold_minutes + 1)
    assert NINE in bk.free_times(session=session, request=request, day=TUESDAY, now=later, settings=SETTINGS)


def test_a_taken_time_cannot_be_held_twice(office: Office, session: Session) -> None:
    bk.hold(session=session, request=office.request(), start=NINE, now=NOW, settings=SETTINGS)
    session.commit()
    overlapping = NINE + dt.timedelta(minutes=10)
    with pytest.raises(bk.SlotTakenError, match="nicht mehr verfügbar"):
        bk.hold(session=session, request=office.request(), start=overlapping, now=NOW, settings=SETTINGS)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Booking)) == 1
    assert session.scalar(select(func.count()).where(Slot.booking_id.is_not(None))) == 2


def test_contact_confirmation_and_cancel_with_rerelease_delay(office: Office, session: Session) -> None:
    booking, _ = bk.hold(session=session, request=office.request(), start=NINE, now=NOW, settings=SETTINGS)
    token = bk.submit_contact(
        session=session,
        booking=booking,
        name=" Erika  Mustermann ",
        email="Erika@Example.org",
        phone="",
        now=NOW,
        settings=SETTINGS,
    )
    assert booking.status == BookingStatus.AWAITING
    assert booking.name == "Erika Mustermann"
    assert booking.email_key == "erika@example.org"
    assert bk.booking_by_token(session=session, token=token, confirm=True) is booking
    assert bk.booking_by_token(session=session, token=token + "x", confirm=True) is None
    bk.confirm(session=session, booking=booking, now=NOW + dt.timedelta(minutes=30))
    assert booking.status == BookingStatus.CONFIRMED
    with pytest.raises(bk.BookingStateError, match="bereits bestätigt"):
        bk.confirm(session=session, booking=booking, now=NOW + dt.timedelta(minutes=31))
    # confirmed seats stay taken long after any hold would have run out
    much_later = NOW + dt.timedelta(hours=5)
    assert NINE not in bk.free_times(
        session=session, request=office.request(), day=TUESDAY, now=much_later, settings=SETTINGS
    )
    freed = bk.cancel(session=session, booking=booking, now=much_later, settings=SETTINGS)
    assert len(freed) == 2
    assert booking.status == BookingStatus.CANCELLED
    assert NINE not in bk.free_times(
        session=session, request=office.request(), day=TUESDAY, now=much_later, settings=SETTINGS
    )
    after_delay = much_later + dt.timedelta(minutes=SETTINGS.rerelease_delay_minutes)
    assert NINE in bk.free_times(
        session=session, request=office.request(), day=TUESDAY, now=after_delay, settings=SETTINGS
    )
    with pytest.raises(bk.BookingStateError, match="nicht mehr offen"):
        bk.cancel(session=session, booking=booking, now=after_delay, settings=SETTINGS)


def test_expired_confirmation_link_and_expired_hold(office: Office, session: Session) -> None:
    booking, _ = bk.hold(session=session, request=office.request(), start=NINE, now=NOW, settings=SETTINGS)
    late = NOW + dt.timedelta(minutes=SETTINGS.hold_minutes + 1)
    with pytest.raises(bk.BookingStateError, match="abgelaufen"):
        bk.submit_contact(
            session=session,
            booking=booking,
            name="A",
            email="a@example.org",
            phone="",
            now=late,
            settings=SETTINGS,
        )
    other, _ = bk.hold(
        session=session,
        request=office.request(),
        start=NINE + dt.timedelta(hours=1),
        now=NOW,
        settings=SETTINGS,
    )
    bk.submit_contact(
        session=session, booking=other, name="B", email="b@example.org", phone="", now=NOW, settings=SETTINGS
    )
    expired_link = NOW + dt.timedelta(minutes=SETTINGS.confirm_minutes + 1)
    with pytest.raises(bk.BookingStateError, match="abgelaufen"):
        bk.confirm(session=session, booking=other, now=expired_link)
    stale = bk.expire_holds(session=session, tenant_id=office.location.tenant_id, now=expired_link)
    assert {b.id for b in stale} == {booking.id, other.id}
    assert all(b.status == BookingStatus.EXPIRED for b in stale)
    assert session.scalar(select(func.count()).where(Slot.booking_id.is_not(None))) == 0


def test_a_new_hold_takes_over_seats_whose_hold_ran_out(office: Office, session: Session) -> None:
    first, _ = bk.hold(session=session, request=office.request(), start=NINE, now=NOW, settings=SETTINGS)
    late = NOW + dt.timedelta(minutes=SETTINGS.hold_minutes + 1)
    second, _ = bk.hold(session=session, request=office.request(), start=NINE, now=late, settings=SETTINGS)
    assert bk.seats_by_booking(session=session, bookings=[first, second]) == {second.id: 2}
    with pytest.raises(bk.BookingStateError):
        bk.submit_contact(
            session=session,
            booking=first,
            name="A",
            email="a@example.org",
            phone="",
            now=late,
            settings=SETTINGS,
        )


def test_per_email_limit_and_bad_addresses(office: Office, session: Session) -> None:
    settings = AppointmentsSettings(max_open_per_email=1)
    first, _ = bk.hold(session=session, request=office.request(), start=NINE, now=NOW, settings=settings)
    bk.submit_contact(
        session=session, booking=first, name="A", email="a@example.org", phone="", now=NOW, settings=settings
    )
    second, _ = bk.hold(
        session=session,
        request=office.request(),
        start=NINE + dt.timedelta(hours=1),
        now=NOW,
        settings=settings,
    )
    with pytest.raises(NotBookableError, match="bereits 1 Termine offen"):
        bk.submit_contact(
            session=session,
            booking=second,
            name="A",
            email="A@EXAMPLE.ORG",
            phone="",
            now=NOW,
            settings=settings,
        )
    for bad in ("keine-adresse", "a@", "a b@example.org"):
        with pytest.raises(NotBookableError, match="gültige E-Mail"):
            bk.submit_contact(
                session=session, booking=second, name="A", email=bad, phone="", now=NOW, settings=settings
            )


@pytest.mark.parametrize(
    ("start", "message"),
    [
        (dt.datetime.combine(dt.date(2027, 1, 29), dt.time(9)), "Vergangenheit"),
        (dt.datetime.combine(dt.date(2027, 2, 1), dt.time(7, 50)), "frühestens 30 Minuten"),
        (dt.datetime.combine(dt.date(2027, 3, 2), dt.time(9)), "höchstens 28 Tage"),
        (dt.datetime.combine(dt.date(2027, 2, 2), dt.time(9, 5)), "Terminraster"),
    ],
)
def test_times_that_cannot_be_booked(
    office: Office, session: Session, start: dt.datetime, message: str
) -> None:
    with pytest.raises(NotBookableError, match=message):
        bk.hold(session=session, request=office.request(), start=start, now=NOW, settings=SETTINGS)


def test_services_quantities_and_combinations(office: Office, session: Session) -> None:
    both = office.request((office.registration, 2), (office.deregistration, 1))
    assert both.duration() == dt.timedelta(minutes=50)
    booking, _ = bk.hold(session=session, request=both, start=NINE, now=NOW, settings=SETTINGS)
    assert bk.seats_by_booking(session=session, bookings=[booking]) == {booking.id: 5}
    with pytest.raises(NotBookableError, match="höchstens 3-mal"):
        office.request((office.registration, 4)).duration()


def test_walk_in_seats_are_not_offered_online(world: World, session: Session) -> None:
    office = make_office(session, world.tenant_a_id, online=1, walk_in=1)
    assert seat_count(session=session, location=office.location, day=TUESDAY) == 48
    bk.hold(session=session, request=office.request(), start=NINE, now=NOW, settings=SETTINGS)
    with pytest.raises(bk.SlotTakenError):
        bk.hold(session=session, request=office.request(), start=NINE, now=NOW, settings=SETTINGS)
    staff_times = bk.free_times(
        session=session, request=office.request(), day=TUESDAY, now=NOW, settings=SETTINGS, staff=True
    )
    assert NINE in staff_times


def test_a_closure_removes_free_seats_and_keeps_booked_ones(office: Office, session: Session) -> None:
    booking, _ = bk.hold(session=session, request=office.request(), start=NINE, now=NOW, settings=SETTINGS)
    session.add(
        Closure(
            tenant_id=office.location.tenant_id,
            location_id=office.location.id,
            start=to_utc(dt.datetime.combine(TUESDAY, dt.time())),
            end=to_utc(dt.datetime.combine(TUESDAY, dt.time(23, 59))),
            reason="Personalversammlung",
        )
    )
    session.flush()
    added, removed = lay_out_day(session=session, location=office.location, day=TUESDAY, now=NOW, state="NI")
    assert (added, removed) == (0, 22)
    assert bk.seats_by_booking(session=session, bookings=[booking]) == {booking.id: 2}
    assert (
        bk.free_times(session=session, request=office.request(), day=TUESDAY, now=NOW, settings=SETTINGS)
        == []
    )


def test_concurrent_holds_on_one_time_give_it_once(world: World, sessions: sessionmaker[Session]) -> None:
    """Twelve threads, each with its own connection, race for the same seat: exactly one wins."""
    with open_session(sessions) as session:
        make_office(session, world.tenant_a_id)
    barrier = threading.Barrier(12)
    outcomes: list[str] = []

    def attempt() -> None:
        session = sessions()
        try:
            location = session.scalars(select(Location)).one()
            service = session.scalars(select(Service).where(Service.key == REGISTRATION.id)).one()
            request = bk.Request(location=location, services=((service, 1),))
            barrier.wait()
            bk.hold(session=session, request=request, start=NINE, now=NOW, settings=SETTINGS)
            session.commit()
            outcomes.append("ok")
        except bk.SlotTakenError:
            session.rollback()
            outcomes.append("taken")
        finally:
            session.close()

    threads = [threading.Thread(target=attempt) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok"] + ["taken"] * 11
    with open_session(sessions) as session:
        assert session.scalar(select(func.count()).where(Slot.booking_id.is_not(None))) == 2
