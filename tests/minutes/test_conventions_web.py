"""The page of a body's customs through the real app: reachable from the navigation, suggested from the
last meeting, saved with CSRF and audited, German errors, another tenant's body is a 404."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from rathaus.core.audit.models import AuditEvent
from rathaus.core.db import open_session
from rathaus.minutes import conventions
from rathaus.minutes.audit_actions import MinutesAction
from rathaus.minutes.models import Meeting, Organization
from rathaus.minutes.text.conventions import CouncilConventions, Faction
from tests.conftest import csrf_from, login
from tests.minutes.conftest import CLERK, MinutesWorld


def _body_id(world: MinutesWorld) -> int:
    with open_session(world.sessions, tenant_id=world.tenant_id) as session:
        meeting = session.get(Meeting, world.meeting_id)
        assert meeting is not None
        assert meeting.organization_id is not None
        return meeting.organization_id


def _form(token: str, **changes: str) -> dict[str, str]:
    data = {
        "csrf_token": token,
        "vorsitz": "Ratsvorsitzende Brandt\nJonas Weber\n",
        "vorsitz_bezeichnungen": "Vorsitz\nDie Vorsitzende",
        "buergermeister_vorsitz": "nein",
        "enthaltungen_mehrheitlich": "ja",
        "fraktionen_zeilen": "4",
        "fraktion_1_name": "CDU/FDP",
        "fraktion_1_schreibweisen": "Gruppe CDU/FDP, CDU-FDP-Gruppe",
        "fraktion_2_name": "SPD",
        "fraktion_3_name": "Die Unabhängigen",
        "fraktion_3_schreibweisen": "UWG, Unabhängige",
        "fraktion_4_name": "",
        "ortsnamen": "Jever\nStadt Jever",
        "nummerierung": "amendments",
        "ergebnis_einstimmig": "einstimmig beschlossen",
        "ergebnis_abgelehnt": "",
    }
    data.update(changes)
    return data


def test_the_page_is_reached_from_the_navigation_and_suggests_from_the_last_meeting(
    client: TestClient, minutes_world: MinutesWorld
) -> None:
    login(client, CLERK)
    assert 'href="/protokolle/gremien"' in client.get("/protokolle").text
    body_id = _body_id(minutes_world)
    assert (
        f'href="/protokolle/gremien/{body_id}"' in client.get(f"/protokolle/{minutes_world.meeting_id}").text
    )
    listing = client.get("/protokolle/gremien")
    assert "Rat der Stadt Jever" in listing.text
    assert "noch nicht gespeichert" in listing.text
    page = client.get(f"/protokolle/gremien/{body_id}")
    assert page.status_code == 200
    assert "Noch nicht gespeichert" in page.text
    assert "Bürgermeister Albers" in page.text  # the meeting's chair, suggested
    assert 'value="SPD"' in page.text  # factions of the attendees
    assert 'value="CDU"' in page.text
    assert 'id="f-bm-ja" name="buergermeister_vorsitz" value="ja" checked' in page.text
    # abstentions do not break unanimity unless the clerk says so
    assert 'id="f-enth-nein" name="enthaltungen_mehrheitlich" value="nein" checked' in page.text


def test_the_clerk_saves_the_conventions_and_the_change_is_audited(
    client: TestClient, minutes_world: MinutesWorld
) -> None:
    login(client, CLERK)
    body_id = _body_id(minutes_world)
    token = csrf_from(client, f"/protokolle/gremien/{body_id}")
    response = client.post(f"/protokolle/gremien/{body_id}", data=_form(token))
    assert response.status_code == 200  # followed the redirect to the page
    assert "wurden gespeichert" in response.text
    assert 'value="CDU, FDP"' in response.text  # members derived from the joint faction's name
    with open_session(minutes_world.sessions, tenant_id=minutes_world.tenant_id) as session:
        body = session.get(Organization, body_id)
        stored = conventions.stored_conventions(body)
        assert stored == CouncilConventions(
            chairs=("Ratsvorsitzende Brandt", "Jonas Weber"),
            chair_labels=("Vorsitz", "Die Vorsitzende"),
            mayor_chairs=False,
            abstentions_break_unanimity=True,
            factions=(
                Faction("CDU/FDP", ("Gruppe CDU/FDP", "CDU-FDP-Gruppe"), ("CDU", "FDP")),
                Faction("SPD"),
                Faction("Die Unabhängigen", ("UWG", "Unabhängige")),
            ),
            place_names=("Jever", "Stadt Jever"),
            numbering="amendments",
            result_wording={"einstimmig": "einstimmig beschlossen"},
        )
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.action == MinutesAction.CONVENTIONS_EDITED)
        ).all()
        assert [(e.actor_name, e.object_id) for e in events] == [(CLERK, str(body_id))]
    # removing a faction: its name emptied
    response = client.post(
        f"/protokolle/gremien/{body_id}", data=_form(token, fraktion_2_name="", nummerierung="sub_items")
    )
    with open_session(minutes_world.sessions, tenant_id=minutes_world.tenant_id) as session:
        stored = conventions.stored_conventions(session.get(Organization, body_id))
        assert stored is not None
        assert [f.name for f in stored.factions] == ["CDU/FDP", "Die Unabhängigen"]
        assert stored.numbering == "sub_items"
    assert "gespeichert" in client.get("/protokolle/gremien").text


def test_errors_are_german_and_keep_the_input(client: TestClient, minutes_world: MinutesWorld) -> None:
    login(client, CLERK)
    body_id = _body_id(minutes_world)
    token = csrf_from(client, f"/protokolle/gremien/{body_id}")
    response = client.post(
        f"/protokolle/gremien/{body_id}",
        data=_form(
            token,
            nummerierung="roemisch",
            buergermeister_vorsitz="",
            enthaltungen_mehrheitlich="vielleicht",
            fraktion_2_name="CDU/FDP",
        ),
    )
    assert response.status_code == 400
    assert "Bitte wählen Sie eine der angebotenen Nummerierungen." in response.text
    assert "ob die Bürgermeisterin oder der Bürgermeister den Vorsitz führt" in response.text
    assert "ob Enthaltungen eine Abstimmung „mehrheitlich“ machen" in response.text
    assert "Die Fraktion „CDU/FDP“ steht mehrfach in der Liste." in response.text
    assert "Ratsvorsitzende Brandt" in response.text  # the input is kept
    with open_session(minutes_world.sessions, tenant_id=minutes_world.tenant_id) as session:
        assert session.get(Organization, body_id).conventions is None  # type: ignore[union-attr]


def test_without_csrf_token_nothing_is_saved(client: TestClient, minutes_world: MinutesWorld) -> None:
    login(client, CLERK)
    body_id = _body_id(minutes_world)
    response = client.post(f"/protokolle/gremien/{body_id}", data=_form(""))
    assert response.status_code == 403
    with open_session(minutes_world.sessions, tenant_id=minutes_world.tenant_id) as session:
        assert session.get(Organization, body_id).conventions is None  # type: ignore[union-attr]


def test_another_tenants_body_is_not_found(client: TestClient, minutes_world: MinutesWorld) -> None:
    with open_session(minutes_world.sessions, tenant_id=minutes_world.other_tenant_id) as session:
        other = Organization(name="Rat der Gemeinde Bergdorf", conventions={"chairs": ["Geheimrat"]})
        session.add(other)
        session.flush()
        other_id = other.id
    login(client, CLERK)
    assert client.get(f"/protokolle/gremien/{other_id}").status_code == 404
    assert "Bergdorf" not in client.get("/protokolle/gremien").text
    token = csrf_from(client, "/protokolle/gremien")
    assert client.post(f"/protokolle/gremien/{other_id}", data=_form(token)).status_code == 404
    with open_session(minutes_world.sessions, tenant_id=minutes_world.other_tenant_id) as session:
        assert session.get(Organization, other_id).conventions == {"chairs": ["Geheimrat"]}  # type: ignore[union-attr]


def test_a_clerk_of_another_tenant_sees_only_its_own_bodies(
    client: TestClient, minutes_world: MinutesWorld
) -> None:
    login(client, "protokoll-b")  # a clerk of the other tenant: its list is empty
    page = client.get("/protokolle/gremien")
    assert page.status_code == 200
    assert "Rat der Stadt Jever" not in page.text
    assert "Noch keine Gremien" in page.text
