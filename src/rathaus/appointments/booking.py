"""Booking: free times, holding seats, the e-mail confirmation, cancelling — and never a seat given twice.

How the database guarantees it: a booking first writes its own row (on SQLite that takes the database's
single write lock, so the rest of the transaction runs alone), then reads the free seats it needs
``FOR UPDATE`` in a fixed order (on PostgreSQL that locks them, and a seat another transaction took in
the meantime no longer matches and is not returned), and finally takes them with a conditional
``UPDATE … WHERE`` the seat is still free, whose row count must equal the number of seats. Anything
else rolls the transaction back with ``SlotTakenError``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy.orm import Session

from rathaus.appointments.audit_actions import AppointmentsAction
from rathaus.appointments.config import AppointmentsSettings
from rathaus.appointments.models import (
    OPEN_STATUSES,
    Booking,
    BookingItem,
    BookingStatus,
    Channel,
    Location,
    Service,
    Slot,
)
from rathaus.appointments.slots import NotBookableError, duration_for
from rathaus.appointments.store import as_location, as_service
from rathaus.appointments.times import local_today, to_local, to_utc
from rathaus.core.audit.service import Actor, record

BOOKING = "appointment_booking"  # the audit log's object type
_REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


class SlotTakenError(NotBookableError):
    """The time is no longer free (someone else was faster); the message is German."""

    def __init__(self, alternatives: Sequence[dt.datetime] = ()) -> None:
        super().__init__("Dieser Termin ist nicht mehr verfügbar. Bitte wählen Sie eine andere Zeit.")
        self.alternatives = list(alternatives)


class BookingStateError(NotBookableError):
    """The step does not fit where the booking stands (expired hold, link used twice ...); German message."""


def audit_booking(
    session: Session, actor: Actor, action: AppointmentsAction, booking: Booking, **details: object
) -> None:
    """Record ``action`` on ``booking`` in the audit log (its reference, never the citizen's contact)."""
    record(
        session=session,
        actor=actor,
        action=action,
        object_type=BOOKING,
        object_id=booking.id,
        details={"reference": booking.reference, **details},
        tenant_id=booking.tenant_id,
    )


def new_token() -> tuple[str, str]:
    """A random token for a link, and its digest to store."""
    token = secrets.token_urlsafe(24)
    return token, token_digest(token)


def token_digest(token: str) -> str:
    """The stored form of a link token (SHA-256, hex)."""
    return hashlib.sha256(token.encode()).hexdigest()


def normalise_email(address: str) -> str:
    """The address in canonical form; ``NotBookableError`` (German) when it is malformed. No DNS lookup."""
    try:
        return validate_email(address.strip(), check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise NotBookableError(
            "Bitte geben Sie eine gültige E-Mail-Adresse an (z. B. name@beispiel.de)."
        ) from error


def free_for_public(now: dt.datetime, waitlist_entry_id: int | None = None) -> ColumnElement[bool]:
    """The condition for a seat the public (or the given waiting-list entry) may take at ``now``."""
    offer_ok = or_(Slot.offered_to_id.is_(None), Slot.offer_until < now)
    if waitlist_entry_id is not None:
        offer_ok = or_(offer_ok, Slot.offered_to_id == waitlist_entry_id)
    return and_(
        Slot.channel == Channel.ONLINE,
        Slot.closed.is_(False),
        Slot.available_from <= now,
        or_(Slot.booking_id.is_(None), Slot.hold_until < now),
        offer_ok,
    )


def free_for_staff(now: dt.datetime) -> ColumnElement[bool]:
    """The condition for a seat staff may give (any channel, released or not)."""
    return and_(Slot.closed.is_(False), or_(Slot.booking_id.is_(None), Slot.hold_until < now))


@dataclass(frozen=True)
class Request:
    """What a citizen asks for: services with quantities at a location."""

    location: Location
    services: tuple[tuple[Service, int], ...]

    @classmethod
    def of(cls, booking: Booking) -> Request:
        """The request (location, services with quantities) a booking was made for."""
        chosen = sorted(booking.items, key=lambda item: item.id)  # in the order they were chosen
        return cls(
            location=booking.location, services=tuple((item.service, item.quantity) for item in chosen)
        )

    def duration(self) -> dt.timedelta:
        """The appointment's length (German ``NotBookableError`` for what cannot be booked together)."""
        location = as_location(self.location)
        return duration_for([(as_service(s), q) for s, q in self.services], location)


def _fitting_starts(
    free: dict[dt.datetime, int], step: dt.timedelta, duration: dt.timedelta
) -> list[dt.datetime]:
    steps = int(duration / step)
    return [start for start in sorted(free) if all(free.get(start + n * step, 0) > 0 for n in range(steps))]


def free_times(
    *,
    session: Session,
    request: Request,
    day: dt.date,
    now: dt.datetime,
    settings: AppointmentsSettings,
    waitlist_entry_id: int | None = None,
    staff: bool = False,
) -> list[dt.datetime]:
    """The local start times on ``day`` where the request still fits (all its steps have a free seat)."""
    duration = request.duration()
    step = dt.timedelta(minutes=request.location.slot_min)
    condition = free_for_staff(now) if staff else free_for_public(now, waitlist_entry_id)
    rows = session.execute(
        select(Slot.start, func.count())
        .where(Slot.location_id == request.location.id, Slot.day == day, condition)
        .group_by(Slot.start)
    ).all()
    free = {to_local(start): count for start, count in rows}
    earliest = to_local(now + dt.timedelta(minutes=0 if staff else settings.min_lead_minutes))
    return [start for start in _fitting_starts(free, step, duration) if start >= earliest]


def next_free(
    *,
    session: Session,
    request: Request,
    after: dt.datetime,
    now: dt.datetime,
    settings: AppointmentsSettings,
    limit: int = 3,
) -> list[dt.datetime]:
    """Up to ``limit`` free local start times from ``after`` on, within the booking horizon."""
    found: list[dt.datetime] = []
    day = max(after.date(), local_today(now))
    last = local_today(now) + dt.timedelta(days=settings.horizon_days)
    while day <= last and len(found) < limit:
        found.extend(
            t
            for t in free_times(session=session, request=request, day=day, now=now, settings=settings)
            if t >= after
        )
        day += dt.timedelta(days=1)
    return found[:limit]


def check_bookable_time(*, start: dt.datetime, now: dt.datetime, settings: AppointmentsSettings) -> None:
    """Refuse (German) a start in the past, too soon, or beyond the booking horizon."""
    local_now = to_local(now)
    if start <= local_now:
        raise NotBookableError("Dieser Zeitpunkt liegt in der Vergangenheit.")
    if start < local_now + dt.timedelta(minutes=settings.min_lead_minutes):
        raise NotBookableError(
            f"Online-Termine können frühestens {settings.min_lead_minutes} Minuten im Voraus gebucht werden."
        )
    if start.date() >= local_today(now) + dt.timedelta(days=settings.horizon_days):
        raise NotBookableError(
            f"Termine können höchstens {settings.horizon_days} Tage im Voraus gebucht werden."
        )


def new_reference(session: Session, tenant_id: int) -> str:
    """A short unique reference (e.g. ``T-7K3M9Q``) the citizen can quote."""
    while True:
        reference = "T-" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(6))
        taken = session.scalar(
            select(Booking.id).where(Booking.tenant_id == tenant_id, Booking.reference == reference)
        )
        if taken is None:
            return reference


def new_booking(
    *,
    session: Session,
    request: Request,
    start: dt.datetime,
    now: dt.datetime,
    channel: Channel,
    status: BookingStatus,
    moved_from: Booking | None = None,
    **values: object,
) -> Booking:
    """A new booking row for ``request`` at local ``start`` with its services, flushed; no seats yet.

    ``moved_from``: the booking it replaces (contact, note and the link back are taken over).
    ``values``: further columns (``hold_until``, ``waitlist_entry_id``, ``name`` ...).
    """
    location = request.location
    if moved_from is not None:
        values = {
            "name": moved_from.name,
            "email": moved_from.email,
            "email_key": moved_from.email_key,
            "phone": moved_from.phone,
            "note": moved_from.note,
            "rebooked_from_id": moved_from.id,
            **values,
        }
    booking = Booking(
        tenant_id=location.tenant_id,
        reference=new_reference(session, location.tenant_id),
        location=location,
        start=to_utc(start),
        end=to_utc(start + request.duration()),
        day=start.date(),
        status=status,
        channel=channel,
        created_at=now,
        confirmed_at=now if status == BookingStatus.CONFIRMED else None,
        **values,
    )
    booking.items = [
        BookingItem(tenant_id=location.tenant_id, service=service, quantity=quantity)
        for service, quantity in request.services
    ]
    session.add(booking)
    session.flush()
    return booking


def take_seats(
    *,
    session: Session,
    booking: Booking,
    start: dt.datetime,
    duration: dt.timedelta,
    condition: ColumnElement[bool],
    hold_until: dt.datetime | None,
) -> None:
    """Give ``booking`` one seat for every step from local ``start`` over ``duration``.

    Raises ``SlotTakenError`` when a step has no free seat left.
    The booking row must already be flushed (it takes SQLite's write lock first). Seats are locked in
    the order (start, seat) and taken by a conditional update whose row count is checked.
    """
    step = dt.timedelta(minutes=booking.location.slot_min)
    steps = [to_utc(start + n * step) for n in range(int(duration / step))]
    rows = session.execute(
        select(Slot.id, Slot.start)
        .where(Slot.location_id == booking.location_id, Slot.start.in_(steps), condition)
        .order_by(Slot.start, Slot.seat)
        .with_for_update()
    ).all()
    chosen: dict[dt.datetime, int] = {}
    for slot_id, slot_start in rows:
        chosen.setdefault(slot_start, slot_id)
    if len(chosen) != len(steps):
        raise SlotTakenError()
    ids = list(chosen.values())
    result = session.execute(
        update(Slot)
        .where(Slot.id.in_(ids), condition)
        .values(booking_id=booking.id, hold_until=hold_until, offered_to_id=None, offer_until=None)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != len(ids):  # type: ignore[attr-defined]
        raise SlotTakenError()


def hold(
    *,
    session: Session,
    request: Request,
    start: dt.datetime,
    now: dt.datetime,
    settings: AppointmentsSettings,
    waitlist_entry_id: int | None = None,
) -> tuple[Booking, str]:
    """Hold the seats for ``request`` at local ``start`` for a few minutes.

    Returns the booking and its manage token (the link to the contact form, later to change or cancel).

    Raises ``NotBookableError`` (German) for what cannot be booked and ``SlotTakenError`` when the time
    is gone; the caller rolls back (nothing half-taken stays).
    """
    duration = request.duration()
    check_bookable_time(start=start, now=now, settings=settings)
    step = dt.timedelta(minutes=request.location.slot_min)
    if (start - dt.datetime.combine(start.date(), dt.time())) % step:
        raise NotBookableError("Dieser Zeitpunkt liegt nicht im Terminraster des Standorts.")
    token, digest = new_token()
    booking = new_booking(
        session=session,
        request=request,
        start=start,
        now=now,
        channel=Channel.ONLINE,
        status=BookingStatus.RESERVED,
        hold_until=now + dt.timedelta(minutes=settings.hold_minutes),
        manage_token_hash=digest,
        waitlist_entry_id=waitlist_entry_id,
    )
    take_seats(
        session=session,
        booking=booking,
        start=start,
        duration=duration,
        condition=free_for_public(now, waitlist_entry_id),
        hold_until=booking.hold_until,
    )
    return booking, token


def booking_by_token(*, session: Session, token: str, confirm: bool = False) -> Booking | None:
    """The booking a manage (or confirmation) link points to, or None for a forged or unknown token."""
    column = Booking.confirm_token_hash if confirm else Booking.manage_token_hash
    return session.scalar(select(Booking).where(column == token_digest(token)))


def open_count(*, session: Session, tenant_id: int, email_key: str, now: dt.datetime) -> int:
    """Open appointments of an address still to come (the per-e-mail limit counts these)."""
    return (
        session.scalar(
            select(func.count()).where(
                Booking.tenant_id == tenant_id,
                Booking.email_key == email_key,
                Booking.status.in_(OPEN_STATUSES),
                Booking.end > now,
            )
        )
        or 0
    )


def ensure_held(booking: Booking, now: dt.datetime) -> None:
    """Refuse (German) a step on a booking whose hold ran out or that is no longer reserved."""
    if (
        booking.status == BookingStatus.RESERVED
        and booking.hold_until is not None
        and booking.hold_until >= now
    ):
        return
    if booking.status in (BookingStatus.RESERVED, BookingStatus.EXPIRED):
        raise BookingStateError(
            "Die Reservierung ist abgelaufen. Bitte wählen Sie die Zeit erneut – wenn sie noch frei ist, "
            "bekommen Sie sie wieder."
        )
    raise BookingStateError("Für diese Reservierung wurden die Kontaktdaten bereits angegeben.")


def submit_contact(
    *,
    session: Session,
    booking: Booking,
    name: str,
    email: str,
    phone: str,
    now: dt.datetime,
    settings: AppointmentsSettings,
) -> str:
    """Record the citizen's contact and move to awaiting confirmation; returns the confirmation token.

    The seats stay held until the confirmation link expires. Refuses (German) an expired hold, a
    malformed address and an address that already holds ``max_open_per_email`` open appointments.
    """
    ensure_held(booking, now)
    clean_name = " ".join(name.split())
    if not clean_name:
        raise NotBookableError("Bitte geben Sie Ihren Namen an.")
    address = normalise_email(email)
    key = address.lower()
    if (
        open_count(session=session, tenant_id=booking.tenant_id, email_key=key, now=now)
        >= settings.max_open_per_email
    ):
        raise NotBookableError(
            f"Mit dieser E-Mail-Adresse sind bereits {settings.max_open_per_email} Termine offen. "
            "Bitte sagen Sie einen davon ab, bevor Sie einen weiteren buchen."
        )
    token, digest = new_token()
    until = now + dt.timedelta(minutes=settings.confirm_minutes)
    booking.name, booking.email, booking.email_key, booking.phone = (
        clean_name,
        address,
        key,
        phone.strip()[:40],
    )
    booking.status, booking.hold_until, booking.confirm_token_hash = BookingStatus.AWAITING, until, digest
    session.execute(
        update(Slot)
        .where(Slot.booking_id == booking.id)
        .values(hold_until=until)
        .execution_options(synchronize_session=False)
    )
    session.flush()
    return token


def confirm(*, session: Session, booking: Booking, now: dt.datetime) -> None:
    """Book for good what the confirmation link confirms; German ``BookingStateError`` otherwise."""
    if booking.status in (BookingStatus.CONFIRMED, BookingStatus.CHECKED_IN, BookingStatus.DONE):
        raise BookingStateError(
            "Dieser Termin ist bereits bestätigt. Der Link kann nur einmal verwendet werden."
        )
    if booking.status != BookingStatus.AWAITING or booking.hold_until is None or booking.hold_until < now:
        raise BookingStateError(
            "Der Bestätigungslink ist abgelaufen. Der Termin wurde wieder freigegeben; bitte buchen Sie neu."
        )
    seats = session.execute(
        update(Slot)
        .where(Slot.booking_id == booking.id, Slot.hold_until >= now)
        .values(hold_until=None)
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    if not seats:
        raise BookingStateError("Der Termin ist nicht mehr reserviert. Bitte buchen Sie neu.")
    booking.status, booking.confirmed_at, booking.hold_until = BookingStatus.CONFIRMED, now, None
    session.flush()


def free_seats(
    *, session: Session, booking: Booking, now: dt.datetime, available_from: dt.datetime | None = None
) -> list[int]:
    """Give the booking's seats back (offered again from ``available_from``); returns their ids."""
    ids = list(session.scalars(select(Slot.id).where(Slot.booking_id == booking.id)))
    if ids:
        session.execute(
            update(Slot)
            .where(Slot.id.in_(ids))
            .values(booking_id=None, hold_until=None, available_from=available_from or now)
            .execution_options(synchronize_session=False)
        )
    return ids


def cancel(
    *, session: Session, booking: Booking, now: dt.datetime, settings: AppointmentsSettings, reason: str = ""
) -> list[int]:
    """Cancel an open booking; its seats come back after the re-release delay. Returns the freed seat ids."""
    if not booking.is_open:
        raise BookingStateError("Dieser Termin ist nicht mehr offen und kann nicht abgesagt werden.")
    if booking.start <= now:
        raise BookingStateError("Ein Termin, der schon begonnen hat, kann nicht mehr abgesagt werden.")
    delay = dt.timedelta(minutes=settings.rerelease_delay_minutes)
    freed = free_seats(session=session, booking=booking, now=now, available_from=now + delay)
    booking.status, booking.cancelled_at, booking.cancel_reason = BookingStatus.CANCELLED, now, reason[:300]
    booking.hold_until = None
    session.flush()
    return freed


def expire_holds(*, session: Session, tenant_id: int, now: dt.datetime) -> list[Booking]:
    """End reservations whose hold or confirmation link ran out and free their seats at once."""
    stale = session.scalars(
        select(Booking).where(
            Booking.tenant_id == tenant_id,
            Booking.status.in_((BookingStatus.RESERVED, BookingStatus.AWAITING)),
            Booking.hold_until < now,
        )
    ).all()
    for booking in stale:
        free_seats(session=session, booking=booking, now=now)
        booking.status = BookingStatus.EXPIRED
    session.flush()
    return list(stale)


def seats_by_booking(*, session: Session, bookings: Sequence[Booking]) -> dict[int, int]:
    """How many seats each booking holds (for checks and views)."""
    counts: dict[int, int] = defaultdict(int)
    ids = [b.id for b in bookings]
    for booking_id, count in session.execute(
        select(Slot.booking_id, func.count()).where(Slot.booking_id.in_(ids)).group_by(Slot.booking_id)
    ):
        if booking_id is not None:
            counts[booking_id] = count
    return dict(counts)
