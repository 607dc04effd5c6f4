"""Daily demand forecast per series (service × location), its naive baseline and a backtest.

The model is a negative-binomial GLM (statsmodels) with a log link over

- weekday dummies (the first opening weekday is the reference),
- yearly Fourier terms (order 4) and an indicator for the Christmas holidays (21 December – 6 January),
  both only when the history spans most of a year,
- the number of closed opening weekdays right before and right after the day (demand of a holiday moves
  to its neighbours),
- a linear trend in years.

It is fitted in two steps: a Poisson GLM gives the means, the dispersion α is their moment estimate
(``variance = μ + α μ²``), and the negative-binomial GLM with that α gives the final coefficients. The
interval at ``level`` is the central interval of the negative binomial with the forecast mean and α.
Closed days forecast 0.

The baseline ``naive_forecast`` is "same weekday last week": the count of the most recent open day with
the same weekday at least 7 days before (so a holiday last week falls back to the week before).
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rathaus.appointments.planning.history import HistoryDay, series_counts
from rathaus.appointments.planning.workdays import WORKING_WEEKDAYS, closed_neighbours, is_open_day

if TYPE_CHECKING:
    import numpy as np

FOURIER_ORDER = 4
SEASONAL_MIN_SPAN_DAYS = 330  # a shorter history cannot tell yearly seasonality from noise
MIN_OBSERVATIONS = 20
_YEAR = 365.25
_MAX_LOG_MEAN = math.log(1e6)


@dataclass(frozen=True, slots=True)
class ForecastPoint:
    """The forecast of one day: mean, the interval at the model's level, and the dispersion α."""

    day: dt.date
    open: bool
    expected: float
    lower: int
    upper: int
    dispersion: float = 0.0  # negative binomial α (0: Poisson); capacity.py needs it for quantiles


@dataclass(frozen=True, slots=True)
class DemandModel:
    """A fitted demand model of one series; plain values, so it can be stored and reused."""

    state: str
    origin: dt.date  # trend time zero: the first day of the history
    columns: tuple[str, ...]
    coefficients: tuple[float, ...]
    dispersion: float
    seasonal: bool
    open_weekdays: tuple[int, ...]
    closed_days: frozenset[dt.date]
    observations: int


@dataclass(frozen=True, slots=True)
class BacktestResult:
    """Forecast quality on the last weeks of a history, the model against the naive baseline.

    MAPE (in %) is the mean of |actual − forecast| / actual over the open days of the holdout with at
    least one booking, pooled over all series; open days with no booking are counted in ``zero_days``
    and left out (the ratio is undefined there). ``coverage`` is the share of those days whose actual
    lies inside the model's interval. The model is fitted once, on the data before the holdout; the
    baseline sees every actual up to a week before the day it forecasts.
    """

    forecast_mape: float
    baseline_mape: float
    coverage: float
    level: float
    days: int
    zero_days: int
    series: int
    holdout_start: dt.date
    holdout_end: dt.date
    fit_seconds: float


@dataclass(frozen=True, slots=True)
class _Spec:
    """What the features of a day depend on besides the day."""

    origin: dt.date
    state: str
    open_weekdays: tuple[int, ...]
    closed_days: frozenset[dt.date]
    seasonal: bool


def _features(day: dt.date, spec: _Spec) -> dict[str, float]:
    features = {"intercept": 1.0}
    for weekday in range(7):
        features[f"weekday_{weekday}"] = float(day.weekday() == weekday)
    if spec.seasonal:
        angle = 2 * math.pi * day.timetuple().tm_yday / _YEAR
        for order in range(1, FOURIER_ORDER + 1):
            features[f"sin_{order}"] = math.sin(order * angle)
            features[f"cos_{order}"] = math.cos(order * angle)
        features["christmas"] = float(
            (day.month == 12 and day.day >= 21) or (day.month == 1 and day.day <= 6)
        )
    before, after = closed_neighbours(
        day, state=spec.state, open_weekdays=spec.open_weekdays, closed_days=spec.closed_days
    )
    features["closed_before"] = float(before)
    features["closed_after"] = float(after)
    features["trend"] = (day - spec.origin).days / _YEAR
    return features


def _design(days: Sequence[dt.date], columns: Sequence[str], spec: _Spec) -> np.ndarray:
    import numpy as np  # noqa: PLC0415 - importing the web app must not load numpy

    rows = [_features(day, spec) for day in days]
    return np.array([[row.get(column, 0.0) for column in columns] for row in rows], dtype=float)


