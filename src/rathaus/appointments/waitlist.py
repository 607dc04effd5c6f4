"""The waiting list (Warteliste): a freed time goes to the first citizen waiting for it, for a while.

unverified → (e-mail link) → waiting → (seats freed that fit) → offered → (accept link) → booked.
An offer holds the freed seats for the entry (``Slot.offered_to_id``/``offer_until``) for
``waitlist_offer_hours``, but never beyond the appointment's start minus ``min_lead_minutes``; while it
runs the public cannot take them (``booking.free_for_public``). Once it runs out the seats are public
again; the ``appointments.waitlist`` sweep offers them to the next entry that fits first, and puts the
entry back to waiting — after ``MAX_OFFERS`` unanswered offers it ends as expired.

Offered seats become available at once (``available_from = now``) even within the re-release delay of a
cancelled time: the delay is against slot trading, and the offer goes to the verified person who has
waited longest, not to whoever refreshes the page.

Functions here never commit and never send mail; they return :class:`Offered` records that the caller
mails *after* its commit (``waitlist_mails.send_offers``).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from sqlalchemy import exists, or_, select, update
from sqlalchemy.orm import Session

from rathaus.appointments import booking as bk
from rathaus.appointments.audit_actions import AppointmentsAction
from rathaus.appointments.citizen import assign_tokens
from rathaus.appointments.config import AppointmentsSettings
from rathaus.appointments.models import (
    Booking,
    BookingStatus,
    Channel,
    Location,
    Service,
    Slot,
    WaitlistEntry,
    WaitStatus,
)
from rathaus.appointments.slots import NotBookableError
from rathaus.appointments.times import local_today, to_local, to_utc
from rathaus.core.audit.service import Actor, record

MAX_OFFERS = 3
ACTOR = Actor.system("appointments-waitlist")


class WaitlistError(NotBookableError):
    """A waiting-list step that is not possible (unknown or used link, expired offer); German message."""


@dataclass(frozen=True)
class Offered:
    """An offer just made, to be mailed after the commit (the token is only here, never stored)."""

    entry_id: int
    email: str
    token: str
    location_id: int
    start: dt.datetime  # aware UTC
    end: dt.datetime
    until: dt.datetime


def _active_location(session: Session, location_id: int) -> Location | None:
    return session.scalar(select(Location).where(Location.id == location_id, Location.active.is_(True)))


def entry_services(*, session: Session, entry: WaitlistEntry) -> tuple[tuple[Service, int], ...]:
    """The entry's services with their quantities (inactive or deleted services left out)."""
    wanted = {int(item["service_id"]): int(item["quantity"]) for item in entry.services}
    rows = session.scalars(select(Service).where(Service.id.in_(wanted), Service.active.is_(True))).all()
    return tuple((service, wanted[service.id]) for service in sorted(rows, key=lambda s: s.id))


