"""Route of the transcript import: a reviewed WebVTT, SRT or JSON transcript instead of a recording."""

from __future__ import annotations

import hashlib
from typing import Annotated

from fastapi import APIRouter, File, Request, UploadFile, status
from fastapi.responses import RedirectResponse, Response

from rathaus.core.security.uploads import UploadRejectedError, format_size
from rathaus.minutes import service, transcript_import
from rathaus.minutes.config import MinutesSettings
from rathaus.minutes.jobs import TRANSCRIPT
from rathaus.minutes.transcripts import TranscriptImportError, parse_transcript
from rathaus.minutes.web.common import PREFIX, meeting_or_404
from rathaus.minutes.web.meetings import meeting_response, queue_pipeline
from rathaus.web.deps import Context, MinutesClerk, TenantSession, actor_of, flash

router = APIRouter(prefix=PREFIX, tags=["Protokollhilfe"])


@router.post("/wortlaut/{meeting_id}", summary="Transkript importieren (WebVTT, SRT oder JSON)")
def import_transcript(
    request: Request,
    meeting_id: int,
    user: MinutesClerk,
    session: TenantSession,
    context: Context,
    datei: Annotated[UploadFile | None, File()] = None,
    aufnahmen: Annotated[list[UploadFile] | None, File()] = None,
) -> Response:
    """Store the transcript (and recordings for playback), then draft the minutes from it as a job."""
    meeting = meeting_or_404(session, meeting_id)
    minutes = context.settings.section(MinutesSettings)
    try:
        if datei is None or not datei.filename:
            raise TranscriptImportError("Bitte wählen Sie eine Transkript-Datei aus (WebVTT, SRT oder JSON).")
        data = datei.file.read(minutes.max_transcript_bytes + 1)
        if len(data) > minutes.max_transcript_bytes:
            limit = format_size(minutes.max_transcript_bytes)
            raise TranscriptImportError(f"Die Transkript-Datei ist größer als {limit}.")
        if not service.agenda_of(session, meeting):
            raise TranscriptImportError(
                "Die Tagesordnung enthält keine Punkte. Bitte geben Sie sie zuerst ein."
            )
        transcript = parse_transcript(data, filename=datei.filename)
        speakers = transcript_import.import_transcript(
            session=session,
            meeting=meeting,
            transcript=transcript,
            actor=actor_of(user),
            filename=datei.filename,
            sha256=hashlib.sha256(data).hexdigest(),
        )
        for upload in sorted((u for u in aufnahmen or [] if u.filename), key=lambda u: u.filename or ""):
            service.add_recording(
                session=session,
                meeting=meeting,
                files_dir=context.settings.files_dir,
                upload=upload,
                max_bytes=minutes.max_recording_bytes,
                uploaded_by_id=user.id,
                actor=actor_of(user),
            )
    except TranscriptImportError as problem:
        session.rollback()
        meeting = meeting_or_404(session, meeting_id)
        return meeting_response(request, session, meeting, context, error=str(problem), status_code=400)
    except UploadRejectedError as rejected:
        session.rollback()
        meeting = meeting_or_404(session, meeting_id)
        message = f"Die Aufnahme zum Anhören wurde nicht angenommen: {rejected.message}"
        return meeting_response(
            request, session, meeting, context, error=message, status_code=rejected.status_code
        )
    job = queue_pipeline(session, meeting, TRANSCRIPT, user, context)
    skipped = f", {transcript.skipped_empty} leere Einträge übersprungen" if transcript.skipped_empty else ""
    flash(
        request,
        f"Das Transkript ({transcript.format_label}) wurde übernommen: "
        f"{len(transcript.segments)} Abschnitte, {len(speakers)} Sprecherinnen und Sprecher{skipped}. "
        f"Der Protokollentwurf wird als Auftrag {job.id} erstellt.",
    )
    return RedirectResponse(f"/auftraege/{job.id}", status_code=status.HTTP_303_SEE_OTHER)
