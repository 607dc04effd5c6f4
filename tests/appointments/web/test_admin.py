"""The administration, statistics and planning pages against the real app and database."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from rathaus.appointments.config import AppointmentsSettings
from rathaus.appointments.models import BookingStatus, CapacityPlan, Location, OpeningWindow, Service
from rathaus.appointments.release import seat_count
from rathaus.appointments.web import insight
from rathaus.core.audit.models import AuditEvent
from rathaus.core.db import open_session
from rathaus.core.security.models import Role
from rathaus.web.context import AppContext
from tests.appointments.helpers import booked
from tests.appointments.office import NOW, TUESDAY, make_office
from tests.conftest import World, csrf_from, login, shared_data
from tests.factories import make_member


@pytest.fixture
def location_id(world: World, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(insight, "now", lambda: NOW)
    with open_session(world.sessions) as session:
        office = make_office(session, world.tenant_a_id)
        booked(session, office, dt.datetime.combine(TUESDAY, dt.time(9)), BookingStatus.DONE)
        booked(
            session,
            office,
            dt.datetime.combine(TUESDAY, dt.time(10)),
            BookingStatus.NO_SHOW,
            services=((office.deregistration, 1),),
        )
        return office.location.id


def seats(sessions: sessionmaker[Session], location_id: int, day: dt.date) -> int:
    with open_session(sessions) as session:
        location = session.get(Location, location_id)
        assert location is not None
        return seat_count(session=session, location=location, day=day)


def hours_form(token: str, **rows: list[str]) -> dict[str, object]:
    data: dict[str, object] = {"csrf_token": token}
    data.update(rows)
    return data


def test_the_catalog_page_lists_services_and_locations(
    client: TestClient, world: World, location_id: int
) -> None:
    login(client, world.admin_a)
    page = client.get("/termine/verwaltung")
    assert page.status_code == 200
    assert 'href="/termine/planung"' in page.text
    assert "Kfz-Zulassungsstelle Mitte" in page.text
    assert "Zulassung eines Fahrzeugs" in page.text
    assert "99036012104000" in page.text  # LeiKa
    assert "Zulassungsbescheinigung Teil II" in page.text
    assert "ab 26,30 Euro" in page.text
    assert f'href="/termine/verwaltung/standorte/{location_id}"' in page.text


def test_the_real_munich_files_are_imported_through_the_upload(client: TestClient, world: World) -> None:
    folder = shared_data("munich_services")
    login(client, world.admin_a)
    token = csrf_from(client, "/termine/verwaltung")
    with (
        (folder / "munich_services_de.json").open("rb") as services,
        (folder / "munich_locations_de.json").open("rb") as locations,
    ):
        response = client.post(
            "/termine/verwaltung/import",
            data={"csrf_token": token, "auswahl": "10546"},
            files={
                "dienstleistungen": ("munich_services_de.json", services, "application/json"),
                "standorte": ("munich_locations_de.json", locations, "application/json"),
            },
            follow_redirects=False,
        )
    assert response.status_code == 303, response.text
    page = client.get("/termine/verwaltung")
    assert "Katalog übernommen" in page.text
    assert "Gewerbeamt" in page.text
    assert "Gewerbe-Anmeldung" in page.text
    with open_session(world.sessions) as session:
        keys = set(session.scalars(select(Location.key).where(Location.tenant_id == world.tenant_a_id)))
        services = session.scalar(select(func.count()).where(Service.tenant_id == world.tenant_a_id))
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "appointments.catalog_imported"))
    assert keys == {"10546"}
    assert services is not None
    assert 0 < services < 287  # only the services the Gewerbeamt offers
    assert event is not None
    assert event.details["location_keys"] == ["10546"]


def test_a_bad_upload_is_refused_in_german(client: TestClient, world: World) -> None:
    login(client, world.admin_a)
    token = csrf_from(client, "/termine/verwaltung")
    response = client.post(
        "/termine/verwaltung/import",
        data={"csrf_token": token},
        files={
            "dienstleistungen": ("dienste.json", b'{"data": [{"name": "ohne Nummer"}]}', "application/json"),
            "standorte": ("standorte.json", b'{"data": []}', "application/json"),
        },
    )
    assert response.status_code == 422
    assert "Der Katalog konnte nicht übernommen werden" in response.text
    assert "dienste.json" in response.text
    picture = client.post(
        "/termine/verwaltung/import",
        data={"csrf_token": token},
        files={
            "dienstleistungen": ("dienste.json", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "application/json"),
            "standorte": ("standorte.json", b'{"data": []}', "application/json"),
        },
    )
    assert picture.status_code == 415
    assert "PNG-Bild" in picture.text


def test_opening_hours_are_validated_and_values_kept(
    client: TestClient, world: World, location_id: int
) -> None:
    login(client, world.admin_a)
    path = f"/termine/verwaltung/standorte/{location_id}"
    token = csrf_from(client, path)
    response = client.post(
        f"{path}/zeiten",
        data=hours_form(
            token,
            start_0=["08:00", "11:00"],
            end_0=["12:00", "13:00"],
            online_0=["1", "1"],
            walk_in_0=["0", "0"],
            start_1=["14:00"],
            end_1=["09:00"],
            online_1=["1"],
            walk_in_1=["0"],
            start_2=["08:00"],
            end_2=["12:00"],
            online_2=["-1"],
            walk_in_2=["0"],
        ),
    )
    assert response.status_code == 422
    assert "Montag: Die Zeiten 08:00–12:00 und 11:00–13:00 überschneiden sich." in response.text
    assert "Dienstag, Zeile 1: Der Beginn (14:00) muss vor dem Ende (09:00) liegen." in response.text
    assert "Mittwoch, Zeile 1: Die Plätze müssen ganze Zahlen ab 0 sein." in response.text
    assert 'value="14:00"' in response.text  # what was typed stays
    assert seats(world.sessions, location_id, TUESDAY) == 24  # nothing saved


def test_saved_hours_relay_released_days_and_keep_booked_seats(
    client: TestClient, world: World, location_id: int
) -> None:
    login(client, world.admin_a)
    path = f"/termine/verwaltung/standorte/{location_id}"
    token = csrf_from(client, path)
    rows = {
        f"{field}_{day}": [value]
        for day in range(5)
        for field, value in (("start", "08:00"), ("end", "10:00"), ("online", "2"), ("walk_in", "1"))
    }
    response = client.post(f"{path}/zeiten", data=hours_form(token, **rows), follow_redirects=False)
    assert response.status_code == 303, response.text
    # Tuesday: 08–10 = 12 steps × 3 seats; the booking at 10:00 keeps its seat row outside the window
    assert seats(world.sessions, location_id, TUESDAY) == 12 * 3 + 1
    with open_session(world.sessions) as session:
        windows = session.scalars(select(OpeningWindow).where(OpeningWindow.location_id == location_id)).all()
    assert {(w.weekday, w.start, w.end, w.online_capacity, w.walk_in_capacity) for w in windows} == {
        (day, dt.time(8), dt.time(10), 2, 1) for day in range(5)
    }


def test_statistics_show_figures_as_chart_and_table(
    client: TestClient, world: World, location_id: int
) -> None:
    make_member(world.sessions, world.tenant_a_id, "sachbearbeitung", Role.CASEWORKER)
    login(client, "sachbearbeitung")
    page = client.get("/termine/statistik", params={"von": "2027-02-02", "bis": "2027-02-02"})
    assert page.status_code == 200
    assert page.text.count('role="img"') == 3  # locations, services, weeks
    assert 'href="/termine/planung"' not in page.text  # not for a caseworker
    # 30 of 240 online seat-minutes booked; 1 of 2 due appointments missed
    assert "12,5 %" in page.text
    assert "50,0 %" in page.text
    assert "nicht erschienen: 1" in page.text
    assert '<title id="standorte-title">Auslastung je Standort, in Prozent</title>' in page.text
    everywhere = client.get(
        "/termine/statistik", params={"von": "2027-02-02", "bis": "2027-02-02", "standort": ""}
    )
    assert everywhere.status_code == 200  # the select's "Alle Standorte"
    assert "12,5 %" in everywhere.text
    bad = client.get("/termine/statistik", params={"von": "gestern"})
    assert bad.status_code == 422
    assert "kein gültiges Datum" in bad.text


def test_a_caseworker_may_not_change_hours_or_plan(
    client: TestClient, world: World, location_id: int
) -> None:
    make_member(world.sessions, world.tenant_a_id, "sachbearbeitung", Role.CASEWORKER)
    login(client, "sachbearbeitung")
    token = csrf_from(client, "/termine/statistik")
    path = f"/termine/verwaltung/standorte/{location_id}"
    assert client.get(path).status_code == 403
    assert client.post(f"{path}/zeiten", data=hours_form(token, start_0=["08:00"])).status_code == 403
    assert client.get("/termine/planung").status_code == 403
    assert (
        client.post(f"/termine/planung/{location_id}/vorschlag", data={"csrf_token": token}).status_code
        == 403
    )


def test_another_tenant_gets_404(client: TestClient, world: World, location_id: int) -> None:
    login(client, world.admin_b)
    token = csrf_from(client, "/termine/verwaltung")
    assert client.get(f"/termine/verwaltung/standorte/{location_id}").status_code == 404
    assert client.get("/termine/planung", params={"standort": location_id}).status_code == 404
    assert client.get("/termine/statistik", params={"standort": location_id}).status_code == 404
    refused = client.post(f"/termine/planung/{location_id}/vorschlag", data={"csrf_token": token})
    assert refused.status_code == 404
    assert "Kfz-Zulassungsstelle" not in client.get("/termine/verwaltung").text


def test_planning_suggests_and_an_accepted_plan_changes_seats(
    client: TestClient, world: World, location_id: int
) -> None:
    login(client, world.admin_a)
    page = client.get("/termine/planung", params={"standort": str(location_id), "dienstleistung": ""})
    assert page.status_code == 200
    assert "Zu wenig Buchungsverlauf" in page.text
    assert "Die Überbuchung ist ausgeschaltet" in page.text
    assert 'id="prognose-title"' in page.text
    token = csrf_from(client, "/termine/planung")
    refreshed = client.post(f"/termine/planung/{location_id}/vorschlag", data={"csrf_token": token})
    assert refreshed.status_code == 200
    assert "Der Vorschlag ist neu berechnet (20 Zeitfenster)" in refreshed.text
    assert "Woche ab 01.02.2027" in refreshed.text
    assert "Di 02.02.2027, 08:00–12:00" in refreshed.text
    with open_session(world.sessions) as session:
        plan = session.scalar(select(CapacityPlan).where(CapacityPlan.day == TUESDAY))
        assert plan is not None
        plan_id = plan.id
    decided = client.post(
        f"/termine/planung/{location_id}/entscheidung",
        data={
            "csrf_token": token,
            f"wahl_{plan_id}": "change",
            f"online_{plan_id}": "3",
            f"walk_in_{plan_id}": "1",
        },
    )
    assert decided.status_code == 200
    assert "1 Entscheidung(en) gespeichert" in decided.text
    assert "geändert: 3 online, 1 Spontankunden" in decided.text
    assert seats(world.sessions, location_id, TUESDAY) == 24 * 4
    wrong = client.post(
        f"/termine/planung/{location_id}/entscheidung",
        data={"csrf_token": token, f"wahl_{plan_id}": "change", f"online_{plan_id}": "-2"},
    )
    assert "Die geänderten Plätze müssen ganze Zahlen ab 0 sein." in wrong.text
    assert seats(world.sessions, location_id, TUESDAY) == 24 * 4


def test_the_overbooking_hint_appears_only_when_switched_on(
    client: TestClient,
    world: World,
    location_id: int,
    app_context: AppContext,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    login(client, world.admin_a)
    monkeypatch.setattr(insight, "now", lambda: NOW + dt.timedelta(days=9))  # the Tuesday lies behind
    assert "Die Überbuchung ist ausgeschaltet" in client.get("/termine/planung").text
    monkeypatch.setattr(app_context.settings.section(AppointmentsSettings), "overbooking", True)
    page = client.get("/termine/planung")
    assert "Die Überbuchung ist ausgeschaltet" not in page.text
    assert "Gemessene Quote nicht wahrgenommener Termine (letzte 90 Tage): 50,0 %" in page.text
    assert "Montag 08:00–12:00" in page.text
    assert "Bei 50.0 % nicht wahrgenommenen Terminen" in page.text