def join(
    *,
    session: Session,
    tenant_id: int,
    services: Sequence[tuple[Service, int]],
    location: Location | None,
    earliest: dt.date | None,
    latest: dt.date | None,
    name: str,
    email: str,
    now: dt.datetime,
    settings: AppointmentsSettings,
) -> tuple[WaitlistEntry, str]:
    """Put a citizen on the waiting list (unverified); returns the entry and its verification token.

    Refuses (German ``NotBookableError``) what could never be offered: no service, a service or a
    combination not offered at the location (or at no location at all), a day range in the past or the
    wrong way round, a missing name, a malformed address, or an address already waiting
    ``max_open_per_email`` times.
    """
    candidates = [location] if location is not None else _locations(session, tenant_id)
    problem: NotBookableError | None = None
    for place in candidates:
        try:
            bk.Request(location=place, services=tuple(services)).duration()
            break
        except NotBookableError as error:
            problem = error
    else:
        raise problem or NotBookableError("Diese Dienstleistung wird an keinem Standort angeboten.")
    today = local_today(now)
    if earliest is not None and latest is not None and latest < earliest:
        raise NotBookableError("Der letzte gewünschte Tag liegt vor dem ersten.")
    if latest is not None and latest < today:
        raise NotBookableError("Der letzte gewünschte Tag liegt in der Vergangenheit.")
    clean_name = " ".join(name.split())
    if not clean_name:
        raise NotBookableError("Bitte geben Sie Ihren Namen an.")
    address = bk.normalise_email(email)
    waiting = session.scalars(
        select(WaitlistEntry.id).where(
            WaitlistEntry.tenant_id == tenant_id,
            WaitlistEntry.email_key == address.lower(),
            WaitlistEntry.status.in_((WaitStatus.UNVERIFIED, WaitStatus.WAITING, WaitStatus.OFFERED)),
        )
    ).all()
    if len(waiting) >= settings.max_open_per_email:
        raise NotBookableError(
            f"Mit dieser E-Mail-Adresse stehen Sie bereits {len(waiting)}-mal auf der Warteliste."
        )
    token, digest = bk.new_token()
    entry = WaitlistEntry(
        tenant_id=tenant_id,
        location_id=location.id if location is not None else None,
        services=[{"service_id": s.id, "quantity": q} for s, q in services],
        name=clean_name,
        email=address,
        email_key=address.lower(),
        status=WaitStatus.UNVERIFIED,
        verify_token_hash=digest,
        manage_token_hash=bk.token_digest(withdraw_token(token)),
        earliest=earliest,
        latest=latest,
        created_at=now,
    )
    session.add(entry)
    session.flush()
    record(
        session=session,
        actor=ACTOR,
        action=AppointmentsAction.WAITLIST_JOINED,
        object_type="waitlist_entry",
        object_id=entry.id,
        details={"services": entry.services, "location_id": entry.location_id},
        tenant_id=tenant_id,
    )
    return entry, token


def _locations(session: Session, tenant_id: int) -> list[Location]:
    return list(
        session.scalars(
            select(Location)
            .where(Location.tenant_id == tenant_id, Location.active.is_(True))
            .order_by(Location.id)
        )
    )


def withdraw_token(verify_token: str) -> str:
    """The token of the link to leave the list: derived from the verification token, mailed with it."""
    digest = hashlib.sha256(b"rathaus.appointments.waitlist.withdraw|" + verify_token.encode()).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode("ascii")


def withdraw(*, session: Session, token: str, now: dt.datetime) -> WaitlistEntry:
    """Take an entry off the list at the citizen's wish; an open offer goes back to the public at once."""
    entry = session.scalar(
        select(WaitlistEntry).where(WaitlistEntry.manage_token_hash == bk.token_digest(token))
    )
    if entry is None:
        raise WaitlistError("Dieser Link ist ungültig.")
    if entry.status in (WaitStatus.BOOKED, WaitStatus.WITHDRAWN, WaitStatus.EXPIRED):
        raise WaitlistError("Dieser Eintrag auf der Warteliste ist bereits beendet.")
    _withdraw_offer(session, entry)
    entry.status, entry.verify_token_hash = WaitStatus.WITHDRAWN, None
    session.flush()
    record(
        session=session,
        actor=ACTOR,
        action=AppointmentsAction.WAITLIST_WITHDRAWN,
        object_type="waitlist_entry",
        object_id=entry.id,
        details={"at": now.isoformat()},
        tenant_id=entry.tenant_id,
    )
    return entry


def verify_until(entry: WaitlistEntry, settings: AppointmentsSettings) -> dt.datetime:
    """Until when the verification link of ``entry`` is valid."""
    return entry.created_at + dt.timedelta(minutes=settings.confirm_minutes)


def by_verify_token(*, session: Session, token: str) -> WaitlistEntry | None:
    """The entry a verification link points to (None for a used, forged or unknown link)."""
    return session.scalar(
        select(WaitlistEntry).where(WaitlistEntry.verify_token_hash == bk.token_digest(token))
    )


