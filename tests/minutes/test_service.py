"""Meetings, typed agendas, attendees, OParl import into the database, voting records, recordings."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from rathaus.core.audit.models import AuditEvent
from rathaus.core.db import open_session
from rathaus.core.security.uploads import UploadRejectedError
from rathaus.minutes import oparl, service
from rathaus.minutes.models import AgendaItem, Meeting, Paper, Vote
from rathaus.minutes.voting import VotingImportError, match_records, parse_records
from tests.conftest import shared_data
from tests.minutes.conftest import MinutesWorld


def test_typed_agenda_numbers_public_flags_and_papers() -> None:
    entries = service.parse_agenda(
        "TOP 1: Eröffnung\n\n5.1 Haushalt 2026 (Vorlage 2025/0101)\nN 2 Personalsache\n"
    )
    assert [(e.number, e.title, e.public, e.paper_reference) for e in entries] == [
        ("1", "Eröffnung", True, None),
        ("5.1", "Haushalt 2026", True, "2025/0101"),
        ("2", "Personalsache", False, None),
    ]


def test_agenda_errors_name_the_lines() -> None:
    with pytest.raises(service.MinutesInputError, match=r"Zeile 1 \(„Ohne Nummer“\)"):
        service.parse_agenda("Ohne Nummer\n")
    with pytest.raises(service.MinutesInputError, match="keine Punkte"):
        service.parse_agenda("  \n")


def test_attendee_list() -> None:
    attendees = service.parse_attendees("Anna Berends; SPD\nKarl Cordes; CDU; entschuldigt\nEva Dirks\n")
    assert [(a.name, a.role, a.present) for a in attendees] == [
        ("Anna Berends", "SPD", True),
        ("Karl Cordes", "CDU", False),
        ("Eva Dirks", None, True),
    ]


def test_meeting_has_due_date_agenda_and_attendance(minutes_world: MinutesWorld) -> None:
    with open_session(minutes_world.sessions, tenant_id=minutes_world.tenant_id) as session:
        meeting = session.get(Meeting, minutes_world.meeting_id)
        assert meeting is not None
        # Thursday before Easter 2025: Good Friday and Easter Monday are holidays in Lower Saxony.
        assert meeting.due_date == date(2025, 4, 24)  # Tue 22, Wed 23, Thu 24
        assert meeting.organization is not None
        assert meeting.organization.name == "Rat der Stadt Jever"
        items = service.agenda_of(session, meeting)
        assert [(i.number, i.public) for i in items] == [
            ("1", True),
            ("2", True),
            ("2.1", True),
            ("3", False),
        ]
        attendance = service.attendance_of(session, meeting)
        assert [(a.person.name, a.present) for a in attendance] == [
            ("Anna Berends", True),
            ("Bürgermeister Albers", True),
            ("Karl Cordes", False),
        ]


def test_a_real_karlsruhe_meeting_is_stored(minutes_world: MinutesWorld) -> None:
    path = shared_data("karlsruhe", "sessions", "gemeinderat_2019-05-14", "oparl_meeting.json")
    imported = oparl.read_document(oparl.parse_json(path.read_bytes()))
    with open_session(minutes_world.sessions, tenant_id=minutes_world.tenant_id) as session:
        meeting = service.import_oparl(
            session=session, tenant_id=minutes_world.tenant_id, imported=imported, actor=minutes_world.actor
        )
        items = service.agenda_of(session, meeting)
        assert len(items) == 87
        assert meeting.session_date == date(2019, 5, 14)
        assert meeting.due_date == date(2019, 5, 17)  # Tue → Fri
        assert items[0].title == imported.items[0].title
        assert meeting.oparl_id == json.loads(path.read_text())["id"]


def test_oparl_paper_becomes_a_paper_row(minutes_world: MinutesWorld) -> None:
    document = [
        {
            "id": "u:m",
            "type": "https://schema.oparl.org/1.1/Meeting",
            "name": "Rat",
            "start": "2025-03-04T17:00:00+01:00",
            "agendaItem": [
                {
                    "id": "u:i",
                    "type": "https://schema.oparl.org/1.1/AgendaItem",
                    "order": 1,
                    "number": "4",
                    "name": "Kita-Gebühren",
                    "consultation": "u:c",
                }
            ],
        },
        {"id": "u:c", "type": "https://schema.oparl.org/1.1/Consultation", "paper": "u:p"},
        {
            "id": "u:p",
            "type": "https://schema.oparl.org/1.1/Paper",
            "reference": "2025/0007",
            "name": "Gebühren",
            "mainFile": {
                "id": "u:f",
                "type": "https://schema.oparl.org/1.1/File",
                "accessUrl": "u:f.pdf",
                "text": "Der Rat beschließt die Satzung.",
            },
        },
    ]
    imported = oparl.read_document(document)
    with open_session(minutes_world.sessions, tenant_id=minutes_world.tenant_id) as session:
        meeting = service.import_oparl(
            session=session, tenant_id=minutes_world.tenant_id, imported=imported, actor=minutes_world.actor
        )
        item = service.agenda_of(session, meeting)[0]
        paper = session.get(Paper, item.paper_id)
        assert paper is not None
        assert paper.reference == "2025/0007"
        assert item.proposed_resolution == "Der Rat beschließt die Satzung."


def test_voting_records_csv_are_matched_to_the_agenda(minutes_world: MinutesWorld) -> None:
    records = parse_records(
        "TOP;Antrag;Ja;Nein;Enthaltung;Namentlich\n"
        "2;Beschlussvorschlag;20;3;1;Anna Berends=ja|Karl Cordes=nein\n"
        "TOP 2.1;Änderungsantrag;5;18;1;\n".encode(),
        filename="abstimmung.csv",
    )
    with open_session(minutes_world.sessions, tenant_id=minutes_world.tenant_id) as session:
        meeting = session.get(Meeting, minutes_world.meeting_id)
        assert meeting is not None
        assert (
            service.import_votes(session=session, meeting=meeting, records=records, actor=minutes_world.actor)
            == 2
        )
        rows = session.scalars(select(Vote).order_by(Vote.id)).all()
        numbers = {i.id: i.number for i in session.scalars(select(AgendaItem))}
        assert [(numbers[v.agenda_item_id], v.yes, v.no, v.abstain) for v in rows] == [
            ("2", 20, 3, 1),
            ("2.1", 5, 18, 1),
        ]
        assert rows[0].named_votes == {"Anna Berends": "ja", "Karl Cordes": "nein"}


def test_voting_records_with_unknown_items_are_refused_and_nothing_is_saved(
    minutes_world: MinutesWorld,
) -> None:
    records = parse_records(
        json.dumps(
            [{"top": "2", "ja": 4, "nein": 0}, {"top": "7", "ja": 1}, {"item": "9.3", "yes": 2}]
        ).encode()
    )
    with open_session(minutes_world.sessions, tenant_id=minutes_world.tenant_id) as session:
        meeting = session.get(Meeting, minutes_world.meeting_id)
        assert meeting is not None
        with pytest.raises(VotingImportError, match=r"nicht auf der Tagesordnung: „7“, „9\.3“"):
            service.import_votes(session=session, meeting=meeting, records=records, actor=minutes_world.actor)
        assert session.scalars(select(Vote)).all() == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "leer"),
        (b"TOP;Ja\n2;viele\n", "keine Zahl"),
        (b'[{"top": "2", "namentlich": {"A": "vielleicht"}}]', "unbekannte Stimme"),
        (b"Antrag;Ja\nx;1\n", "keine Spalte"),
    ],
)
def test_bad_voting_files(data: bytes, message: str) -> None:
    with pytest.raises(VotingImportError, match=message):
        parse_records(data)


def test_gold_counts_parse_as_voting_records() -> None:
    gold = json.loads(
        shared_data(
            "karlsruhe", "sessions", "gemeinderat_2023-06-27", "gold_agenda_resolutions.json"
        ).read_text(encoding="utf-8")
    )
    rows = [
        {"top": item["number"], "titel": item["name"], "ja": 44, "nein": 0} for item in gold["agenda_public"]
    ]
    records = parse_records(json.dumps(rows).encode())
    meeting = oparl.read_document(
        json.loads(
            shared_data("karlsruhe", "sessions", "gemeinderat_2023-06-27", "oparl_meeting.json").read_text(
                encoding="utf-8"
            )
        )
    )
    numbers, titles = [i.number for i in meeting.items], [i.title for i in meeting.items]
    matched = match_records(records, numbers, titles)
    assert sum(len(found) for found in matched.values()) == len(rows)
    assert all(titles[position] == found[0].item_title for position, found in matched.items())


def test_recordings_are_checked_and_ordered(minutes_world: MinutesWorld, tmp_path: Path) -> None:
    files_dir = tmp_path / "files"
    wav = _wav_bytes()
    with open_session(minutes_world.sessions, tenant_id=minutes_world.tenant_id) as session:
        meeting = session.get(Meeting, minutes_world.meeting_id)
        assert meeting is not None
        for name in ("teil1.wav", "teil2.wav"):
            service.add_recording(
                session=session,
                meeting=meeting,
                files_dir=files_dir,
                upload=io.BytesIO(wav),
                filename=name,
                max_bytes=10**6,
                uploaded_by_id=minutes_world.clerk_id,
                actor=minutes_world.actor,
            )
        with pytest.raises(UploadRejectedError, match="PDF-Dokument"):
            service.add_recording(
                session=session,
                meeting=meeting,
                files_dir=files_dir,
                upload=io.BytesIO(b"%PDF-1.4\n" + b"x" * 100),
                filename="a.pdf",
                max_bytes=10**6,
                uploaded_by_id=None,
                actor=minutes_world.actor,
            )
        assert [r.position for r in service.recordings_of(session, meeting)] == [0, 1]
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.action == "minutes.recording_added")
        )
        assert len(actions.all()) == 2


def _wav_bytes(seconds: float = 0.2) -> bytes:
    import wave  # noqa: PLC0415

    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(b"\x00\x01" * int(16000 * seconds))
    return buffer.getvalue()
