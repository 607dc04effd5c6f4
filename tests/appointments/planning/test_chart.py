from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

from rathaus.appointments.planning.chart import forecast_chart_points, render_line_chart
from rathaus.appointments.planning.forecast import ForecastPoint

SVG = "{http://www.w3.org/2000/svg}"
DAYS = [dt.date(2025, 3, 3) + dt.timedelta(days=offset) for offset in range(12)]


def _points() -> list:
    actual = {day: 20 + offset for offset, day in enumerate(DAYS[:7]) if day.weekday() < 5}
    forecast = [
        ForecastPoint(day, day.weekday() < 5, 22.5 if day.weekday() < 5 else 0.0, 15, 30, 0.02)
        for day in DAYS[4:]
    ]
    return forecast_chart_points(actual=actual, forecast=forecast)


def test_points_merge_actuals_and_forecast_by_open_day() -> None:
    points = _points()
    assert [point.day for point in points] == [day for day in DAYS if day.weekday() < 5]
    first, overlap, future = points[0], points[4], points[-1]
    assert (first.actual, first.forecast) == (20, None)
    assert (overlap.actual, overlap.forecast, overlap.lower, overlap.upper) == (24, 22.5, 15, 30)
    assert (future.actual, future.forecast) == (None, 22.5)
    limited = forecast_chart_points(actual={DAYS[0]: 1, DAYS[1]: 2}, forecast=[], start=DAYS[1])
    assert [point.day for point in limited] == [DAYS[1]]


def test_the_svg_is_well_formed_accessible_and_escapes_text() -> None:
    svg = render_line_chart(points=_points(), title='Kfz-<Zulassung> & "Abmeldung"', chart_id="kfz")
    assert "<Zulassung>" not in svg
    root = ET.fromstring(str(svg))
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "kfz-title kfz-desc"
    title = root.find(f"{SVG}title")
    assert title is not None
    assert title.text == 'Kfz-<Zulassung> & "Abmeldung"'
    texts = [element.text for element in root.iter(f"{SVG}text")]
    assert {"Datum", "Termine je Tag", "Gebucht", "Prognose", "03.03."} <= set(texts)
    paths = root.findall(f"{SVG}path")
    assert {path.get("stroke") for path in paths} == {"#1f5f99", "#1a1a1a"}
    assert root.find(f"{SVG}polygon") is not None  # the interval band
    desc = root.find(f"{SVG}desc")
    assert desc is not None
    assert desc.text is not None
    assert desc.text.startswith("03.03.2025 bis 14.03.2025, 10 Öffnungstage.")


def test_an_empty_chart_is_still_valid_and_labels_are_escaped() -> None:
    svg = render_line_chart(points=[], title="Leer", y_label="a < b", x_label="x & y")
    root = ET.fromstring(str(svg))
    assert {"a < b", "x & y"} <= {element.text for element in root.iter(f"{SVG}text")}
    assert root.findall(f"{SVG}path") == []
