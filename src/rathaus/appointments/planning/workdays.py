"""The calendar the planning shares: which days a location is open and how far a day sits from a closure.

A day is open when its weekday is an opening weekday, it is not a public holiday of the state
(``holidays``), and it is not one of the extra closed days (a closure of the location).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from functools import cache

import holidays

WORKING_WEEKDAYS = (0, 1, 2, 3, 4)  # Monday .. Friday
_NEIGHBOUR_REACH = 4  # how many weekdays a closure run may span before it stops counting (Easter: 2)


@cache
def _holidays(state: str, year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("DE", subdiv=state, years=year).keys())


def is_holiday(day: dt.date, *, state: str) -> bool:
    """Whether ``day`` is a public holiday in the German state ``state`` (e.g. "NI")."""
    return day in _holidays(state, day.year)


def is_open_day(
    day: dt.date,
    *,
    state: str,
    open_weekdays: Collection[int] = WORKING_WEEKDAYS,
    closed_days: Collection[dt.date] = (),
) -> bool:
    """Whether a location with these opening weekdays is open on ``day``."""
    return day.weekday() in open_weekdays and not is_holiday(day, state=state) and day not in closed_days


def closed_neighbours(
    day: dt.date,
    *,
    state: str,
    open_weekdays: Collection[int] = WORKING_WEEKDAYS,
    closed_days: Collection[dt.date] = (),
) -> tuple[int, int]:
    """How many opening weekdays right before and right after ``day`` are closed (holiday or closure).

    Weekdays that are never opening days (weekends) are skipped, so the Tuesday after Easter has
    ``(2, 0)``: Easter Monday and Good Friday before it are closed. Demand of a closed day moves to
    its open neighbours, which is why the forecast uses these counts.
    """
    counts = []
    for step in (-1, 1):
        closed = 0
        current = day
        for _ in range(_NEIGHBOUR_REACH * 2 + 2):
            current += dt.timedelta(days=step)
            if current.weekday() not in open_weekdays:
                continue
            if is_open_day(current, state=state, open_weekdays=open_weekdays, closed_days=closed_days):
                break
            closed += 1
            if closed == _NEIGHBOUR_REACH:
                break
        counts.append(closed)
    return counts[0], counts[1]
