"""The appointment's calendar file: parsed back with icalendar, in Berlin time with its VTIMEZONE."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from rathaus.appointments.calendar import booking_ics

BERLIN = ZoneInfo("Europe/Berlin")
SUMMER_START = dt.datetime(2026, 7, 6, 9, 30, tzinfo=BERLIN)
STAMP = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)


def _ics(**changes: object) -> bytes:
    values: dict[str, object] = {
        "uid": "K-2026-0042@rathaus.example",
        "reference": "K-2026-0042",
        "start": SUMMER_START,
        "end": SUMMER_START + dt.timedelta(minutes=20),
        "summary": "Termin Stadt Musterstadt: Fahrzeug zulassen, Kennzeichen reservieren",
        "location_text": "Bürgerbüro Mitte, Marktplatz 1, 12345 Musterstadt",
        "description": "Terminnummer: K-2026-0042\nBitte mitbringen: Personalausweis; Fahrzeugbrief",
        "organizer_name": "Stadt Musterstadt",
        "organizer_email": "termine@musterstadt.example",
        "stamp": STAMP,
    }
    values.update(changes)
    return booking_ics(**values)  # type: ignore[arg-type]


def test_publish_round_trip_in_berlin_time_with_alarm() -> None:
    data = _ics()
    assert b"\r\n" in data
    calendar = Calendar.from_ical(data)
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(calendar["VERSION"]) == "2.0"
    (event,) = calendar.events
    assert str(event["UID"]) == "K-2026-0042@rathaus.example"
    assert event.start == SUMMER_START
    assert event.end == SUMMER_START + dt.timedelta(minutes=20)
    assert event.start.utcoffset() == dt.timedelta(hours=2)  # summer time
    assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert b"DTSTART;TZID=Europe/Berlin:20260706T093000" in data
    assert str(event["STATUS"]) == "CONFIRMED"
    assert int(event["SEQUENCE"]) == 0
    assert str(event["SUMMARY"]).endswith("Fahrzeug zulassen, Kennzeichen reservieren")
    assert str(event["LOCATION"]) == "Bürgerbüro Mitte, Marktplatz 1, 12345 Musterstadt"
    assert "Bitte mitbringen: Personalausweis" in str(event["DESCRIPTION"])
    assert str(event["ORGANIZER"]) == "mailto:termine@musterstadt.example"
    assert event["ORGANIZER"].params["CN"] == "Stadt Musterstadt"
    assert event["DTSTAMP"].dt == STAMP
    (valarm,) = event.walk("VALARM")
    assert valarm["TRIGGER"].dt == dt.timedelta(days=-1)
    assert str(valarm["ACTION"]) == "DISPLAY"
    assert "K-2026-0042" in str(valarm["DESCRIPTION"])
    (timezone,) = calendar.walk("VTIMEZONE")
    assert str(timezone["TZID"]) == "Europe/Berlin"
    offsets = {str(part["TZNAME"]): part["TZOFFSETTO"].td for part in timezone.walk() if "TZNAME" in part}
    assert offsets == {"CET": dt.timedelta(hours=1), "CEST": dt.timedelta(hours=2)}


def test_times_in_other_zones_are_written_as_berlin_time() -> None:
    winter_utc = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)
    data = _ics(start=winter_utc, end=winter_utc + dt.timedelta(minutes=30))
    assert b"DTSTART;TZID=Europe/Berlin:20261201T090000" in data
    (event,) = Calendar.from_ical(data).events
    assert event.start == winter_utc
    assert event.start.utcoffset() == dt.timedelta(hours=1)


def test_cancel_keeps_the_uid_and_has_no_alarm() -> None:
    data = _ics(method="CANCEL", sequence=2)
    calendar = Calendar.from_ical(data)
    assert str(calendar["METHOD"]) == "CANCEL"
    (event,) = calendar.events
    assert str(event["UID"]) == "K-2026-0042@rathaus.example"
    assert str(event["STATUS"]) == "CANCELLED"
    assert int(event["SEQUENCE"]) == 2
    assert not list(event.walk("VALARM"))


def test_bad_times_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        _ics(start=dt.datetime(2026, 7, 6, 9, 30))  # noqa: DTZ001 - naive on purpose
    with pytest.raises(ValueError, match="after start"):
        _ics(end=SUMMER_START)
