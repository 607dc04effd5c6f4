"""The Posteingang's pages in a caseworker's hands: queues, an item, accept, re-route, close."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from rathaus.core.db import open_session, utcnow
from rathaus.core.security.models import Role
from rathaus.inbox import filing
from rathaus.inbox.models import Item, ItemStatus
from rathaus.modules import Settings
from tests.conftest import World, csrf_from, login
from tests.factories import make_member
from tests.inbox.stand_ins import import_small_plan, receive_text


@pytest.fixture
def caseworker(client: TestClient, world: World) -> TestClient:
    make_member(world.sessions, world.tenant_a_id, "sachbearbeitung", Role.CASEWORKER)
    login(client, "sachbearbeitung")
    return client


def _routed_item(
    sessions: sessionmaker[Session], settings: Settings, tenant_id: int, *, days_due: int
) -> int:
    with open_session(sessions, tenant_id=tenant_id) as session:
        import_small_plan(session)
        item = receive_text(
            session, settings.files_dir, "Laterne defekt", "Die Laterne vor Nr. 5 ist dunkel."
        )
        position = filing.position_by_number(session=session, number="70.10")
        assert position is not None
        item.position_id, item.org_unit_id = position.id, position.org_unit_id
        item.status, item.routing_method, item.routing_confidence = ItemStatus.ROUTED, "classifier", 0.62
        item.routing_reason = "ähnlich zu 14 bestätigten Fällen in „Abfall“"
        item.due_date = utcnow().date() + timedelta(days=days_due)
        return item.id


def _item(sessions: sessionmaker[Session], tenant_id: int, item_id: int) -> Item:
    with open_session(sessions, tenant_id=tenant_id) as session:
        item = session.get(Item, item_id)
        assert item is not None
        session.refresh(item, ["position"])
        session.expunge_all()
        return item


def test_another_role_is_refused(client: TestClient, world: World) -> None:
    make_member(world.sessions, world.tenant_a_id, "andere-rolle", Role.MINUTES_CLERK)
    login(client, "andere-rolle")
    assert client.get("/posteingang").status_code == 403
    assert 'href="/posteingang"' not in client.get("/").text


def test_the_overview_and_the_start_page_show_the_queues_with_overdue_items_in_words(
    caseworker: TestClient, world: World, settings: Settings
) -> None:
    _routed_item(world.sessions, settings, world.tenant_a_id, days_due=-3)
    overview = caseworker.get("/posteingang")
    assert overview.status_code == 200
    assert "<h1>Posteingang</h1>" in overview.text
    assert "Tiefbauamt</a></td>\n      <td>1</td>" in overview.text
    assert "1 überfällig" in overview.text
    assert "Laterne defekt" in overview.text
    start = caseworker.get("/").text
    assert 'Tiefbauamt</a>:\n      1 offen, <strong class="status-failed">1 überfällig</strong>' in start
    unit_id = re.search(r'href="/posteingang/abteilungen/(\d+)">Tiefbauamt', overview.text)
    assert unit_id is not None
    queue = caseworker.get(f"/posteingang/abteilungen/{unit_id.group(1)}").text
    assert "1 Eingang ist überfällig." in queue
    assert "überfällig seit " in queue


def test_an_item_shows_its_suggestion_with_reason_and_a_caseworker_reroutes_it(
    caseworker: TestClient, world: World, settings: Settings
) -> None:
    item_id = _routed_item(world.sessions, settings, world.tenant_a_id, days_due=5)
    page = caseworker.get(f"/posteingang/eingaenge/{item_id}")
    assert page.status_code == 200
    assert "Vorschlag: 70.10 Abfall</strong>\n    – Tiefbauamt" in page.text
    assert "Sicherheit: 62 %" in page.text
    assert "Begründung: ähnlich zu 14 bestätigten Fällen in „Abfall“" in page.text
    assert "Die Laterne vor Nr. 5 ist dunkel." in page.text
    token = csrf_from(caseworker, f"/posteingang/eingaenge/{item_id}")
    moved = caseworker.post(
        f"/posteingang/eingaenge/{item_id}/zuordnen",
        data={"csrf_token": token, "position": "66.20"},
        follow_redirects=True,
    )
    assert "wurde 66.20 „Straßenbeleuchtung“ zugeordnet (Tiefbauamt)" in moved.text
    assert "Zugeordnet: 66.20 Straßenbeleuchtung" in moved.text
    item = _item(world.sessions, world.tenant_a_id, item_id)
    assert item.confirmed
    assert item.status is ItemStatus.ROUTED
    assert item.position is not None
    assert item.position.number == "66.20"
    accepted = caseworker.post(
        f"/posteingang/eingaenge/{item_id}/annehmen", data={"csrf_token": token}, follow_redirects=False
    )
    assert accepted.status_code == 303
    assert _item(world.sessions, world.tenant_a_id, item_id).status is ItemStatus.ACCEPTED


def test_a_position_outside_the_plan_is_refused(
    caseworker: TestClient, world: World, settings: Settings
) -> None:
    item_id = _routed_item(world.sessions, settings, world.tenant_a_id, days_due=5)
    token = csrf_from(caseworker, f"/posteingang/eingaenge/{item_id}")
    refused = caseworker.post(
        f"/posteingang/eingaenge/{item_id}/zuordnen", data={"csrf_token": token, "position": "99.99"}
    )
    assert refused.status_code == 400
    assert "Bitte wählen Sie eine Position des Aktenplans aus." in refused.text
    item = _item(world.sessions, world.tenant_a_id, item_id)
    assert item.position is not None
    assert item.position.number == "70.10"


def test_closing_twice_answers_409_with_a_german_message(
    caseworker: TestClient, world: World, settings: Settings
) -> None:
    item_id = _routed_item(world.sessions, settings, world.tenant_a_id, days_due=5)
    token = csrf_from(caseworker, f"/posteingang/eingaenge/{item_id}")
    path = f"/posteingang/eingaenge/{item_id}/erledigen"
    done = caseworker.post(path, data={"csrf_token": token, "vermerk": "per Telefon"}, follow_redirects=False)
    assert done.status_code == 303
    again = caseworker.post(path, data={"csrf_token": token})
    assert again.status_code == 409
    assert f"Eingang Nr. {item_id} ist bereits erledigt." in again.text


def test_another_tenants_item_does_not_exist(
    caseworker: TestClient, world: World, settings: Settings
) -> None:
    item_id = _routed_item(world.sessions, settings, world.tenant_b_id, days_due=5)
    assert caseworker.get(f"/posteingang/eingaenge/{item_id}").status_code == 404


def test_rules_are_written_checked_and_deleted(
    caseworker: TestClient, world: World, settings: Settings
) -> None:
    with open_session(world.sessions, tenant_id=world.tenant_a_id) as session:
        import_small_plan(session)
    token = csrf_from(caseworker, "/posteingang/regeln")
    bad = caseworker.post(
        "/posteingang/regeln",
        data={
            "csrf_token": token,
            "feld": "subject",
            "vergleich": "regex",
            "muster": "(",
            "position": "63.10",
        },
    )
    assert bad.status_code == 400
    assert "Der reguläre Ausdruck ist ungültig" in bad.text
    good = caseworker.post(
        "/posteingang/regeln",
        data={
            "csrf_token": token,
            "feld": "subject",
            "vergleich": "fuzzy",
            "muster": "Bauantrag",
            "position": "63.10",
        },
        follow_redirects=True,
    )
    assert "Betreff ähnlich (verzeiht Lesefehler) „Bauantrag“" in good.text
    with open_session(world.sessions, tenant_id=world.tenant_a_id) as session:
        [rule] = filing.routing_rule_list(session=session)
        rule_id = rule.id
    gone = caseworker.post(
        f"/posteingang/regeln/{rule_id}/loeschen", data={"csrf_token": token}, follow_redirects=True
    )
    assert "Noch keine Regeln." in gone.text


def test_an_admin_imports_the_filing_plan_and_a_caseworker_may_not(
    client: TestClient, world: World, settings: Settings
) -> None:
    make_member(world.sessions, world.tenant_a_id, "sachbearbeitung", Role.CASEWORKER)
    login(client, "sachbearbeitung")
    token = csrf_from(client, "/posteingang/aktenplan")
    files = {"datei": ("plan.csv", b"kennzeichen;titel;amt\n10.1;Personal;Hauptamt\n", "text/csv")}
    assert client.post("/posteingang/aktenplan", data={"csrf_token": token}, files=files).status_code == 403
    login(client, world.admin_a)
    token = csrf_from(client, "/posteingang/aktenplan")
    broken = client.post(
        "/posteingang/aktenplan",
        data={"csrf_token": token},
        files={"datei": ("plan.csv", b"kennzeichen;titel\n;ohne Nummer\n", "text/csv")},
    )
    assert broken.status_code == 400
    assert "Kennzeichen und Titel sind Pflichtangaben" in broken.text
    done = client.post(
        "/posteingang/aktenplan", data={"csrf_token": token}, files=files, follow_redirects=True
    )
    assert "Aktenplan importiert: 1 Positionen neu, 0 aktualisiert." in done.text
    assert "<td>10.1</td><td>Personal</td>" in done.text
    with open_session(world.sessions, tenant_id=world.tenant_a_id) as session:
        assert session.scalars(select(Item)).all() == []


def test_every_form_on_the_pages_carries_the_session_token(
    caseworker: TestClient, world: World, settings: Settings
) -> None:
    item_id = _routed_item(world.sessions, settings, world.tenant_a_id, days_due=5)
    login(caseworker, world.admin_a)  # an admin sees the import form too
    for path in (
        "/posteingang",
        "/posteingang/regeln",
        "/posteingang/aktenplan",
        f"/posteingang/eingaenge/{item_id}",
    ):
        page = caseworker.get(path).text
        tokens = re.findall(r'name="csrf_token" value="([^"]*)"', page)
        assert len(tokens) > 1, path  # the logout form and the page's own forms
        assert all(tokens), f"a form on {path} has an empty token"
