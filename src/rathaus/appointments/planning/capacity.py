"""Suggested capacity per opening window from the demand forecast, the overbooking suggestion, and the
share of demand a capacity serves.

A window of ``L`` minutes with slots of ``s`` minutes and an appointment of ``d`` minutes: one appointment
takes ``ceil(d / s)`` slots, so one parallel seat (``OpeningWindow.online_capacity`` counts them) takes
``floor(L / (ceil(d / s) × s))`` appointments. The demand of a window is the day's forecast times the
window's share of the day (the intraday profile; by default proportional to the window's length). The
suggestion covers the ``service_level`` quantile of that demand: a negative binomial with the window's
mean and the forecast's dispersion (thinning keeps the dispersion). A person accepts or changes it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rathaus.appointments.catalog import OpeningWindow
from rathaus.appointments.planning.forecast import ForecastPoint, demand_quantile


@dataclass(frozen=True, slots=True)
class WindowSuggestion:
    """The suggested parallel online seats of one opening window on one day, with the reason (German)."""

    day: dt.date
    window: OpeningWindow
    share: float  # the window's share of the day's demand
    expected: float  # forecast appointments in the window
    target: int  # the demand to cover: the service-level quantile
    per_seat: int  # appointments one parallel seat takes in the window
    current_seats: int
    suggested_seats: int
    reason: str

    @property
    def suggested_places(self) -> int:
        return self.suggested_seats * self.per_seat

    @property
    def current_places(self) -> int:
        return self.current_seats * self.per_seat


@dataclass(frozen=True, slots=True)
class OverbookingSuggestion:
    """Extra seats to offer beyond the real ones because some citizens do not come; off by default."""

    seats: int
    extra: int
    no_show_rate: float
    risk: float  # the chance that more citizens come than there are seats, with the extra seats offered
    max_risk: float
    reason: str
    enabled: bool = False


@dataclass(frozen=True, slots=True)
class ServedShare:
    """The share of the actual demand that a capacity serves, the suggestion against a fixed one."""

    suggested: float
    fixed: float
    demand: float
    places: int  # the suggestion's appointment places in total


def _minutes(window: OpeningWindow) -> int:
    start = window.start.hour * 60 + window.start.minute
    return window.end.hour * 60 + window.end.minute - start


def appointments_per_seat(*, window: OpeningWindow, duration_min: int) -> int:
    """How many appointments of ``duration_min`` minutes one parallel seat takes in ``window``."""
    if duration_min <= 0:
        raise ValueError(f"duration must be positive, not {duration_min}")
    slots_needed = math.ceil(duration_min / window.slot_min)
    return _minutes(window) // (slots_needed * window.slot_min)


def _shares(windows: Sequence[OpeningWindow], profile: Sequence[float] | None) -> list[float]:
    """Each window's share of its weekday's demand, normalised per weekday."""
    weights = [float(_minutes(window)) for window in windows] if profile is None else list(profile)
    if len(weights) != len(windows):
        raise ValueError(f"the profile has {len(weights)} shares for {len(windows)} windows")
    if any(weight < 0 for weight in weights):
        raise ValueError("profile shares must not be negative")
    totals: dict[int, float] = defaultdict(float)
    for window, weight in zip(windows, weights, strict=True):
        totals[window.weekday] += weight
    return [
        weight / totals[window.weekday] if totals[window.weekday] else 0.0
        for window, weight in zip(windows, weights, strict=True)
    ]


def _reason(
    expected: float, target: int, level: float, current: int, seats: int, places: int, capped: bool
) -> str:
    text = (
        f"Prognose {expected:.0f} Termine ({round(level * 100)} %-Wert {target}), bisher {current} Plätze; "
        f"Vorschlag {seats} parallel = {places} Plätze"
    )
    return text + " (begrenzt auf die Höchstzahl)" if capped else text


def suggest_capacity(
    *,
    forecast: Sequence[ForecastPoint],
    windows: Sequence[OpeningWindow],
    duration_min: int,
    profile: Sequence[float] | None = None,
    service_level: float = 0.8,
    max_seats: int | None = None,
) -> list[WindowSuggestion]:
    """Suggested parallel online seats per window for every open forecast day, in day and window order.

    ``windows`` are the opening windows of the week (several per weekday allowed); ``profile`` gives a
    weight per window (same order), normalised per weekday; ``max_seats`` caps a suggestion.
    """
    if not 0 < service_level < 1:
        raise ValueError(f"service level must lie between 0 and 1, not {service_level}")
    if max_seats is not None and max_seats < 0:
        raise ValueError(f"max_seats must not be negative, not {max_seats}")
    shares = _shares(windows, profile)
    suggestions = []
    for point in sorted(forecast, key=lambda item: item.day):
        if not point.open:
            continue
        for window, share in zip(windows, shares, strict=True):
            if window.weekday != point.day.weekday():
                continue
            expected = point.expected * share
            target = demand_quantile(expected=expected, dispersion=point.dispersion, level=service_level)
            per_seat = appointments_per_seat(window=window, duration_min=duration_min)
            seats = math.ceil(target / per_seat) if per_seat else 0
            capped = max_seats is not None and seats > max_seats
            if max_seats is not None:
                seats = min(seats, max_seats)
            reason = _reason(
                expected,
                target,
                service_level,
                window.online_capacity * per_seat,
                seats,
                seats * per_seat,
                capped,
            )
            if per_seat == 0:
                reason = "Das Zeitfenster ist kürzer als ein Termin."
            suggestions.append(
                WindowSuggestion(
                    point.day,
                    window,
                    share,
                    round(expected, 2),
                    target,
                    per_seat,
                    window.online_capacity,
                    seats,
                    reason,
                )
            )
    return suggestions


def weekday_template(suggestions: Sequence[WindowSuggestion]) -> dict[tuple[int, dt.time], int]:
    """One value per weekday and window start for a standing plan: the median suggestion (rounded up)."""
    grouped: dict[tuple[int, dt.time], list[int]] = defaultdict(list)
    for suggestion in suggestions:
        grouped[(suggestion.window.weekday, suggestion.window.start)].append(suggestion.suggested_seats)
    template = {}
    for key, seats in grouped.items():
        ordered = sorted(seats)
        middle = len(ordered) // 2
        median = ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
        template[key] = math.ceil(median)
    return dict(sorted(template.items()))


def _binomial_tail(trials: int, probability: float, above: int) -> float:
    """P(X > above) for X ~ Binomial(trials, probability)."""
    if above >= trials:
        return 0.0
    if probability <= 0:
        return 0.0
    if probability >= 1:
        return 1.0
    log_p, log_q = math.log(probability), math.log1p(-probability)
    lgamma_n = math.lgamma(trials + 1)
    total = 0.0
    for count in range(above + 1, trials + 1):
        total += math.exp(
            lgamma_n
            - math.lgamma(count + 1)
            - math.lgamma(trials - count + 1)
            + count * log_p
            + (trials - count) * log_q
        )
    return min(1.0, total)


def overbooking_suggestion(
    *, no_show_rate: float, seats: int, max_risk: float = 0.05
) -> OverbookingSuggestion:
    """The most extra bookings on top of ``seats`` so that P(more arrivals than seats) stays ≤ ``max_risk``.

    Each booked citizen comes independently with probability ``1 − no_show_rate`` (binomial). The
    suggestion is conservative (0 for a small number of seats or a low rate) and ``enabled`` is False:
    a person must switch it on.
    """
    if not 0 <= no_show_rate < 1:
        raise ValueError(f"no-show rate must lie in [0, 1), not {no_show_rate}")
    if seats < 0:
        raise ValueError(f"seats must not be negative, not {seats}")
    if not 0 < max_risk < 1:
        raise ValueError(f"max_risk must lie between 0 and 1, not {max_risk}")
    show = 1 - no_show_rate
    extra = 0
    risk = 0.0
    while seats > 0:
        candidate = _binomial_tail(seats + extra + 1, show, seats)
        if candidate > max_risk:
            break
        extra += 1
        risk = candidate
    percent = round(no_show_rate * 100, 1)
    reason = (
        f"Bei {percent} % nicht wahrgenommenen Terminen können {extra} zusätzliche Termine vergeben werden; "
        f"die Wahrscheinlichkeit, dass mehr Personen kommen als Plätze da sind, liegt dann bei "
        f"{round(risk * 100, 1)} %. Standardmäßig ausgeschaltet."
    )
    return OverbookingSuggestion(seats, extra, no_show_rate, round(risk, 4), max_risk, reason)


def served_share(*, actual: Mapping[dt.date, int], suggestions: Sequence[WindowSuggestion]) -> ServedShare:
    """The share of actual demand served by the suggestion and by a fixed capacity with as many seats.

    A window's actual demand is the day's actual count times the window's share (the same profile as the
    suggestion); demand above a window's places is lost, not carried over. The fixed baseline is a
    constant number of parallel seats: the suggestion's seats summed over all windows, spread evenly
    over the same windows (whole seats, the remainder to the first windows).
    """
    total_seats = sum(item.suggested_seats for item in suggestions)
    even, remainder = divmod(total_seats, len(suggestions)) if suggestions else (0, 0)
    places = sum(item.suggested_places for item in suggestions)
    demand = served = served_fixed = 0.0
    for index, item in enumerate(suggestions):
        wanted = actual.get(item.day, 0) * item.share
        fixed_places = (even + (index < remainder)) * item.per_seat
        demand += wanted
        served += min(wanted, item.suggested_places)
        served_fixed += min(wanted, fixed_places)
    if demand == 0:
        return ServedShare(1.0, 1.0, 0.0, places)
    return ServedShare(round(served / demand, 4), round(served_fixed / demand, 4), round(demand, 1), places)
