"""The transcript import on the meeting page through the real app (with CSRF): the form, German refusals
with cue and line, a recording for listening only, the job it starts, the size limit of its path, and
another tenant's clerk who cannot import into this tenant's meeting."""

from __future__ import annotations

import json

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from rathaus.core.audit.models import AuditEvent
from rathaus.core.db import open_session
from rathaus.core.jobs import Job, JobStatus
from rathaus.minutes.audit_actions import MinutesAction
from rathaus.minutes.models import Meeting, Recording, Speaker, TranscriptSegment
from tests.conftest import csrf_from, login
from tests.minutes.conftest import CLERK, MinutesWorld
from tests.minutes.test_service import _wav_bytes

SRT = """1
00:00:01,000 --> 00:00:05,000
Bürgermeister Albers: Ich rufe Tagesordnungspunkt zwei auf, den Bebauungsplan.

2
00:00:05,500 --> 00:00:09,000
Anna Berends: Wir stimmen zu.
"""

ROWS = [{"speaker": "Anna Berends", "start": 0, "end": 2.5, "text": "Wir stimmen zu."}]


def _post(
    client: TestClient, meeting_id: int, files: list[tuple[str, tuple[str, bytes, str]]]
) -> httpx.Response:
    token = csrf_from(client, f"/protokolle/{meeting_id}")
    return client.post(
        f"/protokolle/wortlaut/{meeting_id}", data={"csrf_token": token}, files=files, follow_redirects=False
    )


def _segments(minutes_world: MinutesWorld) -> int:
    with open_session(minutes_world.sessions, tenant_id=minutes_world.tenant_id) as session:
        return session.scalar(select(func.count()).select_from(TranscriptSegment)) or 0


def test_meeting_page_offers_the_transcript_import(client: TestClient, minutes_world: MinutesWorld) -> None:
    login(client, CLERK)
    page = client.get(f"/protokolle/{minutes_world.meeting_id}")
    assert '<h2 id="wl-titel">Transkript importieren (WebVTT, SRT oder JSON)</h2>' in page.text
    assert f'action="/protokolle/wortlaut/{minutes_world.meeting_id}"' in page.text
    assert '<label for="f-wortlaut">Transkript-Datei</label>' in page.text
    assert '<label for="f-wiedergabe">Aufnahme(n) zum Anhören (freiwillig)</label>' in page.text
    assert "als UTF-8 gespeichert, höchstens 20" in page.text


def test_broken_transcripts_are_refused_in_german(client: TestClient, minutes_world: MinutesWorld) -> None:
    login(client, CLERK)
    meeting_id = minutes_world.meeting_id
    response = _post(client, meeting_id, [])
    assert response.status_code == 400
    assert "Bitte wählen Sie eine Transkript-Datei aus" in response.text
    broken = "WEBVTT\n\n00:00:05.000 --> 00:00:06.000\nEins.\n\n00:00:04.000 --> 00:00:07.000\nZwei.\n"
    response = _post(client, meeting_id, [("datei", ("sitzung.vtt", broken.encode(), "text/vtt"))])
    assert response.status_code == 400
    assert "Eintrag 2 (Zeile 6): beginnt (00:00:04.000) vor dem vorherigen Eintrag" in response.text
    binary = b"1\n00:00:01,000 --> 00:00:02,000\n\x00\x01\xff\xfe\x00" * 20
    response = _post(client, meeting_id, [("datei", ("sitzung.srt", binary, "application/x-subrip"))])
    assert response.status_code == 400
    assert "Transkriptdatei" in response.text
    assert _segments(minutes_world) == 0


