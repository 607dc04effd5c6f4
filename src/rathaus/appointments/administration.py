"""Administration of the Terminvergabe: importing the catalog and editing a location's opening hours.

``parse_windows`` checks the rows of the opening-hours form (German messages, one per problem);
``save_hours`` stores them and re-lays the days already released (booked seats stay);
``import_catalog_files`` reads the Munich-shaped export and stores it. Both are audited; neither commits.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from rathaus.appointments import catalog as cat
from rathaus.appointments.audit_actions import AppointmentsAction
from rathaus.appointments.models import Closure, Location
from rathaus.appointments.release import relay_released
from rathaus.appointments.store import ImportSummary, import_catalog, set_opening_windows
from rathaus.appointments.times import to_utc
from rathaus.core.audit.service import Actor, record

WEEKDAYS = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class WindowRow:
    """One row of the opening-hours form as posted (strings, shown again after an error)."""

    weekday: int
    start: str = ""
    end: str = ""
    online: str = ""
    walk_in: str = ""

    @property
    def blank(self) -> bool:
        return not (self.start.strip() or self.end.strip())


def _time(raw: str) -> dt.time | None:
    match = _TIME.match(raw.strip())
    return dt.time(int(match.group(1)), int(match.group(2))) if match else None


def _seats(raw: str) -> int | None:
    text = raw.strip() or "0"
    return int(text) if text.isdigit() else None


def _row_window(row: WindowRow, slot_min: int, where: str) -> tuple[cat.OpeningWindow | None, list[str]]:
    errors = []
    start, end = _time(row.start), _time(row.end)
    if start is None or end is None:
        errors.append(f"{where}: Bitte Beginn und Ende als Uhrzeit angeben (z. B. 08:00).")
    elif start >= end:
        errors.append(f"{where}: Der Beginn ({row.start}) muss vor dem Ende ({row.end}) liegen.")
    online, walk_in = _seats(row.online), _seats(row.walk_in)
    if online is None or walk_in is None:
        errors.append(f"{where}: Die Plätze müssen ganze Zahlen ab 0 sein.")
    if errors or start is None or end is None or online is None or walk_in is None:
        return None, errors
    window = cat.OpeningWindow(
        weekday=row.weekday,
        start=start,
        end=end,
        slot_min=slot_min,
        online_capacity=online,
        walk_in_capacity=walk_in,
    )
    return window, []


def parse_windows(*, rows: Sequence[WindowRow], slot_min: int) -> tuple[list[cat.OpeningWindow], list[str]]:
    """The windows of the posted rows (blank rows skipped) and the German problems found.

    A window needs a start before its end and seats that are whole numbers ≥ 0; windows of one
    weekday must not overlap.
    """
    windows: list[cat.OpeningWindow] = []
    errors: list[str] = []
    counters: dict[int, int] = {}
    for row in rows:
        if not 0 <= row.weekday <= 6:
            errors.append("Unbekannter Wochentag.")
            continue
        counters[row.weekday] = counters.get(row.weekday, 0) + 1
        if row.blank:
            continue
        where = f"{WEEKDAYS[row.weekday]}, Zeile {counters[row.weekday]}"
        window, problems = _row_window(row, slot_min, where)
        errors.extend(problems)
        if window is not None:
            windows.append(window)
    ordered = sorted(windows, key=lambda w: (w.weekday, w.start))
    for before, after in itertools.pairwise(ordered):
        if before.weekday == after.weekday and after.start < before.end:
            errors.append(
                f"{WEEKDAYS[before.weekday]}: Die Zeiten {before.start:%H:%M}–{before.end:%H:%M} und "
                f"{after.start:%H:%M}–{after.end:%H:%M} überschneiden sich."
            )
    return ordered, errors


def save_hours(
    *,
    session: Session,
    location: Location,
    windows: Sequence[cat.OpeningWindow],
    actor: Actor,
    now: dt.datetime,
    state: str,
) -> int:
    """Store the location's weekly windows and re-lay the released days; returns the seats added."""
    set_opening_windows(session=session, location=location, windows=windows)
    added = relay_released(session=session, location=location, now=now, state=state)
    record(
        session=session,
        actor=actor,
        action=AppointmentsAction.HOURS_CHANGED,
        object_type="appointment_location",
        object_id=location.id,
        details={
            "windows": [
                {
                    "weekday": w.weekday,
                    "start": f"{w.start:%H:%M}",
                    "end": f"{w.end:%H:%M}",
                    "online": w.online_capacity,
                    "walk_in": w.walk_in_capacity,
                }
                for w in windows
            ],
            "seats_added": added,
        },
    )
    return added


def services_of(catalog: cat.Catalog, location_keys: Iterable[str]) -> set[str]:
    """The keys of the services the given locations offer."""
    return {
        offer.service_id
        for key in location_keys
        if key in catalog.locations
        for offer in catalog.locations[key].offers
    }


def import_catalog_files(
    *,
    session: Session,
    tenant_id: int,
    services_json: Path,
    locations_json: Path,
    actor: Actor,
    location_keys: Sequence[str] = (),
) -> ImportSummary:
    """Read and store the Munich-shaped export; with ``location_keys`` only those locations and their
    services. Raises ``CatalogError`` (English, names file and entry) for bad files or unknown keys.
    """
    catalog = cat.parse_munich_catalog(services_json=services_json, locations_json=locations_json)
    chosen = list(dict.fromkeys(location_keys))
    unknown = [key for key in chosen if key not in catalog.locations]
    if unknown:
        raise cat.CatalogError(f"not in the catalog: {', '.join(unknown)}")
    summary = import_catalog(
        session=session,
        tenant_id=tenant_id,
        catalog=catalog,
        location_keys=chosen or None,
        service_keys=services_of(catalog, chosen) if chosen else None,
    )
    record(
        session=session,
        actor=actor,
        action=AppointmentsAction.CATALOG_IMPORTED,
        object_type="appointment_catalog",
        details={
            "services": summary.services,
            "locations": summary.locations,
            "offers": summary.offers,
            "location_keys": chosen,
            "files": [services_json.name, locations_json.name],
        },
        tenant_id=tenant_id,
    )
    return summary


def closures_from(*, session: Session, location: Location, since: dt.date) -> list[Closure]:
    """The location's closures that end on or after ``since`` (local day), in order."""
    start = to_utc(dt.datetime.combine(since, dt.time()))
    return list(
        session.scalars(
            select(Closure)
            .where(Closure.location_id == location.id, Closure.end > start)
            .order_by(Closure.start)
        )
    )
