"""The production ``minutes.pipeline`` job on a real synthesised recording, run by the real JobRunner:
real decoding (ffmpeg) and VAD (Silero), with deterministic speech-to-text and voice backends registered
in the AI registry and chosen through the AI settings (tests.minutes.scripted; the real models are tested
with the stages themselves, in test_audio*/test_diarize*). Checks the wiring to the database and the job."""

from __future__ import annotations

import io
import subprocess
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from rathaus.core.db import open_session
from rathaus.core.jobs import Job, JobStatus, enqueue, retry_job
from rathaus.core.worker import JobRunner
from rathaus.minutes import service
from rathaus.minutes.audio.decode import MESSAGES_DE
from rathaus.minutes.jobs import PIPELINE
from rathaus.minutes.models import (
    AgendaItem,
    Meeting,
    MinutesDraft,
    Person,
    Recording,
    Speaker,
    TranscriptSegment,
    VoiceProfile,
)
from rathaus.minutes.pipeline import (
    STAGE_TITLES,
    STAGES,
    Backends,
    PipelineRun,
    segment_from_json,
    segment_to_json,
    stored_segments,
)
from rathaus.minutes.schemas import Segment, Word
from rathaus.modules import Settings
from tests.minutes.conftest import MinutesWorld
from tests.minutes.scripted import ScriptedAI
from tests.requirements import require_tool

TURNS = [
    ("low", "Ich eröffne die Sitzung und rufe Tagesordnungspunkt eins auf."),
    ("high", "Vielen Dank. Wir haben die Vorlage im Ausschuss ausführlich beraten."),
    ("low", "Ich rufe Tagesordnungspunkt zwei auf, den Bebauungsplan am Mühlbach."),
]
VOICES = {"low": ["-v", "de", "-p", "5", "-s", "150"], "high": ["-v", "de+f3", "-p", "95", "-s", "150"]}


def _synthesise(target: Path) -> list[tuple[float, float, str, str]]:
    require_tool("espeak-ng", "sox", install="apt-get install espeak-ng sox")
    parts, turns, at = [], [], 0.0
    for index, (voice, text) in enumerate(TURNS):
        wav = target.parent / f"turn{index}.wav"
        subprocess.run(["espeak-ng", *VOICES[voice], "-w", str(wav), text], check=True)
        rate_wav = target.parent / f"turn{index}-16k.wav"
        subprocess.run(
            ["sox", str(wav), "-r", "16000", "-c", "1", str(rate_wav), "pad", "0", "1.0"], check=True
        )
        length = float(
            subprocess.run(["soxi", "-D", str(rate_wav)], capture_output=True, text=True, check=True).stdout
        )
        turns.append((at, at + length - 1.0, voice, text))
        at += length
        parts.append(str(rate_wav))
    subprocess.run(["sox", *parts, str(target)], check=True)
    return turns


def _run(sessions: sessionmaker[Session], settings: Settings, tenant_id: int, meeting_id: int) -> Job:
    """Queue the production pipeline job for the meeting and run it with the worker's JobRunner."""
    with open_session(sessions, tenant_id=tenant_id) as session:
        job_id = enqueue(
            session=session,
            kind=PIPELINE,
            params={"meeting_id": meeting_id},
            tenant_id=tenant_id,
            max_attempts=1,
        ).id
    JobRunner(sessions=sessions, settings=settings).execute(job_id)
    with open_session(sessions) as session:
        job = session.get(Job, job_id)
        assert job is not None
        return job


def test_segments_survive_json() -> None:
    segment = Segment(
        1.0, 2.5, "Guten Abend", "S2", (Word(1.0, 1.4, "Guten", 0.8), Word(1.5, 2.5, "Abend", 0.9))
    )
    assert segment_from_json(segment_to_json(segment)) == segment


