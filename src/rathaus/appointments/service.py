"""The Terminvergabe's functions that span its parts or serve others: bookable services (the port of
``module.py``), today's counts for the start page, and cancelling with the offer to the waiting list."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rathaus.appointments import booking as bk
from rathaus.appointments import waitlist
from rathaus.appointments.booking import free_for_public
from rathaus.appointments.config import AppointmentsSettings
from rathaus.appointments.models import (
    OPEN_STATUSES,
    Booking,
    BookingStatus,
    Location,
    Offer,
    OpeningWindow,
    Service,
    Slot,
)
from rathaus.appointments.times import local_today
from rathaus.core.ports import BookableServices, PortContext
from rathaus.core.security.models import Tenant

FINISHED = (BookingStatus.DONE, BookingStatus.NO_SHOW)


def booking_path(tenant_slug: str, service_key: str | None = None) -> str:
    """The public booking page of a tenant, with one service chosen."""
    path = f"/buerger/{tenant_slug}/termine"
    return f"{path}?dienstleistung={service_key}" if service_key else path


def bookable_services(*, session: Session, tenant_id: int) -> dict[str, str]:
    """Service key → public booking page, for every service offered online at an open location."""
    slug = session.scalar(select(Tenant.slug).where(Tenant.id == tenant_id))
    if slug is None:
        return {}
    keys = session.scalars(
        select(Service.key)
        .join(Offer, Offer.service_id == Service.id)
        .join(Location, Location.id == Offer.location_id)
        .where(
            Service.tenant_id == tenant_id,
            Service.active.is_(True),
            Offer.bookable_online.is_(True),
            Location.active.is_(True),
            select(OpeningWindow.id).where(OpeningWindow.location_id == Location.id).exists(),
        )
        .distinct()
    )
    return {key: booking_path(slug, key) for key in keys}


def bookable_services_port(_context: PortContext) -> BookableServices:
    """The ``BOOKABLE_SERVICES`` port (needs no backend)."""
    return bookable_services


@dataclass(frozen=True)
class DayCount:
    """Today's appointments at one location, for the start page."""

    location: Location
    booked: int
    waiting: int  # checked in, not yet called
    done: int
    free_online: int  # online seats still free today (steps, not appointments)


def today_counts(*, session: Session, now: dt.datetime) -> list[DayCount]:
    """Per active location of the session's tenant: today's open, waiting and finished appointments."""
    today = local_today(now)
    counts = []
    for location in session.scalars(
        select(Location).where(Location.active.is_(True)).order_by(Location.name)
    ):
        statuses = dict(
            session.execute(
                select(Booking.status, func.count())
                .where(Booking.location_id == location.id, Booking.day == today)
                .group_by(Booking.status)
            ).all()
        )
        free = session.scalar(
            select(func.count()).where(
                Slot.location_id == location.id, Slot.day == today, Slot.start > now, free_for_public(now)
            )
        )
        counts.append(
            DayCount(
                location=location,
                booked=sum(statuses.get(status, 0) for status in (*OPEN_STATUSES, *FINISHED)),
                waiting=statuses.get(BookingStatus.CHECKED_IN, 0),
                done=statuses.get(BookingStatus.DONE, 0),
                free_online=free or 0,
            )
        )
    return counts


def cancel_booking(
    *, session: Session, booking: Booking, now: dt.datetime, settings: AppointmentsSettings, reason: str = ""
) -> tuple[list[int], list[waitlist.Offered]]:
    """Cancel a booking (``booking.cancel``) and offer the freed time to the waiting list.

    Every cancel path (citizen, staff, counter closure) calls this instead of ``booking.cancel``.
    Returns the freed seat ids and the offers made; after the commit, mail the offers with
    ``waitlist_mails.send_offers``.
    """
    freed = bk.cancel(session=session, booking=booking, now=now, settings=settings, reason=reason)
    offers = waitlist.after_release(
        session=session, location=booking.location, slot_ids=freed, now=now, settings=settings
    )
    return freed, offers
