"""The minutes pipeline as resumable job stages.

decode → vad → transcribe → diarize → name_speakers → align → decisions → draft. Each stage reads
what earlier stages left in the meeting's work folder (``data/minutes/meeting-<id>/``) or in the
database, and returns a small JSON result; a job resumed after a crash skips finished stages. The
stage classes come from ``audio``, ``diarize``, ``speakers``, ``align``, ``decisions`` and ``draft``;
this module only wires them to the database. Heavy modules are imported inside the stages.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from rathaus.core.jobs import JobContext, JobError
from rathaus.core.storage import StoredFile, blob_path
from rathaus.minutes import service
from rathaus.minutes.config import MinutesSettings
from rathaus.minutes.models import Attendance, Meeting, Speaker, TranscriptSegment
from rathaus.minutes.schemas import Segment, Word

if TYPE_CHECKING:
    from rathaus.core.ai.protocols import SpeakerEmbedder, Transcriber
    from rathaus.core.config import PlatformSettings
    from rathaus.minutes.audio.decode import DecodedAudio
    from rathaus.minutes.audio.vad import SpeechRegion

logger = logging.getLogger(__name__)
STAGES = ("decode", "vad", "transcribe", "diarize", "name_speakers", "align", "decisions", "draft")
STAGE_TITLES = {
    "decode": "Audio dekodieren",
    "vad": "Sprache erkennen (VAD)",
    "transcribe": "Spracherkennung",
    "diarize": "Sprecher trennen",
    "name_speakers": "Sprecher benennen",
    "align": "Tagesordnung zuordnen",
    "decisions": "Beschlüsse und Abstimmungen",
    "draft": "Protokollentwurf",
}


@dataclass
class Backends:
    """The AI backends a pipeline run needs, built lazily (tests pass deterministic ones)."""

    transcriber: Callable[[], Transcriber]
    speaker_embedder: Callable[[], SpeakerEmbedder]
    chat: Callable[[], Any] | None = None

    @classmethod
    def from_settings(cls, settings: PlatformSettings) -> Backends:
        """The configured backends (models load on first use, inside the stage that needs them)."""
        from rathaus.core.ai.registry import AIRegistry  # noqa: PLC0415 - heavy

        registry = AIRegistry.from_settings(settings)

        def chat() -> Any:
            return registry.chat() if registry.enabled("llm") else None

        return cls(transcriber=registry.transcriber, speaker_embedder=registry.speaker_embedder, chat=chat)


# -- (de)serialising segments ----------------------------------------------------------------


def segment_to_json(segment: Segment) -> dict[str, Any]:
    """A segment as plain JSON (words as ``[start, end, text, probability]``)."""
    return {
        "start": segment.start,
        "end": segment.end,
        "text": segment.text,
        "speaker": segment.speaker,
        "words": [[w.start, w.end, w.text, w.probability] for w in segment.words],
    }


def segment_from_json(data: dict[str, Any]) -> Segment:
    """The inverse of ``segment_to_json``."""
    words = tuple(Word(float(w[0]), float(w[1]), str(w[2]), float(w[3])) for w in data.get("words", []))
    return Segment(float(data["start"]), float(data["end"]), str(data["text"]), data.get("speaker"), words)


def _write_json(path: Path, value: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_suffix(".tmp")
    temp.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    temp.replace(path)


def _read_segments(path: Path) -> list[Segment]:
    return [segment_from_json(item) for item in json.loads(path.read_text(encoding="utf-8"))]


def work_dir(settings: PlatformSettings, meeting_id: int) -> Path:
    """The folder of a meeting's intermediate files."""
    return settings.data_dir / "minutes" / f"meeting-{meeting_id}"


def stored_segments(session: Session, meeting_id: int) -> list[Segment]:
    """The transcript as it is in the database now (including the clerk's corrections)."""
    rows = session.scalars(
        select(TranscriptSegment)
        .where(TranscriptSegment.meeting_id == meeting_id)
        .order_by(TranscriptSegment.position)
    )
    return [
        Segment(
            r.start_s,
            r.end_s,
            r.text,
            r.speaker_label,
            tuple(Word(float(w[0]), float(w[1]), str(w[2]), float(w[3])) for w in r.words or []),
        )
        for r in rows
    ]


def replace_transcript(*, session: Session, meeting: Meeting, segments: Sequence[Segment]) -> None:
    """Store ``segments`` as the meeting's transcript: its earlier segments and speakers are removed."""
    session.execute(delete(TranscriptSegment).where(TranscriptSegment.meeting_id == meeting.id))
    session.execute(delete(Speaker).where(Speaker.meeting_id == meeting.id))
    for position, segment in enumerate(segments):
        session.add(
            TranscriptSegment(
                tenant_id=meeting.tenant_id,
                meeting_id=meeting.id,
                position=position,
                start_s=segment.start,
                end_s=segment.end,
                speaker_label=segment.speaker,
                text=segment.text,
                words=[[w.start, w.end, w.text, w.probability] for w in segment.words],
            )
        )


