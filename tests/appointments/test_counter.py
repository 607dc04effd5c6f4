"""The counter on the real database: walk-ins, check-in to done, no-show, rebooking, closing a day."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from rathaus.appointments import booking as bk
from rathaus.appointments import closing, counter
from rathaus.appointments.config import AppointmentsSettings
from rathaus.appointments.models import Booking, BookingStatus, Channel, Closure, Location, Service, Slot
from rathaus.appointments.release import seat_count
from rathaus.appointments.times import to_utc
from rathaus.core.audit.models import AuditEvent
from rathaus.core.audit.service import Actor
from rathaus.core.db import open_session
from tests.appointments.office import NOW, REGISTRATION, TUESDAY, Office, make_office
from tests.conftest import World

SETTINGS = AppointmentsSettings()
STAFF = Actor(id=None, name="schalter-1")
WEDNESDAY = TUESDAY + dt.timedelta(days=1)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute))


def utc(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return to_utc(at(day, hour, minute))


def seats_of(session: Session, booking: Booking) -> list[Slot]:
    return list(session.scalars(select(Slot).where(Slot.booking_id == booking.id).order_by(Slot.start)))


def actions_on(session: Session, booking: Booking) -> list[str]:
    return list(
        session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.object_type == bk.BOOKING, AuditEvent.object_id == str(booking.id))
            .order_by(AuditEvent.id)
        )
    )


def phone_booking(session: Session, office: Office, start: dt.datetime, *, email: str = "") -> Booking:
    return counter.book_for_citizen(
        session=session,
        request=office.request(),
        start=start,
        now=NOW,
        actor=STAFF,
        name="Erika  Mustermann",
        email=email,
        phone="05141 12345",
    )


def online_booking(session: Session, office: Office, start: dt.datetime) -> Booking:
    """A citizen's booking on the public path: hold, contact, confirmation."""
    return office.confirmed(session, start, email="o@example.org")


@pytest.fixture
def office(world: World, session: Session) -> Office:
    made = make_office(session, world.tenant_a_id, online=1, walk_in=1)
    session.commit()
    return made


def test_a_walk_in_takes_walk_in_seats_of_the_next_gap_and_is_checked_in(
    office: Office, session: Session
) -> None:
    now = utc(TUESDAY, 8, 5)
    proposal = counter.propose_walk_in(session=session, request=office.request(), now=now, settings=SETTINGS)
    assert proposal == counter.FreeTime(at(TUESDAY, 8, 10), walk_in=True)  # 08:00 has begun already
    walk_in = counter.add_walk_in(
        session=session, request=office.request(), now=now, settings=SETTINGS, actor=STAFF, name=" Max "
    )
    session.commit()
    assert (walk_in.status, walk_in.channel, walk_in.name) == (
        BookingStatus.CHECKED_IN,
        Channel.WALK_IN,
        "Max",
    )
    assert walk_in.checked_in_at == now
    seats = seats_of(session, walk_in)
    assert [(s.start, s.channel) for s in seats] == [
        (utc(TUESDAY, 8, 10), Channel.WALK_IN),
        (utc(TUESDAY, 8, 20), Channel.WALK_IN),
    ]
    assert actions_on(session, walk_in) == ["appointments.booked_by_staff", "appointments.checked_in"]
    # the online seat of 08:10 stays free for the public
    public = bk.free_times(session=session, request=office.request(), day=TUESDAY, now=NOW, settings=SETTINGS)
    assert at(TUESDAY, 8, 10) in public


