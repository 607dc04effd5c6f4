from __future__ import annotations

import datetime as dt
import math
import statistics

from rathaus.appointments.planning.history import (
    WEEKDAY_FACTORS,
    ServiceProfile,
    default_profiles,
    generate_history,
    no_show_rate,
    series_counts,
    truth,
    yearly_factor,
)
from rathaus.appointments.planning.workdays import closed_neighbours, is_open_day

START = dt.date(2024, 1, 1)


def _year(seed: int = 0, services: tuple[str, ...] = ("kfz-zulassung", "fuehrerschein")) -> list:
    return generate_history(services=services, start=START, days=366, seed=seed)


def test_the_same_arguments_give_the_same_history_and_another_seed_another() -> None:
    first, again, other = _year(seed=4), _year(seed=4), _year(seed=5)
    assert first == again
    assert [row.booked for row in first] != [row.booked for row in other]
    assert len(first) == 2 * 366


def test_weekends_and_the_states_holidays_are_closed_with_nothing_booked() -> None:
    rows = {(row.day, row.service): row for row in _year()}
    saturday, labour_day, reformation_day = dt.date(2024, 1, 6), dt.date(2024, 5, 1), dt.date(2024, 10, 31)
    for day in (saturday, labour_day, reformation_day):  # Reformationstag is a holiday in Lower Saxony
        row = rows[(day, "kfz-zulassung")]
        assert not row.open
        assert (row.booked, row.no_shows, row.walk_ins) == (0, 0, 0)
    assert rows[(dt.date(2024, 5, 2), "kfz-zulassung")].open
    assert is_open_day(reformation_day, state="BY")  # but not in Bavaria
    assert not is_open_day(reformation_day, state="NI")


def test_the_weekly_pattern_thursday_long_day_is_in_the_counts() -> None:
    rows = [row for row in _year() if row.open and row.service == "kfz-zulassung"]
    by_weekday = {
        weekday: statistics.mean(row.booked for row in rows if row.day.weekday() == weekday)
        for weekday in range(5)
    }
    assert max(by_weekday, key=by_weekday.__getitem__) == 3
    assert min(by_weekday, key=by_weekday.__getitem__) == 2
    ratio = by_weekday[3] / by_weekday[2]
    assert abs(ratio - WEEKDAY_FACTORS[3] / WEEKDAY_FACTORS[2]) < 0.25


def test_vehicle_demand_peaks_in_spring_and_drops_at_christmas() -> None:
    rows = [row for row in _year() if row.open and row.service == "kfz-zulassung"]
    april = statistics.mean(row.booked for row in rows if row.day.month == 4)
    november = statistics.mean(row.booked for row in rows if row.day.month == 11)
    assert april > 1.2 * november
    expected = {row.day: row.expected for row in rows}
    assert expected[dt.date(2024, 12, 30)] < 0.7 * expected[dt.date(2024, 11, 25)]  # two ordinary Mondays
    assert yearly_factor(dt.date(2024, 12, 28)) < 0.6 < 1.25 < yearly_factor(dt.date(2024, 4, 15))
    assert 0.85 < yearly_factor(dt.date(2024, 12, 28), strength=0.3) < 1.0  # other services: milder


def test_the_demand_of_a_holiday_moves_to_its_neighbours() -> None:
    rows = {row.day: row for row in _year() if row.service == "kfz-zulassung"}
    after_easter, week_later = (
        dt.date(2024, 4, 2),
        dt.date(2024, 4, 9),
    )  # Good Friday and Easter Monday closed
    assert closed_neighbours(after_easter, state="NI") == (2, 0)
    assert closed_neighbours(dt.date(2024, 3, 28), state="NI") == (0, 2)
    assert rows[after_easter].expected > 1.8 * rows[week_later].expected


def test_trend_and_no_show_rates_follow_the_stated_truth() -> None:
    profile = ServiceProfile(base_per_day=30.0, no_show_rate=0.12, trend_per_year=0.10)
    history = generate_history(
        services=["kfz-zulassung"], start=START, days=2 * 365, profiles={"kfz-zulassung": profile}, seed=2
    )
    expected = {row.day: row.expected for row in history}
    # two ordinary Tuesdays 52 weeks apart: the trend, and one day of seasonal drift
    first, second = dt.date(2024, 2, 13), dt.date(2025, 2, 11)
    assert math.isclose(expected[second] / expected[first], math.exp(0.10 * 364 / 365.25), rel_tol=0.03)
    assert abs(no_show_rate(history) - 0.12) < 0.015
    for service_profile in default_profiles(["kfz-zulassung", "kfz-abmeldung", "fuehrerschein"]).values():
        assert 0.08 <= service_profile.no_show_rate <= 0.15
    stated = truth({"kfz-zulassung": profile})
    assert stated["profiles"]["kfz-zulassung"]["trend_per_year"] == 0.10
    assert stated["weekday_factors"]["3"] == 1.30


def test_series_counts_keep_open_days_per_service_and_location() -> None:
    history = generate_history(
        services=["kfz-zulassung"], start=START, days=14, locations=("nord", "sued"), seed=1
    )
    series = series_counts(history)
    assert set(series) == {("kfz-zulassung", "nord"), ("kfz-zulassung", "sued")}
    assert len(series[("kfz-zulassung", "nord")]) == 9  # 10 weekdays, New Year's Day closed
    walk_ins = series_counts(history, field="walk_ins")[("kfz-zulassung", "sued")]
    assert sum(walk_ins.values()) == sum(r.walk_ins for r in history if r.location == "sued")
