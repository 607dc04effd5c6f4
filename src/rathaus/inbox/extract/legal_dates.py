"""Legal date arithmetic for Fristen: BGB §§ 187, 188, 193 and working days per federal state."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from functools import lru_cache

import holidays

WEEKDAYS = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")
MONTHS = (
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
)


@lru_cache(maxsize=64)
def _holidays(state: str, year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("DE", subdiv=state, years=year, language="de")


def is_public_holiday(day: date, *, state: str) -> bool:
    """True when ``day`` is a public holiday in the German federal state ``state`` (e.g. ``"NI"``)."""
    return day in _holidays(state, day.year)


def is_working_day(day: date, *, state: str) -> bool:
    """Monday to Friday and no public holiday in ``state``."""
    return day.weekday() < 5 and not is_public_holiday(day, state=state)


def next_working_day(day: date, *, state: str) -> date:
    """``day`` itself when it is a working day, else the next one (BGB § 193)."""
    while not is_working_day(day, state=state):
        day += timedelta(days=1)
    return day


def add_months(day: date, months: int) -> date:
    """The same day number ``months`` later, or the month's last day where it has none (BGB § 188).

    >>> add_months(date(2026, 1, 31), 1)
    datetime.date(2026, 2, 28)
    """
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_working_days(day: date, count: int, *, state: str, saturdays: bool = False) -> date:
    """The ``count``-th working day after ``day``; ``day`` itself is not counted (BGB § 187).

    Arbeitstage are Monday to Friday; Werktage (``saturdays=True``) include Saturday, as in law.
    Public holidays of ``state`` never count.
    """
    while count > 0:
        day += timedelta(days=1)
        counts = (
            day.weekday() < 6 and not is_public_holiday(day, state=state)
            if saturdays
            else (is_working_day(day, state=state))
        )
        if counts:
            count -= 1
    return day


def end_of_month(year: int, month: int) -> date:
    """The last day of ``month``."""
    return date(year, month, calendar.monthrange(year, month)[1])


def german_date(day: date) -> str:
    """``"Montag, 16.03.2026"``: how the UI names a day."""
    return f"{WEEKDAYS[day.weekday()]}, {day:%d.%m.%Y}"


def why_not_working_day(day: date, *, state: str) -> str:
    """``"Samstag"``, ``"Sonntag"`` or the German name of the holiday (``"Feiertag"`` as a fallback)."""
    if day.weekday() >= 5:
        return WEEKDAYS[day.weekday()]
    name = _holidays(state, day.year).get(day)
    return f"Feiertag ({name})" if name else "Feiertag"