def test_walk_ins_never_take_a_taken_seat_and_fall_back_to_online_seats(
    office: Office, session: Session
) -> None:
    now = utc(TUESDAY, 8, 5)
    citizen = online_booking(session, office, at(TUESDAY, 8, 10))
    session.commit()
    first = counter.add_walk_in(
        session=session, request=office.request(), now=now, settings=SETTINGS, actor=STAFF
    )
    session.commit()
    assert first.start == utc(TUESDAY, 8, 10)  # the walk-in seat beside the citizen's online seat
    with pytest.raises(bk.SlotTakenError):  # both seats of 08:10 are taken now
        counter.add_walk_in(
            session=session,
            request=office.request(),
            now=now,
            settings=SETTINGS,
            actor=STAFF,
            start=at(TUESDAY, 8, 10),
        )
    session.rollback()
    # 08:30: the online seat is free, the walk-in seat too; 08:20 is free online only (walk-in seat taken)
    second = counter.add_walk_in(
        session=session,
        request=office.request(),
        now=now,
        settings=SETTINGS,
        actor=STAFF,
        start=at(TUESDAY, 8, 30),
    )
    third = counter.add_walk_in(
        session=session,
        request=office.request(),
        now=now,
        settings=SETTINGS,
        actor=STAFF,
        start=at(TUESDAY, 8, 30),
    )
    session.commit()
    assert {s.channel for s in seats_of(session, second)} == {Channel.WALK_IN}
    assert {s.channel for s in seats_of(session, third)} == {Channel.ONLINE}
    holders = [s.booking_id for s in session.scalars(select(Slot).where(Slot.day == TUESDAY))]
    assert holders.count(citizen.id) == holders.count(first.id) == holders.count(third.id) == 2
    with pytest.raises(counter.CounterError, match="nur für heute"):
        counter.add_walk_in(
            session=session,
            request=office.request(),
            now=now,
            settings=SETTINGS,
            actor=STAFF,
            start=at(WEDNESDAY, 9),
        )


def test_check_in_call_up_and_done_measure_the_wait(office: Office, session: Session) -> None:
    booking = phone_booking(session, office, at(TUESDAY, 9))
    session.commit()
    assert (booking.status, booking.channel, booking.name) == (
        BookingStatus.CONFIRMED,
        Channel.STAFF,
        "Erika Mustermann",
    )
    with pytest.raises(counter.CounterError, match="Tag des Termins"):
        counter.check_in(session=session, booking=booking, now=NOW, actor=STAFF)
    counter.check_in(session=session, booking=booking, now=utc(TUESDAY, 8, 50), actor=STAFF)
    with pytest.raises(counter.CounterError):
        counter.finish(
            session=session, booking=phone_booking(session, office, at(TUESDAY, 10)), now=NOW, actor=STAFF
        )
    counter.call_up(session=session, booking=booking, now=utc(TUESDAY, 9, 4), actor=STAFF)
    counter.finish(session=session, booking=booking, now=utc(TUESDAY, 9, 25), actor=STAFF)
    session.commit()
    assert booking.status == BookingStatus.DONE
    assert booking.called_at is not None
    assert booking.checked_in_at is not None
    assert booking.called_at - booking.checked_in_at == dt.timedelta(minutes=14)
    assert booking.finished_at == utc(TUESDAY, 9, 25)
    assert actions_on(session, booking) == [
        "appointments.booked_by_staff",
        "appointments.checked_in",
        "appointments.checked_in",
        "appointments.done",
    ]


def test_no_show_only_after_the_start_and_the_rest_becomes_a_gap(office: Office, session: Session) -> None:
    booking = phone_booking(session, office, at(TUESDAY, 9))
    session.commit()
    with pytest.raises(counter.CounterError, match="erst nach Beginn"):
        counter.mark_no_show(session=session, booking=booking, now=utc(TUESDAY, 8, 59), actor=STAFF)
    assert booking.status == BookingStatus.CONFIRMED
    counter.mark_no_show(session=session, booking=booking, now=utc(TUESDAY, 9, 5), actor=STAFF)
    session.commit()
    assert booking.status == BookingStatus.NO_SHOW
    assert seats_of(session, booking) == []
    assert actions_on(session, booking)[-1] == "appointments.no_show"
    with pytest.raises(counter.CounterError):
        counter.check_in(session=session, booking=booking, now=utc(TUESDAY, 9, 6), actor=STAFF)


