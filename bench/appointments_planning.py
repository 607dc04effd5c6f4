"""Terminvergabe planning benchmark: demand forecast against the naive baseline, capacity served.

History: ``generate_history`` (rathaus.appointments.planning.history) for three services at one location
in Lower Saxony (NI), 2023-01-02 to 2025-12-31, seed 20260; its true parameters are returned under
``truth``. Holdout: the last 8 weeks (6 November – 31 December 2025, Christmas included); the model is
fitted once on everything before, the baseline (same weekday last week) sees the actuals up to a week
before each day. MAPE over open holdout days with at least one booking, pooled over the series (see
``BacktestResult``). ``oracle_mape`` forecasts with the true expected value: the floor the noise leaves.

Capacity: for each series, the suggestion at the 80 % service level for the holdout from the same
forecast, on Kfz opening windows (Monday–Friday 08:00–12:00, Thursday also 14:00–18:00, 10-minute slots,
20-minute appointments), against a fixed capacity with the same seats spread evenly (``served_share``).
Nothing was tuned on the holdout.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from rich.table import Table

from bench.common import console

SERVICES = ("kfz-zulassung", "kfz-abmeldung", "fuehrerschein")
START = dt.date(2023, 1, 2)
END = dt.date(2025, 12, 31)
SEED = 20260
STATE = "NI"
HOLDOUT_WEEKS = 8
SERVICE_LEVEL = 0.8
DURATION_MIN = 20


def _windows() -> list[Any]:
    from rathaus.appointments.catalog import OpeningWindow  # noqa: PLC0415

    morning = [OpeningWindow(day, dt.time(8), dt.time(12), 10, 2) for day in range(5)]
    return [*morning, OpeningWindow(3, dt.time(14), dt.time(18), 10, 2)]


def _oracle_mape(history: list[Any], holdout_start: dt.date) -> float:
    errors = [
        abs(row.booked - row.expected) / row.booked
        for row in history
        if row.open and row.day >= holdout_start and row.booked > 0
    ]
    return round(100 * sum(errors) / len(errors), 2)


def run_planning_bench() -> dict[str, Any]:
    """Backtest and capacity figures on the generated history (for bench/results/appointments.json)."""
    from rathaus.appointments.planning.capacity import served_share, suggest_capacity  # noqa: PLC0415
    from rathaus.appointments.planning.forecast import backtest, fit_demand, forecast_demand  # noqa: PLC0415
    from rathaus.appointments.planning.history import (  # noqa: PLC0415
        default_profiles,
        generate_history,
        no_show_rate,
        series_counts,
        truth,
    )

    started = time.perf_counter()
    history = generate_history(
        services=SERVICES, start=START, days=(END - START).days + 1, state=STATE, seed=SEED
    )
    generate_seconds = time.perf_counter() - started
    fit_demand(counts=series_counts(history)[(SERVICES[0], "hauptstelle")], state=STATE)  # import warm-up
    result = backtest(history=history, state=STATE, holdout_weeks=HOLDOUT_WEEKS, level=SERVICE_LEVEL)
    holdout_days = (END - result.holdout_start).days + 1
    holdout = [result.holdout_start + dt.timedelta(days=offset) for offset in range(holdout_days)]
    served = suggested = fixed = 0.0
    for counts in series_counts(history).values():
        model = fit_demand(counts={d: c for d, c in counts.items() if d < result.holdout_start}, state=STATE)
        forecast = forecast_demand(model=model, days=holdout, level=SERVICE_LEVEL)
        suggestions = suggest_capacity(
            forecast=forecast, windows=_windows(), duration_min=DURATION_MIN, service_level=SERVICE_LEVEL
        )
        share = served_share(
            actual={d: c for d, c in counts.items() if d >= result.holdout_start}, suggestions=suggestions
        )
        served += share.demand
        suggested += share.suggested * share.demand
        fixed += share.fixed * share.demand
    return {
        "forecast_mape": result.forecast_mape,
        "baseline_mape": result.baseline_mape,
        "oracle_mape": _oracle_mape(history, result.holdout_start),
        "forecast_beats_baseline": result.forecast_mape < result.baseline_mape,
        "interval_coverage": result.coverage,
        "interval_level": result.level,
        "served_share": round(suggested / served, 4),
        "fixed_served_share": round(fixed / served, 4),
        "service_level": SERVICE_LEVEL,
        "holdout": {
            "start": result.holdout_start.isoformat(),
            "end": result.holdout_end.isoformat(),
            "open_days_evaluated": result.days,
            "series": result.series,
        },
        "history": {
            "start": START.isoformat(),
            "end": END.isoformat(),
            "state": STATE,
            "seed": SEED,
            "services": list(SERVICES),
            "rows": len(history),
            "measured_no_show_rate": round(no_show_rate(history), 4),
        },
        "truth": truth(default_profiles(SERVICES)),
        "fit_seconds_total": result.fit_seconds,
        "fit_seconds_per_series": round(result.fit_seconds / result.series, 4),
        "generate_seconds": round(generate_seconds, 3),
    }


def main() -> None:
    """Run the planning benchmark and print its figures (the caller merges them into the results file)."""
    figures = run_planning_bench()
    table = Table("figure", "value", title="bench/appointments_planning")
    for key, value in figures.items():
        if key not in {"truth", "history", "holdout"}:
            table.add_row(key, str(value))
    for key in ("history", "holdout"):
        for name, value in figures[key].items():
            table.add_row(f"{key}.{name}", str(value))
    console.print(table)


if __name__ == "__main__":
    main()
