"""The catalog of Terminvergabe as plain values: services, locations, offers, opening windows, closures.

Database-free: these frozen dataclasses are what the slot arithmetic (``slots.py``) works on and what a
later import writes into tables. ``parse_munich_catalog`` reads the Munich-shaped export (the
``munich_services_de.json`` / ``munich_locations_de.json`` pair of the Munich eAppointment/ZMS API).
Durations are whole minutes, times are local wall-clock times of the tenant.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from rathaus.core.text.encoding import UndecodableTextError, decode_upload


class CatalogError(ValueError):
    """The catalog files cannot be read: the message names the file and the entry (for operators)."""


@dataclass(frozen=True, slots=True)
class Service:
    """A service citizens can book (Dienstleistung), with its defaults across all locations."""

    id: str
    name: str
    leika: str  # LeiKa key (Leistungskatalog), "" where the export has none
    default_duration_min: int
    max_quantity: int  # how often it may be booked in one appointment
    combinable_with: frozenset[str]  # ids of services that may share an appointment with this one
    fees: str = ""  # plain text
    documents: tuple[str, ...] = ()  # forms and documents to bring, by name


@dataclass(frozen=True, slots=True)
class Offer:
    """A service offered at a location, with the location's own duration for it."""

    service_id: str
    location_id: str
    duration_min: int
    bookable_online: bool = True


@dataclass(frozen=True, slots=True)
class Location:
    """A place where appointments happen (Standort), with the services it offers."""

    id: str
    name: str
    street: str
    postal_code: str
    city: str
    slot_min: int  # the location's slot grid in minutes
    offers: tuple[Offer, ...] = ()
    accessibility: str = ""  # notes on access (barrier-free entrance ...), "" when unknown
    organization_unit: str = ""

    def offer_for(self, service_id: str) -> Offer | None:
        """The location's offer of a service, or None when it does not offer it."""
        for offer in self.offers:
            if offer.service_id == service_id:
                return offer
        return None


@dataclass(frozen=True, slots=True)
class OpeningWindow:
    """An appointment window on one weekday (0 = Monday), cut into slots of ``slot_min`` minutes.

    Each slot takes ``online_capacity`` bookings made online; ``walk_in_capacity`` is kept for walk-ins
    and bookings by staff.
    """

    weekday: int
    start: dt.time
    end: dt.time
    slot_min: int
    online_capacity: int
    walk_in_capacity: int = 0

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ValueError(f"weekday must be 0 (Monday) .. 6 (Sunday), not {self.weekday}")
        if self.start >= self.end:
            raise ValueError(f"window start {self.start} is not before its end {self.end}")
        if self.slot_min <= 0:
            raise ValueError(f"slot length must be positive, not {self.slot_min}")
        if self.online_capacity < 0 or self.walk_in_capacity < 0:
            raise ValueError("capacities must not be negative")


@dataclass(frozen=True, slots=True)
class Closure:
    """A time a location is closed (``start`` inclusive, ``end`` exclusive), e.g. a staff meeting."""

    start: dt.datetime
    end: dt.datetime
    reason: str = ""

    def __post_init__(self) -> None:
        if self.start >= self.end:
            raise ValueError(f"closure start {self.start} is not before its end {self.end}")

    @classmethod
    def whole_day(cls, day: dt.date, reason: str = "") -> Closure:
        start = dt.datetime.combine(day, dt.time())
        return cls(start=start, end=start + dt.timedelta(days=1), reason=reason)


@dataclass(frozen=True, slots=True)
class Catalog:
    """Services and locations of one tenant, by id."""

    services: Mapping[str, Service] = field(default_factory=lambda: MappingProxyType({}))
    locations: Mapping[str, Location] = field(default_factory=lambda: MappingProxyType({}))


_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"[ \t\r\f\v]+")


