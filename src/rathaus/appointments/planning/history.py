"""A deterministic synthetic booking history with known patterns, for the demo and the benchmark.

Per day, service and location: the appointments booked online, the no-shows among them and the walk-ins.
The true expected bookings of an open day are

    base × location factor × weekday factor × yearly factor × exp(trend × years since start)
    + the shifted demand of neighbouring closed days,

drawn from a negative binomial with that mean and variance ``mean + dispersion × mean²``.
The true parameters are the constants below and each series' ``ServiceProfile``; ``truth()`` states
them for the benchmark.

- Weekly: open Monday to Friday, Thursday is the long day (×1.30), Wednesday the short one, no
  appointments at weekends.
- Yearly: a spring peak (vehicle registrations before the season, mid-April), a second one before the
  summer holidays (late June), a summer dip (August) and a deep dip between Christmas and New Year. A
  profile's ``seasonal_strength`` scales all four (1.0 for vehicle services, 0.3 for others).
- Holidays: the public holidays of the state are closed; the expected demand of a closed weekday moves
  to the open days around it (40 % to the previous open day, 60 % to the next one).
- Trend: ``trend_per_year`` (+4 % a year by default), continuous.
- No-shows: binomial with the profile's ``no_show_rate`` (8–15 %); walk-ins: Poisson around
  ``walk_in_per_day`` × weekday factor.
"""

from __future__ import annotations

import datetime as dt
import math
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from rathaus.appointments.planning.workdays import is_open_day

if TYPE_CHECKING:
    import numpy as np

WEEKDAY_FACTORS: Mapping[int, float] = {0: 1.10, 1: 1.00, 2: 0.75, 3: 1.30, 4: 0.80}
# (day of year of the centre, width in days (standard deviation), relative height)
SEASON_BUMPS: tuple[tuple[float, float, float], ...] = (
    (105.0, 30.0, 0.30),  # spring: vehicles registered before the season
    (172.0, 12.0, 0.18),  # before the summer holidays
    (225.0, 18.0, -0.15),  # summer holidays
    (363.0, 5.0, -0.50),  # between Christmas and New Year
)
SHIFT_BEFORE = 0.4  # share of a closed day's demand that moves to the previous open day
SHIFT_AFTER = 0.6  # ... and to the next open day
DISPERSION = 0.03  # negative binomial: variance = mean + DISPERSION × mean²
_YEAR = 365.25


@dataclass(frozen=True, slots=True)
class ServiceProfile:
    """The true parameters of one service's demand in the synthetic history."""

    base_per_day: float  # expected bookings on an ordinary Tuesday at the first location, at the start
    no_show_rate: float
    seasonal_strength: float = 1.0
    trend_per_year: float = 0.04  # continuous growth rate: exp(0.04) ≈ +4 % a year
    walk_in_per_day: float = 2.0


@dataclass(frozen=True, slots=True)
class HistoryDay:
    """One day of one series: what was booked, who did not come, who walked in."""

    day: dt.date
    service: str
    location: str
    open: bool
    booked: int
    no_shows: int
    walk_ins: int
    expected: float  # the true expected bookings (0 on closed days), for checks and the benchmark


def default_profiles(services: Sequence[str]) -> dict[str, ServiceProfile]:
    """A profile per service: the first is the busiest; vehicle services ("kfz" in the id) are seasonal.

    No-show rates lie between 8 and 15 %, fixed per service id (a checksum, not ``hash``).
    """
    profiles = {}
    for index, service in enumerate(services):
        spread = zlib.crc32(service.encode("utf-8")) % 1000 / 1000
        profiles[service] = ServiceProfile(
            base_per_day=round(40.0 * 0.6**index, 2),
            no_show_rate=round(0.08 + 0.07 * spread, 3),
            seasonal_strength=1.0 if "kfz" in service.lower() else 0.3,
            walk_in_per_day=round(2.0 * 0.6**index, 2),
        )
    return profiles


def location_factor(index: int) -> float:
    """The demand of the ``index``-th location relative to the first (1, 0.67, 0.5, ...)."""
    return 1.0 / (1.0 + 0.5 * index)


def yearly_factor(day: dt.date, *, strength: float = 1.0) -> float:
    """The true yearly seasonality on ``day``: 1 plus the seasonal bumps, scaled by ``strength``."""
    position = day.timetuple().tm_yday
    total = 0.0
    for centre, width, height in SEASON_BUMPS:
        distance = abs(position - centre)
        distance = min(distance, _YEAR - distance)  # the year wraps around (Christmas into January)
        total += height * math.exp(-0.5 * (distance / width) ** 2)
    return max(0.05, 1.0 + strength * total)


def _base_means(days: list[dt.date], profile: ServiceProfile, factor: float, start: dt.date) -> list[float]:
    """Expected bookings per day before holiday shifts (also for closed weekdays: that demand moves)."""
    means = []
    for day in days:
        weekday_factor = WEEKDAY_FACTORS.get(day.weekday(), 0.0)
        years = (day - start).days / _YEAR
        means.append(
            profile.base_per_day
            * factor
            * weekday_factor
            * yearly_factor(day, strength=profile.seasonal_strength)
            * math.exp(profile.trend_per_year * years)
        )
    return means


