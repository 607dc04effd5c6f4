"""An imported transcript as the meeting's transcript, and the ``minutes.transcript`` job run by the
worker's real JobRunner from speaker naming on: on a hand-written WebVTT file, and on a WebVTT file built
from a real Karlsruhe Niederschrift (skipped without the shared data set)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from bench.karlsruhe_data import load_session
from bench.minutes_karlsruhe import outcome_matches
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from rathaus.core.audit.models import AuditEvent
from rathaus.core.db import open_session
from rathaus.core.jobs import Job, JobStatus, enqueue
from rathaus.core.worker import JobRunner
from rathaus.minutes import service
from rathaus.minutes.audit_actions import MinutesAction
from rathaus.minutes.export import webvtt
from rathaus.minutes.jobs import TRANSCRIPT
from rathaus.minutes.models import (
    AgendaItem,
    Meeting,
    MeetingStatus,
    MinutesDraft,
    Person,
    Recording,
    Speaker,
    TranscriptSegment,
)
from rathaus.minutes.pipeline import STAGE_TITLES
from rathaus.minutes.transcript_import import import_transcript, transcript_imported
from rathaus.minutes.transcripts import TranscriptImportError, parse_transcript
from rathaus.modules import Settings
from tests.conftest import shared_data
from tests.minutes.conftest import MinutesWorld
from tests.minutes.test_service import _wav_bytes
from tests.requirements import require_tool

VTT = """WEBVTT

00:00:00.000 --> 00:00:06.000
<v Bürgermeister Albers>Guten Abend, ich eröffne die Sitzung und stelle die Beschlussfähigkeit fest.

00:00:06.500 --> 00:00:11.000
<v Bürgermeister Albers>Ich rufe Tagesordnungspunkt zwei auf, den Bebauungsplan Am Mühlbach.

00:00:11.500 --> 00:00:20.000
<v Anna Berends (SPD)>Die SPD stimmt dem Bebauungsplan Am Mühlbach zu, die Vorlage ist gut beraten.

00:00:20.500 --> 00:00:25.000
<v Bürgermeister Albers>Wer stimmt dem Bebauungsplan zu? Das ist einstimmig so beschlossen.

00:00:25.500 --> 00:00:30.000
<v Bürgermeister Albers>Nicht öffentlich: Tagesordnungspunkt drei, Grundstücksangelegenheit.

