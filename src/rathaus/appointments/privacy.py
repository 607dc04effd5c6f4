"""Personal data in the Terminvergabe: name, e-mail and phone of bookings and waiting-list entries.

They are needed until the appointment is over. ``retention_days`` after the appointment (or after a
waiting-list entry ended) the contact data is erased by the daily sweep; the booking row stays without
it, so the statistics and the forecast keep their counts. A person's data can be exported (DSGVO
Art. 15) and erased (Art. 17) on request at any time; erasing an open appointment cancels it first.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from rathaus.appointments.audit_actions import AppointmentsAction
from rathaus.appointments.booking import free_seats
from rathaus.appointments.models import OPEN_STATUSES, Booking, BookingStatus, WaitlistEntry, WaitStatus
from rathaus.core.audit.service import Actor, record
from rathaus.core.db import utcnow
from rathaus.core.module import PersonRef

ERASED = ""


def _bookings_of(session: Session, person: PersonRef) -> list[Booking]:
    conditions = []
    if person.email:
        conditions.append(Booking.email_key == person.email.strip().lower())
    if person.name:
        conditions.append(func.lower(Booking.name) == person.name.strip().lower())
    if not conditions:
        return []
    return list(session.scalars(select(Booking).where(or_(*conditions)).order_by(Booking.id)))


def _entries_of(session: Session, person: PersonRef) -> list[WaitlistEntry]:
    conditions = []
    if person.email:
        conditions.append(WaitlistEntry.email_key == person.email.strip().lower())
    if person.name:
        conditions.append(func.lower(WaitlistEntry.name) == person.name.strip().lower())
    if not conditions:
        return []
    return list(session.scalars(select(WaitlistEntry).where(or_(*conditions)).order_by(WaitlistEntry.id)))


def export_person(session: Session, person: PersonRef) -> list[dict[str, Any]]:
    """A person's appointments and waiting-list entries, as they are stored."""
    rows: list[dict[str, Any]] = [
        {
            "termin": booking.reference,
            "beginn": booking.start.isoformat(),
            "standort": booking.location.name,
            "dienstleistungen": [f"{item.quantity} × {item.service.name}" for item in booking.items],
            "status": booking.status.label,
            "name": booking.name,
            "e_mail": booking.email,
            "telefon": booking.phone,
            "gebucht_am": booking.created_at.isoformat(),
        }
        for booking in _bookings_of(session, person)
    ]
    rows.extend(
        {
            "warteliste": entry.id,
            "eingetragen_am": entry.created_at.isoformat(),
            "status": entry.status.value,
            "name": entry.name,
            "e_mail": entry.email,
        }
        for entry in _entries_of(session, person)
    )
    return rows


def _strip(booking: Booking) -> None:
    booking.name = booking.email = booking.email_key = booking.phone = ERASED
    booking.note = ERASED


def erase_person(session: Session, person: PersonRef, actor: Actor) -> int:
    """Erase a person's contact data; their open appointments are cancelled first. Returns rows changed."""
    now = utcnow()
    changed = 0
    for booking in _bookings_of(session, person):
        if booking.status in OPEN_STATUSES:
            free_seats(session=session, booking=booking, now=now)
            booking.status, booking.cancelled_at = BookingStatus.CANCELLED, now
            booking.cancel_reason = "Daten auf Wunsch gelöscht"
        _strip(booking)
        booking.manage_token_hash = booking.confirm_token_hash = None
        changed += 1
    for entry in _entries_of(session, person):
        entry.name = entry.email = entry.email_key = ERASED
        entry.status = WaitStatus.WITHDRAWN
        entry.verify_token_hash = entry.manage_token_hash = None
        changed += 1
    if changed:
        record(
            session=session,
            actor=actor,
            action=AppointmentsAction.DATA_ERASED,
            object_type="person",
            details={"rows": changed, "reason": "request"},
        )
    session.flush()
    return changed


def purge_past(*, session: Session, days: int, actor: Actor) -> int:
    """Erase the contact data of appointments that ended more than ``days`` ago, and of old list entries."""
    cutoff = utcnow() - timedelta(days=days)
    bookings = session.execute(
        update(Booking)
        .where(Booking.end < cutoff, Booking.email_key != ERASED)
        .values(name=ERASED, email=ERASED, email_key=ERASED, phone=ERASED, note=ERASED)
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    ended = (WaitStatus.BOOKED, WaitStatus.EXPIRED, WaitStatus.WITHDRAWN)
    entries = session.execute(
        update(WaitlistEntry)
        .where(
            WaitlistEntry.created_at < cutoff,
            WaitlistEntry.status.in_(ended),
            WaitlistEntry.email_key != ERASED,
        )
        .values(name=ERASED, email=ERASED, email_key=ERASED)
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    if bookings or entries:
        record(
            session=session,
            actor=actor,
            action=AppointmentsAction.DATA_ERASED,
            object_type="retention",
            details={"bookings": bookings, "waitlist": entries, "days": days},
        )
    return int(bookings) + int(entries)