def _chosen_columns(matrix: np.ndarray, names: list[str], open_weekdays: Sequence[int]) -> list[int]:
    """Columns that vary in the training data, without the reference weekday (else the design is singular)."""
    reference = f"weekday_{min(open_weekdays)}" if open_weekdays else ""
    chosen = []
    for index, name in enumerate(names):
        varies = name != reference and float(matrix[:, index].max() - matrix[:, index].min()) > 0
        if name == "intercept" or varies:
            chosen.append(index)
    return chosen


def fit_demand(
    *,
    counts: Mapping[dt.date, int],
    state: str,
    open_weekdays: Collection[int] = WORKING_WEEKDAYS,
    closed_days: Collection[dt.date] = (),
) -> DemandModel:
    """Fit the demand model of one series on its counts per open day (closed days are ignored).

    ``counts`` must hold every open day of the history, 0 where nothing was booked: a missing open day
    is left out of the fit, not counted as zero.

    Raises ``ValueError`` (English, for operators) with fewer than 20 open days of history.
    """
    import numpy as np  # noqa: PLC0415
    import statsmodels.api as sm  # noqa: PLC0415 - heavy (pandas, scipy): only when a model is fitted

    weekdays = tuple(sorted(open_weekdays))
    closed = frozenset(closed_days)
    days = sorted(
        day for day in counts if is_open_day(day, state=state, open_weekdays=weekdays, closed_days=closed)
    )
    if len(days) < MIN_OBSERVATIONS:
        raise ValueError(f"a demand model needs at least {MIN_OBSERVATIONS} open days, got {len(days)}")
    origin = days[0]
    seasonal = (days[-1] - days[0]).days >= SEASONAL_MIN_SPAN_DAYS
    spec = _Spec(origin, state, weekdays, closed, seasonal)
    names = list(_features(origin, spec))
    full = _design(days, names, spec)
    keep = _chosen_columns(full, names, weekdays)
    design = full[:, keep]
    columns = tuple(names[index] for index in keep)
    target = np.array([counts[day] for day in days], dtype=float)
    if target.sum() == 0:  # nothing was ever booked: forecast nothing
        coefficients = np.zeros(len(columns))
        coefficients[0] = -30.0
        return DemandModel(
            state, origin, columns, tuple(coefficients.tolist()), 0.0, seasonal, weekdays, closed, len(days)
        )
    poisson = sm.GLM(target, design, family=sm.families.Poisson()).fit()
    means = np.asarray(poisson.fittedvalues, dtype=float)
    dispersion = max(0.0, float(np.sum((target - means) ** 2 - target) / np.sum(means**2)))
    params = np.asarray(poisson.params, dtype=float)
    if dispersion > 1e-6:
        negative_binomial = sm.families.NegativeBinomial(alpha=dispersion)
        params = np.asarray(sm.GLM(target, design, family=negative_binomial).fit().params, dtype=float)
    return DemandModel(
        state=state,
        origin=origin,
        columns=columns,
        coefficients=tuple(float(value) for value in params),
        dispersion=round(dispersion, 6),
        seasonal=seasonal,
        open_weekdays=weekdays,
        closed_days=closed,
        observations=len(days),
    )


def demand_quantile(*, expected: float, dispersion: float, level: float) -> int:
    """The smallest count ``k`` with P(demand ≤ k) ≥ ``level`` (negative binomial; Poisson for α = 0)."""
    if not 0 < level < 1:
        raise ValueError(f"level must lie between 0 and 1, not {level}")
    if expected <= 0:
        return 0
    shape = 1 / dispersion if dispersion > 1e-9 else 0.0

    def log_pmf(count: int) -> float:
        if shape == 0.0:
            return count * math.log(expected) - expected - math.lgamma(count + 1)
        return (
            math.lgamma(count + shape)
            - math.lgamma(shape)
            - math.lgamma(count + 1)
            + shape * math.log(shape / (shape + expected))
            + count * math.log(expected / (shape + expected))
        )

    spread = math.sqrt(expected + dispersion * expected**2)
    cumulative = 0.0
    limit = int(expected + 40 * spread + 50)
    for count in range(limit + 1):
        cumulative += math.exp(log_pmf(count))
        if cumulative >= level:
            return count
    return limit


