from __future__ import annotations

from datetime import date

import pytest

from rathaus.inbox.extract.legal_dates import (
    add_months,
    add_working_days,
    german_date,
    is_public_holiday,
    next_working_day,
    why_not_working_day,
)


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (date(2026, 1, 15), 1, date(2026, 2, 15)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),  # § 188 (3) BGB: no 31 February, so the last day
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2026, 12, 10), 1, date(2027, 1, 10)),
        (date(2026, 2, 28), 12, date(2027, 2, 28)),
    ],
)
def test_months_end_on_the_same_day_number(start: date, months: int, end: date) -> None:
    assert add_months(start, months) == end


def test_holidays_depend_on_the_state() -> None:
    corpus_christi = date(2026, 6, 4)
    assert is_public_holiday(corpus_christi, state="BY")
    assert not is_public_holiday(corpus_christi, state="NI")
    assert is_public_holiday(date(2026, 10, 31), state="NI")  # Reformationstag
    assert not is_public_holiday(date(2026, 10, 31), state="BW")


@pytest.mark.parametrize(
    ("day", "state", "expected"),
    [
        (date(2026, 3, 14), "NI", date(2026, 3, 16)),  # Saturday
        (date(2026, 3, 15), "NI", date(2026, 3, 16)),  # Sunday
        (date(2026, 4, 3), "NI", date(2026, 4, 7)),  # Karfreitag, then Ostermontag
        (date(2026, 6, 4), "BY", date(2026, 6, 5)),  # Fronleichnam
        (date(2026, 6, 4), "NI", date(2026, 6, 4)),
        (date(2026, 12, 25), "NI", date(2026, 12, 28)),
    ],
)
def test_next_working_day_follows_paragraph_193(day: date, state: str, expected: date) -> None:
    assert next_working_day(day, state=state) == expected


def test_working_days_skip_weekends_and_holidays_and_not_the_start_day() -> None:
    assert add_working_days(date(2026, 3, 2), 1, state="NI") == date(2026, 3, 3)
    assert add_working_days(date(2026, 3, 6), 1, state="NI") == date(2026, 3, 9)
    assert add_working_days(date(2026, 3, 30), 10, state="NI") == date(2026, 4, 15)


def test_werktage_count_saturdays_and_arbeitstage_do_not() -> None:
    monday = date(2026, 3, 2)
    assert add_working_days(monday, 6, state="NI", saturdays=True) == date(2026, 3, 9)  # Sat 7 counts
    assert add_working_days(monday, 6, state="NI") == date(2026, 3, 10)
    # Good Friday and Easter Monday 2026 (3 and 6 April) count neither way
    assert add_working_days(date(2026, 4, 2), 2, state="NI", saturdays=True) == date(2026, 4, 7)


def test_german_names_for_the_ui() -> None:
    assert german_date(date(2026, 3, 16)) == "Montag, 16.03.2026"
    assert why_not_working_day(date(2026, 3, 14), state="NI") == "Samstag"
    assert why_not_working_day(date(2026, 4, 3), state="NI") == "Feiertag (Karfreitag)"
