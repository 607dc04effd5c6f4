"""Slot arithmetic of Terminvergabe: how long a booking takes, and where it still fits on a day.

Pure functions over the catalog values (``catalog.py``); no database. Times are local wall-clock times.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import holidays

from rathaus.appointments.catalog import Closure, Location, OpeningWindow, Service


class NotBookableError(ValueError):
    """A booking that is not allowed; the message is German and may be shown to the citizen."""


@dataclass(frozen=True, slots=True)
class Booked:
    """A booking already made online (``start`` inclusive, ``end`` exclusive)."""

    start: dt.datetime
    end: dt.datetime


def duration_for(services: Sequence[tuple[Service, int]], location: Location) -> dt.timedelta:
    """How long an appointment for these services (each with its quantity) takes at this location.

    The location's own duration per service times its quantity, summed, rounded up to the location's
    slot grid. Refuses (``NotBookableError``, German) an empty booking, a quantity below 1 or above the
    service's maximum, a service the location does not offer online, and services that may not be
    combined: every service must list every other one as combinable.
    """
    if not services:
        raise NotBookableError("Bitte wählen Sie mindestens eine Dienstleistung.")
    quantities: dict[str, int] = {}
    by_id: dict[str, Service] = {}
    for service, quantity in services:
        quantities[service.id] = quantities.get(service.id, 0) + quantity
        by_id[service.id] = service
    minutes = 0
    for service_id, quantity in quantities.items():
        service = by_id[service_id]
        if quantity < 1:
            raise NotBookableError(f"Die Anzahl für „{service.name}“ muss mindestens 1 sein.")
        if quantity > service.max_quantity:
            raise NotBookableError(
                f"„{service.name}“ kann höchstens {service.max_quantity}-mal in einem Termin gebucht werden."
            )
        offer = location.offer_for(service_id)
        if offer is None or not offer.bookable_online:
            raise NotBookableError(f"„{service.name}“ wird am Standort „{location.name}“ nicht angeboten.")
        minutes += offer.duration_min * quantity
    _check_combinable(list(by_id.values()))
    slot = max(location.slot_min, 1)
    return dt.timedelta(minutes=math.ceil(minutes / slot) * slot)


def _check_combinable(services: list[Service]) -> None:
    for first in services:
        for second in services:
            if first.id != second.id and second.id not in first.combinable_with:
                raise NotBookableError(
                    f"„{first.name}“ und „{second.name}“ können nicht in einem Termin gebucht werden. "
                    "Bitte buchen Sie dafür getrennte Termine."
                )


@cache
def _holidays(state: str, year: int) -> holidays.HolidayBase:
    try:
        return holidays.country_holidays("DE", subdiv=state, years=year)
    except NotImplementedError as error:
        raise ValueError(f"unknown German state code {state!r} (use e.g. 'NI', 'BY', 'BE')") from error


def is_public_holiday(day: dt.date, state: str) -> bool:
    """Whether ``day`` is a public holiday in the German state ``state`` (``"NI"``, ``"BY"`` ...)."""
    return day in _holidays(state, day.year)


def _slot_grid(
    day: dt.date, windows: Sequence[OpeningWindow], closures: Sequence[Closure]
) -> dict[dt.datetime, tuple[dt.timedelta, int]]:
    """Slot start → (slot length, online capacity) for the day, closures taken out."""
    grid: dict[dt.datetime, tuple[dt.timedelta, int]] = {}
    for window in windows:
        if window.weekday != day.weekday():
            continue
        step = dt.timedelta(minutes=window.slot_min)
        start = dt.datetime.combine(day, window.start)
        end = dt.datetime.combine(day, window.end)
        while start + step <= end:
            closed = any(c.start < start + step and start < c.end for c in closures)
            if not closed and window.online_capacity > 0:
                grid[start] = (step, window.online_capacity)
            start += step
    return grid


def free_slots(
    *,
    day: dt.date,
    windows: Sequence[OpeningWindow],
    closures: Sequence[Closure],
    holidays_of_state: str,
    booked: Sequence[Booked],
    duration: dt.timedelta,
) -> list[dt.datetime]:
    """The start times on ``day`` where a booking of ``duration`` still fits in the online capacity.

    A booking starts at a slot of a window on the day's weekday and covers consecutive slots (across
    adjoining windows) until its duration is used up; each slot it covers must have fewer bookings
    overlapping it than the window's online capacity. No slot overlaps a closure; a public holiday of
    the state has none at all. ``booked`` are the online bookings already made that day.
    """
    if duration <= dt.timedelta(0):
        raise ValueError(f"duration must be positive, not {duration}")
    if is_public_holiday(day, holidays_of_state):
        return []
    grid = _slot_grid(day, windows, closures)
    used = dict.fromkeys(grid, 0)
    for booking in booked:
        for start, (length, _capacity) in grid.items():
            if booking.start < start + length and start < booking.end:
                used[start] += 1
    return [start for start in sorted(grid) if _fits(start, duration, grid, used)]


def _fits(
    start: dt.datetime,
    duration: dt.timedelta,
    grid: dict[dt.datetime, tuple[dt.timedelta, int]],
    used: dict[dt.datetime, int],
) -> bool:
    end = start + duration
    cursor = start
    while cursor < end:
        slot = grid.get(cursor)
        if slot is None or used[cursor] >= slot[1]:
            return False
        cursor += slot[0]
    return True
