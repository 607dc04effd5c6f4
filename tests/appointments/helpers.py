"""Bookings for the statistics and planning tests: held through the booking core, or written as history."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from rathaus.appointments import booking as bk
from rathaus.appointments.config import AppointmentsSettings
from rathaus.appointments.models import Booking, BookingItem, BookingStatus, Channel, Service
from rathaus.appointments.times import to_utc
from tests.appointments.office import NOW, Office

SETTINGS = AppointmentsSettings()


def booked(
    session: Session,
    office: Office,
    start: dt.datetime,
    status: BookingStatus,
    *,
    services: tuple[tuple[Service, int], ...] = (),
    created: dt.datetime = NOW,
) -> Booking:
    """A booking that holds its seats (through ``booking.hold``), then set to ``status``."""
    booking, _ = bk.hold(
        session=session, request=office.request(*services), start=start, now=NOW, settings=SETTINGS
    )
    booking.status = status
    booking.hold_until = None
    booking.created_at = created
    session.flush()
    return booking


def history_booking(
    session: Session,
    office: Office,
    day: dt.date,
    *,
    status: BookingStatus = BookingStatus.DONE,
    service: Service | None = None,
    number: int = 0,
) -> Booking:
    """A past booking written straight into the table (no seats), for the history."""
    start = to_utc(dt.datetime.combine(day, dt.time(8)) + dt.timedelta(minutes=10 * (number % 24)))
    booking = Booking(
        tenant_id=office.location.tenant_id,
        reference=f"H-{day:%y%m%d}{number:03d}",
        location_id=office.location.id,
        start=start,
        end=start + dt.timedelta(minutes=20),
        day=day,
        status=status,
        channel=Channel.ONLINE,
        created_at=start - dt.timedelta(days=3),
    )
    booking.items = [
        BookingItem(tenant_id=booking.tenant_id, service=service or office.registration, quantity=1)
    ]
    session.add(booking)
    return booking
