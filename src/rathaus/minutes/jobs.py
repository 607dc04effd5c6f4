"""Background jobs of the Protokollhilfe: the pipeline and the audio retention sweep."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from rathaus.core.jobs import JobContext, job_kind

PIPELINE = "minutes.pipeline"
TRANSCRIPT = "minutes.transcript"
RETENTION = "minutes.retention"


@job_kind(PIPELINE, title="Protokollentwurf aus Aufnahme")
def pipeline(ctx: JobContext, *, meeting_id: int) -> dict[str, Any]:
    """Decode → VAD → ASR → diarize → name speakers → align → decisions → draft for one meeting."""
    from rathaus.minutes.pipeline import Backends, PipelineRun  # noqa: PLC0415 - keeps imports light

    settings = ctx.settings
    return PipelineRun(ctx, meeting_id, Backends.from_settings(settings), settings).run()


@job_kind(TRANSCRIPT, title="Protokollentwurf aus importiertem Wortlaut")
def transcript(ctx: JobContext, *, meeting_id: int) -> dict[str, Any]:
    """An imported transcript: recordings measured for playback, then name speakers → align → … → draft."""
    from rathaus.minutes.pipeline import Backends, PipelineRun  # noqa: PLC0415 - keeps imports light
    from rathaus.minutes.playback import measure_recordings  # noqa: PLC0415

    settings = ctx.settings
    playback = ctx.stage(
        "Aufnahme für die Wiedergabe vorbereiten",
        lambda session: measure_recordings(
            session=session, meeting_id=meeting_id, files_dir=settings.files_dir
        ),
    )
    summary = PipelineRun(ctx, meeting_id, Backends.from_settings(settings), settings).run(
        first="name_speakers"
    )
    return {**summary, "playback": playback}


@job_kind(RETENTION, title="Aufnahmen nach Ablauf der Aufbewahrungsfrist löschen", every=timedelta(days=1))
def retention(ctx: JobContext) -> dict[str, Any]:
    """Delete the tenant's recordings whose retention has run out (audited)."""
    from rathaus.minutes.workflow import sweep_audio  # noqa: PLC0415

    settings = ctx.settings
    removed = ctx.stage(
        "Aufnahmen löschen",
        lambda session: sweep_audio(session=session, files_dir=settings.files_dir),
        percent=100,
    )
    return {"deleted_recordings": removed}
