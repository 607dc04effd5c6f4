"""The catalog in the database: imported from the Munich-shaped export, read back for the slot arithmetic."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from rathaus.appointments import catalog as cat
from rathaus.appointments.models import Closure, Location, Offer, OpeningWindow, Service
from rathaus.appointments.times import to_utc


@dataclass(frozen=True)
class ImportSummary:
    """What an import changed."""

    services: int
    locations: int
    offers: int


def import_catalog(
    *,
    session: Session,
    tenant_id: int,
    catalog: cat.Catalog,
    location_keys: Iterable[str] | None = None,
    service_keys: Iterable[str] | None = None,
) -> ImportSummary:
    """Create or update services, locations and offers from ``catalog`` (existing rows keep their ids).

    ``location_keys``/``service_keys`` restrict the import (e.g. one Kfz office and its services); a
    location then brings only the offers of the chosen services. Opening windows are not touched.
    """
    wanted_locations = set(location_keys) if location_keys is not None else set(catalog.locations)
    wanted_services = set(service_keys) if service_keys is not None else set(catalog.services)
    unknown = (wanted_locations - set(catalog.locations)) | (wanted_services - set(catalog.services))
    if unknown:
        raise cat.CatalogError(f"not in the catalog: {', '.join(sorted(unknown))}")
    services = {s.key: s for s in session.scalars(select(Service).where(Service.tenant_id == tenant_id))}
    for key in sorted(wanted_services):
        entry = catalog.services[key]
        row = services.get(key) or Service(tenant_id=tenant_id, key=key)
        row.name, row.leika, row.fees = entry.name, entry.leika, entry.fees
        row.default_duration_min, row.max_quantity = entry.default_duration_min, entry.max_quantity
        row.combinable_with, row.documents = sorted(entry.combinable_with), list(entry.documents)
        services[key] = row
        session.add(row)
    session.flush()
    locations = {
        loc.key: loc
        for loc in session.scalars(
            select(Location).where(Location.tenant_id == tenant_id).options(selectinload(Location.offers))
        )
    }
    offers = 0
    for key in sorted(wanted_locations):
        entry_loc = catalog.locations[key]
        location = locations.get(key) or Location(tenant_id=tenant_id, key=key)
        location.name, location.street = entry_loc.name, entry_loc.street
        location.postal_code, location.city = entry_loc.postal_code, entry_loc.city
        location.accessibility, location.organization_unit = (
            entry_loc.accessibility,
            entry_loc.organization_unit,
        )
        location.slot_min = entry_loc.slot_min
        session.add(location)
        session.flush()
        existing = {offer.service_id: offer for offer in location.offers}
        for entry_offer in entry_loc.offers:
            service = services.get(entry_offer.service_id)
            if service is None or entry_offer.service_id not in wanted_services:
                continue
            offer = existing.get(service.id) or Offer(tenant_id=tenant_id, location=location, service=service)
            offer.duration_min, offer.bookable_online = entry_offer.duration_min, entry_offer.bookable_online
            session.add(offer)
            offers += 1
    session.flush()
    return ImportSummary(services=len(wanted_services), locations=len(wanted_locations), offers=offers)


def set_opening_windows(
    *, session: Session, location: Location, windows: Sequence[cat.OpeningWindow]
) -> None:
    """Replace the location's weekly appointment windows (the slot grid is the location's)."""
    location.windows.clear()
    session.flush()
    for window in windows:
        location.windows.append(
            OpeningWindow(
                tenant_id=location.tenant_id,
                weekday=window.weekday,
                start=window.start,
                end=window.end,
                online_capacity=window.online_capacity,
                walk_in_capacity=window.walk_in_capacity,
            )
        )
    session.flush()


def as_service(row: Service) -> cat.Service:
    """The catalog value of a service row."""
    return cat.Service(
        id=row.key,
        name=row.name,
        leika=row.leika,
        default_duration_min=row.default_duration_min,
        max_quantity=row.max_quantity,
        combinable_with=frozenset(row.combinable_with),
        fees=row.fees,
        documents=tuple(row.documents),
    )


def as_location(row: Location) -> cat.Location:
    """The catalog value of a location row, with its offers."""
    return cat.Location(
        id=row.key,
        name=row.name,
        street=row.street,
        postal_code=row.postal_code,
        city=row.city,
        slot_min=row.slot_min,
        offers=tuple(
            cat.Offer(
                service_id=offer.service.key,
                location_id=row.key,
                duration_min=offer.duration_min,
                bookable_online=offer.bookable_online,
            )
            for offer in row.offers
        ),
        accessibility=row.accessibility,
        organization_unit=row.organization_unit,
    )


def as_windows(location: Location) -> list[cat.OpeningWindow]:
    """The location's weekly windows as catalog values."""
    return [
        cat.OpeningWindow(
            weekday=w.weekday,
            start=w.start,
            end=w.end,
            slot_min=location.slot_min,
            online_capacity=w.online_capacity,
            walk_in_capacity=w.walk_in_capacity,
        )
        for w in location.windows
    ]


def closures_on(*, session: Session, location: Location, day: dt.date) -> list[Closure]:
    """The closures of the location that touch ``day`` (local)."""
    start = to_utc(dt.datetime.combine(day, dt.time()))
    end = to_utc(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))
    return list(
        session.scalars(
            select(Closure).where(
                Closure.location_id == location.id, Closure.start < end, Closure.end > start
            )
        )
    )
