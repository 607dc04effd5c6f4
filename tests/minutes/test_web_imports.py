"""The clerk imports what other systems export: an Excel CSV in Windows-1252, a voting system's JSON,
an agenda pasted from a PDF; attendance is suggested from the named votes and taken only when confirmed."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from rathaus.core.audit.models import AuditEvent
from rathaus.core.db import open_session
from rathaus.minutes.models import AgendaItem, Attendance, Vote
from tests.conftest import csrf_from, login
from tests.minutes.conftest import CLERK, MinutesWorld

EXCEL_BALLOTS = (
    "TOP;Antrag;Name;Fraktion;Stimme\r\n"
    "2;Beschlussvorschlag;Florian Bühnemann;SPD;J\r\n"
    "2;Beschlussvorschlag;Anna Berends;SPD;J\r\n"
    "2;Beschlussvorschlag;Karl Cordes;CDU;N\r\n"
    "2;Beschlussvorschlag;Jürgen Weiß;GRÜNE;O\r\n"
    "2;Beschlussvorschlag;Änne Öztürk;FDP;abwesend\r\n"
).encode("cp1252")


@pytest.fixture
def clerk(client: TestClient, minutes_world: MinutesWorld) -> TestClient:
    login(client, CLERK)
    return client


def test_excel_csv_in_windows_1252_keeps_every_name(clerk: TestClient, minutes_world: MinutesWorld) -> None:
    meeting_id = minutes_world.meeting_id
    token = csrf_from(clerk, f"/protokolle/{meeting_id}")
    response = clerk.post(
        f"/protokolle/{meeting_id}/abstimmungen",
        data={"csrf_token": token},
        files={"datei": ("abstimmung.csv", EXCEL_BALLOTS, "text/csv")},
    )
    assert response.status_code == 200
    assert "1 Abstimmungen wurden übernommen" in response.text
    assert "Florian Bühnemann: ja" in response.text
    assert "\ufffd" not in response.text
    with open_session(minutes_world.sessions, tenant_id=minutes_world.tenant_id) as session:
        (vote,) = session.scalars(select(Vote)).all()
        assert (vote.yes, vote.no, vote.abstain) == (2, 1, 0)
        assert vote.named_votes["Florian Bühnemann"] == "ja"
        assert vote.named_votes["Jürgen Weiß"] == "nicht abgestimmt"
        assert vote.named_votes["Änne Öztürk"] == "abwesend"


def test_voting_system_json_export_and_attendance_confirmed(
    clerk: TestClient, minutes_world: MinutesWorld
) -> None:
    meeting_id = minutes_world.meeting_id
    export = {
        "Abstimmungen": [
            {
                "Abstimmung": {
                    "Nr": 17,
                    "Gegenstand": {
                        "TOP": "2.1",
                        "Titel": "Änderungsantrag der Fraktion",
                        "Antrag": "Änderungsantrag",
                    },
                    "Ergebnis": {"Ja": 1, "Nein": 1, "Enthaltung": 0},
                    "Einzelstimmen": [
                        {"Name": "Florian Bühnemann", "Fraktion": "SPD", "Stimme": "J"},
                        {"Name": "Karl Cordes", "Fraktion": "CDU", "Stimme": "N"},
                        {"Name": "Anna Berends", "Fraktion": "SPD", "Stimme": "abwesend"},
                    ],
                }
            }
        ]
    }
    token = csrf_from(clerk, f"/protokolle/{meeting_id}")
    response = clerk.post(
        f"/protokolle/{meeting_id}/abstimmungen",
        data={"csrf_token": token},
        files={"datei": ("export.json", json.dumps(export, ensure_ascii=False).encode(), "application/json")},
    )
    assert response.status_code == 200
    assert "Anwesenheit aus den namentlichen Abstimmungen vorschlagen" in response.text
    page = clerk.get(f"/protokolle/{meeting_id}/anwesenheit-aus-abstimmungen")
    assert page.status_code == 200
    # Karl Cordes is listed as absent but voted; Bühnemann is not on the list; Berends was absent
    assert 'name="csrf_token"' in page.text.split('action="/protokolle', 1)[1]
    assert 'value="Karl Cordes"' in page.text
    assert 'value="Florian Bühnemann"' in page.text
    assert 'value="Anna Berends"' in page.text
    with open_session(minutes_world.sessions, tenant_id=minutes_world.tenant_id) as session:
        before = {row.person.name: row.present for row in session.scalars(select(Attendance)).unique()}
    assert before == {
        "Bürgermeister Albers": True,
        "Anna Berends": True,
        "Karl Cordes": False,
    }  # unchanged so far
    response = clerk.post(
        f"/protokolle/{meeting_id}/anwesenheit-aus-abstimmungen",
        data={"csrf_token": token, "personen": ["Karl Cordes", "Florian Bühnemann"]},
    )
    assert response.status_code == 200
    assert "für 2 Person(en) aus den Abstimmungen übernommen" in response.text
    with open_session(minutes_world.sessions, tenant_id=minutes_world.tenant_id) as session:
        after = {row.person.name: row.present for row in session.scalars(select(Attendance)).unique()}
        assert after == {
            "Bürgermeister Albers": True,
            "Anna Berends": True,  # not ticked: stays as the clerk had it
            "Karl Cordes": True,
            "Florian Bühnemann": True,
        }
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "minutes.attendance_from_votes")
        ).one()
        assert event.details["source"] == "named_votes"
        assert len(event.details["present"]) == 2


def test_undecidable_file_is_refused_and_nothing_is_stored(
    clerk: TestClient, minutes_world: MinutesWorld
) -> None:
    meeting_id = minutes_world.meeting_id
    token = csrf_from(clerk, f"/protokolle/{meeting_id}")
    garbled = "TOP;Antrag;Namentlich\n2;Vorlage;Florian B\ufffdhnemann=J\n".encode()
    response = clerk.post(
        f"/protokolle/{meeting_id}/abstimmungen",
        data={"csrf_token": token},
        files={"datei": ("abstimmung.csv", garbled, "text/csv")},
    )
    assert response.status_code == 400
    assert "bereits unlesbare Zeichen" in response.text
    with open_session(minutes_world.sessions, tenant_id=minutes_world.tenant_id) as session:
        assert session.scalars(select(Vote)).all() == []


def test_agenda_pasted_from_a_pdf(clerk: TestClient, minutes_world: MinutesWorld) -> None:
    meeting_id = minutes_world.meeting_id
    pasted = (
        "Öffentlicher Teil\n1 Eröffnung der Sitzung und Feststellung der\nBeschlussfähigkeit\n"
        "2 Bebauungsplan „Am Mühlbach“                DS0441/25\nSeite 1 von 1\n"
        "Nichtöffentlicher Teil\n3 Grundstücksangelegenheiten\n"
    )
    token = csrf_from(clerk, f"/protokolle/{meeting_id}")
    response = clerk.post(
        f"/protokolle/{meeting_id}/tagesordnung", data={"csrf_token": token, "tagesordnung": pasted}
    )
    assert response.status_code == 200
    assert "Die Tagesordnung wurde gespeichert (3 Punkte)" in response.text
    with open_session(minutes_world.sessions, tenant_id=minutes_world.tenant_id) as session:
        items = session.scalars(select(AgendaItem).order_by(AgendaItem.order)).all()
        assert [(i.number, i.title, i.public, i.paper_reference) for i in items] == [
            ("1", "Eröffnung der Sitzung und Feststellung der Beschlussfähigkeit", True, None),
            ("2", "Bebauungsplan „Am Mühlbach“", True, "DS0441/25"),
            ("3", "Grundstücksangelegenheiten", False, None),
        ]


def test_garbled_attendee_list_is_refused_and_the_list_kept(
    clerk: TestClient, minutes_world: MinutesWorld
) -> None:
    meeting_id = minutes_world.meeting_id
    token = csrf_from(clerk, f"/protokolle/{meeting_id}")
    response = clerk.post(
        f"/protokolle/{meeting_id}/teilnehmende",
        data={"csrf_token": token, "teilnehmende": "Florian B\ufffdhnemann; SPD"},
    )
    assert response.status_code == 400
    assert "Die Anwesenheitsliste enthält bereits unlesbare Zeichen" in response.text
    with open_session(minutes_world.sessions, tenant_id=minutes_world.tenant_id) as session:
        names = {row.person.name for row in session.scalars(select(Attendance)).unique()}
    assert names == {"Bürgermeister Albers", "Anna Berends", "Karl Cordes"}
