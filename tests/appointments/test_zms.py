"""Opening windows from the Berlin ZMS fixture (Bürgeramt Heerstraße, scope 141)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from rathaus.appointments.catalog import CatalogError
from rathaus.appointments.slots import free_slots
from rathaus.appointments.zms import parse_zms_availability
from tests.conftest import shared_data


def _fixture() -> Path:
    return shared_data("appointments", "berlin_zms_test_fixtures", "GET_scope_141_availability.json")


def test_the_windows_valid_on_a_day_come_with_their_capacity() -> None:
    windows = parse_zms_availability(_fixture(), on=dt.date(2016, 6, 1))
    assert [(w.weekday, w.start, w.end) for w in windows] == [
        (0, dt.time(8), dt.time(15, 50)),
        (1, dt.time(11), dt.time(17, 50)),
        (2, dt.time(8), dt.time(12, 50)),
        (3, dt.time(10), dt.time(17, 50)),
        (4, dt.time(8), dt.time(13, 50)),
    ]
    assert {(w.slot_min, w.online_capacity, w.walk_in_capacity) for w in windows} == {(10, 2, 0)}
    # before 2016-05-23 the older availabilities with three workstations applied
    earlier = parse_zms_availability(_fixture(), on=dt.date(2016, 3, 2))
    assert {w.online_capacity for w in earlier} == {3}
    assert len(earlier) == 5


def test_berlin_windows_give_slots_but_not_on_a_berlin_holiday() -> None:
    windows = parse_zms_availability(_fixture(), on=dt.date(2016, 6, 1))
    wednesday = dt.date(2016, 6, 1)
    slots = free_slots(
        day=wednesday,
        windows=windows,
        closures=(),
        holidays_of_state="BE",
        booked=(),
        duration=dt.timedelta(minutes=20),
    )
    assert slots[0] == dt.datetime.combine(wednesday, dt.time(8))
    assert slots[-1] == dt.datetime.combine(wednesday, dt.time(12, 30))
    assert len(slots) == 28
    whit_monday = dt.date(2016, 5, 16)
    assert any(w.weekday == whit_monday.weekday() for w in parse_zms_availability(_fixture(), on=whit_monday))
    assert (
        free_slots(
            day=whit_monday,
            windows=parse_zms_availability(_fixture(), on=whit_monday),
            closures=(),
            holidays_of_state="BE",
            booked=(),
            duration=dt.timedelta(minutes=20),
        )
        == []
    )


def test_an_unsupported_repetition_is_named(tmp_path: Path) -> None:
    entry = {"id": "5", "type": "appointment", "repeat": {"afterWeeks": "2", "weekOfMonth": "0"}}
    path = tmp_path / "availability.json"
    path.write_text(json.dumps({"data": {"0": entry}}), encoding="utf-8")
    with pytest.raises(CatalogError, match=r"availability\.json: availability #1 \(id '5'\): only weekly"):
        parse_zms_availability(path, on=dt.date(2016, 6, 1))
