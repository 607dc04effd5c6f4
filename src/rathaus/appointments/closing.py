"""Closing a location for a day (Schließung): the closure, the day's seats and bookings, the alternatives.

The free seats of the day are removed first, so that no booking can take one while the affected
bookings are cancelled; then the cancelled bookings' seats go as well. Up to three alternatives
(public free times for the same services) are looked up per cancelled booking for the notice that
the caller mails after committing (``counter_mail.closure_notices``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from rathaus.appointments import booking as bk
from rathaus.appointments.audit_actions import AppointmentsAction
from rathaus.appointments.booking import audit_booking
from rathaus.appointments.config import AppointmentsSettings
from rathaus.appointments.counter import CounterError, request_of
from rathaus.appointments.models import OPEN_STATUSES, Booking, BookingStatus, Closure, Location
from rathaus.appointments.release import lay_out_day
from rathaus.appointments.slots import NotBookableError
from rathaus.appointments.times import local_today, to_local, to_utc
from rathaus.core.audit.service import Actor, record

MAX_ALTERNATIVES = 3


@dataclass
class ClosureResult:
    """What closing a location for a day did: the closure, the cancelled bookings, their alternatives."""

    closure: Closure
    cancelled: list[Booking]
    alternatives: dict[int, list[dt.datetime]] = field(default_factory=dict)


def affected_by_closure(*, session: Session, location: Location, day: dt.date) -> list[Booking]:
    """The open bookings at ``location`` on ``day`` that closing it would cancel."""
    return list(
        session.scalars(
            select(Booking)
            .where(Booking.location_id == location.id, Booking.day == day, Booking.status.in_(OPEN_STATUSES))
            .order_by(Booking.start, Booking.id)
        )
    )


def close_day(
    *,
    session: Session,
    location: Location,
    day: dt.date,
    reason: str,
    now: dt.datetime,
    settings: AppointmentsSettings,
    state: str,
    actor: Actor,
) -> ClosureResult:
    """Close ``location`` for ``day``: a closure, the open bookings cancelled, the day's seats removed.

    Up to three alternatives (public free times for the same services) are looked up per cancelled
    booking, for the notice the caller mails after committing.
    """
    clean = " ".join(reason.split())
    if not clean:
        raise CounterError("Bitte geben Sie einen Grund für die Schließung an.")
    if day < local_today(now):
        raise CounterError("Ein vergangener Tag kann nicht mehr geschlossen werden.")
    closure = Closure(
        tenant_id=location.tenant_id,
        location_id=location.id,
        start=to_utc(dt.datetime.combine(day, dt.time())),
        end=to_utc(dt.datetime.combine(day + dt.timedelta(days=1), dt.time())),
        reason=clean[:300],
        created_by_id=actor.id,
        created_at=now,
    )
    session.add(closure)
    session.flush()
    # the free seats go first, so that no booking can take one while the affected ones are cancelled
    removed = lay_out_day(session=session, location=location, day=day, now=now, state=state)[1]
    cancelled = affected_by_closure(session=session, location=location, day=day)
    for booking in cancelled:
        bk.free_seats(session=session, booking=booking, now=now)
        booking.status, booking.cancelled_at, booking.hold_until = BookingStatus.CANCELLED, now, None
        booking.cancel_reason = f"Standort geschlossen: {clean}"[:300]
    session.flush()
    removed += lay_out_day(session=session, location=location, day=day, now=now, state=state)[1]
    record(
        session=session,
        actor=actor,
        action=AppointmentsAction.CLOSURE_ADDED,
        object_type="appointment_closure",
        object_id=closure.id,
        details={
            "location": location.key,
            "day": day.isoformat(),
            "reason": clean,
            "cancelled": len(cancelled),
            "seats_removed": removed,
        },
        tenant_id=location.tenant_id,
    )
    result = ClosureResult(closure=closure, cancelled=cancelled)
    for booking in cancelled:
        audit_booking(
            session, actor, AppointmentsAction.BOOKING_CANCELLED, booking, reason=clean, by="closure"
        )
        try:
            result.alternatives[booking.id] = bk.next_free(
                session=session,
                request=request_of(booking),
                after=to_local(now),
                now=now,
                settings=settings,
                limit=MAX_ALTERNATIVES,
            )
        except NotBookableError:
            result.alternatives[booking.id] = []
    return result