00:00:30.500 --> 00:00:36.000
<v Frau Neumann>Das Flurstück 12/4 soll zum Verkehrswert verkauft werden.
"""
STAGES_FROM_NAMING = [
    "Aufnahme für die Wiedergabe vorbereiten",
    *(STAGE_TITLES[name] for name in ("name_speakers", "align", "decisions", "draft")),
]


def _without_llm(settings: Settings) -> Settings:
    """Extractive drafting, so that the figures do not depend on a model."""
    return settings.model_copy(update={"ai": settings.ai.model_copy(update={"llm_backend": "none"})})


def _run(sessions: sessionmaker[Session], settings: Settings, tenant_id: int, meeting_id: int) -> Job:
    with open_session(sessions, tenant_id=tenant_id) as session:
        job = enqueue(
            session=session, kind=TRANSCRIPT, params={"meeting_id": meeting_id}, tenant_id=tenant_id
        )
        session.get_one(Meeting, meeting_id).pipeline_job_id = job.id
        job_id = job.id
    JobRunner(sessions=sessions, settings=settings).execute(job_id)
    with open_session(sessions) as session:
        return session.get_one(Job, job_id)


def test_imported_webvtt_becomes_the_transcript_and_the_draft(
    minutes_world: MinutesWorld, settings: Settings
) -> None:
    require_tool("ffprobe", install="apt-get install ffmpeg")
    settings = _without_llm(settings)
    with open_session(minutes_world.sessions, tenant_id=minutes_world.tenant_id) as session:
        meeting = session.get_one(Meeting, minutes_world.meeting_id)
        speakers = import_transcript(
            session=session,
            meeting=meeting,
            transcript=parse_transcript(VTT.encode(), filename="sitzung.vtt"),
            actor=minutes_world.actor,
            filename="sitzung.vtt",
        )
        assert [(s.label, s.display_name, s.named_by) for s in speakers] == [
            ("S1", "Bürgermeister Albers", "transcript"),
            ("S2", "Anna Berends (SPD)", "transcript"),
            ("S3", "Frau Neumann", "transcript"),
        ]
        service.add_recording(  # for listening only
            session=session,
            meeting=meeting,
            files_dir=settings.files_dir,
            upload=io.BytesIO(_wav_bytes(2.5)),
            filename="sitzung.wav",
            max_bytes=10**8,
            uploaded_by_id=None,
            actor=minutes_world.actor,
        )
    job = _run(minutes_world.sessions, settings, minutes_world.tenant_id, minutes_world.meeting_id)
    assert job.status is JobStatus.SUCCEEDED, job.error
    assert (job.kind, job.progress) == (TRANSCRIPT, 100)
    assert job.finished_stages == STAGES_FROM_NAMING  # no decoding, no speech-to-text, no diarization
    assert job.result is not None
    assert job.result["playback"] == {"recordings": 1, "unreadable": [], "seconds": 2.5}
    with open_session(minutes_world.sessions, tenant_id=minutes_world.tenant_id) as session:
        meeting = session.get_one(Meeting, minutes_world.meeting_id)
        assert transcript_imported(session, meeting)
        segments = session.scalars(select(TranscriptSegment).order_by(TranscriptSegment.position)).all()
        assert [(s.speaker_label, s.start_s) for s in segments] == [
            ("S1", 0.0),
            ("S1", 6.5),
            ("S2", 11.5),
            ("S1", 20.5),
            ("S1", 25.5),
            ("S3", 30.5),
        ]
        albers = session.scalars(select(Person).where(Person.name == "Bürgermeister Albers")).one()
        berends = session.scalars(select(Person).where(Person.name == "Anna Berends")).one()
        linked = {s.label: s.person_id for s in session.scalars(select(Speaker))}
        assert linked == {"S1": albers.id, "S2": berends.id, "S3": None}  # faction in brackets ignored
        items = {i.number: i for i in session.scalars(select(AgendaItem))}
        assert (items["2"].start_s, items["3"].start_s) == (6.5, 25.5)
        assert items["2"].result is not None
        assert "einstimmig" in items["2"].result
        assert items["2"].decision_details["method"] != "record"
        drafts = {d.agenda_item_id: d for d in session.scalars(select(MinutesDraft))}
        assert "Bebauungsplan" in drafts[items["2"].id].text
        [recording] = session.scalars(select(Recording)).all()
        assert (recording.offset_s, recording.duration_s) == (0.0, 2.5)
        [event] = session.scalars(
            select(AuditEvent).where(AuditEvent.action == MinutesAction.TRANSCRIPT_IMPORTED)
        ).all()
        assert event.details["format"] == "webvtt"
        assert (event.details["segments"], event.details["speakers"]) == (6, 3)


def test_import_refused_for_approved_minutes_and_while_a_job_runs(minutes_world: MinutesWorld) -> None:
    transcript = parse_transcript(VTT.encode(), filename="sitzung.vtt")
    with open_session(minutes_world.sessions, tenant_id=minutes_world.tenant_id) as session:
        meeting = session.get_one(Meeting, minutes_world.meeting_id)
        job = enqueue(
            session=session,
            kind=TRANSCRIPT,
            params={"meeting_id": meeting.id},
            tenant_id=minutes_world.tenant_id,
        )
        meeting.pipeline_job_id = job.id
        with pytest.raises(TranscriptImportError, match=f"läuft gerade Auftrag {job.id} \\(Wartet\\)"):
            import_transcript(
                session=session, meeting=meeting, transcript=transcript, actor=minutes_world.actor
            )
        meeting.pipeline_job_id = None
        meeting.status = MeetingStatus.APPROVED
        with pytest.raises(TranscriptImportError, match="„freigegeben“; ihr Wortlaut bleibt unverändert"):
            import_transcript(
                session=session, meeting=meeting, transcript=transcript, actor=minutes_world.actor
            )
        assert session.scalars(select(TranscriptSegment)).all() == []


def test_real_karlsruhe_session_imported_as_webvtt_is_aligned_and_decided(
    minutes_world: MinutesWorld, settings: Settings
) -> None:
    """A WebVTT file made from the 2014-02-18 Niederschrift (discussion only, the results taken out)."""
    prepared = load_session(shared_data("karlsruhe", "sessions", "gemeinderat_2014-02-18"))
    vtt = webvtt([(s.start, s.end, s.speaker or "", s.text) for s in prepared.segments])
    with open_session(minutes_world.sessions, tenant_id=minutes_world.tenant_id) as session:
        meeting = service.create_meeting(
            session=session,
            tenant_id=minutes_world.tenant_id,
            actor=minutes_world.actor,
            data=service.MeetingInput(
                name="Gemeinderat", session_date=date.fromisoformat(str(prepared.header["date"]))
            ),
        )
        service.set_agenda(
            session=session, meeting=meeting, entries=prepared.agenda, actor=minutes_world.actor
        )
        imported = parse_transcript(vtt.encode(), filename="gemeinderat.vtt")
        import_transcript(session=session, meeting=meeting, transcript=imported, actor=minutes_world.actor)
        meeting_id = meeting.id
    assert imported.cues == len(prepared.segments)
    job = _run(minutes_world.sessions, _without_llm(settings), minutes_world.tenant_id, meeting_id)
    assert job.status is JobStatus.SUCCEEDED, job.error
    with open_session(minutes_world.sessions, tenant_id=minutes_world.tenant_id) as session:
        items = service.agenda_of(session, session.get_one(Meeting, meeting_id))
        placed = total = 0
        seen: set[str] = set()
        for item in items:
            if item.number in seen or item.number not in prepared.true_ranges:
                continue
            seen.add(item.number)
            first, last = prepared.true_ranges[item.number]
            total += 1
            placed += (
                item.start_s is not None
                and prepared.segments[first].start - 0.01 <= item.start_s <= prepared.segments[last].end  # ms
            )
        assert total == 27
        assert placed / total >= 0.9  # 27 of 27 when written
        stated = right = 0
        for item, expected in zip(items, prepared.oparl_results, strict=True):
            if item.result is None or not expected or item.number not in prepared.true_ranges:
                continue
            stated += 1
            right += outcome_matches(item.result, expected)
        assert stated >= 10
        assert right / stated >= 0.85  # 30 of 33 when written