def verify(
    *, session: Session, token: str, now: dt.datetime, settings: AppointmentsSettings
) -> WaitlistEntry:
    """Confirm the address of an entry: unverified → waiting. German ``WaitlistError`` otherwise."""
    entry = by_verify_token(session=session, token=token)
    if entry is None:
        raise WaitlistError(
            "Dieser Link ist ungültig oder wurde bereits verwendet. Ihre Anmeldung ist dann schon bestätigt."
        )
    if verify_until(entry, settings) < now:
        entry.status, entry.verify_token_hash = WaitStatus.EXPIRED, None
        session.flush()
        raise WaitlistError("Der Bestätigungslink ist abgelaufen. Bitte melden Sie sich erneut an.")
    entry.status, entry.verified_at, entry.verify_token_hash = WaitStatus.WAITING, now, None
    session.flush()
    return entry


def by_offer_token(*, session: Session, token: str) -> WaitlistEntry | None:
    """The entry an accept link points to (None for a used, forged or unknown link)."""
    return session.scalar(
        select(WaitlistEntry).where(WaitlistEntry.offer_token_hash == bk.token_digest(token))
    )


def _free_runs(
    session: Session, location: Location, slot_ids: Collection[int], now: dt.datetime
) -> list[list[tuple[dt.datetime, int]]]:
    """The freed seats that nobody holds or is offered, as runs of consecutive local steps (start, id)."""
    rows = session.execute(
        select(Slot.start, Slot.id)
        .where(
            Slot.id.in_(list(slot_ids)),
            Slot.location_id == location.id,
            Slot.channel == Channel.ONLINE,
            Slot.closed.is_(False),
            or_(Slot.booking_id.is_(None), Slot.hold_until < now),
            or_(Slot.offered_to_id.is_(None), Slot.offer_until < now),
        )
        .order_by(Slot.start, Slot.seat)
    ).all()
    step = dt.timedelta(minutes=location.slot_min)
    runs: list[list[tuple[dt.datetime, int]]] = []
    for start, slot_id in rows:
        local = to_local(start)
        if runs and runs[-1][-1][0] == local:
            continue  # one seat per step is enough
        if runs and runs[-1][-1][0] + step == local:
            runs[-1].append((local, slot_id))
        else:
            runs.append([(local, slot_id)])
    return runs


def _queue(session: Session, location: Location, skip: Collection[int]) -> list[WaitlistEntry]:
    return list(
        session.scalars(
            select(WaitlistEntry)
            .where(
                WaitlistEntry.tenant_id == location.tenant_id,
                WaitlistEntry.status == WaitStatus.WAITING,
                or_(WaitlistEntry.location_id.is_(None), WaitlistEntry.location_id == location.id),
                WaitlistEntry.id.not_in(list(skip)) if skip else WaitlistEntry.id.is_not(None),
            )
            .order_by(WaitlistEntry.created_at, WaitlistEntry.id)
        )
    )


def _fit(
    entry: WaitlistEntry,
    steps: int,
    runs: list[list[tuple[dt.datetime, int]]],
    earliest_start: dt.datetime,
) -> list[tuple[dt.datetime, int]] | None:
    """The earliest part of a run that the entry's appointment fits in, within its day range."""
    for run in runs:
        day = run[0][0].date()
        if (entry.earliest and day < entry.earliest) or (entry.latest and day > entry.latest):
            continue
        for first in range(len(run) - steps + 1):
            if run[first][0] >= earliest_start:
                return run[first : first + steps]
    return None


