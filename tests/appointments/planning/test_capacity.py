from __future__ import annotations

import datetime as dt
import math

import pytest

from rathaus.appointments.catalog import OpeningWindow
from rathaus.appointments.planning.capacity import (
    appointments_per_seat,
    overbooking_suggestion,
    served_share,
    suggest_capacity,
    weekday_template,
)
from rathaus.appointments.planning.forecast import ForecastPoint

MONDAY, TUESDAY = dt.date(2025, 3, 3), dt.date(2025, 3, 4)
WINDOWS = [
    OpeningWindow(0, dt.time(8), dt.time(12), 10, 2),  # 4 h
    OpeningWindow(0, dt.time(13), dt.time(15), 10, 2),  # 2 h
    OpeningWindow(1, dt.time(8), dt.time(12), 10, 2),
]


def _point(day: dt.date, expected: float, *, open_: bool = True) -> ForecastPoint:
    return ForecastPoint(day, open_, expected, 0, 0, 0.0)


def test_one_seat_takes_as_many_appointments_as_fit_into_the_window() -> None:
    assert appointments_per_seat(window=WINDOWS[0], duration_min=20) == 12
    assert appointments_per_seat(window=WINDOWS[0], duration_min=25) == 8  # 3 slots = 30 min
    assert (
        appointments_per_seat(window=OpeningWindow(0, dt.time(8), dt.time(8, 20), 10, 1), duration_min=30)
        == 0
    )


def test_more_seats_on_a_forecast_peak_split_by_window_length() -> None:
    quiet, busy = dt.date(2025, 3, 10), dt.date(2025, 3, 17)
    suggestions = suggest_capacity(
        forecast=[_point(busy, 90.0), _point(quiet, 30.0), _point(TUESDAY, 0.0)],
        windows=WINDOWS,
        duration_min=20,
    )
    assert [(s.day, s.window.start) for s in suggestions] == [
        (TUESDAY, dt.time(8)),
        (quiet, dt.time(8)),
        (quiet, dt.time(13)),
        (busy, dt.time(8)),
        (busy, dt.time(13)),
    ]
    by_key = {(s.day, s.window.start): s for s in suggestions}
    assert by_key[(busy, dt.time(8))].expected == 60.0  # two thirds of the day's minutes
    assert by_key[(busy, dt.time(8))].suggested_seats > by_key[(quiet, dt.time(8))].suggested_seats
    assert by_key[(TUESDAY, dt.time(8))].suggested_seats == 0
    assert all(s.suggested_seats >= 0 for s in suggestions)
    morning = by_key[(busy, dt.time(8))]
    assert morning.target >= 60  # the 80 % quantile is above the mean
    assert morning.suggested_seats == math.ceil(morning.target / 12)
    assert morning.reason.startswith(f"Prognose 60 Termine (80 %-Wert {morning.target}), bisher 24 Plätze")


def test_closed_days_get_no_suggestion_and_the_maximum_caps_it() -> None:
    suggestions = suggest_capacity(
        forecast=[_point(MONDAY, 300.0), _point(TUESDAY, 300.0, open_=False)],
        windows=WINDOWS,
        duration_min=20,
        max_seats=5,
    )
    assert {s.day for s in suggestions} == {MONDAY}
    assert all(s.suggested_seats == 5 for s in suggestions)
    assert all("begrenzt auf die Höchstzahl" in s.reason for s in suggestions)
    with pytest.raises(ValueError, match="profile has 1 shares"):
        suggest_capacity(forecast=[_point(MONDAY, 10.0)], windows=WINDOWS, duration_min=20, profile=[1.0])


def test_an_intraday_profile_moves_demand_between_windows() -> None:
    suggestions = suggest_capacity(
        forecast=[_point(MONDAY, 40.0)], windows=WINDOWS, duration_min=20, profile=[1.0, 3.0, 1.0]
    )
    assert [s.share for s in suggestions] == [0.25, 0.75]
    assert suggestions[1].suggested_seats > suggestions[0].suggested_seats


def test_the_weekday_template_takes_the_median() -> None:
    days = [MONDAY + dt.timedelta(weeks=week) for week in range(3)]
    suggestions = suggest_capacity(
        forecast=[_point(day, value) for day, value in zip(days, (10.0, 50.0, 200.0), strict=True)],
        windows=WINDOWS[:1],
        duration_min=20,
    )
    middle = sorted(s.suggested_seats for s in suggestions)[1]
    assert weekday_template(suggestions) == {(0, dt.time(8)): middle}


def _tail(trials: int, show: float, seats: int) -> float:
    return sum(
        math.comb(trials, k) * show**k * (1 - show) ** (trials - k) for k in range(seats + 1, trials + 1)
    )


def test_overbooking_keeps_the_chance_of_too_many_arrivals_under_five_percent() -> None:
    suggestion = overbooking_suggestion(no_show_rate=0.12, seats=40)
    assert suggestion.enabled is False
    assert suggestion.extra >= 1
    assert _tail(40 + suggestion.extra, 0.88, 40) <= 0.05 < _tail(40 + suggestion.extra + 1, 0.88, 40)
    assert math.isclose(suggestion.risk, _tail(40 + suggestion.extra, 0.88, 40), abs_tol=1e-4)
    assert f"{suggestion.extra} zusätzliche Termine" in suggestion.reason
    assert overbooking_suggestion(no_show_rate=0.0, seats=40).extra == 0
    assert overbooking_suggestion(no_show_rate=0.12, seats=4).extra == 0  # too few seats to risk it
    assert overbooking_suggestion(no_show_rate=0.3, seats=100).extra > suggestion.extra
    with pytest.raises(ValueError, match="no-show rate"):
        overbooking_suggestion(no_show_rate=1.2, seats=10)


def test_served_share_counts_lost_demand_against_an_even_fixed_capacity() -> None:
    suggestions = suggest_capacity(
        forecast=[_point(MONDAY, 30.0), _point(MONDAY + dt.timedelta(weeks=1), 120.0)],
        windows=WINDOWS[:1],
        duration_min=20,
        service_level=0.5,
    )
    quiet_seats, busy_seats = (s.suggested_seats for s in suggestions)
    assert quiet_seats < busy_seats
    actual = {MONDAY: 30, MONDAY + dt.timedelta(weeks=1): 120}
    share = served_share(actual=actual, suggestions=suggestions)
    assert share.suggested == 1.0
    even = (quiet_seats + busy_seats) // 2 * 12
    assert share.fixed == round(
        (min(30, even + 12 * ((quiet_seats + busy_seats) % 2)) + min(120, even)) / 150, 4
    )
    assert share.fixed < 1.0
    assert share.places == (quiet_seats + busy_seats) * 12