def _shift_closed_demand(means: list[float], is_open: list[bool], weekday: list[int]) -> list[float]:
    """Move the demand of closed working weekdays to the previous and the next open day."""
    shifted = [mean if opened else 0.0 for mean, opened in zip(means, is_open, strict=True)]
    open_indices = [index for index, opened in enumerate(is_open) if opened]
    for index, opened in enumerate(is_open):
        if opened or weekday[index] not in WEEKDAY_FACTORS:
            continue
        before = [i for i in open_indices if i < index]
        after = [i for i in open_indices if i > index]
        if before:
            shifted[before[-1]] += SHIFT_BEFORE * means[index]
        if after:
            shifted[after[0]] += SHIFT_AFTER * means[index]
    return shifted


def generate_history(
    *,
    services: Sequence[str],
    start: dt.date,
    days: int,
    state: str = "NI",
    seed: int = 0,
    locations: Sequence[str] = ("hauptstelle",),
    profiles: Mapping[str, ServiceProfile] | None = None,
    dispersion: float = DISPERSION,
) -> list[HistoryDay]:
    """Every day × location × service from ``start`` for ``days`` days, the same for the same arguments.

    Closed days (weekends, the state's holidays) are included with zeros and ``open=False``.
    Example: ``generate_history(services=["kfz-zulassung"], start=date(2024, 1, 1), days=365)``.
    """
    if days < 1:
        raise ValueError(f"days must be positive, not {days}")
    chosen = dict(profiles) if profiles is not None else default_profiles(services)
    import numpy as np  # noqa: PLC0415 - the web app imports this module, numpy only when drawing

    rng = np.random.default_rng(seed)
    calendar = [start + dt.timedelta(days=offset) for offset in range(days)]
    # a week of margin on both sides so that a closed first or last day still shifts its demand
    padded = [start + dt.timedelta(days=offset) for offset in range(-7, days + 7)]
    padded_open = [is_open_day(day, state=state) for day in padded]
    weekday = [day.weekday() for day in padded]
    rows: list[HistoryDay] = []
    for location_index, location in enumerate(locations):
        for service in services:
            profile = chosen[service]
            means = _base_means(padded, profile, location_factor(location_index), start)
            shifted = _shift_closed_demand(means, padded_open, weekday)[7 : 7 + days]
            opened = padded_open[7 : 7 + days]
            rows.extend(
                _draw(rng, calendar, opened, shifted, profile, service, location, dispersion=dispersion)
            )
    return rows


def _draw(
    rng: np.random.Generator,
    calendar: list[dt.date],
    opened: list[bool],
    means: list[float],
    profile: ServiceProfile,
    service: str,
    location: str,
    *,
    dispersion: float,
) -> list[HistoryDay]:
    rows = []
    for day, is_open, mean in zip(calendar, opened, means, strict=True):
        if not is_open:
            rows.append(HistoryDay(day, service, location, False, 0, 0, 0, 0.0))
            continue
        # negative binomial as a gamma-mixed Poisson
        rate = rng.gamma(shape=1 / dispersion, scale=mean * dispersion) if dispersion > 0 else mean
        booked = int(rng.poisson(rate))
        no_shows = int(rng.binomial(booked, profile.no_show_rate))
        walk_ins = int(rng.poisson(profile.walk_in_per_day * WEEKDAY_FACTORS[day.weekday()]))
        rows.append(HistoryDay(day, service, location, True, booked, no_shows, walk_ins, round(mean, 3)))
    return rows


def series_counts(
    history: Sequence[HistoryDay], *, field: str = "booked"
) -> dict[tuple[str, str], dict[dt.date, int]]:
    """The history as counts of open days per series ``(service, location)``; ``field`` picks the count."""
    if field not in {"booked", "no_shows", "walk_ins"}:
        raise ValueError(f"field must be booked, no_shows or walk_ins, not {field!r}")
    series: dict[tuple[str, str], dict[dt.date, int]] = {}
    for row in history:
        if row.open:
            series.setdefault((row.service, row.location), {})[row.day] = int(getattr(row, field))
    return series


def no_show_rate(history: Sequence[HistoryDay]) -> float:
    """The measured no-show rate: no-shows over booked appointments (0 when nothing was booked)."""
    booked = sum(row.booked for row in history)
    return sum(row.no_shows for row in history) / booked if booked else 0.0


def truth(profiles: Mapping[str, ServiceProfile], *, dispersion: float = DISPERSION) -> dict[str, Any]:
    """The true parameters of a generated history, as plain values (for the benchmark's results)."""
    return {
        "weekday_factors": {str(day): factor for day, factor in WEEKDAY_FACTORS.items()},
        "season_bumps": [
            {"day_of_year": centre, "width_days": width, "height": height}
            for centre, width, height in SEASON_BUMPS
        ],
        "holiday_shift": {"before": SHIFT_BEFORE, "after": SHIFT_AFTER},
        "dispersion": dispersion,
        "profiles": {service: asdict(profile) for service, profile in profiles.items()},
    }
