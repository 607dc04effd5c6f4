"""Slot arithmetic: how long a booking takes at a location, and which start times are still free."""

from __future__ import annotations

import datetime as dt

import pytest

from rathaus.appointments.catalog import (
    Catalog,
    Closure,
    Location,
    Offer,
    OpeningWindow,
    Service,
    parse_munich_catalog,
)
from rathaus.appointments.slots import Booked, NotBookableError, duration_for, free_slots, is_public_holiday
from tests.conftest import shared_data

MONDAY = dt.date(2026, 5, 4)
ID_CARD, PASSPORT, DEREGISTRATION = "1063441", "1063453", "1063486"


@pytest.fixture(scope="module")
def munich() -> Catalog:
    folder = shared_data("munich_services")
    return parse_munich_catalog(
        services_json=folder / "munich_services_de.json", locations_json=folder / "munich_locations_de.json"
    )


def test_combined_services_add_their_durations_at_the_location(munich: Catalog) -> None:
    orleansplatz = munich.locations["102522"]
    card, passport = munich.services[ID_CARD], munich.services[PASSPORT]
    assert duration_for([(card, 1)], orleansplatz) == dt.timedelta(minutes=15)
    assert duration_for([(card, 1), (passport, 2)], orleansplatz) == dt.timedelta(minutes=45)
    # the location's own duration counts, not the service's default
    service = munich.services["10224132"]
    assert duration_for([(service, 1)], munich.locations["10489"]) == dt.timedelta(minutes=30)


def test_services_that_may_not_be_combined_are_refused_in_german(munich: Catalog) -> None:
    orleansplatz = munich.locations["102522"]
    card, leaving = munich.services[ID_CARD], munich.services[DEREGISTRATION]
    with pytest.raises(NotBookableError, match="können nicht in einem Termin gebucht werden"):
        duration_for([(card, 1), (leaving, 1)], orleansplatz)


def test_more_than_the_maximum_quantity_is_refused(munich: Catalog) -> None:
    orleansplatz = munich.locations["102522"]
    card = munich.services[ID_CARD]
    assert card.max_quantity == 2
    assert duration_for([(card, 2)], orleansplatz) == dt.timedelta(minutes=30)
    with pytest.raises(NotBookableError, match="„Personalausweis“ kann höchstens 2-mal"):
        duration_for([(card, 3)], orleansplatz)
    with pytest.raises(NotBookableError, match="höchstens 2-mal"):
        duration_for([(card, 1), (card, 2)], orleansplatz)
    with pytest.raises(NotBookableError, match="mindestens 1"):
        duration_for([(card, 0)], orleansplatz)
    with pytest.raises(NotBookableError, match="mindestens eine Dienstleistung"):
        duration_for([], orleansplatz)


def test_a_service_the_location_does_not_offer_is_refused(munich: Catalog) -> None:
    with pytest.raises(NotBookableError, match="am Standort „Gewerbeamt“ nicht angeboten"):
        duration_for([(munich.services[ID_CARD], 1)], munich.locations["10546"])


def test_the_duration_is_rounded_up_to_the_slot_grid() -> None:
    service = Service(
        id="1",
        name="Beratung",
        leika="",
        default_duration_min=10,
        max_quantity=1,
        combinable_with=frozenset(),
    )
    location = Location(
        id="9",
        name="Rathaus",
        street="",
        postal_code="",
        city="",
        slot_min=15,
        offers=(Offer(service_id="1", location_id="9", duration_min=10),),
    )
    assert duration_for([(service, 1)], location) == dt.timedelta(minutes=15)


def _window(weekday: int = 0, start: int = 8, end: int = 10, capacity: int = 1) -> OpeningWindow:
    return OpeningWindow(
        weekday=weekday,
        start=dt.time(start),
        end=dt.time(end),
        slot_min=30,
        online_capacity=capacity,
        walk_in_capacity=1,
    )


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute))


