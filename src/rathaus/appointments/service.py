"""What the Terminvergabe offers other modules (through ``rathaus.core.ports``, see ``module.py``)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from rathaus.appointments.models import Location, Offer, OpeningWindow, Service
from rathaus.core.ports import BookableServices, PortContext
from rathaus.core.security.models import Tenant


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