def hotwords(session: Session, meeting: Meeting) -> list[str]:
    """Vocabulary hints for speech-to-text: agenda titles, paper references, attendee names."""
    words: list[str] = []
    for item in service.agenda_of(session, meeting):
        words.append(item.title[:80])
        if item.paper_reference:
            words.append(item.paper_reference)
    attendance = session.scalars(select(Attendance).where(Attendance.meeting_id == meeting.id)).unique()
    words.extend(row.person.name for row in attendance)
    return list(dict.fromkeys(word for word in words if word.strip()))


# -- the run --------------------------------------------------------------------------------


class PipelineRun:
    """One run of the pipeline for one meeting inside a job."""

    def __init__(
        self, ctx: JobContext, meeting_id: int, backends: Backends, settings: PlatformSettings
    ) -> None:
        self.ctx = ctx
        self.meeting_id = meeting_id
        self.backends = backends
        self.settings = settings
        self.dir = work_dir(settings, meeting_id)

    def run(self, *, first: str = "decode") -> dict[str, Any]:
        """Run every stage from ``first`` on that has not finished yet; return a summary for the job page.

        An imported transcript starts at ``name_speakers``; the progress then spans only those stages.
        """
        from rathaus.minutes.audio.decode import AudioError  # noqa: PLC0415

        summary: dict[str, Any] = {"meeting_id": self.meeting_id}
        steps: list[tuple[str, Callable[[Session], Any], float]] = [
            ("decode", self.decode, 8),
            ("vad", self.vad, 12),
            ("transcribe", self.transcribe, 60),
            ("diarize", self.diarize, 75),
            ("name_speakers", self.name_speakers, 78),
            ("align", self.align, 85),
            ("decisions", self.decisions, 92),
            ("draft", self.draft, 100),
        ]
        skip = STAGES.index(first)
        base = steps[skip - 1][2] if skip else 0.0
        for name, work, percent in steps[skip:]:
            try:
                share = 100 * (percent - base) / (100 - base)
                summary[name] = self.ctx.stage(STAGE_TITLES[name], work, percent=share)
            except AudioError as error:
                raise JobError(error.message_de, retry=False) from error
        return summary

    def _meeting(self, session: Session) -> Meeting:
        meeting = session.get(Meeting, self.meeting_id)
        if meeting is None:
            raise JobError("Die Sitzung gibt es nicht mehr.", retry=False)
        return meeting

    def _audio(self) -> DecodedAudio:
        from rathaus.minutes.audio.decode import DecodedAudio, SourceFile  # noqa: PLC0415

        data = json.loads((self.dir / "decoded.json").read_text(encoding="utf-8"))
        return DecodedAudio(
            path=Path(data["path"]),
            duration=float(data["duration"]),
            sources=tuple(SourceFile(**source) for source in data["sources"]),
        )

    def _regions(self) -> list[SpeechRegion]:
        from rathaus.minutes.audio.vad import SpeechRegion  # noqa: PLC0415

        return [SpeechRegion(float(a), float(b)) for a, b in json.loads((self.dir / "vad.json").read_text())]

    def decode(self, session: Session) -> dict[str, Any]:
        """Decode every recording, in order, into one 16 kHz mono WAV."""
        from rathaus.minutes.audio.decode import decode_recordings  # noqa: PLC0415

        meeting = self._meeting(session)
        recordings = [r for r in service.recordings_of(session, meeting) if r.deleted_at is None]
        if not recordings:
            raise JobError("Für diese Sitzung wurde keine Aufnahme hochgeladen.", retry=False)
        paths = []
        for recording in recordings:
            stored = session.get(StoredFile, recording.file_id)
            if stored is None or stored.deleted_at is not None:
                raise JobError(f"Die Aufnahme {recording.position + 1} wurde gelöscht.", retry=False)
            paths.append(blob_path(self.settings.files_dir, stored.sha256))
        limit = self.settings.section(MinutesSettings).max_recording_seconds
        decoded = decode_recordings(paths, self.dir, max_seconds=limit)
        for recording, source in zip(recordings, decoded.sources, strict=True):
            recording.offset_s, recording.duration_s = source.offset, source.duration
        _write_json(
            self.dir / "decoded.json",
            {
                "path": str(decoded.path),
                "duration": decoded.duration,
                "sources": [vars(s) for s in decoded.sources],
            },
        )
        return {"duration": round(decoded.duration, 2), "files": len(paths)}

    def vad(self, _session: Session) -> dict[str, Any]:
        """Find the stretches of speech."""
        from rathaus.minutes.audio.vad import DetectSpeech  # noqa: PLC0415

        regions = DetectSpeech().run(self._audio())
        _write_json(self.dir / "vad.json", [[r.start, r.end] for r in regions])
        return {"regions": len(regions), "speech_seconds": round(sum(r.end - r.start for r in regions), 1)}

    def transcribe(self, session: Session) -> dict[str, Any]:
        """Speech-to-text with word times; agenda, papers and names as vocabulary hints."""
        from rathaus.minutes.audio.transcribe import Transcribe  # noqa: PLC0415

        words = hotwords(session, self._meeting(session))
        language = self.settings.section(MinutesSettings).asr_language
        stage = Transcribe(self.backends.transcriber(), language=language)
        result = stage.run(
            self._audio(),
            hotwords=words,
            regions=self._regions(),
            on_progress=lambda share: self.ctx.progress(12 + 48 * share),
        )
        _write_json(self.dir / "transcript.json", [segment_to_json(s) for s in result.segments])
        return {"segments": len(result.segments), "words": result.word_count, "language": result.language}

    def diarize(self, session: Session) -> dict[str, Any]:
        """Label the voices S1, S2, … and store the transcript with speakers."""
        from rathaus.minutes.audio.diarize import Diarize  # noqa: PLC0415

        segments = _read_segments(self.dir / "transcript.json")
        result = Diarize(self.backends.speaker_embedder()).run(
            self._audio(), segments, regions=self._regions()
        )
        _write_json(self.dir / "diarized.json", [segment_to_json(s) for s in result.segments])
        meeting = self._meeting(session)
        replace_transcript(session=session, meeting=meeting, segments=result.segments)
        for label in dict.fromkeys([*result.labels, *(s.speaker for s in result.segments if s.speaker)]):
            session.add(
                Speaker(
                    tenant_id=meeting.tenant_id,
                    meeting_id=meeting.id,
                    label=label,
                    embedding=result.voices.get(label),
                )
            )
        return {"speakers": len(result.labels), "segments": len(result.segments)}

    def name_speakers(self, session: Session) -> dict[str, Any]:
        """Name voices after enrolled voice profiles (with consent); the rest the clerk names."""
        from rathaus.minutes.audio import speakers  # noqa: PLC0415 - numpy and scipy only when the job runs
        from rathaus.minutes.stages import run_name_speakers  # noqa: PLC0415

        return run_name_speakers(session=session, meeting=self._meeting(session), module=speakers)

    def align(self, session: Session) -> dict[str, Any]:
        """Find where each agenda item starts and ends."""
        from rathaus.minutes.conventions import conventions_for  # noqa: PLC0415
        from rathaus.minutes.stages import save_spans  # noqa: PLC0415
        from rathaus.minutes.text.align import AlignAgenda  # noqa: PLC0415

        meeting = self._meeting(session)
        items = service.agenda_of(session, meeting)
        stage = AlignAgenda(conventions=conventions_for(session=session, meeting=meeting))
        spans = stage.run(stored_segments(session, meeting.id), service.entries_of(session, items))
        found = 0
        for item, span in zip(items, spans, strict=True):
            item.start_s, item.end_s, item.alignment_method = span.start, span.end, span.method
            found += span.found
        self.dir.mkdir(parents=True, exist_ok=True)
        save_spans(self.dir / "spans.json", spans)
        return {"items": len(items), "found": found}

    def decisions(self, session: Session) -> dict[str, Any]:
        """Motions, resolutions and votes per item (imported voting records win)."""
        from rathaus.minutes.stages import load_spans, run_decisions  # noqa: PLC0415

        meeting = self._meeting(session)
        return run_decisions(
            session=session,
            meeting=meeting,
            segments=stored_segments(session, meeting.id),
            spans=load_spans(self.dir / "spans.json"),
            chat=self._chat(),
            path=self.dir / "decisions.json",
        )

    def draft(self, session: Session) -> dict[str, Any]:
        """Draft minutes, every sentence with the time ranges it came from."""
        from rathaus.minutes.stages import load_decisions, load_spans, run_draft  # noqa: PLC0415

        meeting = self._meeting(session)
        return run_draft(
            session=session,
            meeting=meeting,
            segments=stored_segments(session, meeting.id),
            spans=load_spans(self.dir / "spans.json"),
            decisions=load_decisions(self.dir / "decisions.json"),
            chat=self._chat(),
        )

    def _chat(self) -> Any:
        """The LLM when one is configured and installed; without one the stages work extractively."""
        if self.backends.chat is None:
            return None
        try:
            return self.backends.chat()
        except Exception:  # a missing model must not stop the minutes: the draft is then extractive
            logger.warning("no chat model available; drafting extractively", exc_info=True)
            return None
