"""An imported transcript as the meeting's transcript: stored segments and named speakers.

``transcripts`` reads the file; here its segments replace the meeting's transcript, each speaker's
name becomes a named voice (``S1``, ``S2`` … with the name, linked to a known person of that name),
and the job ``minutes.transcript`` continues with the pipeline's stages from speaker naming on. A
recording uploaded with it is only for listening (``playback``), never transcribed.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from rathaus.core.audit.service import Actor, record
from rathaus.core.jobs import Job
from rathaus.minutes import service
from rathaus.minutes.audit_actions import MinutesAction
from rathaus.minutes.jobs import TRANSCRIPT
from rathaus.minutes.models import Meeting, Person, Speaker
from rathaus.minutes.pipeline import replace_transcript
from rathaus.minutes.transcript_speakers import speaker_key
from rathaus.minutes.transcripts import ImportedTranscript, TranscriptImportError
from rathaus.minutes.workflow import OPEN_STATES

NAMED_BY = "transcript"  # Speaker.named_by of names taken from an imported transcript


def transcript_imported(session: Session, meeting: Meeting) -> bool:
    """Whether the meeting's transcript came from an imported file (its last pipeline job says so)."""
    job = session.get(Job, meeting.pipeline_job_id) if meeting.pipeline_job_id else None
    return job is not None and job.kind == TRANSCRIPT


def import_transcript(
    *,
    session: Session,
    meeting: Meeting,
    transcript: ImportedTranscript,
    actor: Actor,
    filename: str | None = None,
    sha256: str | None = None,
) -> list[Speaker]:
    """Replace the meeting's transcript and voices by an imported transcript (audited); the named voices.

    Refused for approved minutes and while a job of the meeting runs. The agenda spans are cleared
    until the alignment runs again.
    """
    if meeting.status not in OPEN_STATES:
        msg = f"Die Niederschrift ist „{meeting.status.label}“; ihr Wortlaut bleibt unverändert."
        raise TranscriptImportError(msg)
    running = session.get(Job, meeting.pipeline_job_id) if meeting.pipeline_job_id else None
    if running is not None and running.status.active:
        msg = (
            f"Für diese Sitzung läuft gerade Auftrag {running.id} ({running.status.label}). "
            "Bitte warten Sie, bis er abgeschlossen ist."
        )
        raise TranscriptImportError(msg)
    names: dict[str, str] = {}  # one speaker per key, named as first written
    for name in transcript.speakers:
        names.setdefault(speaker_key(name), name)
    labels = {key: f"S{number}" for number, key in enumerate(names, start=1)}
    replace_transcript(
        session=session,
        meeting=meeting,
        segments=[
            replace(s, speaker=labels[speaker_key(s.speaker)] if s.speaker else None)
            for s in transcript.segments
        ],
    )
    speakers: list[Speaker] = []
    for key, name in names.items():
        speaker = Speaker(
            tenant_id=meeting.tenant_id,
            meeting_id=meeting.id,
            label=labels[key],
            display_name=name[:200],
            person_id=_person_id(session, name),
            named_by=NAMED_BY,
        )
        session.add(speaker)
        speakers.append(speaker)
    for item in service.agenda_of(session, meeting):
        item.start_s = item.end_s = item.alignment_method = None
    session.flush()
    record(
        session=session,
        actor=actor,
        action=MinutesAction.TRANSCRIPT_IMPORTED,
        object_type="meeting",
        object_id=meeting.id,
        details={
            "format": transcript.format,
            "filename": filename,
            "sha256": sha256,
            "cues": transcript.cues,
            "skipped_empty": transcript.skipped_empty,
            "segments": len(transcript.segments),
            "speakers": len(speakers),
        },
    )
    return speakers


def _person_id(session: Session, name: str) -> int | None:
    """The known person of exactly this name (with or without the faction in brackets), if one."""
    bare = " ".join(name.split("(", maxsplit=1)[0].split())
    person = session.scalar(select(Person).where(Person.name.in_({name, bare})).order_by(Person.id))
    return person.id if person else None