def test_srt_with_a_recording_for_listening_starts_the_job(
    client: TestClient, minutes_world: MinutesWorld
) -> None:
    login(client, CLERK)
    meeting_id = minutes_world.meeting_id
    response = _post(
        client,
        meeting_id,
        [
            ("datei", ("sitzung.srt", SRT.encode(), "application/x-subrip")),
            ("aufnahmen", ("sitzung.wav", _wav_bytes(0.5), "audio/wav")),
        ],
    )
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    job_id = int(location.rsplit("/", 1)[1])
    assert location == f"/auftraege/{job_id}"
    page = client.get(location)
    assert "Das Transkript (SRT) wurde übernommen: 2 Abschnitte, 2 Sprecherinnen und Sprecher" in page.text
    with open_session(minutes_world.sessions, tenant_id=minutes_world.tenant_id) as session:
        job = session.get_one(Job, job_id)
        assert (job.kind, job.params) == ("minutes.transcript", {"meeting_id": meeting_id})
        assert session.get_one(Meeting, meeting_id).pipeline_job_id == job_id
        names = [s.display_name for s in session.scalars(select(Speaker).order_by(Speaker.label))]
        assert names == ["Bürgermeister Albers", "Anna Berends"]
        assert len(session.scalars(select(Recording)).all()) == 1
        [event] = session.scalars(
            select(AuditEvent).where(AuditEvent.action == MinutesAction.TRANSCRIPT_IMPORTED)
        ).all()
        assert (event.details["format"], event.details["filename"]) == ("srt", "sitzung.srt")
        assert len(event.details["sha256"]) == 64
    # while the job waits, a second import is refused; the page says the transcript was imported
    again = _post(
        client, meeting_id, [("datei", ("neu.json", json.dumps(ROWS).encode(), "application/json"))]
    )
    assert again.status_code == 400
    assert f"läuft gerade Auftrag {job_id}" in again.text
    assert "stammt aus einem importierten Transkript" in client.get(f"/protokolle/{meeting_id}").text
    # "Protokollentwurf erstellen" then drafts from the imported transcript again, not from the audio
    with open_session(minutes_world.sessions, tenant_id=minutes_world.tenant_id) as session:
        session.get_one(Job, job_id).status = JobStatus.SUCCEEDED
    token = csrf_from(client, f"/protokolle/{meeting_id}")
    rerun = client.post(
        f"/protokolle/{meeting_id}/verarbeiten", data={"csrf_token": token}, follow_redirects=False
    )
    assert rerun.status_code == 303
    with open_session(minutes_world.sessions, tenant_id=minutes_world.tenant_id) as session:
        new_job = session.get_one(Job, int(rerun.headers["location"].rsplit("/", 1)[1]))
        assert new_job.kind == "minutes.transcript"


def test_a_rejected_recording_keeps_the_old_transcript(
    client: TestClient, minutes_world: MinutesWorld
) -> None:
    login(client, CLERK)
    response = _post(
        client,
        minutes_world.meeting_id,
        [
            ("datei", ("sitzung.srt", SRT.encode(), "application/x-subrip")),
            ("aufnahmen", ("sitzung.wav", b"%PDF-1.4\n" + b"x" * 200, "audio/wav")),
        ],
    )
    assert response.status_code == 415
    assert "Die Aufnahme zum Anhören wurde nicht angenommen" in response.text
    assert _segments(minutes_world) == 0  # the transcript of the refused form is not kept either


def test_transcript_size_limit(app_context, minutes_world: MinutesWorld) -> None:  # type: ignore[no-untyped-def]
    from rathaus.app import create_app  # noqa: PLC0415

    minutes = app_context.settings.minutes.model_copy(update={"max_transcript_bytes": 2048})
    app_context.settings = app_context.settings.model_copy(update={"minutes": minutes})
    with TestClient(create_app(context=app_context), base_url="http://127.0.0.1") as client:
        login(client, CLERK)
        big = ("WEBVTT\n\n" + "00:00:01.000 --> 00:00:02.000\nDas ist ein Satz.\n\n" * 100).encode()
        response = _post(client, minutes_world.meeting_id, [("datei", ("gross.vtt", big, "text/vtt"))])
        assert response.status_code == 400
        assert "Die Transkript-Datei ist größer als" in response.text


def test_other_tenant_cannot_import(client: TestClient, minutes_world: MinutesWorld) -> None:
    login(client, "protokoll-b")
    token = csrf_from(client, "/protokolle")
    response = client.post(
        f"/protokolle/wortlaut/{minutes_world.meeting_id}",
        data={"csrf_token": token},
        files=[("datei", ("sitzung.srt", SRT.encode(), "application/x-subrip"))],
    )
    assert response.status_code == 404
    assert _segments(minutes_world) == 0