def test_rebooking_takes_the_new_seats_and_frees_the_old_in_one_go(office: Office, session: Session) -> None:
    booking = phone_booking(session, office, at(TUESDAY, 9), email="erika@example.org")
    other = phone_booking(session, office, at(TUESDAY, 11))
    session.commit()
    old_seats = [s.id for s in seats_of(session, booking)]
    # a time that is taken (both seats at 11:00): nothing changes
    counter.add_walk_in(
        session=session,
        request=office.request(),
        now=utc(TUESDAY, 7, 0),
        settings=SETTINGS,
        actor=STAFF,
        start=at(TUESDAY, 11),
    )
    session.commit()
    with pytest.raises(bk.SlotTakenError):
        counter.rebook(session=session, booking=booking, start=at(TUESDAY, 11), now=NOW, actor=STAFF)
    session.rollback()
    session.refresh(booking)
    assert booking.status == BookingStatus.CONFIRMED
    assert [s.id for s in seats_of(session, booking)] == old_seats
    assert session.scalar(select(Booking).where(Booking.rebooked_from_id == booking.id)) is None
    moved = counter.rebook(session=session, booking=booking, start=at(WEDNESDAY, 10), now=NOW, actor=STAFF)
    session.commit()
    assert booking.status == BookingStatus.CANCELLED
    assert booking.cancel_reason == f"Umgebucht auf {moved.reference}"
    assert seats_of(session, booking) == []
    freed = session.scalars(select(Slot).where(Slot.id.in_(old_seats))).all()
    assert all(s.booking_id is None for s in freed)
    assert [s.start for s in seats_of(session, moved)] == [utc(WEDNESDAY, 10), utc(WEDNESDAY, 10, 10)]
    assert (moved.status, moved.email, moved.rebooked_from_id) == (
        BookingStatus.CONFIRMED,
        "erika@example.org",
        booking.id,
    )
    assert actions_on(session, booking)[-1] == "appointments.booking_rebooked"
    assert other.status == BookingStatus.CONFIRMED


def test_rebooking_by_one_step_may_reuse_its_own_seats(world: World, session: Session) -> None:
    office = make_office(session, world.tenant_a_id, online=1, walk_in=0)
    booking = phone_booking(session, office, at(TUESDAY, 9))
    session.commit()
    moved = counter.rebook(session=session, booking=booking, start=at(TUESDAY, 9, 10), now=NOW, actor=STAFF)
    session.commit()
    assert [s.start for s in seats_of(session, moved)] == [utc(TUESDAY, 9, 10), utc(TUESDAY, 9, 20)]
    assert seats_of(session, booking) == []


def test_staff_cancel_needs_a_reason_and_frees_the_seats(office: Office, session: Session) -> None:
    booking = phone_booking(session, office, at(TUESDAY, 9))
    session.commit()
    with pytest.raises(counter.CounterError, match="Grund"):
        counter.cancel_by_staff(
            session=session, booking=booking, now=NOW, settings=SETTINGS, actor=STAFF, reason=" "
        )
    counter.cancel_by_staff(
        session=session,
        booking=booking,
        now=NOW,
        settings=SETTINGS,
        actor=STAFF,
        reason="Sachbearbeiter krank",
    )
    session.commit()
    assert (booking.status, booking.cancel_reason) == (BookingStatus.CANCELLED, "Sachbearbeiter krank")
    assert seats_of(session, booking) == []
    assert actions_on(session, booking)[-1] == "appointments.booking_cancelled"


def test_a_time_staff_cancel_goes_to_the_waiting_list_first(office: Office, session: Session) -> None:
    online = online_booking(session, office, at(TUESDAY, 9))  # booked by a citizen, on an online seat
    entry = office.waiting(session, "wanda@example.org")
    offers = counter.cancel_by_staff(
        session=session, booking=online, now=NOW, settings=SETTINGS, actor=STAFF, reason="Schalter zu"
    )
    assert [offer.entry_id for offer in offers] == [entry.id]
    assert offers[0].start == online.start