def offer_freed(
    *,
    session: Session,
    location: Location,
    slot_ids: Collection[int],
    now: dt.datetime,
    settings: AppointmentsSettings,
    skip: Collection[int] = (),
) -> Offered | None:
    """Offer freed seats to the first waiting entry whose appointment fits in them.

    ``slot_ids`` are seats just given back (a cancellation, an expired hold, an expired offer). The
    entry's services must fit, at this location, into consecutive freed steps on a day of its range,
    starting no sooner than ``min_lead_minutes`` from now. ``skip`` leaves entries out (the one whose
    offer just ran out). Returns the offer to mail, or None when nobody fits.
    """
    runs = _free_runs(session, location, slot_ids, now)
    if not runs:
        return None
    step = dt.timedelta(minutes=location.slot_min)
    earliest_start = to_local(now + dt.timedelta(minutes=settings.min_lead_minutes))
    for entry in _queue(session, location, skip):
        try:
            duration = bk.Request(
                location=location, services=entry_services(session=session, entry=entry)
            ).duration()
        except NotBookableError:
            continue
        part = _fit(entry, int(duration / step), runs, earliest_start)
        if part is None:
            continue
        start = to_utc(part[0][0])
        until = min(
            now + dt.timedelta(hours=settings.waitlist_offer_hours),
            start - dt.timedelta(minutes=settings.min_lead_minutes),
        )
        ids = [slot_id for _start, slot_id in part]
        taken = session.execute(
            update(Slot)
            .where(
                Slot.id.in_(ids),
                or_(Slot.booking_id.is_(None), Slot.hold_until < now),
                or_(Slot.offered_to_id.is_(None), Slot.offer_until < now),
            )
            .values(offered_to_id=entry.id, offer_until=until, available_from=now)
            .execution_options(synchronize_session=False)
        ).rowcount  # type: ignore[attr-defined]
        if taken != len(ids):  # some seat was taken meanwhile: undo the partial mark, offer nothing
            session.execute(
                update(Slot)
                .where(Slot.id.in_(ids), Slot.offered_to_id == entry.id)
                .values(offered_to_id=None, offer_until=None)
                .execution_options(synchronize_session=False)
            )
            return None
        token, digest = bk.new_token()
        entry.status, entry.offer_until, entry.offer_token_hash = WaitStatus.OFFERED, until, digest
        entry.offers_made += 1
        session.flush()
        record(
            session=session,
            actor=ACTOR,
            action=AppointmentsAction.WAITLIST_OFFERED,
            object_type="waitlist_entry",
            object_id=entry.id,
            details={"start": start.isoformat(), "until": until.isoformat(), "offer": entry.offers_made},
            tenant_id=location.tenant_id,
        )
        return Offered(
            entry_id=entry.id,
            email=entry.email,
            token=token,
            location_id=location.id,
            start=start,
            end=start + duration,
            until=until,
        )
    return None


def after_release(
    *,
    session: Session,
    location: Location,
    slot_ids: Collection[int],
    now: dt.datetime,
    settings: AppointmentsSettings,
) -> list[Offered]:
    """What every path that frees seats calls (cancel by citizen or staff, expired hold).

    Offers the freed time to the waiting list; returns the offers made (none or one) to mail after the
    commit.
    """
    offered = offer_freed(session=session, location=location, slot_ids=slot_ids, now=now, settings=settings)
    return [offered] if offered is not None else []


def has_waiting(*, session: Session, tenant_id: int) -> bool:
    """Whether anybody waits (cheap check before collecting freed seats)."""
    return bool(
        session.scalar(
            select(
                exists().where(
                    WaitlistEntry.tenant_id == tenant_id, WaitlistEntry.status == WaitStatus.WAITING
                )
            )
        )
    )


def offered_seats(*, session: Session, entry: WaitlistEntry) -> list[Slot]:
    """The seats currently offered to the entry, in time order."""
    return list(
        session.scalars(select(Slot).where(Slot.offered_to_id == entry.id).order_by(Slot.start, Slot.seat))
    )


