"""Forecast against actuals as a line chart: the points a page needs and a server-side inline SVG.

The SVG follows the platform's chart style (inline, ``role="img"``, colour #1f5f99, text #1a1a1a, no
JavaScript): actuals as a dark line, the forecast as a blue dashed line, its interval as a light band.
Closed days are left out. All text is escaped (markupsafe).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from rathaus.appointments.planning.forecast import ForecastPoint

BLUE = "#1f5f99"
TEXT = "#1a1a1a"
_LEFT, _RIGHT, _TOP, _BOTTOM = 56, 16, 36, 48


@dataclass(frozen=True, slots=True)
class ChartPoint:
    """One open day of the chart; a value is None where it does not exist (no actual yet, no forecast)."""

    day: dt.date
    actual: int | None
    forecast: float | None
    lower: int | None
    upper: int | None


def forecast_chart_points(
    *,
    actual: Mapping[dt.date, int],
    forecast: Sequence[ForecastPoint],
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> list[ChartPoint]:
    """Actual counts (open days) and forecast (open days) merged by day, in order, within [start, end]."""
    predicted = {point.day: point for point in forecast if point.open}
    days = sorted(set(actual) | set(predicted))
    points = []
    for day in days:
        if (start is not None and day < start) or (end is not None and day > end):
            continue
        point = predicted.get(day)
        points.append(
            ChartPoint(
                day=day,
                actual=actual.get(day),
                forecast=point.expected if point else None,
                lower=point.lower if point else None,
                upper=point.upper if point else None,
            )
        )
    return points


def _nice_step(top: float) -> float:
    raw = max(top, 1.0) / 4
    magnitude = 10.0 ** math.floor(math.log10(raw))
    for factor in (1.0, 2.0, 2.5, 5.0):
        if factor * magnitude >= raw:
            return factor * magnitude
    return 10.0 * magnitude


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _path(coordinates: list[tuple[float, float] | None]) -> str:
    """An SVG path through the coordinates; None breaks the line."""
    parts = []
    pen_down = False
    for coordinate in coordinates:
        if coordinate is None:
            pen_down = False
            continue
        parts.append(f"{'L' if pen_down else 'M'}{_number(coordinate[0])},{_number(coordinate[1])}")
        pen_down = True
    return " ".join(parts)


def _band(xs: list[float], points: Sequence[ChartPoint], y: Callable[[float], float]) -> str:
    upper = [(x, point.upper) for x, point in zip(xs, points, strict=True) if point.upper is not None]
    lower = [(x, point.lower) for x, point in zip(xs, points, strict=True) if point.lower is not None]
    if not upper:
        return ""
    outline = [f"{_number(x)},{_number(y(value))}" for x, value in upper]
    outline += [f"{_number(x)},{_number(y(value))}" for x, value in reversed(lower)]
    return f'<polygon points="{" ".join(outline)}" fill="{BLUE}" fill-opacity="0.15" stroke="none"/>'


def _x_ticks(points: Sequence[ChartPoint], xs: list[float], bottom: float) -> list[str]:
    every = max(1, math.ceil(len(points) / 8))
    ticks = []
    for index in range(0, len(points), every):
        label = points[index].day.strftime("%d.%m.")
        ticks.append(
            f'<line x1="{_number(xs[index])}" y1="{_number(bottom)}" x2="{_number(xs[index])}" '
            f'y2="{_number(bottom + 4)}" stroke="{TEXT}"/>'
            f'<text x="{_number(xs[index])}" y="{_number(bottom + 17)}" font-size="11" fill="{TEXT}" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
    return ticks


def render_line_chart(
    *,
    points: Sequence[ChartPoint],
    title: str,
    chart_id: str = "prognose",
    y_label: str = "Termine je Tag",
    x_label: str = "Datum",
    width: int = 640,
    height: int = 280,
    legend: tuple[str, str, str] = ("Gebucht", "Prognose", "Spanne"),
    description: str | None = None,
) -> Markup:
    """An inline SVG line chart of actuals, forecast and interval, with a <title> and German labels.

    ``legend`` names the solid line, the dashed line and the band ("" leaves an entry out), so the
    chart can show two other series too (e.g. utilisation and no-show rate per week); ``description``
    replaces the generated ``<desc>``.
    """
    plot_width = width - _LEFT - _RIGHT
    plot_height = height - _TOP - _BOTTOM
    values = [v for p in points for v in (p.actual, p.upper, p.forecast) if v is not None]
    step = _nice_step(max(values, default=1.0))
    top = step * max(1, math.ceil(max(values, default=1.0) / step))
    count = len(points)
    xs = (
        [_LEFT + plot_width / 2.0]
        if count == 1
        else [_LEFT + plot_width * i / (count - 1) for i in range(count)]
    )

    def y(value: float) -> float:
        return _TOP + plot_height * (1 - value / top)

    bottom = _TOP + plot_height
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{escape(chart_id)}-title '
        f'{escape(chart_id)}-desc" width="{width}" height="{height}" viewBox="0 0 {width} {height}">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(description or _description(points))}</desc>',
    ]
    tick = 0.0
    while tick <= top + 1e-9:
        parts.append(
            f'<line x1="{_LEFT}" y1="{_number(y(tick))}" x2="{_LEFT + plot_width}" y2="{_number(y(tick))}" '
            f'stroke="#d0d0d0"/><text x="{_LEFT - 6}" y="{_number(y(tick) + 4)}" font-size="11" '
            f'fill="{TEXT}" text-anchor="end">{escape(_number(tick))}</text>'
        )
        tick += step
    parts.append(_band(xs, points, y))
    forecast_path = _path(
        [(x, y(p.forecast)) if p.forecast is not None else None for x, p in zip(xs, points, strict=True)]
    )
    actual_path = _path(
        [(x, y(p.actual)) if p.actual is not None else None for x, p in zip(xs, points, strict=True)]
    )
    if forecast_path:
        parts.append(
            f'<path d="{forecast_path}" fill="none" stroke="{BLUE}" stroke-width="2" stroke-dasharray="6 3"/>'
        )
    if actual_path:
        parts.append(f'<path d="{actual_path}" fill="none" stroke="{TEXT}" stroke-width="1.5"/>')
    parts.append(
        f'<line x1="{_LEFT}" y1="{bottom}" x2="{_LEFT + plot_width}" y2="{bottom}" stroke="{TEXT}"/>'
    )
    parts.extend(_x_ticks(points, xs, bottom))
    parts += [
        f'<text x="{_LEFT + plot_width / 2}" y="{height - 6}" font-size="12" fill="{TEXT}" '
        f'text-anchor="middle">{escape(x_label)}</text>',
        f'<text x="14" y="{_TOP + plot_height / 2}" font-size="12" fill="{TEXT}" text-anchor="middle" '
        f'transform="rotate(-90 14 {_TOP + plot_height / 2})">{escape(y_label)}</text>',
        _legend(width, legend),
        "</svg>",
    ]
    return Markup("".join(part for part in parts if part))  # noqa: S704 - every text above is escaped


def _legend(width: int, labels: tuple[str, str, str] = ("Gebucht", "Prognose", "Spanne")) -> str:
    right = width - _RIGHT
    solid, dashed, band = (escape(label) for label in labels)
    parts = []
    if solid:
        parts.append(
            f'<line x1="{right - 250}" y1="14" x2="{right - 230}" y2="14" stroke="{TEXT}" '
            'stroke-width="1.5"/>'
            f'<text x="{right - 225}" y="18" font-size="11" fill="{TEXT}">{solid}</text>'
        )
    if dashed:
        parts.append(
            f'<line x1="{right - 170}" y1="14" x2="{right - 150}" y2="14" stroke="{BLUE}" stroke-width="2" '
            'stroke-dasharray="6 3"/>'
            f'<text x="{right - 145}" y="18" font-size="11" fill="{TEXT}">{dashed}</text>'
        )
    if band:
        parts.append(
            f'<rect x="{right - 85}" y="8" width="20" height="12" fill="{BLUE}" fill-opacity="0.15"/>'
            f'<text x="{right - 60}" y="18" font-size="11" fill="{TEXT}">{band}</text>'
        )
    return "".join(parts)


def _description(points: Sequence[ChartPoint]) -> str:
    if not points:
        return "Keine Daten."
    actual = [p.actual for p in points if p.actual is not None]
    forecast = [p.forecast for p in points if p.forecast is not None]
    text = f"{points[0].day:%d.%m.%Y} bis {points[-1].day:%d.%m.%Y}, {len(points)} Öffnungstage."
    if actual:
        text += f" Gebucht: im Mittel {sum(actual) / len(actual):.0f} Termine je Tag."
    if forecast:
        text += f" Prognose: im Mittel {sum(forecast) / len(forecast):.0f} Termine je Tag."
    return text