def forecast_demand(
    *,
    model: DemandModel,
    days: Sequence[dt.date],
    level: float = 0.8,
    closed_days: Collection[dt.date] = (),
) -> list[ForecastPoint]:
    """The forecast of each of ``days`` with its central interval at ``level`` (0 on closed days).

    ``closed_days`` adds closures known now to those the model was fitted with.
    """
    closed = model.closed_days | frozenset(closed_days)
    spec = _Spec(model.origin, model.state, model.open_weekdays, closed, model.seasonal)
    design = _design(days, model.columns, spec)
    import numpy as np  # noqa: PLC0415

    linear = np.clip(design @ np.array(model.coefficients), -50.0, _MAX_LOG_MEAN)
    points = []
    for day, mean in zip(days, np.exp(linear).tolist(), strict=True):
        if not is_open_day(day, state=model.state, open_weekdays=model.open_weekdays, closed_days=closed):
            points.append(ForecastPoint(day, False, 0.0, 0, 0, model.dispersion))
            continue
        lower = demand_quantile(expected=mean, dispersion=model.dispersion, level=(1 - level) / 2)
        upper = demand_quantile(expected=mean, dispersion=model.dispersion, level=(1 + level) / 2)
        points.append(ForecastPoint(day, True, round(mean, 3), lower, upper, model.dispersion))
    return points


def naive_forecast(
    *,
    counts: Mapping[dt.date, int],
    days: Sequence[dt.date],
    state: str,
    open_weekdays: Collection[int] = WORKING_WEEKDAYS,
    closed_days: Collection[dt.date] = (),
) -> list[ForecastPoint]:
    """Same weekday last week: the count of the latest open same weekday at least 7 days earlier.

    Looks back up to 8 weeks; with none found the forecast is 0. The interval is the point itself.
    """
    points = []
    for day in days:
        if not is_open_day(day, state=state, open_weekdays=open_weekdays, closed_days=closed_days):
            points.append(ForecastPoint(day, False, 0.0, 0, 0))
            continue
        value = 0
        for weeks in range(1, 9):
            earlier = day - dt.timedelta(weeks=weeks)
            if earlier in counts:
                value = counts[earlier]
                break
        points.append(ForecastPoint(day, True, float(value), value, value))
    return points


def _ape_sum(actual: Mapping[dt.date, int], points: Sequence[ForecastPoint]) -> tuple[float, int, int]:
    total, used, inside = 0.0, 0, 0
    for point in points:
        observed = actual.get(point.day, 0)
        if not point.open or observed == 0:
            continue
        total += abs(observed - point.expected) / observed
        used += 1
        inside += point.lower <= observed <= point.upper
    return total, used, inside


def backtest(
    *, history: Sequence[HistoryDay], state: str, holdout_weeks: int = 8, level: float = 0.8
) -> BacktestResult:
    """Fit each series on all but the last ``holdout_weeks`` weeks and compare with the naive baseline."""
    if not history:
        raise ValueError("the history is empty")
    last = max(row.day for row in history)
    holdout_start = last - dt.timedelta(weeks=holdout_weeks) + dt.timedelta(days=1)
    holdout = [holdout_start + dt.timedelta(days=offset) for offset in range((last - holdout_start).days + 1)]
    model_sum = naive_sum = 0.0
    days = inside = zero_days = 0
    fit_seconds = 0.0
    series = series_counts(history)
    for counts in series.values():
        training = {day: count for day, count in counts.items() if day < holdout_start}
        actual = {day: count for day, count in counts.items() if day >= holdout_start}
        started = time.perf_counter()
        model = fit_demand(counts=training, state=state)
        fit_seconds += time.perf_counter() - started
        model_total, used, covered = _ape_sum(actual, forecast_demand(model=model, days=holdout, level=level))
        naive_total, _, _ = _ape_sum(actual, naive_forecast(counts=counts, days=holdout, state=state))
        model_sum += model_total
        naive_sum += naive_total
        days += used
        inside += covered
        zero_days += sum(1 for count in actual.values() if count == 0)
    if days == 0:
        raise ValueError("the holdout has no open day with a booking")
    return BacktestResult(
        forecast_mape=round(100 * model_sum / days, 2),
        baseline_mape=round(100 * naive_sum / days, 2),
        coverage=round(inside / days, 3),
        level=level,
        days=days,
        zero_days=zero_days,
        series=len(series),
        holdout_start=holdout_start,
        holdout_end=last,
        fit_seconds=round(fit_seconds, 3),
    )