def _free(
    day: dt.date = MONDAY,
    windows: list[OpeningWindow] | None = None,
    closures: tuple[Closure, ...] = (),
    state: str = "NI",
    booked: tuple[Booked, ...] = (),
    minutes: int = 30,
) -> list[dt.datetime]:
    return free_slots(
        day=day,
        windows=windows if windows is not None else [_window()],
        closures=closures,
        holidays_of_state=state,
        booked=booked,
        duration=dt.timedelta(minutes=minutes),
    )


def test_an_empty_window_offers_every_slot_where_the_booking_fits() -> None:
    assert _free() == [_at(MONDAY, 8), _at(MONDAY, 8, 30), _at(MONDAY, 9), _at(MONDAY, 9, 30)]
    assert _free(minutes=60) == [_at(MONDAY, 8), _at(MONDAY, 8, 30), _at(MONDAY, 9)]
    assert _free(minutes=45) == [_at(MONDAY, 8), _at(MONDAY, 8, 30), _at(MONDAY, 9)]
    assert _free(windows=[_window(weekday=1)]) == []


def test_a_booking_may_run_into_an_adjoining_window_but_not_over_a_gap() -> None:
    windows = [_window(start=8, end=9), _window(start=9, end=10)]
    assert _at(MONDAY, 8, 30) in _free(windows=windows, minutes=60)
    gap = [_window(start=8, end=9), _window(start=10, end=11)]
    assert _free(windows=gap, minutes=60) == [_at(MONDAY, 8), _at(MONDAY, 10)]


def test_no_slot_overlaps_a_closure() -> None:
    meeting = Closure(start=_at(MONDAY, 8, 45), end=_at(MONDAY, 9, 15), reason="Dienstbesprechung")
    assert _free(closures=(meeting,)) == [_at(MONDAY, 8), _at(MONDAY, 9, 30)]
    assert _free(closures=(meeting,), minutes=60) == []
    assert _free(closures=(Closure.whole_day(MONDAY),)) == []
    assert _free(closures=(Closure.whole_day(MONDAY + dt.timedelta(days=1)),)) != []


def test_public_holidays_of_the_state_have_no_slots() -> None:
    unity_day = dt.date(2026, 10, 3)  # a Saturday, with a Saturday window
    saturday = [_window(weekday=unity_day.weekday())]
    for state in ("NI", "BY", "BE"):
        assert _free(day=unity_day, windows=saturday, state=state) == []
    assert _free(day=dt.date(2026, 10, 10), windows=saturday) != []
    epiphany = dt.date(2026, 1, 6)
    tuesday = [_window(weekday=epiphany.weekday())]
    assert _free(day=epiphany, windows=tuesday, state="BY") == []
    assert len(_free(day=epiphany, windows=tuesday, state="NI")) == 4
    assert is_public_holiday(epiphany, "BY")
    assert not is_public_holiday(epiphany, "NI")
    with pytest.raises(ValueError, match="unknown German state code 'XX'"):
        _free(state="XX")


def test_booked_slots_are_taken_until_the_capacity_is_used_up() -> None:
    first = Booked(start=_at(MONDAY, 8, 30), end=_at(MONDAY, 9))
    assert _free(booked=(first,)) == [_at(MONDAY, 8), _at(MONDAY, 9), _at(MONDAY, 9, 30)]
    assert _free(booked=(first,), minutes=60) == [_at(MONDAY, 9)]
    # capacity 2: a second booking fits in parallel, a third does not
    two = [_window(capacity=2)]
    assert _at(MONDAY, 8, 30) in _free(windows=two, booked=(first,))
    second = Booked(start=_at(MONDAY, 8, 30), end=_at(MONDAY, 9))
    assert _free(windows=two, booked=(first, second)) == [_at(MONDAY, 8), _at(MONDAY, 9), _at(MONDAY, 9, 30)]
    # a long booking takes every slot it overlaps
    long = Booked(start=_at(MONDAY, 8), end=_at(MONDAY, 9, 10))
    assert _free(booked=(long,)) == [_at(MONDAY, 9, 30)]


def test_a_window_without_online_capacity_offers_nothing_online() -> None:
    assert _free(windows=[_window(capacity=0)]) == []
    with pytest.raises(ValueError, match="duration must be positive"):
        _free(minutes=0)