def accept(
    *, session: Session, token: str, now: dt.datetime, settings: AppointmentsSettings, secret: str
) -> tuple[Booking, str]:
    """Book the offered time for the entry: directly confirmed (its address is verified).

    Returns the booking and its manage token (for the confirmation mail). Refuses (German) an unknown
    or used link, a run-out offer, and the per-e-mail limit; ``SlotTakenError`` if the seats were taken
    after all (the caller rolls back).
    """
    found = by_offer_token(session=session, token=token)
    if found is not None:
        # Lock the entry first, on both databases: this no-op update takes SQLite's write lock and
        # PostgreSQL's row lock. Concurrent accepts of one offer queue here and then read the entry and
        # its seats as the winner left them (instead of half before, half after its commit).
        session.execute(
            update(WaitlistEntry)
            .where(WaitlistEntry.id == found.id)
            .values(offers_made=WaitlistEntry.offers_made)
            .execution_options(synchronize_session=False)
        )
    entry = session.scalar(
        select(WaitlistEntry)
        .where(WaitlistEntry.id == (found.id if found else None))
        .execution_options(populate_existing=True)
    )
    if entry is None or entry.offer_token_hash != bk.token_digest(token):
        raise WaitlistError("Dieses Angebot gibt es nicht oder es wurde bereits angenommen.")
    seats = offered_seats(session=session, entry=entry)
    if (
        entry.status != WaitStatus.OFFERED
        or entry.offer_until is None
        or entry.offer_until < now
        or not seats
    ):
        raise WaitlistError(
            "Das Angebot ist abgelaufen. Sie bleiben auf der Warteliste, solange Sie nicht ausgetragen sind."
        )
    location = session.get_one(Location, seats[0].location_id)
    services = entry_services(session=session, entry=entry)
    request = bk.Request(location=location, services=services)
    duration = request.duration()
    if bk.open_count(session=session, tenant_id=entry.tenant_id, email_key=entry.email_key, now=now) >= (
        settings.max_open_per_email
    ):
        raise WaitlistError(
            f"Mit dieser E-Mail-Adresse sind bereits {settings.max_open_per_email} Termine offen. "
            "Bitte sagen Sie einen davon ab, bevor Sie dieses Angebot annehmen."
        )
    start = to_local(seats[0].start)
    booking = bk.new_booking(
        session=session,
        request=bk.Request(location=location, services=tuple(services)),
        start=start,
        now=now,
        channel=Channel.ONLINE,
        status=BookingStatus.CONFIRMED,
        name=entry.name,
        email=entry.email,
        email_key=entry.email_key,
        waitlist_entry_id=entry.id,
    )
    manage = assign_tokens(booking=booking, secret=secret)  # the link the reminder mails again
    bk.take_seats(
        session=session,
        booking=booking,
        start=start,
        duration=duration,
        condition=bk.free_for_public(now, waitlist_entry_id=entry.id),
        hold_until=None,
    )
    _withdraw_offer(session, entry)
    entry.status = WaitStatus.BOOKED
    session.flush()
    record(
        session=session,
        actor=ACTOR,
        action=AppointmentsAction.WAITLIST_ACCEPTED,
        object_type="waitlist_entry",
        object_id=entry.id,
        details={"booking": booking.reference, "start": booking.start.isoformat()},
        tenant_id=entry.tenant_id,
    )
    return booking, manage


def _withdraw_offer(session: Session, entry: WaitlistEntry) -> list[int]:
    ids = [seat.id for seat in offered_seats(session=session, entry=entry)]
    if ids:
        session.execute(
            update(Slot)
            .where(Slot.id.in_(ids))
            .values(offered_to_id=None, offer_until=None)
            .execution_options(synchronize_session=False)
        )
    entry.offer_until, entry.offer_token_hash = None, None
    return ids


@dataclass(frozen=True)
class Sweep:
    """What the waiting-list sweep did: offers to mail, entries that ran out (to tell by mail)."""

    offers: list[Offered]
    expired: list[WaitlistEntry]
    returned: int


def expire_offers(
    *, session: Session, tenant_id: int, now: dt.datetime, settings: AppointmentsSettings
) -> Sweep:
    """End run-out offers: the entry waits again (after ``MAX_OFFERS`` offers: expired), and its seats
    are offered to the next entry that fits first; otherwise they simply stay public."""
    stale = session.scalars(
        select(WaitlistEntry)
        .where(
            WaitlistEntry.tenant_id == tenant_id,
            WaitlistEntry.status == WaitStatus.OFFERED,
            WaitlistEntry.offer_until < now,
        )
        .order_by(WaitlistEntry.offer_until, WaitlistEntry.id)
    ).all()
    offers: list[Offered] = []
    expired: list[WaitlistEntry] = []
    for entry in stale:
        seats = offered_seats(session=session, entry=entry)
        location_id = seats[0].location_id if seats else None
        ids = _withdraw_offer(session, entry)
        entry.status = WaitStatus.EXPIRED if entry.offers_made >= MAX_OFFERS else WaitStatus.WAITING
        if entry.status == WaitStatus.EXPIRED:
            expired.append(entry)
        session.flush()
        location = _active_location(session, location_id) if location_id is not None else None
        if location is not None and ids:
            offered = offer_freed(
                session=session, location=location, slot_ids=ids, now=now, settings=settings, skip={entry.id}
            )
            if offered is not None:
                offers.append(offered)
    return Sweep(offers=offers, expired=expired, returned=len(stale))


