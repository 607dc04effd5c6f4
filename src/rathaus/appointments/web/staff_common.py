"""What the staff routes of the Terminvergabe share: the clock, lookups that answer 404, forms, redirects."""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from urllib.parse import urlencode

from fastapi import Depends, HTTPException, Request, status
from fastapi.responses import RedirectResponse
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from starlette.datastructures import FormData, QueryParams

from rathaus.appointments import mails
from rathaus.appointments.booking import Request as BookingRequest
from rathaus.appointments.config import AppointmentsSettings
from rathaus.appointments.counter_mail import Outbox
from rathaus.appointments.models import Booking, BookingItem, Location, Offer, Service
from rathaus.appointments.times import local_today
from rathaus.core.db import utcnow
from rathaus.core.security.session_user import SessionUser
from rathaus.web.context import AppContext

PREFIX = "/termine"


def now() -> dt.datetime:
    """The current time (aware, UTC); one place, so that tests can set the clock (``staff_common.utcnow``)."""
    return utcnow()


def today() -> dt.date:
    return local_today(now())


def settings_of(context: AppContext) -> AppointmentsSettings:
    return context.settings.section(AppointmentsSettings)


def outbox(request: Request, user: SessionUser, context: AppContext) -> Outbox:
    """Who sends the counter's mail, and the site address its links use."""
    return Outbox(
        tenant_name=user.tenant.name,
        tenant_slug=user.tenant.slug,
        base_url=str(request.base_url),
        settings=context.settings,
    )


async def form_data(request: Request) -> FormData:
    """The posted form (already read and cached by the CSRF check)."""
    return await request.form()


Form = Annotated[FormData, Depends(form_data)]


def location_or_404(session: Session, location_id: int | str | None) -> Location:
    """The location of the user's tenant, or 404 (another tenant's location does not exist for them)."""
    try:
        wanted = int(location_id) if location_id not in (None, "") else None
    except (TypeError, ValueError):
        wanted = None
    query = select(Location).where(Location.active.is_(True)).order_by(Location.name)
    if wanted is not None:
        query = select(Location).where(Location.id == wanted)
    location = session.scalars(query.options(selectinload(Location.offers))).first()
    if location is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Dieser Standort existiert nicht.")
    return location


def booking_or_404(session: Session, booking_id: int) -> Booking:
    """The booking of the user's tenant, or 404."""
    booking = session.scalar(
        select(Booking)
        .where(Booking.id == booking_id)
        .options(selectinload(Booking.items).selectinload(BookingItem.service))
    )
    if booking is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Dieser Termin existiert nicht.")
    return booking


def parse_day(text: str | None, default: dt.date) -> dt.date:
    """``YYYY-MM-DD`` or the default; 400 with a German message for anything else."""
    if not text:
        return default
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise HTTPException(
            status.HTTP_400_BAD_REQUEST, "Bitte geben Sie das Datum als JJJJ-MM-TT an (z. B. 2027-02-02)."
        ) from None


def parse_time(day: dt.date, text: str | None) -> dt.datetime | None:
    """``HH:MM`` on ``day`` (local), None when empty; 400 otherwise."""
    if not text:
        return None
    try:
        return dt.datetime.combine(day, dt.time.fromisoformat(text))
    except ValueError:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "Bitte wählen Sie eine Uhrzeit aus.") from None


def offered(location: Location) -> list[tuple[Service, Offer]]:
    """The active services offered at the location, by name."""
    pairs = [(offer.service, offer) for offer in location.offers if offer.service.active]
    return sorted(pairs, key=lambda pair: pair[0].name)


def chosen(location: Location, values: FormData | QueryParams) -> dict[int, int]:
    """The chosen quantities (``menge-<service id>``) of services offered at the location."""
    quantities: dict[int, int] = {}
    for service, _offer in offered(location):
        raw = values.get(f"menge-{service.id}") or "0"
        try:
            quantity = int(str(raw))
        except ValueError:
            quantity = 0
        if quantity > 0:
            quantities[service.id] = min(quantity, service.max_quantity)
    return quantities


def request_for(location: Location, quantities: dict[int, int]) -> BookingRequest | None:
    """The booking request for the chosen quantities, or None when nothing was chosen."""
    services = tuple((s, quantities[s.id]) for s, _offer in offered(location) if s.id in quantities)
    return BookingRequest(location=location, services=services) if services else None


def quantity_query(quantities: dict[int, int]) -> str:
    return urlencode({f"menge-{sid}": q for sid, q in quantities.items()})


def to_day(location_id: int, day: dt.date) -> RedirectResponse:
    """303 back to the day view of the location."""
    query = urlencode({"standort": location_id, "datum": day.isoformat()})
    return RedirectResponse(f"{PREFIX}/tag?{query}", status_code=status.HTTP_303_SEE_OTHER)


def day_label(day: dt.date) -> str:
    """``Dienstag, 2. Februar 2027``."""
    return f"{mails.WEEKDAYS[day.weekday()]}, {day.day}. {mails.MONTHS[day.month - 1]} {day.year}"


def services_label(booking: Booking) -> str:
    """``Zulassung eines Fahrzeugs (2×), Außerbetriebsetzung``."""
    return ", ".join(
        item.service.name + (f" ({item.quantity}×)" if item.quantity > 1 else "") for item in booking.items
    )