def test_closing_a_day_cancels_its_bookings_removes_its_seats_and_finds_alternatives(
    office: Office, session: Session
) -> None:
    first = phone_booking(session, office, at(TUESDAY, 9), email="a@example.org")
    second = phone_booking(session, office, at(TUESDAY, 10))
    late = utc(NOW.date(), 11, 15)  # Monday: nothing fits any more today
    kept, _ = bk.hold(
        session=session, request=office.request(), start=at(WEDNESDAY, 8), now=late, settings=SETTINGS
    )
    session.commit()
    assert closing.affected_by_closure(session=session, location=office.location, day=TUESDAY) == [
        first,
        second,
    ]
    result = closing.close_day(
        session=session,
        location=office.location,
        day=TUESDAY,
        reason="Betriebsversammlung",
        now=late,
        settings=SETTINGS,
        state="NI",
        actor=STAFF,
    )
    session.commit()
    assert result.cancelled == [first, second]
    assert {b.status for b in (first, second)} == {BookingStatus.CANCELLED}
    assert first.cancel_reason == "Standort geschlossen: Betriebsversammlung"
    assert kept.status == BookingStatus.RESERVED
    assert seat_count(session=session, location=office.location, day=TUESDAY) == 0
    closure = session.scalars(select(Closure)).one()
    assert (closure.start, closure.end) == (utc(TUESDAY, 0), utc(WEDNESDAY, 0))
    # alternatives: the next public times for the same service; Wednesday 08:00 is held by ``kept``
    assert result.alternatives[first.id] == [at(WEDNESDAY, 8, 20), at(WEDNESDAY, 8, 30), at(WEDNESDAY, 8, 40)]
    assert actions_on(session, first)[-1] == "appointments.booking_cancelled"
    closed = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "appointments.closure_added")
    ).one()
    assert closed.details["cancelled"] == 2
    with pytest.raises(counter.CounterError, match="vergangener Tag"):
        closing.close_day(
            session=session,
            location=office.location,
            day=NOW.date() - dt.timedelta(days=1),
            reason="x",
            now=NOW,
            settings=SETTINGS,
            state="NI",
            actor=STAFF,
        )


def test_walk_ins_and_online_holds_racing_for_one_time_never_share_a_seat(
    world: World, sessions: sessionmaker[Session]
) -> None:
    """Six walk-ins and six online holds, each with its own connection, race for 08:40 (two seats)."""
    with open_session(sessions) as session:
        make_office(session, world.tenant_a_id, online=1, walk_in=1)
    now = utc(TUESDAY, 8, 5)
    start = at(TUESDAY, 8, 40)
    barrier = threading.Barrier(12)
    winners: list[int] = []
    lost: list[str] = []

    def attempt(walk_in: bool) -> None:
        session = sessions()
        try:
            location = session.scalars(select(Location)).one()
            service = session.scalars(select(Service).where(Service.key == REGISTRATION.id)).one()
            request = bk.Request(location=location, services=((service, 1),))
            barrier.wait()
            if walk_in:
                booking = counter.add_walk_in(
                    session=session, request=request, now=now, settings=SETTINGS, actor=STAFF, start=start
                )
            else:
                booking, _ = bk.hold(
                    session=session, request=request, start=start, now=now, settings=SETTINGS
                )
            session.commit()
            winners.append(booking.id)
        except bk.SlotTakenError:
            session.rollback()
            lost.append("walk-in" if walk_in else "online")
        finally:
            session.close()

    threads = [threading.Thread(target=attempt, args=(n % 2 == 0,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(winners) == 2
    assert len(lost) == 10
    with open_session(sessions) as session:
        holders = session.execute(
            select(Slot.start, Slot.booking_id).where(Slot.day == TUESDAY, Slot.booking_id.is_not(None))
        ).all()
        assert sorted(holders) == sorted(
            (utc(TUESDAY, 8, minute), winner) for minute in (40, 50) for winner in winners
        )
        assert session.scalar(select(func.count()).select_from(Booking)) == 2  # the losers left nothing