def test_pipeline_job_stores_transcript_and_speakers(
    minutes_world: MinutesWorld, scripted_settings: Settings, scripted_ai: ScriptedAI, tmp_path: Path
) -> None:
    settings = scripted_settings
    audio = tmp_path / "sitzung.wav"
    turns = _synthesise(audio)
    scripted_ai.say([(start, end, text) for start, end, _voice, text in turns])
    with open_session(minutes_world.sessions, tenant_id=minutes_world.tenant_id) as session:
        meeting = session.get(Meeting, minutes_world.meeting_id)
        assert meeting is not None
        albers = session.scalars(select(Person).where(Person.name == "Bürgermeister Albers")).one()
        session.add(
            VoiceProfile(
                tenant_id=minutes_world.tenant_id,
                person_id=albers.id,
                consent_date=date(2025, 1, 10),
                embedding=[1.0, 0.0],
                model="pitch",
            )
        )
        half = audio.read_bytes()
        service.add_recording(
            session=session,
            meeting=meeting,
            files_dir=settings.files_dir,
            upload=io.BytesIO(half),
            filename="teil1.wav",
            max_bytes=10**8,
            uploaded_by_id=None,
            actor=minutes_world.actor,
        )
    job = _run(minutes_world.sessions, settings, minutes_world.tenant_id, minutes_world.meeting_id)
    assert job.status is JobStatus.SUCCEEDED, job.error
    assert (job.kind, job.progress) == (PIPELINE, 100)
    assert job.finished_stages == [STAGE_TITLES[name] for name in STAGES]
    assert job.result is not None
    assert (job.result["meeting_id"], job.result["transcribe"]["segments"]) == (minutes_world.meeting_id, 3)
    assert job.result["diarize"] == {"speakers": 2, "segments": 4}
    # the registry built the configured transcriber once, and the job gave it the meeting's vocabulary
    [transcriber] = scripted_ai.transcribers
    assert transcriber.calls
    hints = " ".join(transcriber.calls[0]["hotwords"])  # agenda titles, paper references and names
    assert all(word in hints for word in ("Mühlbach", "2023/0361", "Berends", "Cordes"))
    with open_session(minutes_world.sessions, tenant_id=minutes_world.tenant_id) as session:
        rows = session.scalars(select(TranscriptSegment).order_by(TranscriptSegment.position)).all()
        # the chair's call of item 1 starts its own segment: the opening words are not part of the item
        opening, call = turns[0][3].split(" und ", 1)
        assert [row.text for row in rows] == [opening, f"und {call}", *(text for *_, text in turns[1:])]
        labels = [row.speaker_label for row in rows]
        assert labels[0] == labels[1] == labels[3] != labels[2]
        speakers = {s.label: s for s in session.scalars(select(Speaker))}
        assert sorted(speakers) == ["S1", "S2"]
        chair = speakers[str(labels[0])]  # named after the enrolled voice profile (pitch backend)
        assert (chair.display_name, chair.named_by) == ("Bürgermeister Albers", "voice")
        assert speakers[str(labels[2])].person_id is None
        recording = session.scalars(select(Recording)).one()
        assert recording.duration_s == pytest.approx(turns[-1][1] + 1.0, abs=0.1)
        items = {item.number: item for item in session.scalars(select(AgendaItem))}
        assert items["1"].start_s == pytest.approx(rows[1].start_s)  # the call of item 1 opens it
        drafts = session.scalars(select(MinutesDraft)).all()
        assert drafts
        assert {draft.method for draft in drafts} == {"extractive"}  # RATHAUS_AI__LLM_BACKEND=none


def _upload(minutes_world: MinutesWorld, settings: Settings, path: Path) -> None:
    with open_session(minutes_world.sessions, tenant_id=minutes_world.tenant_id) as session:
        meeting = session.get(Meeting, minutes_world.meeting_id)
        assert meeting is not None
        service.add_recording(
            session=session,
            meeting=meeting,
            files_dir=settings.files_dir,
            upload=io.BytesIO(path.read_bytes()),
            filename=path.name,
            max_bytes=10**8,
            uploaded_by_id=None,
            actor=minutes_world.actor,
        )


def test_silent_recording_fails_readably(
    minutes_world: MinutesWorld, scripted_settings: Settings, tmp_path: Path
) -> None:
    settings = scripted_settings
    require_tool("sox", install="apt-get install sox")
    silent = tmp_path / "stille.wav"
    subprocess.run(["sox", "-n", "-r", "16000", "-c", "1", str(silent), "trim", "0", "3"], check=True)
    _upload(minutes_world, settings, silent)
    job = _run(minutes_world.sessions, settings, minutes_world.tenant_id, minutes_world.meeting_id)
    assert job.status is JobStatus.FAILED
    assert job.error is not None
    assert "Audio dekodieren" in job.error
    assert "still" in job.error.lower() or "stille" in job.error.lower()


