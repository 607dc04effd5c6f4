"""What the citizen booking pages need beyond the booking core: links, days, choices and rebooking.

**Link tokens.** The booking core stores a link token only as its SHA-256 digest, so a token that was
mailed once could not be mailed again (the reminder, "Bestätigungs-E-Mail erneut senden"). The links
of the public booking are therefore *derived*: ``HMAC-SHA256(key, purpose | tenant | booking id |
reference)`` with a key derived from the installation's secret key (``RATHAUS_SECRET_KEY``). The
reference is random per booking and acts as the nonce, so two bookings never share a token even when a
database is reset and ids repeat. Without the secret key a token cannot be guessed (256-bit HMAC,
192 bits sent); the booking core still finds a booking by the digest it stores, so verifying needs no
secret at all, and the digest of a derived token is what :func:`assign_tokens` writes. Changing the
secret key keeps every mailed link working (the digests stay); only links built after the change differ,
and :func:`manage_link_token` re-stores the digest then (the older link of that booking stops working).

**Rebooking** (:func:`rebook`) moves a confirmed appointment to another time in one transaction: a new
booking takes its seats with :func:`booking.take_seats` under a condition that also admits the old
booking's own seats (so moving by ten minutes works on a single seat), then the old one is cancelled
(its remaining seats come back after the re-release delay, like every cancellation). The e-mail address
was verified with the first booking, so the new one is confirmed at once.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
from collections.abc import Sequence
from typing import Literal

from sqlalchemy import delete, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from rathaus.appointments import booking as bk
from rathaus.appointments.config import AppointmentsSettings
from rathaus.appointments.models import (
    Booking,
    BookingStatus,
    Channel,
    Location,
    Offer,
    Service,
    Slot,
    UsedProof,
)
from rathaus.appointments.release import release_moment
from rathaus.appointments.slots import NotBookableError
from rathaus.appointments.times import local_today, to_local, to_utc

Purpose = Literal["manage", "confirm"]
REBOOK_REASON = "Termin verlegt"


# --- link tokens -----------------------------------------------------------------------------------


def _link_key(secret: str) -> bytes:
    if not secret:
        raise ValueError("link tokens need a non-empty secret key")
    return hmac.new(secret.encode(), b"rathaus.appointments.links", hashlib.sha256).digest()


def link_token(*, secret: str, booking: Booking, purpose: Purpose) -> str:
    """The link token of ``booking`` for ``purpose`` (URL-safe, 32 characters)."""
    message = f"{purpose}|{booking.tenant_id}|{booking.id}|{booking.reference}".encode()
    digest = hmac.new(_link_key(secret), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode("ascii")


def assign_tokens(*, booking: Booking, secret: str, confirm: bool = False) -> str:
    """Store the digest of the derived manage (or confirmation) token on ``booking``; returns the token."""
    purpose: Purpose = "confirm" if confirm else "manage"
    token = link_token(secret=secret, booking=booking, purpose=purpose)
    if confirm:
        booking.confirm_token_hash = bk.token_digest(token)
    else:
        booking.manage_token_hash = bk.token_digest(token)
    return token


def manage_link_token(*, booking: Booking, secret: str) -> str:
    """The manage token to mail again (reminders); re-stores its digest if the secret key changed."""
    token = link_token(secret=secret, booking=booking, purpose="manage")
    if booking.manage_token_hash != bk.token_digest(token):
        booking.manage_token_hash = bk.token_digest(token)
    return token


# --- fairness: a proof is used once ----------------------------------------------------------------


def use_proof(*, session: Session, key: str, expires_at: dt.datetime, now: dt.datetime) -> bool:
    """Record a solved proof of work (or wait token); False when it was used before (a replay).

    Keys whose challenge has expired are deleted on the way (an expired proof is refused anyway).
    """
    session.execute(delete(UsedProof).where(UsedProof.expires_at < now, UsedProof.key != key))
    used = session.get(UsedProof, key)
    if used is not None and used.expires_at >= now:
        return False
    try:
        with session.begin_nested():
            if used is not None:
                used.expires_at = expires_at
            else:
                session.add(UsedProof(key=key, expires_at=expires_at))
    except IntegrityError:  # the same proof in a concurrent request
        return False
    return True


# --- what can be chosen ----------------------------------------------------------------------------


def online_services(*, session: Session, tenant_id: int) -> list[Service]:
    """Active services offered online at some active location, by name."""
    return list(
        session.scalars(
            select(Service)
            .where(
                Service.tenant_id == tenant_id,
                Service.active.is_(True),
                Service.id.in_(
                    select(Offer.service_id)
                    .join(Location, Location.id == Offer.location_id)
                    .where(Offer.bookable_online.is_(True), Location.active.is_(True))
                ),
            )
            .order_by(Service.name)
        )
    )


def locations_for(*, session: Session, tenant_id: int, services: Sequence[Service]) -> list[Location]:
    """Active locations offering every one of ``services`` online, by name."""
    locations = session.scalars(
        select(Location)
        .where(Location.tenant_id == tenant_id, Location.active.is_(True))
        .order_by(Location.name)
    ).all()
    wanted = {service.id for service in services}
    return [
        location
        for location in locations
        if wanted <= {offer.service_id for offer in location.offers if offer.bookable_online}
    ]


def bookable_days(
    *, session: Session, request: bk.Request, now: dt.datetime, settings: AppointmentsSettings
) -> list[tuple[dt.date, int]]:
    """The days within the horizon with at least one fitting free time, and how many times each has."""
    request.duration()  # refuses (German) what cannot be booked before anything is looked up
    today = local_today(now)
    released = set(
        session.scalars(
            select(Slot.day)
            .where(Slot.location_id == request.location.id, Slot.day >= today, Slot.channel == Channel.ONLINE)
            .distinct()
        )
    )
    days: list[tuple[dt.date, int]] = []
    for offset in range(settings.horizon_days):
        day = today + dt.timedelta(days=offset)
        if day not in released:
            continue
        times = bk.free_times(session=session, request=request, day=day, now=now, settings=settings)
        if times:
            days.append((day, len(times)))
    return days


def next_wave(*, now: dt.datetime, settings: AppointmentsSettings) -> tuple[dt.date, dt.datetime]:
    """The next day to be released and when (local time): the next release wave."""
    day = local_today(now) + dt.timedelta(days=settings.horizon_days - 1)
    while release_moment(day, settings) <= to_local(now):
        day += dt.timedelta(days=1)
    return day, release_moment(day, settings)


def booking_services(booking: Booking) -> tuple[tuple[Service, int], ...]:
    """The services of a booking with their quantities, in the order they were chosen."""
    return bk.Request.of(booking).services


def chain_root(*, session: Session, booking: Booking) -> tuple[Booking, int]:
    """The first booking of a chain of rebookings and how many moves lie between (for the .ics)."""
    root, moves = booking, 0
    while root.rebooked_from_id is not None and moves < 50:
        earlier = session.get(Booking, root.rebooked_from_id)
        if earlier is None:
            break
        root, moves = earlier, moves + 1
    return root, moves


def rebooked_to(*, session: Session, booking: Booking) -> Booking | None:
    """The booking that replaced ``booking`` when the citizen moved it, if any."""
    return session.scalar(select(Booking).where(Booking.rebooked_from_id == booking.id))


# --- rebooking -------------------------------------------------------------------------------------


def rebook(
    *,
    session: Session,
    booking: Booking,
    start: dt.datetime,
    now: dt.datetime,
    settings: AppointmentsSettings,
    secret: str,
) -> tuple[Booking, str]:
    """Move a confirmed appointment to local ``start``; returns the new booking and its manage token.

    Raises ``NotBookableError`` (German) for a time that cannot be booked, ``BookingStateError`` when
    the appointment is no longer open or has begun, and ``SlotTakenError`` (with the next free times)
    when the time is gone; the caller rolls back, and the old appointment stays as it was.
    """
    if booking.status != BookingStatus.CONFIRMED:
        raise bk.BookingStateError("Nur ein gebuchter Termin kann verlegt werden.")
    if booking.start <= now:
        raise bk.BookingStateError("Ein Termin, der schon begonnen hat, kann nicht mehr verlegt werden.")
    if to_utc(start) == booking.start:
        raise NotBookableError("Das ist bereits die Zeit Ihres Termins. Bitte wählen Sie eine andere.")
    request = bk.Request.of(booking)
    duration = request.duration()
    bk.check_bookable_time(start=start, now=now, settings=settings)
    step = dt.timedelta(minutes=booking.location.slot_min)
    if (start - dt.datetime.combine(start.date(), dt.time())) % step:
        raise NotBookableError("Dieser Zeitpunkt liegt nicht im Terminraster des Standorts.")
    moved = bk.new_booking(
        session=session,
        request=request,
        start=start,
        now=now,
        channel=Channel.ONLINE,
        status=BookingStatus.CONFIRMED,
        moved_from=booking,
    )
    token = assign_tokens(booking=moved, secret=secret)
    try:
        bk.take_seats(
            session=session,
            booking=moved,
            start=start,
            duration=duration,
            condition=or_(bk.free_for_public(now), Slot.booking_id == booking.id),
            hold_until=None,
        )
    except bk.SlotTakenError as error:
        raise bk.SlotTakenError(
            bk.next_free(session=session, request=request, after=start, now=now, settings=settings)
        ) from error
    bk.cancel(session=session, booking=booking, now=now, settings=settings, reason=REBOOK_REASON)
    session.flush()
    return moved, token


def change_times(
    *, session: Session, booking: Booking, day: dt.date, now: dt.datetime, settings: AppointmentsSettings
) -> list[dt.datetime]:
    """The local starts on ``day`` the booking could move to: free seats or its own (never its own time)."""
    request = bk.Request.of(booking)
    duration = request.duration()
    step = dt.timedelta(minutes=booking.location.slot_min)
    rows = session.execute(
        select(Slot.start, func.count())
        .where(
            Slot.location_id == booking.location_id,
            Slot.day == day,
            or_(bk.free_for_public(now), Slot.booking_id == booking.id),
        )
        .group_by(Slot.start)
    ).all()
    free = {to_local(start): count for start, count in rows}
    earliest = to_local(now + dt.timedelta(minutes=settings.min_lead_minutes))
    steps = int(duration / step)
    own = to_local(booking.start)
    return [
        start
        for start in sorted(free)
        if start >= earliest and start != own and all(free.get(start + n * step, 0) > 0 for n in range(steps))
    ]
