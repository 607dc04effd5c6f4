"""The clerk's flow through the real app (with CSRF): create/import, uploads, the job, the editor,
the workflow, every export, and the anonymous public page without non-public items."""

from __future__ import annotations

import io
import json
import zipfile

import pikepdf
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from rathaus.core.db import open_session
from rathaus.core.jobs import Job
from rathaus.minutes import oparl
from rathaus.minutes.models import AgendaItem, Meeting, MeetingStatus, Speaker, TranscriptSegment
from tests.conftest import csrf_from, login, shared_data
from tests.minutes.conftest import AGENDA, CLERK, MinutesWorld
from tests.minutes.test_service import _wav_bytes


@pytest.fixture
def clerk(client: TestClient, minutes_world: MinutesWorld) -> TestClient:
    login(client, CLERK)
    return client


def _token(client: TestClient) -> str:
    return csrf_from(client, "/protokolle/neu")


def test_meeting_list_and_typed_meeting(clerk: TestClient) -> None:
    page = clerk.get("/protokolle")
    assert page.status_code == 200
    assert "Sitzung des Rates" in page.text
    assert "überfällig" in page.text
    response = clerk.post(
        "/protokolle/neu",
        data={
            "csrf_token": _token(clerk),
            "name": "Bauausschuss",
            "datum": "2026-03-05",
            "beginn": "17:00",
            "tagesordnung": "1 Eröffnung\nN 2 Vergabe",
            "teilnehmende": "Anna Berends; Vorsitz",
        },
    )
    assert response.status_code == 200  # followed to the meeting page
    assert "Bauausschuss" in response.text
    assert "Vergabe" in response.text
    assert "10.03.2026" in response.text  # Thu 5 March → Tue 10 March


def test_typed_meeting_errors_keep_the_input(clerk: TestClient) -> None:
    response = clerk.post(
        "/protokolle/neu",
        data={
            "csrf_token": _token(clerk),
            "name": "Bauausschuss",
            "datum": "2026-03-05",
            "tagesordnung": "Eröffnung ohne Nummer",
        },
    )
    assert response.status_code == 400
    assert "beginnen nicht mit einer Nummer" in response.text
    assert "Eröffnung ohne Nummer" in response.text


def test_csrf_is_required(clerk: TestClient) -> None:
    response = clerk.post("/protokolle/neu", data={"name": "x", "datum": "2026-03-05", "tagesordnung": "1 A"})
    assert response.status_code == 403


def test_oparl_file_import_and_invalid_file(clerk: TestClient, minutes_world: MinutesWorld) -> None:
    path = shared_data("karlsruhe", "sessions", "gemeinderat_2023-06-27", "oparl_meeting.json")
    response = clerk.post(
        "/protokolle/import",
        data={"csrf_token": _token(clerk)},
        files={"datei": ("sitzung.json", path.read_bytes(), "application/json")},
    )
    assert response.status_code == 200
    assert "mit 60 Tagesordnungspunkten importiert" in response.text
    assert "Neubesetzung von gemeinderätlichen Ausschüssen" in response.text
    bad = json.loads(path.read_text(encoding="utf-8"))
    bad["agendaItem"][3]["public"] = "ja"
    response = clerk.post(
        "/protokolle/import",
        data={"csrf_token": _token(clerk)},
        files={"datei": ("kaputt.json", json.dumps(bad).encode(), "application/json")},
    )
    assert response.status_code == 400
    assert "kein gültiges OParl-1.1-Objekt" in response.text
    assert "agendaItem/3/public" in response.text
    with open_session(minutes_world.sessions, tenant_id=minutes_world.tenant_id) as session:
        assert len(session.scalars(select(Meeting)).all()) == 2  # the fixture's and the valid import only