def test_music_recording_fails_readably_and_can_be_retried(
    minutes_world: MinutesWorld, scripted_settings: Settings, tmp_path: Path
) -> None:
    settings = scripted_settings
    require_tool("sox", install="apt-get install sox")
    music = tmp_path / "musik.wav"
    chord = ["synth", "12", "pluck", "C4", "pluck", "E4", "pluck", "G4"]
    subprocess.run(["sox", "-n", "-r", "16000", "-c", "1", "-b", "16", str(music), *chord], check=True)
    _upload(minutes_world, settings, music)
    job = _run(minutes_world.sessions, settings, minutes_world.tenant_id, minutes_world.meeting_id)
    assert job.status is JobStatus.FAILED
    expected = f"Fehler im Schritt „Sprache erkennen (VAD)“: {MESSAGES_DE['music']}"
    assert job.error == expected
    assert "Musik statt gesprochener Sprache" in expected
    with open_session(minutes_world.sessions) as session:
        retried = retry_job(session=session, job_id=job.id, actor=minutes_world.actor)
        assert retried.status is JobStatus.QUEUED
    JobRunner(sessions=minutes_world.sessions, settings=settings).execute(job.id)
    with open_session(minutes_world.sessions) as session:
        again = session.get(Job, job.id)
        assert again is not None
        assert (again.status, again.error) == (JobStatus.FAILED, expected)  # the same clear message


def test_no_recording_fails_readably(minutes_world: MinutesWorld, scripted_settings: Settings) -> None:
    settings = scripted_settings
    job = _run(minutes_world.sessions, settings, minutes_world.tenant_id, minutes_world.meeting_id)
    assert job.status is JobStatus.FAILED
    assert (
        job.error
        == "Fehler im Schritt „Audio dekodieren“: Für diese Sitzung wurde keine Aufnahme hochgeladen."
    )


SESSION_LINES = [
    ("S1", "Ich eröffne die Sitzung und stelle die Beschlussfähigkeit fest."),
    ("S1", "Ich rufe Tagesordnungspunkt 2 auf, den Bebauungsplan Am Mühlbach."),
    ("S2", "Wir haben den Bebauungsplan im Ausschuss beraten und empfehlen die Zustimmung."),
    ("S1", "Ich bitte um Ihr Votum. Das ist einstimmig zugestimmt."),
    ("S1", "Ich rufe Tagesordnungspunkt 3 auf, die Grundstücksangelegenheit."),
    ("S3", "Der Kaufpreis für das Flurstück ist angemessen."),
    ("S1", "Damit ist der Verkauf mehrheitlich beschlossen."),
]


def _stored_transcript(world: MinutesWorld) -> None:
    with open_session(world.sessions, tenant_id=world.tenant_id) as session:
        for position, (label, text) in enumerate(SESSION_LINES):
            start = position * 10.0
            words = [
                [start + i * 0.5, start + i * 0.5 + 0.4, f" {w}", 0.9] for i, w in enumerate(text.split())
            ]
            session.add(
                TranscriptSegment(
                    tenant_id=world.tenant_id,
                    meeting_id=world.meeting_id,
                    position=position,
                    start_s=start,
                    end_s=start + 9.0,
                    speaker_label=label,
                    text=text,
                    words=words,
                )
            )
        for label, name in (("S1", "Bürgermeister Albers"), ("S2", "Anna Berends"), ("S3", None)):
            session.add(
                Speaker(
                    tenant_id=world.tenant_id, meeting_id=world.meeting_id, label=label, display_name=name
                )
            )


def test_align_decisions_and_draft_stages_write_the_minutes(
    minutes_world: MinutesWorld, settings: Settings
) -> None:
    from rathaus.core.audit.models import AIDraft  # noqa: PLC0415
    from rathaus.minutes.voting import parse_records  # noqa: PLC0415

    _stored_transcript(minutes_world)
    with open_session(minutes_world.sessions, tenant_id=minutes_world.tenant_id) as session:
        meeting = session.get(Meeting, minutes_world.meeting_id)
        assert meeting is not None
        csv = "TOP;Titel;Ja;Nein;Enthaltung\nN 3;Grundstücksangelegenheit Flurstück 12/4;19;4;2\n"
        records = parse_records(csv.encode())
        service.import_votes(session=session, meeting=meeting, records=records, actor=minutes_world.actor)
    run = PipelineRun(
        None,  # type: ignore[arg-type]
        minutes_world.meeting_id,
        Backends(transcriber=lambda: None, speaker_embedder=lambda: None),  # type: ignore[arg-type, return-value]
        settings,
    )
    for stage in (run.align, run.decisions, run.draft):
        with open_session(minutes_world.sessions, tenant_id=minutes_world.tenant_id) as session:
            stage(session)
    with open_session(minutes_world.sessions, tenant_id=minutes_world.tenant_id) as session:
        items = {i.number: i for i in session.scalars(select(AgendaItem))}
        assert items["2"].start_s == 10.0
        assert items["2"].result == "einstimmig zugestimmt"
        assert (items["3"].votes_yes, items["3"].votes_no, items["3"].votes_abstain) == (19, 4, 2)
        assert items["3"].votes_source == "record"
        drafts = {d.agenda_item_id: d for d in session.scalars(select(MinutesDraft))}
        draft = drafts[items["2"].id]
        assert draft.text
        assert draft.ai_draft_id is not None
        assert all(source["ranges"] and source["ranges"][0][0] >= 10.0 for source in draft.sources)
        ai = session.get(AIDraft, draft.ai_draft_id)
        assert ai is not None
        assert ai.output == draft.text
        assert ai.backend == "extractive"
        draft.text, draft.edited = "Von der Schriftführung geschrieben.", True
    with open_session(minutes_world.sessions, tenant_id=minutes_world.tenant_id) as session:
        run.draft(session)  # a re-run keeps what the clerk wrote
    with open_session(minutes_world.sessions, tenant_id=minutes_world.tenant_id) as session:
        kept = session.scalars(select(MinutesDraft).where(MinutesDraft.agenda_item_id == items["2"].id)).one()
        assert kept.text == "Von der Schriftführung geschrieben."