def _plain(text: str) -> str:
    """HTML from the export as plain text (tags dropped, entities resolved, blank lines collapsed)."""
    text = re.sub(r"<br\s*/?>|</p>", "\n", text, flags=re.IGNORECASE)
    text = html.unescape(_TAG.sub("", text)).replace("\u200b", "")
    lines = (_SPACE.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def _entries(path: Path) -> list[dict[str, Any]]:
    try:
        document = json.loads(decode_upload(path.read_bytes(), what=f"Die Datei {path.name}"))
    except (OSError, UndecodableTextError, json.JSONDecodeError) as error:
        raise CatalogError(f"{path}: cannot read the file as JSON: {error}") from error
    data = document.get("data") if isinstance(document, dict) else None
    if not isinstance(data, list):
        raise CatalogError(f'{path}: expected an object with a list under "data"')
    return data


def _int(raw: object, *, where: str, name: str) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        raise CatalogError(f"{where}: {name} must be a whole number, not {raw!r}")
    try:
        value = int(raw)
    except ValueError:
        raise CatalogError(f"{where}: {name} must be a whole number, not {raw!r}") from None
    if value < 0:
        raise CatalogError(f"{where}: {name} must not be negative, not {value}")
    return value


def _text(entry: Mapping[str, Any], key: str, *, where: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str | int) or isinstance(value, bool) or str(value).strip() == "":
        raise CatalogError(f"{where}: {key!r} is missing or empty")
    return str(value).strip()


def _service(entry: Mapping[str, Any], where: str) -> Service:
    combinable = entry.get("combinable") or []
    if not isinstance(combinable, list):
        raise CatalogError(f"{where}: 'combinable' must be a list of service ids")
    forms = entry.get("forms") or []
    documents = tuple(
        str(form["name"]).strip() for form in forms if isinstance(form, dict) and form.get("name")
    )
    fees = entry.get("fees")
    max_quantity = _int(entry.get("maxQuantity", 1), where=where, name="maxQuantity")
    if max_quantity < 1:
        raise CatalogError(f"{where}: maxQuantity must be at least 1")
    return Service(
        id=_text(entry, "id", where=where),
        name=_text(entry, "name", where=where),
        leika=str(entry.get("leika") or ""),
        default_duration_min=_int(entry.get("duration"), where=where, name="duration"),
        max_quantity=max_quantity,
        combinable_with=frozenset(str(other) for other in combinable),
        fees=_plain(fees) if isinstance(fees, str) else "",
        documents=documents,
    )


def _location(entry: Mapping[str, Any], where: str, services: Mapping[str, Service]) -> Location:
    location_id = _text(entry, "id", where=where)
    address = entry.get("address")
    if not isinstance(address, dict):
        raise CatalogError(f"{where}: 'address' is missing")
    offers = []
    for number, offered in enumerate(entry.get("services") or [], start=1):
        spot = f"{where}, service #{number}"
        service_id = _text(offered, "service", where=spot)
        if service_id not in services:
            raise CatalogError(f"{spot}: service {service_id} is not in the services file")
        appointment = offered.get("appointment") or {}
        offers.append(
            Offer(
                service_id=service_id,
                location_id=location_id,
                duration_min=_int(offered.get("duration"), where=spot, name="duration"),
                bookable_online=bool(appointment.get("allowed", True)),
            )
        )
    hint = address.get("hint")
    street = " ".join(str(address.get(key) or "").strip() for key in ("street", "house_number")).strip()
    return Location(
        id=location_id,
        name=str(entry.get("displayName") or _text(entry, "name", where=where)),
        street=street,
        postal_code=str(address.get("postal_code") or ""),
        city=str(address.get("city") or ""),
        slot_min=_int(entry.get("slotTimeInMinutes", 5), where=where, name="slotTimeInMinutes") or 5,
        offers=tuple(offers),
        accessibility=_plain(hint) if isinstance(hint, str) else "",
        organization_unit=str(entry.get("organizationUnit") or ""),
    )


def parse_munich_catalog(*, services_json: Path, locations_json: Path) -> Catalog:
    """Read the Munich-shaped services and locations export into a ``Catalog``.

    Raises ``CatalogError`` naming the file and the entry (``#n`` counted from 1, with its id) for bad
    input: unreadable JSON, a missing id or name, a duration that is not a whole number, a location
    offering a service the services file does not have, duplicate ids.
    """
    services: dict[str, Service] = {}
    for number, entry in enumerate(_entries(services_json), start=1):
        if not isinstance(entry, dict):
            raise CatalogError(f"{services_json}: service #{number} is not an object")
        where = f"{services_json}: service #{number} (id {entry.get('id')!r})"
        service = _service(entry, where)
        if service.id in services:
            raise CatalogError(f"{where}: the id appears twice")
        services[service.id] = service
    locations: dict[str, Location] = {}
    for number, entry in enumerate(_entries(locations_json), start=1):
        if not isinstance(entry, dict):
            raise CatalogError(f"{locations_json}: location #{number} is not an object")
        where = f"{locations_json}: location #{number} (id {entry.get('id')!r})"
        location = _location(entry, where, services)
        if location.id in locations:
            raise CatalogError(f"{where}: the id appears twice")
        locations[location.id] = location
    return Catalog(services=MappingProxyType(services), locations=MappingProxyType(locations))
