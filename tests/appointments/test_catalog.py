"""The Munich catalog read into plain values: known figures from the export, and bad input named clearly."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest

from rathaus.appointments.catalog import Catalog, CatalogError, Closure, OpeningWindow, parse_munich_catalog
from tests.conftest import shared_data


@pytest.fixture(scope="module")
def munich() -> Catalog:
    folder = shared_data("munich_services")
    return parse_munich_catalog(
        services_json=folder / "munich_services_de.json", locations_json=folder / "munich_locations_de.json"
    )


def test_the_munich_files_give_all_services_and_locations(munich: Catalog) -> None:
    assert len(munich.services) == 287
    assert len(munich.locations) == 109
    business = munich.services["1063423"]
    assert business.name == "Gewerbe-Anmeldung"
    assert business.leika == "99050012104000"
    assert business.default_duration_min == 20
    assert business.max_quantity == 3
    assert business.combinable_with == frozenset({"1063423"})
    assert business.fees == "50 bis 60 Euro (abhängig von der Rechtsform)"
    assert "Datenschutzgrundverordnung" in munich.services["1063441"].documents


def test_a_location_has_its_address_slot_grid_and_own_durations(munich: Catalog) -> None:
    office = munich.locations["10546"]
    assert (office.name, office.street, office.postal_code, office.city) == (
        "Gewerbeamt",
        "Implerstraße 11",
        "81371",
        "München",
    )
    assert office.slot_min == 5
    withdrawal = office.offer_for("1063435")
    assert withdrawal is not None
    assert withdrawal.duration_min == 15
    assert office.offer_for("1063441") is None
    # a location's own duration differs from the service's default
    assert munich.services["10224132"].default_duration_min == 20
    own = munich.locations["10489"].offer_for("10224132")
    assert own is not None
    assert own.duration_min == 30
    assert munich.locations["10308013"].slot_min == 15


def test_every_duration_agrees_with_the_eappointment_csv_export(munich: Catalog) -> None:
    folder = shared_data("appointments", "munich_eappointment")
    with (folder / "service_location_durations.csv").open(encoding="utf-8") as rows:
        durations = list(csv.DictReader(rows))
    assert len(durations) == sum(len(location.offers) for location in munich.locations.values())
    for row in durations:
        offer = munich.locations[row["location_id"]].offer_for(row["service_id"])
        assert offer is not None, row
        assert offer.duration_min == int(row["duration_min"]), row
        assert munich.locations[row["location_id"]].slot_min == int(row["slot_time_min"]), row
    with (folder / "service_catalog.csv").open(encoding="utf-8") as rows:
        for row in csv.DictReader(rows):
            service = munich.services[row["service_id"]]
            assert service.default_duration_min == int(row["default_duration_min"]), row
            assert service.max_quantity == int(row["max_quantity"]), row
            assert service.combinable_with == frozenset(row["combinable_with"].split()), row


def _write(folder: Path, services: list[object], locations: list[object]) -> tuple[Path, Path]:
    services_json = folder / "services.json"
    locations_json = folder / "locations.json"
    services_json.write_text(json.dumps({"data": services}), encoding="utf-8")
    locations_json.write_text(json.dumps({"data": locations}), encoding="utf-8")
    return services_json, locations_json


SERVICE = {"id": "1", "name": "Personalausweis", "duration": 15, "maxQuantity": 2, "combinable": [1]}
LOCATION = {
    "id": "9",
    "name": "Bürgerbüro",
    "address": {"street": "Hauptstraße", "house_number": "1", "postal_code": "30159", "city": "Hannover"},
    "slotTimeInMinutes": 5,
    "services": [{"service": "1", "duration": 20}],
}


def test_a_small_export_is_read(tmp_path: Path) -> None:
    services_json, locations_json = _write(tmp_path, [SERVICE], [LOCATION])
    catalog = parse_munich_catalog(services_json=services_json, locations_json=locations_json)
    location = catalog.locations["9"]
    assert location.street == "Hauptstraße 1"
    offer = location.offer_for("1")
    assert offer is not None
    assert offer.duration_min == 20


@pytest.mark.parametrize(
    ("services", "locations", "message"),
    [
        (
            [{**SERVICE, "duration": "zwanzig"}],
            [],
            r"services\.json: service #1 \(id '1'\): duration must be a whole",
        ),
        ([SERVICE, {**SERVICE, "name": "Doppelt"}], [], r"service #2 \(id '1'\): the id appears twice"),
        ([{**SERVICE, "name": ""}], [], r"service #1 \(id '1'\): 'name' is missing or empty"),
        (
            [SERVICE],
            [{**LOCATION, "services": [{"service": "7", "duration": 5}]}],
            r"locations\.json: location #1 \(id '9'\), service #1: service 7 is not in the services file",
        ),
        ([SERVICE], [{**LOCATION, "address": None}], r"location #1 \(id '9'\): 'address' is missing"),
    ],
)
def test_bad_input_names_the_file_and_entry(
    tmp_path: Path, services: list[object], locations: list[object], message: str
) -> None:
    services_json, locations_json = _write(tmp_path, services, locations)
    with pytest.raises(CatalogError, match=message):
        parse_munich_catalog(services_json=services_json, locations_json=locations_json)


def test_a_file_that_is_not_json_is_named(tmp_path: Path) -> None:
    broken = tmp_path / "services.json"
    broken.write_text("{kaputt", encoding="utf-8")
    with pytest.raises(CatalogError, match=r"services\.json: cannot read the file as JSON"):
        parse_munich_catalog(services_json=broken, locations_json=broken)


def _at(day: dt.date, hour: int) -> dt.datetime:
    """A local wall-clock time (naive on purpose: opening hours are local)."""
    return dt.datetime.combine(day, dt.time(hour))


def test_windows_and_closures_check_their_values() -> None:
    with pytest.raises(ValueError, match="weekday"):
        OpeningWindow(weekday=7, start=dt.time(8), end=dt.time(12), slot_min=15, online_capacity=1)
    with pytest.raises(ValueError, match="not before its end"):
        OpeningWindow(weekday=0, start=dt.time(12), end=dt.time(8), slot_min=15, online_capacity=1)
    with pytest.raises(ValueError, match="not before its end"):
        Closure(start=_at(dt.date(2026, 5, 4), 10), end=_at(dt.date(2026, 5, 4), 9))
    day = Closure.whole_day(dt.date(2026, 5, 4), "Betriebsausflug")
    assert (day.start, day.end) == (_at(dt.date(2026, 5, 4), 0), _at(dt.date(2026, 5, 5), 0))
