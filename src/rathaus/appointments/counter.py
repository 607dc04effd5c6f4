"""The counter (Schalter): what staff do with appointments on the day (closing a day: ``closing``).

Walk-ins and bookings by phone take seats through ``booking.take_seats`` with the staff condition like
every other booking, so the database's guarantee (no seat twice) holds for them as well. They prefer
the seats kept for walk-ins and staff and use online seats only where those do not cover the time.
Every change is audited. Nothing here commits: the route commits, and sends mail only after that.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, func, select, update
from sqlalchemy.orm import Session

from rathaus.appointments import booking as bk
from rathaus.appointments.audit_actions import AppointmentsAction
from rathaus.appointments.config import AppointmentsSettings
from rathaus.appointments.models import (
    Booking,
    BookingStatus,
    Channel,
    Location,
    Slot,
)
from rathaus.appointments.service import cancel_booking
from rathaus.appointments.slots import NotBookableError
from rathaus.appointments.times import local_today, to_local, to_utc
from rathaus.appointments.waitlist import Offered
from rathaus.core.audit.service import Actor


class CounterError(NotBookableError):
    """A counter action that does not fit where the booking stands; the message is German."""


@dataclass(frozen=True)
class FreeTime:
    """A local start time that is free for staff, and whether the walk-in seats alone cover it."""

    start: dt.datetime
    walk_in: bool


def _walk_in_covers(
    *, session: Session, location: Location, start: dt.datetime, steps: int, now: dt.datetime
) -> bool:
    step = dt.timedelta(minutes=location.slot_min)
    wanted = [to_utc(start + n * step) for n in range(steps)]
    covered = session.scalar(
        select(func.count(func.distinct(Slot.start))).where(
            Slot.location_id == location.id,
            Slot.start.in_(wanted),
            Slot.channel == Channel.WALK_IN,
            bk.free_for_staff(now),
        )
    )
    return covered == len(wanted)


def staff_times(
    *, session: Session, request: bk.Request, day: dt.date, now: dt.datetime, settings: AppointmentsSettings
) -> list[FreeTime]:
    """The free local start times on ``day`` for staff, each marked where walk-in seats cover it."""
    steps = int(request.duration() / dt.timedelta(minutes=request.location.slot_min))
    return [
        FreeTime(
            start,
            _walk_in_covers(session=session, location=request.location, start=start, steps=steps, now=now),
        )
        for start in bk.free_times(
            session=session, request=request, day=day, now=now, settings=settings, staff=True
        )
    ]


def propose_walk_in(
    *, session: Session, request: bk.Request, now: dt.datetime, settings: AppointmentsSettings
) -> FreeTime | None:
    """The next free time today: the first one walk-in seats cover, else the first one at all."""
    times = staff_times(session=session, request=request, day=local_today(now), now=now, settings=settings)
    return next((t for t in times if t.walk_in), times[0] if times else None)


def _new_booking(
    *, session: Session, request: bk.Request, start: dt.datetime, now: dt.datetime, channel: Channel
) -> Booking:
    if start < to_local(now).replace(second=0, microsecond=0):
        raise CounterError("Dieser Zeitpunkt liegt in der Vergangenheit.")
    duration = request.duration()
    location = request.location
    booking = bk.new_booking(
        session=session, request=request, start=start, now=now, channel=channel, status=BookingStatus.RESERVED
    )
    steps = int(duration / dt.timedelta(minutes=location.slot_min))
    walk_in = _walk_in_covers(session=session, location=location, start=start, steps=steps, now=now)
    condition = bk.free_for_staff(now)
    if walk_in:
        condition = and_(condition, Slot.channel == Channel.WALK_IN)
    bk.take_seats(
        session=session, booking=booking, start=start, duration=duration, condition=condition, hold_until=None
    )
    return booking


def add_walk_in(
    *,
    session: Session,
    request: bk.Request,
    now: dt.datetime,
    settings: AppointmentsSettings,
    actor: Actor,
    start: dt.datetime | None = None,
    name: str = "",
) -> Booking:
    """A walk-in (Spontankunde) into a gap today, checked in at once; at ``start`` or the proposed time."""
    if start is None:
        proposal = propose_walk_in(session=session, request=request, now=now, settings=settings)
        if proposal is None:
            raise CounterError("Heute ist für diese Leistungen keine passende Zeit mehr frei.")
        start = proposal.start
    if start.date() != local_today(now):
        raise CounterError("Spontankunden können nur für heute eingetragen werden.")
    booking = _new_booking(session=session, request=request, start=start, now=now, channel=Channel.WALK_IN)
    booking.status, booking.checked_in_at, booking.confirmed_at = BookingStatus.CHECKED_IN, now, now
    booking.name = " ".join(name.split())[:200]
    session.flush()
    bk.audit_booking(
        session, actor, AppointmentsAction.BOOKED_BY_STAFF, booking, channel="walk_in", start=str(start)
    )
    bk.audit_booking(session, actor, AppointmentsAction.CHECKED_IN, booking)
    return booking


def book_for_citizen(
    *,
    session: Session,
    request: bk.Request,
    start: dt.datetime,
    now: dt.datetime,
    actor: Actor,
    name: str,
    email: str = "",
    phone: str = "",
) -> Booking:
    """Book for a citizen on the phone (confirmed at once); the manage link is issued when mailing."""
    clean_name = " ".join(name.split())
    if not clean_name:
        raise CounterError("Bitte geben Sie den Namen der Person an.")
    address = bk.normalise_email(email) if email.strip() else ""
    booking = _new_booking(session=session, request=request, start=start, now=now, channel=Channel.STAFF)
    booking.name, booking.email, booking.email_key = clean_name[:200], address, address.lower()
    booking.phone = phone.strip()[:40]
    booking.status, booking.confirmed_at = BookingStatus.CONFIRMED, now
    session.flush()
    bk.audit_booking(
        session, actor, AppointmentsAction.BOOKED_BY_STAFF, booking, channel="staff", start=str(start)
    )
    return booking


def check_in(*, session: Session, booking: Booking, now: dt.datetime, actor: Actor) -> None:
    """The citizen is here (Anmeldung); the waiting time runs from now."""
    if booking.status not in (BookingStatus.CONFIRMED, BookingStatus.AWAITING):
        raise CounterError(f"Dieser Termin ist {booking.status.label} und kann nicht angemeldet werden.")
    if booking.day != local_today(now):
        raise CounterError("Anmelden ist nur am Tag des Termins möglich.")
    if booking.status == BookingStatus.AWAITING:  # came without confirming: keep the seats for good
        session.execute(
            update(Slot)
            .where(Slot.booking_id == booking.id)
            .values(hold_until=None)
            .execution_options(synchronize_session=False)
        )
        booking.confirmed_at = now
    booking.status, booking.checked_in_at, booking.hold_until = BookingStatus.CHECKED_IN, now, None
    session.flush()
    bk.audit_booking(session, actor, AppointmentsAction.CHECKED_IN, booking)


def call_up(*, session: Session, booking: Booking, now: dt.datetime, actor: Actor) -> None:
    """The citizen is called to the counter (Aufruf); waiting time = called_at − checked_in_at."""
    if booking.status != BookingStatus.CHECKED_IN or booking.called_at is not None:
        raise CounterError("Aufrufen geht nur bei angemeldeten Terminen, die noch nicht aufgerufen wurden.")
    booking.called_at = now
    session.flush()
    waited = (now - booking.checked_in_at).total_seconds() // 60 if booking.checked_in_at else None
    bk.audit_booking(session, actor, AppointmentsAction.CHECKED_IN, booking, called=True, waited_min=waited)


def finish(*, session: Session, booking: Booking, now: dt.datetime, actor: Actor) -> None:
    """The appointment is done (erledigt)."""
    if booking.status != BookingStatus.CHECKED_IN:
        raise CounterError("Nur angemeldete Termine können als erledigt markiert werden.")
    booking.called_at = booking.called_at or now
    booking.status, booking.finished_at = BookingStatus.DONE, now
    session.flush()
    bk.audit_booking(session, actor, AppointmentsAction.DONE, booking)


def mark_no_show(*, session: Session, booking: Booking, now: dt.datetime, actor: Actor) -> None:
    """The citizen did not come; only once the start has passed. The rest of the time becomes a gap."""
    if booking.status not in (BookingStatus.CONFIRMED, BookingStatus.AWAITING):
        raise CounterError(f"Dieser Termin ist {booking.status.label}; „nicht erschienen“ geht nicht.")
    if now < booking.start:
        raise CounterError("„Nicht erschienen“ kann erst nach Beginn des Termins vermerkt werden.")
    bk.free_seats(session=session, booking=booking, now=now)
    booking.status, booking.hold_until = BookingStatus.NO_SHOW, None
    session.flush()
    bk.audit_booking(session, actor, AppointmentsAction.NO_SHOW, booking)


def request_of(booking: Booking) -> bk.Request:
    """The request (location and services) a booking was made for."""
    return bk.Request.of(booking)


def rebook(
    *, session: Session, booking: Booking, start: dt.datetime, now: dt.datetime, actor: Actor
) -> Booking:
    """Move a booking to local ``start``: a new booking takes the new seats, the old one frees its own.

    One transaction: if the new time is gone, ``SlotTakenError`` and the caller rolls back (the old
    booking keeps its seats). Seats the old booking holds may be reused by the new one (a shift by one
    step). Returns the new booking (its manage link is issued when mailing).
    """
    if booking.status not in (BookingStatus.CONFIRMED, BookingStatus.AWAITING):
        raise CounterError(f"Dieser Termin ist {booking.status.label} und kann nicht umgebucht werden.")
    if start < to_local(now):
        raise CounterError("Dieser Zeitpunkt liegt in der Vergangenheit.")
    request = request_of(booking)
    duration = request.duration()
    moved = bk.new_booking(
        session=session,
        request=request,
        start=start,
        now=now,
        channel=Channel.STAFF,
        status=BookingStatus.CONFIRMED,
        moved_from=booking,
    )
    own_or_free = bk.free_for_staff(now) | (Slot.booking_id == booking.id)
    bk.take_seats(
        session=session, booking=moved, start=start, duration=duration, condition=own_or_free, hold_until=None
    )
    bk.free_seats(session=session, booking=booking, now=now)
    booking.status, booking.cancelled_at, booking.hold_until = BookingStatus.CANCELLED, now, None
    booking.cancel_reason = f"Umgebucht auf {moved.reference}"
    session.flush()
    bk.audit_booking(
        session,
        actor,
        AppointmentsAction.BOOKING_REBOOKED,
        booking,
        to=moved.reference,
        to_id=moved.id,
        start=str(start),
    )
    return moved


def cancel_by_staff(
    *,
    session: Session,
    booking: Booking,
    now: dt.datetime,
    settings: AppointmentsSettings,
    actor: Actor,
    reason: str,
) -> list[Offered]:
    """Cancel a booking for the citizen, with a reason; the waiting list is offered the time first, the
    public gets it after the re-release delay. Returns the waiting-list offers to mail after the commit."""
    clean = " ".join(reason.split())
    if not clean:
        raise CounterError("Bitte geben Sie einen Grund für die Absage an.")
    _freed, offers = cancel_booking(
        session=session, booking=booking, now=now, settings=settings, reason=clean
    )
    bk.audit_booking(session, actor, AppointmentsAction.BOOKING_CANCELLED, booking, reason=clean, by="staff")
    return offers
