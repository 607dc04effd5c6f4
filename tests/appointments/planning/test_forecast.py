from __future__ import annotations

import datetime as dt
import math
import subprocess
import sys

import pytest

from rathaus.appointments.planning.forecast import (
    backtest,
    demand_quantile,
    fit_demand,
    forecast_demand,
    naive_forecast,
)
from rathaus.appointments.planning.history import WEEKDAY_FACTORS, generate_history, series_counts


@pytest.fixture(scope="module")
def history() -> list:
    return generate_history(services=["kfz-zulassung"], start=dt.date(2023, 3, 1), days=560, seed=3)


def test_the_forecast_beats_same_weekday_last_week_on_the_holdout(history: list) -> None:
    result = backtest(history=history, state="NI", holdout_weeks=8)
    assert result.days >= 35
    assert result.forecast_mape < result.baseline_mape
    assert 0.6 <= result.coverage <= 0.95  # an 80 % interval holds about 80 % of the actuals
    assert result.holdout_end - result.holdout_start == dt.timedelta(weeks=8, days=-1)


def test_the_fitted_model_finds_the_weekly_pattern(history: list) -> None:
    model = fit_demand(counts=series_counts(history)[("kfz-zulassung", "hauptstelle")], state="NI")
    coefficient = dict(zip(model.columns, model.coefficients, strict=True))
    thursday_over_wednesday = math.exp(coefficient["weekday_3"] - coefficient["weekday_2"])
    assert abs(thursday_over_wednesday - WEEKDAY_FACTORS[3] / WEEKDAY_FACTORS[2]) < 0.2
    assert model.seasonal
    assert "weekday_0" not in model.columns  # Monday is the reference
    assert coefficient["closed_before"] > 0.1  # the day after a holiday is busier


def test_closed_days_forecast_nothing_and_open_days_an_interval(history: list) -> None:
    counts = series_counts(history)[("kfz-zulassung", "hauptstelle")]
    model = fit_demand(counts=counts, state="NI")
    extra_closure = dt.date(2024, 9, 18)
    days = [dt.date(2024, 9, 16) + dt.timedelta(days=offset) for offset in range(7)]
    points = forecast_demand(model=model, days=days, level=0.8, closed_days=[extra_closure])
    by_day = {point.day: point for point in points}
    assert not by_day[dt.date(2024, 9, 21)].open  # Saturday
    assert by_day[extra_closure].expected == 0.0
    monday = by_day[dt.date(2024, 9, 16)]
    assert monday.open
    assert monday.lower < monday.expected < monday.upper
    assert monday.dispersion == model.dispersion > 0


def test_naive_is_the_same_weekday_last_week_and_skips_a_holiday() -> None:
    counts = {dt.date(2024, 4, 22): 7, dt.date(2024, 4, 24): 9, dt.date(2024, 4, 29): 11}
    # 1 May 2024 (Wednesday) was closed, so 8 May falls back to 24 April
    points = naive_forecast(
        counts=counts, days=[dt.date(2024, 5, 6), dt.date(2024, 5, 8), dt.date(2024, 5, 11)], state="NI"
    )
    assert [point.expected for point in points] == [11.0, 9.0, 0.0]
    assert not points[2].open


def test_demand_quantile_matches_known_values() -> None:
    assert demand_quantile(expected=10, dispersion=0.0, level=0.8) == 13  # Poisson(10): F(12)=.79, F(13)=.86
    assert demand_quantile(expected=10, dispersion=0.0, level=0.5) == 10
    assert demand_quantile(expected=0, dispersion=0.1, level=0.9) == 0
    wider = demand_quantile(expected=40, dispersion=0.05, level=0.9)
    assert wider > demand_quantile(expected=40, dispersion=0.0, level=0.9)
    with pytest.raises(ValueError, match="level"):
        demand_quantile(expected=5, dispersion=0.0, level=1.0)


def test_a_short_history_is_refused_and_an_empty_one_forecasts_nothing() -> None:
    days = [dt.date(2024, 6, 3) + dt.timedelta(days=offset) for offset in range(40)]
    with pytest.raises(ValueError, match="at least 20 open days"):
        fit_demand(counts=dict.fromkeys(days[:10], 5), state="NI")
    model = fit_demand(counts=dict.fromkeys(days, 0), state="NI")
    assert not model.seasonal
    assert all(point.expected < 1e-6 for point in forecast_demand(model=model, days=days[-5:]))


def test_importing_the_planning_loads_neither_numpy_nor_statsmodels() -> None:
    code = (
        "import sys\n"
        "import rathaus.appointments.planning.capacity, rathaus.appointments.planning.chart\n"
        "print([m for m in ('numpy', 'statsmodels', 'pandas') if m in sys.modules])\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