def test_oparl_url_import_from_a_loopback_endpoint(clerk: TestClient) -> None:
    from tests.minutes.test_oparl import _Endpoint, _meeting  # noqa: PLC0415

    server = _Endpoint({})
    server.thread.start()
    try:
        server.objects["/m/1"] = _meeting(id=f"{server.base}/m/1", name="Finanzausschuss")
        response = clerk.post(
            "/protokolle/import", data={"csrf_token": _token(clerk), "adresse": f"{server.base}/m/1"}
        )
        assert response.status_code == 200
        assert "Finanzausschuss" in response.text
        response = clerk.post(
            "/protokolle/import", data={"csrf_token": _token(clerk), "adresse": f"{server.base}/m/2"}
        )
        assert response.status_code == 400
        assert "Status 404" in response.text
    finally:
        server.server.shutdown()
        server.server.server_close()


def test_recordings_votes_and_pipeline_start(clerk: TestClient, minutes_world: MinutesWorld) -> None:
    meeting_id = minutes_world.meeting_id
    token = _token(clerk)
    response = clerk.post(f"/protokolle/{meeting_id}/verarbeiten", data={"csrf_token": token})
    assert response.status_code == 400
    assert "zuerst die Aufnahme" in response.text
    response = clerk.post(
        f"/protokolle/aufnahmen/{meeting_id}",
        data={"csrf_token": token},
        files=[
            ("dateien", ("b-teil2.wav", _wav_bytes(), "audio/wav")),
            ("dateien", ("a-teil1.wav", _wav_bytes(0.3), "audio/wav")),
        ],
    )
    assert response.status_code == 200
    assert "2 Aufnahme(n) gespeichert" in response.text
    response = clerk.post(
        f"/protokolle/aufnahmen/{meeting_id}",
        data={"csrf_token": token},
        files=[("dateien", ("protokoll.wav", b"%PDF-1.4\n" + b"x" * 200, "audio/wav"))],
    )
    assert response.status_code == 415
    assert "PDF-Dokument" in response.text
    response = clerk.post(
        f"/protokolle/{meeting_id}/abstimmungen",
        data={"csrf_token": token},
        files={"datei": ("a.csv", b"TOP;Ja;Nein\n2;10;1\n8;3;3\n", "text/csv")},
    )
    assert response.status_code == 400
    assert "nicht auf der Tagesordnung: „8“" in response.text
    response = clerk.post(
        f"/protokolle/{meeting_id}/abstimmungen",
        data={"csrf_token": token},
        files={"datei": ("a.csv", b"TOP;Antrag;Ja;Nein\n2;Vorlage;10;1\n", "text/csv")},
    )
    assert response.status_code == 200
    assert "1 Abstimmungen wurden übernommen" in response.text
    response = clerk.post(
        f"/protokolle/{meeting_id}/verarbeiten", data={"csrf_token": token}, follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"].startswith("/auftraege/")
    job_id = int(response.headers["location"].rsplit("/", 1)[1])
    with open_session(minutes_world.sessions, tenant_id=minutes_world.tenant_id) as session:
        job = session.get(Job, job_id)
        assert job is not None
        assert (job.kind, job.params) == ("minutes.pipeline", {"meeting_id": meeting_id})
        meeting = session.get(Meeting, meeting_id)
        assert meeting is not None
        assert meeting.pipeline_job_id == job_id


def test_recording_size_limit_is_per_path(app_context, minutes_world: MinutesWorld) -> None:  # type: ignore[no-untyped-def]
    from rathaus.app import create_app  # noqa: PLC0415

    limits = app_context.settings.uploads.model_copy(update={"max_bytes": 4096})
    recordings = app_context.settings.minutes.model_copy(update={"max_recording_bytes": 3 * 2**20})
    app_context.settings = app_context.settings.model_copy(update={"uploads": limits, "minutes": recordings})
    with TestClient(create_app(context=app_context), base_url="http://127.0.0.1") as client:
        login(client, CLERK)
        token = _token(client)
        big = _wav_bytes(50.0)  # 1.6 MB: above the general limit (+1 MB form overhead), below 3 MB
        ok = client.post(
            f"/protokolle/aufnahmen/{minutes_world.meeting_id}",
            data={"csrf_token": token},
            files=[("dateien", ("sitzung.wav", big, "audio/wav"))],
        )
        assert ok.status_code == 200
        refused = client.post(
            f"/protokolle/{minutes_world.meeting_id}/abstimmungen",
            data={"csrf_token": token},
            files={"datei": ("a.csv", b"TOP;Ja\n" + b"2;1\n" * 400_000, "text/csv")},
        )
        assert refused.status_code == 413


def _transcript(minutes_world: MinutesWorld) -> dict[str, int]:
    with open_session(minutes_world.sessions, tenant_id=minutes_world.tenant_id) as session:
        items = session.scalars(select(AgendaItem).order_by(AgendaItem.order)).all()
        rows = [
            (0.0, 5.0, "S1", "Ich eröffne die Sitzung."),
            (5.0, 12.0, "S2", "Wir stimmen dem Bebauungsplan zu."),
            (12.0, 20.0, "S1", "Wir kommen zum nicht öffentlichen Teil, Flurstück zwölf."),
            (20.0, 25.0, "S3", "Der Kaufpreis beträgt geheime Summe."),
        ]
        for position, (start, end, label, text) in enumerate(rows):
            words = [[start + i, start + i + 0.5, f" {w}", 0.9] for i, w in enumerate(text.split())]
            session.add(
                TranscriptSegment(
                    tenant_id=minutes_world.tenant_id,
                    meeting_id=minutes_world.meeting_id,
                    position=position,
                    start_s=start,
                    end_s=end,
                    speaker_label=label,
                    text=text,
                    words=words,
                )
            )
        for label in ("S1", "S2", "S3"):
            session.add(
                Speaker(tenant_id=minutes_world.tenant_id, meeting_id=minutes_world.meeting_id, label=label)
            )
        for item, (start, end) in zip(
            items, [(0.0, 5.0), (5.0, 12.0), (None, None), (12.0, 25.0)], strict=True
        ):
            item.start_s, item.end_s = start, end
        session.flush()
        ids = {
            f"seg{p}": s.id
            for p, s in enumerate(
                session.scalars(select(TranscriptSegment).order_by(TranscriptSegment.position))
            )
        }
        ids.update({f"item{i}": item.id for i, item in enumerate(items)})
        return ids


def test_editor_workflow_exports_and_public_page(clerk: TestClient, minutes_world: MinutesWorld) -> None:
    ids = _transcript(minutes_world)
    meeting_id = minutes_world.meeting_id
    token = _token(clerk)
    page = clerk.get(f"/protokolle/{meeting_id}/bearbeiten")
    assert page.status_code == 200
    assert 'data-start="5.0"' in page.text
    assert "/static/js/minutes.js" in page.text
    clerk.post(
        f"/protokolle/{meeting_id}/sprecher",
        data={"csrf_token": token, "stimme": "S1", "name": "Bürgermeister Albers"},
    )
    clerk.post(
        f"/protokolle/{meeting_id}/sprecher", data={"csrf_token": token, "stimme": "S3", "zusammen_mit": "S1"}
    )
    clerk.post(
        f"/protokolle/{meeting_id}/abschnitte/{ids['seg1']}",
        data={"csrf_token": token, "text": "Wir stimmen dem Bebauungsplan Mühlbach zu."},
    )
    clerk.post(
        f"/protokolle/{meeting_id}/grenze",
        data={"csrf_token": token, "top": ids["item1"], "abschnitt": ids["seg1"]},
    )
    clerk.post(
        f"/protokolle/{meeting_id}/text/{ids['item1']}",
        data={
            "csrf_token": token,
            "text": "Frau Berends berichtet aus dem Ausschuss.",
            "ergebnis": "einstimmig zugestimmt",
            "beschluss": "Der Rat beschließt den Bebauungsplan.",
        },
    )
    clerk.post(
        f"/protokolle/{meeting_id}/text/{ids['item3']}",
        data={"csrf_token": token, "text": "Verkauf an Käufer GEHEIM.", "beschluss": "Zuschlag GEHEIM."},
    )
    page = clerk.get(f"/protokolle/{meeting_id}/bearbeiten")
    assert "Bürgermeister Albers" in page.text
    assert "Bebauungsplan Mühlbach" in page.text
    with open_session(minutes_world.sessions, tenant_id=minutes_world.tenant_id) as session:
        assert sorted(s.label for s in session.scalars(select(Speaker))) == ["S1", "S2"]
        labels = [
            s.speaker_label
            for s in session.scalars(select(TranscriptSegment).order_by(TranscriptSegment.position))
        ]
        assert labels == ["S1", "S2", "S1", "S1"]

    vtt = clerk.get(f"/protokolle/{meeting_id}/export/vtt").text
    assert vtt.startswith("WEBVTT")
    assert "00:00:05.000 --> 00:00:12.000\n<v Sprecher 2>Wir stimmen dem Bebauungsplan Mühlbach zu." in vtt
    assert (
        "1\n00:00:00,000 --> 00:00:05,000\nBürgermeister Albers: Ich eröffne"
        in clerk.get(f"/protokolle/{meeting_id}/export/srt").text
    )
    structured = clerk.get(f"/protokolle/{meeting_id}/export/json").json()
    assert [i["number"] for i in structured["items"]] == ["1", "2", "2.1", "3"]
    assert structured["items"][1]["resolution_text"] == "Der Rat beschließt den Bebauungsplan."
    assert structured["items"][1]["speakers"] == ["Sprecher 2"]
    docx = clerk.get(f"/protokolle/{meeting_id}/export/docx")
    with zipfile.ZipFile(io.BytesIO(docx.content)) as archive:
        body = archive.read("word/document.xml").decode()
    assert "Der Rat beschließt den Bebauungsplan." in body
    assert "Frau Janssen" in body
    pdf = clerk.get(f"/protokolle/{meeting_id}/export/pdf").content
    with pikepdf.open(io.BytesIO(pdf)) as parsed:
        assert "/OutputIntents" in parsed.Root  # PDF/A: embedded colour profile
        assert parsed.open_metadata().get("pdfaid:part") == "3"
        text = b"".join(page.Contents.read_bytes() for page in parsed.pages if "/Contents" in page)
    assert text  # the pages have content (fonts are embedded subsets, the text is not plain)
    document = clerk.get(f"/protokolle/{meeting_id}/export/oparl").json()
    assert oparl.validation_errors(document, "Meeting") == []
    assert document["agendaItem"][1]["result"] == "einstimmig zugestimmt"
    assert document["resultsProtocol"]["mimeType"] == "application/pdf"

    for action, data in (
        ("pruefen", {}),
        ("freigeben", {"vorsitz": "Bürgermeister Albers"}),
        ("veroeffentlichen", {}),
    ):
        response = clerk.post(
            f"/protokolle/{meeting_id}/status", data={"csrf_token": token, "aktion": action, **data}
        )
        assert response.status_code == 200, response.text
    blocked = clerk.post(
        f"/protokolle/{meeting_id}/text/{ids['item1']}", data={"csrf_token": token, "text": "x"}
    )
    assert "kann nicht mehr geändert werden" in blocked.text
    with open_session(minutes_world.sessions, tenant_id=minutes_world.tenant_id) as session:
        meeting = session.get(Meeting, meeting_id)
        assert meeting is not None
        assert meeting.status is MeetingStatus.PUBLISHED

    anonymous = TestClient(clerk.app, base_url="http://127.0.0.1")
    listing = anonymous.get("/protokolle/oeffentlich/jever")
    assert listing.status_code == 200
    assert "Sitzung des Rates" in listing.text
    public = anonymous.get(f"/protokolle/oeffentlich/jever/{meeting_id}")
    assert "Der Rat beschließt den Bebauungsplan." in public.text
    assert "GEHEIM" not in public.text
    assert "Grundstücksangelegenheit" not in public.text
    public_json = anonymous.get(f"/protokolle/oeffentlich/jever/{meeting_id}?format=json").text
    assert "GEHEIM" not in public_json
    assert "Grundstücksangelegenheit" not in public_json
    public_oparl = anonymous.get(f"/protokolle/oeffentlich/jever/{meeting_id}?format=oparl").json()
    assert [i["name"] for i in public_oparl["agendaItem"]] == [
        line.split(" ", 1)[1].split(" (")[0] for line in AGENDA.splitlines()[:3]
    ]
    assert anonymous.get(f"/protokolle/oeffentlich/bergdorf/{meeting_id}").status_code == 404
    assert anonymous.get(f"/protokolle/{meeting_id}", follow_redirects=False).status_code == 303  # login


def test_other_tenant_sees_nothing(client: TestClient, minutes_world: MinutesWorld) -> None:
    login(client, "protokoll-b")
    meeting_id = minutes_world.meeting_id
    assert client.get(f"/protokolle/{meeting_id}").status_code == 404
    assert client.get(f"/protokolle/{meeting_id}/export/json").status_code == 404
    assert "Sitzung des Rates" not in client.get("/protokolle").text


def test_voice_enrollment_needs_a_named_person_and_consent(
    clerk: TestClient, minutes_world: MinutesWorld
) -> None:
    from rathaus.minutes.models import VoiceProfile  # noqa: PLC0415

    _transcript(minutes_world)
    with open_session(minutes_world.sessions, tenant_id=minutes_world.tenant_id) as session:
        speaker = session.scalars(select(Speaker).where(Speaker.label == "S2")).one()
        speaker.embedding = [0.6, 0.8]
    meeting_id = minutes_world.meeting_id
    token = _token(clerk)
    refused = clerk.post(
        f"/protokolle/{meeting_id}/stimmprofil",
        data={"csrf_token": token, "stimme": "S2", "einwilligung": "2025-04-01"},
    )
    assert "zuerst mit dem Namen einer bekannten Person" in refused.text
    clerk.post(
        f"/protokolle/{meeting_id}/sprecher",
        data={"csrf_token": token, "stimme": "S2", "name": "Anna Berends"},
    )
    page = clerk.get(f"/protokolle/{meeting_id}/bearbeiten")
    assert "Einwilligung von Anna Berends" in page.text
    done = clerk.post(
        f"/protokolle/{meeting_id}/stimmprofil",
        data={"csrf_token": token, "stimme": "S2", "einwilligung": "2025-04-01"},
    )
    assert "in künftigen Sitzungen wiedererkannt" in done.text
    with open_session(minutes_world.sessions, tenant_id=minutes_world.tenant_id) as session:
        profile = session.scalars(select(VoiceProfile)).one()
        assert profile.embedding == [0.6, 0.8]
        assert profile.consent_date.isoformat() == "2025-04-01"


def test_exports_carry_the_tenant_letterhead(clerk: TestClient, minutes_world: MinutesWorld) -> None:
    from PIL import Image  # noqa: PLC0415

    from rathaus.core.security.models import Tenant  # noqa: PLC0415
    from rathaus.core.storage import save_upload  # noqa: PLC0415

    buffer = io.BytesIO()
    Image.new("RGB", (600, 120), (20, 60, 140)).save(buffer, format="PNG")
    files_dir = clerk.app.state.context.settings.files_dir  # type: ignore[attr-defined]
    with open_session(minutes_world.sessions, tenant_id=minutes_world.tenant_id) as session:
        stored = save_upload(
            session=session,
            files_dir=files_dir,
            tenant_id=minutes_world.tenant_id,
            upload=io.BytesIO(buffer.getvalue()),
            filename="kopf.png",
            allowed={"image/png"},
            max_bytes=10**6,
            purpose="letterhead",
            uploaded_by_id=None,
        )
        tenant = session.get(Tenant, minutes_world.tenant_id)
        assert tenant is not None
        tenant.letterhead_file_id = stored.id
    docx = clerk.get(f"/protokolle/{minutes_world.meeting_id}/export/docx").content
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        media = [name for name in archive.namelist() if name.startswith("word/media/")]
        assert len(media) == 1
        assert archive.read(media[0]) == buffer.getvalue()
        assert "header" in " ".join(archive.namelist())
    pdf = clerk.get(f"/protokolle/{minutes_world.meeting_id}/export/pdf").content
    with pikepdf.open(io.BytesIO(pdf)) as parsed:
        images = [key for page in parsed.pages for key in page.get_images()]
        assert len(images) == 1