def expire_holds_and_offer(
    *, session: Session, tenant_id: int, now: dt.datetime, settings: AppointmentsSettings
) -> tuple[list[Booking], list[Offered]]:
    """``booking.expire_holds`` plus the waiting-list offer of the seats it frees (for the expiry sweep)."""
    freed: dict[int, list[int]] = {}
    if has_waiting(session=session, tenant_id=tenant_id):
        for location_id, slot_id in session.execute(
            select(Slot.location_id, Slot.id).where(
                Slot.booking_id.in_(
                    select(Booking.id).where(
                        Booking.tenant_id == tenant_id,
                        Booking.status.in_((BookingStatus.RESERVED, BookingStatus.AWAITING)),
                        Booking.hold_until < now,
                    )
                )
            )
        ):
            freed.setdefault(location_id, []).append(slot_id)
    stale = bk.expire_holds(session=session, tenant_id=tenant_id, now=now)
    offers: list[Offered] = []
    for location_id, ids in freed.items():
        location = _active_location(session, location_id)
        if location is not None:
            offers += after_release(
                session=session, location=location, slot_ids=ids, now=now, settings=settings
            )
    return stale, offers


def offer_unclaimed(
    *, session: Session, tenant_id: int, now: dt.datetime, settings: AppointmentsSettings
) -> list[Offered]:
    """Offer seats freed by any path (staff cancels, rebookings, erasure) that nobody was offered yet.

    Such seats are free and still inside their re-release delay (``available_from`` ahead); the sweep
    gives them to the waiting list as the cancel paths that call ``after_release`` do at once.
    """
    if not has_waiting(session=session, tenant_id=tenant_id):
        return []
    freed: dict[int, list[int]] = {}
    earliest = now + dt.timedelta(minutes=settings.min_lead_minutes)
    for location_id, slot_id in session.execute(
        select(Slot.location_id, Slot.id)
        .where(
            Slot.tenant_id == tenant_id,
            Slot.booking_id.is_(None),
            Slot.closed.is_(False),
            Slot.channel == Channel.ONLINE,
            Slot.available_from > now,
            or_(Slot.offered_to_id.is_(None), Slot.offer_until < now),
            Slot.start > earliest,
        )
        .order_by(Slot.location_id, Slot.start)
    ):
        freed.setdefault(location_id, []).append(slot_id)
    offers: list[Offered] = []
    for location_id, ids in freed.items():
        location = _active_location(session, location_id)
        if location is not None:
            offers += after_release(
                session=session, location=location, slot_ids=ids, now=now, settings=settings
            )
    return offers


def has_offers(*, session: Session, tenant_id: int) -> bool:
    """Whether any offer is out (the sweep is needed only then)."""
    return bool(
        session.scalar(
            select(
                exists().where(
                    WaitlistEntry.tenant_id == tenant_id, WaitlistEntry.status == WaitStatus.OFFERED
                )
            )
        )
    )


def expire_unverified(
    *, session: Session, tenant_id: int, now: dt.datetime, settings: AppointmentsSettings
) -> int:
    """Entries whose verification link ran out end as expired (no address kept waiting unconfirmed)."""
    cutoff = now - dt.timedelta(minutes=settings.confirm_minutes)
    return int(
        session.execute(
            update(WaitlistEntry)
            .where(
                WaitlistEntry.tenant_id == tenant_id,
                WaitlistEntry.status == WaitStatus.UNVERIFIED,
                WaitlistEntry.created_at < cutoff,
            )
            .values(status=WaitStatus.EXPIRED, verify_token_hash=None)
            .execution_options(synchronize_session=False)
        ).rowcount  # type: ignore[attr-defined]
    )