GERMAN = {
    "der",
    "die",
    "das",
    "den",
    "dem",
    "des",
    "und",
    "ist",
    "wird",
    "hat",
    "für",
    "im",
    "zu",
    "zur",
    "mit",
    "auf",
    "ein",
    "eine",
    "ich",
    "wir",
    "sie",
    "es",
    "nicht",
    "auch",
    "von",
    "berichtet",
}
ENGLISH = {"the", "and", "is", "of", "to", "we", "with", "this"}


@pytest.mark.model
@pytest.mark.slow
def test_draft_stage_with_a_real_llm_writes_an_audited_german_summary(
    minutes_world: MinutesWorld, settings: Settings, chat_model: object
) -> None:
    from rathaus.core.audit.models import AIDraft, AuditEvent  # noqa: PLC0415
    from rathaus.minutes import stages  # noqa: PLC0415

    _stored_transcript(minutes_world)
    backends = Backends(transcriber=lambda: None, speaker_embedder=lambda: None)  # type: ignore[arg-type, return-value]
    run = PipelineRun(None, minutes_world.meeting_id, backends, settings)  # type: ignore[arg-type]
    for stage in (run.align, run.decisions):  # rules only; the LLM writes the draft
        with open_session(minutes_world.sessions, tenant_id=minutes_world.tenant_id) as session:
            stage(session)
    with open_session(minutes_world.sessions, tenant_id=minutes_world.tenant_id) as session:
        meeting = session.get(Meeting, minutes_world.meeting_id)
        assert meeting is not None
        spans = stages.load_spans(run.dir / "spans.json")
        # one item to summarise keeps the model's work to one short answer
        only_two = [
            s if s.number == "2" else replace(s, first_segment=None, last_segment=None) for s in spans
        ]
        summary = stages.run_draft(
            session=session,
            meeting=meeting,
            segments=stored_segments(session, meeting.id),
            spans=only_two,
            decisions=stages.load_decisions(run.dir / "decisions.json"),
            chat=chat_model,
        )
        assert summary["method"] == "llm"
    with open_session(minutes_world.sessions, tenant_id=minutes_world.tenant_id) as session:
        item = session.scalars(select(AgendaItem).where(AgendaItem.number == "2")).one()
        draft = session.scalars(select(MinutesDraft).where(MinutesDraft.agenda_item_id == item.id)).one()
        assert draft.method == "llm"
        assert len(draft.text.split()) >= 5
        words = {w.strip('.,;:!?„“"()').lower() for w in draft.text.split()}
        assert words & GERMAN, draft.text  # German, not English
        assert not words & ENGLISH, draft.text
        assert all(source["ranges"][0][0] >= 10.0 for source in draft.sources[:-1])  # item 2 starts at 10 s
        ai = session.get(AIDraft, draft.ai_draft_id)
        assert ai is not None
        assert (ai.backend, ai.model_name, ai.output) == (
            "llama-cpp",
            "qwen2.5-coder-0.5b-instruct",
            draft.text,
        )
        assert ai.prompt_template == "minutes.draft.ergebnis"
        created = session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "ai.draft_created", AuditEvent.object_id == str(ai.id)
            )
        ).one()
        assert created.details["backend"] == "llama-cpp"
        assert created.details["purpose"] == "minutes.ergebnis"
